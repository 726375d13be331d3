import { loadLabs } from "./load.js";

export async function checkCommand(files: string[]): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  for (const lab of labs) {
    const checks = lab.steps.filter((s) => s.kind === "check").length;
    const matrices = lab.steps.filter((s) => s.kind === "matrix").length;
    process.stdout.write(`${lab.file}: ok — ${lab.name}: ${lab.hosts.length} hosts, ${lab.networks.length} networks, ${lab.steps.length} steps (${checks} checks, ${matrices} matrices)\n`);
  }
  return 0;
}
