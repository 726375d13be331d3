import { loadLabs } from "./load.js";

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function checkCommand(files: string[]): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  for (const lab of labs) {
    const checks = lab.steps.filter((s) => s.kind === "check").length;
    const matrices = lab.steps.filter((s) => s.kind === "matrix").length;
    process.stdout.write(
      `${lab.file}: ok — ${lab.name}: ${count(lab.hosts.length, "host")}, ${count(lab.networks.length, "network")}, ` +
        `${count(lab.steps.length, "step")} (${count(checks, "check")}, ${count(matrices, "matrix", "matrices")})\n`,
    );
  }
  return 0;
}
