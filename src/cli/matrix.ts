// `ipvlab matrix LAB`: just the lab's matrices, from the simulator, each
// failed cell with the reason its ping's trace gives; or, with --after, a
// matrix taken in the state after a given step.

import type { MatrixResult } from "../engines/result.js";
import { explainMatrices, explainMatrix } from "../engines/sim/explain.js";
import { runMatrix } from "../engines/sim/matrix.js";
import { runLabInSim } from "../engines/sim/run.js";
import { snapshotWorld } from "../engines/sim/world.js";
import { matrixChecklist, matrixGrid, matrixSummary, matrixTooLarge } from "../report/matrix.js";
import { loadLabs } from "./load.js";
import { UsageError } from "./errors.js";
import { setupProblems } from "./problems.js";
import { stepsBefore } from "./trace.js";

export interface MatrixFlags {
  after?: string;
  markdown?: boolean;
  json?: boolean;
}

function matrixText(m: MatrixResult): string {
  if (matrixTooLarge(m)) return [`matrix "${m.name}"`, ...matrixSummary(m), ""].join("\n");
  const failed = m.cells.filter((c) => !c.ok);
  const reasons = failed.map((c) => `  ✗ ${c.from} → ${c.to}${c.reason ? `: ${c.reason}` : ""}`);
  return [`matrix "${m.name}"`, matrixGrid(m), ...(reasons.length ? ["", ...reasons] : []), ""].join("\n");
}

export async function matrixCommand(file: string, f: MatrixFlags): Promise<number> {
  if (f.markdown && f.json) throw new UsageError("--markdown and --json: choose one");
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  let matrices: MatrixResult[];
  let code: number;
  if (f.after !== undefined) {
    const { count, label } = stepsBefore(lab!, f.after);
    const { world, result } = await runLabInSim(lab!, { steps: count });
    code = setupProblems(result);
    const before = snapshotWorld(world);
    const { result: m, limits } = runMatrix(`after ${label}`, lab!, world.kernels, world.sim);
    await explainMatrix(lab!, { before, limits, steps: count }, m);
    matrices = [m];
  } else {
    const run = await runLabInSim(lab!, { forkBeforeMatrix: true });
    const result = run.result;
    code = setupProblems(result);
    await explainMatrices(lab!, run);
    matrices = result.steps.filter((s): s is MatrixResult => s.kind === "matrix");
    if (matrices.length === 0) throw new UsageError(`${lab!.name} has no matrix step: give --after STEP to take one`);
  }
  if (f.json) process.stdout.write(`${JSON.stringify(matrices, null, 2)}\n`);
  else if (f.markdown) process.stdout.write(matrices.map((m) => [`### ${m.name}`, "", ...(matrixTooLarge(m) ? matrixSummary(m).map((l) => l.slice(2)) : matrixChecklist(m)), ""].join("\n")).join("\n"));
  else process.stdout.write(matrices.map(matrixText).join("\n"));
  return code;
}
