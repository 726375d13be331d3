// `ipvlab matrix LAB`: just the lab's matrices, from the simulator, each
// failed cell with the reason its ping's trace gives; or, with --after, a
// matrix taken in the state after a given step.

import type { MatrixResult } from "../engines/result.js";
import { explainMatrices, explainMatrix } from "../engines/sim/explain.js";
import { runMatrix } from "../engines/sim/matrix.js";
import { runLabInSim } from "../engines/sim/run.js";
import { snapshotWorld } from "../engines/sim/world.js";
import { matrixLegend, matrixChecklist, matrixGrid, matrixSummary, matrixTooLarge, reasonLines } from "../report/matrix.js";
import { reasonsMarkdown } from "../report/markdown.js";
import type { Style } from "../report/text.js";
import { styleFor } from "./style.js";
import { loadLabs } from "./load.js";
import { UsageError } from "./errors.js";
import { setupProblems } from "./problems.js";
import { stepsBefore } from "./trace.js";
import { END_MATRIX } from "../lab/types.js";

export interface MatrixFlags {
  after?: string;
  markdown?: boolean;
  json?: boolean;
}

function matrixText(m: MatrixResult, st: Style): string {
  if (matrixTooLarge(m)) return [st.bold(`matrix "${m.name}"`), ...matrixSummary(m), ""].join("\n");
  const reasons = reasonLines(m, st);
  return [st.bold(`matrix "${m.name}"`), matrixGrid(m, st), st.dim(matrixLegend(m)), ...(reasons.length ? ["", ...reasons] : []), ""].join("\n");
}

export async function matrixCommand(file: string, f: MatrixFlags): Promise<number> {
  if (f.markdown && f.json) throw new UsageError("--markdown and --json: choose one");
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  let matrices: MatrixResult[];
  let code: number;
  // A lab without a matrix step: the matrix at its end, as a shell-script lab has one.
  const atEnd = f.after === undefined && !lab!.steps.some((s) => s.kind === "matrix");
  if (atEnd) process.stderr.write(`ipvlab: ${lab!.name} has no matrix step: the matrix at the end of the lab (\`matrix: true\` at the top of the lab has \`ipvlab run\` take it too)\n`);
  if (f.after !== undefined || atEnd) {
    const { count, label } = atEnd ? { count: lab!.steps.length, label: "" } : stepsBefore(lab!, f.after);
    const { world, result } = await runLabInSim(lab!, { steps: count });
    code = setupProblems(result);
    const before = snapshotWorld(world);
    const { result: m, limits } = runMatrix(atEnd ? END_MATRIX : `after ${label}`, lab!, world.kernels, world.sim);
    await explainMatrix(lab!, { before, limits, steps: count }, m);
    matrices = [m];
  } else {
    const run = await runLabInSim(lab!, { forkBeforeMatrix: true });
    const result = run.result;
    code = setupProblems(result);
    await explainMatrices(lab!, run);
    matrices = result.steps.filter((s): s is MatrixResult => s.kind === "matrix");
  }
  if (f.json) process.stdout.write(`${JSON.stringify(matrices, null, 2)}\n`);
  else if (f.markdown)
    process.stdout.write(
      matrices.map((m) => [`### ${m.name}`, "", ...(matrixTooLarge(m) ? matrixSummary(m).map((l) => l.slice(2)) : [...matrixChecklist(m, { reasons: false }), ...reasonsMarkdown(m)]), ""].join("\n")).join("\n"),
    );
  else process.stdout.write(matrices.map((m) => matrixText(m, styleFor())).join("\n"));
  return code;
}
