import { lintLab } from "../engines/sim/script-lint.js";
import { formatDiagnostic, sortDiagnostics } from "../lab/errors.js";
import { EXIT } from "./errors.js";
import { loadLabs } from "./load.js";
import { count } from "../plural.js";


/** Validates labs and reads their scripts without running anything: exit 2 for anything that cannot run as written. */
export async function checkCommand(files: string[]): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  let errors = 0;
  for (const lab of labs) {
    const checks = lab.steps.filter((s) => s.kind === "check").length;
    const matrices = lab.steps.filter((s) => s.kind === "matrix").length;
    const found = sortDiagnostics(lintLab(lab));
    errors += found.filter((d) => d.severity === "error").length;
    for (const d of found) process.stderr.write(`${formatDiagnostic(d)}\n`);
    const verdict = found.length === 0 ? "ok" : `${count(found.length, "problem")}`;
    process.stdout.write(
      `${lab.file}: ${verdict} — ${lab.name}: ${count(lab.hosts.length, "host")}, ${count(lab.networks.length, "network")}, ` +
        `${count(lab.steps.length, "step")} (${count(checks, "check")}, ${count(matrices, "matrix", "matrices")})\n`,
    );
  }
  return errors ? EXIT.usage : EXIT.ok;
}
