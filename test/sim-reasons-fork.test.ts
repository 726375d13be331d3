// A matrix's reasons come from each failed cell's ping traced on a fork of
// the world as the matrix found it (engines/sim/explain.ts). Here such a
// trace and reason is held to the one a full re-run of the lab up to that
// matrix gives, for every example and golden lab: each lab's own matrices,
// and one taken after its last step (as `ipvlab matrix --after`). Every cell
// of a matrix; of a large one (1,122 cells), where its answers turn and an
// even spread.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { MatrixResult } from "../src/engines/result.js";
import { unsimulatedKind } from "../src/engines/sim.js";
import { cellCommand, explainMatrices, explainMatrix, explainTracedCell, labStepsBefore, traceAfter, traceOn } from "../src/engines/sim/explain.js";
import { runMatrix, type MatrixContext } from "../src/engines/sim/matrix.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { snapshotWorld } from "../src/engines/sim/world.js";
import { loadLabFile } from "../src/lab/load.js";
import type { Lab } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { exampleAndGoldenLabs } from "./helpers.js";

/** Cells of a matrix held to a re-run: all of a small one; of a large one, where it turns from answered to failed and back, and an even spread. */
const MAX_CELLS = 60;

function cellsToCheck(m: MatrixResult): MatrixResult["cells"] {
  if (m.cells.length <= MAX_CELLS) return m.cells;
  const turns = m.cells.flatMap((c, i) => (i > 0 && c.ok !== m.cells[i - 1]!.ok ? [i - 1, i] : [])).slice(0, MAX_CELLS / 2);
  const stride = Math.ceil(m.cells.length / (MAX_CELLS / 2));
  const spread = Array.from({ length: Math.ceil(m.cells.length / stride) }, (_, k) => k * stride);
  return [...new Set([...turns, ...spread])].sort((a, b) => a - b).map((i) => m.cells[i]!);
}

/** The cells of m (failed ones carry the reason the fork gave): each one's trace and reason on a fork, and after a re-run of `steps` of the lab's steps. */
async function sameAsRerun(lab: Lab, ctx: MatrixContext, steps: number, m: MatrixResult): Promise<number> {
  let failed = 0;
  for (const cell of cellsToCheck(m)) {
    const command = cellCommand(m, cell);
    const onFork = await traceOn(lab, ctx.before.copy(), ctx.steps, "", command);
    const rerun = await traceAfter(lab, steps, "", () => command);
    assert.deepEqual(onFork, rerun, `${m.name}: ${cell.from} → ${cell.to}: the trace`);
    const e = explainTracedCell(rerun, cell, ctx.limits);
    assert.deepEqual(explainTracedCell(onFork, cell, ctx.limits), e);
    if (!cell.ok) {
      failed++;
      assert.equal(cell.reason, e.cause ?? undefined, `${m.name}: ${cell.from} → ${cell.to}: the reason`);
      assert.deepEqual(cell.factors, e.factors.length ? e.factors : undefined);
    }
  }
  return failed;
}

describe("a matrix's reasons on a fork are a full re-run's", () => {
  for (const file of exampleAndGoldenLabs()) {
    const { lab } = loadLabFile(join(packageRoot, file));
    if (unsimulatedKind(lab)) continue;
    test(file, async () => {
      const run = await runLabInSim(lab, { forkBeforeMatrix: true });
      await explainMatrices(lab, run);
      for (const [i, s] of run.result.steps.entries()) {
        if (s.kind !== "matrix") continue;
        assert.equal(run.matrices.get(i)!.steps, labStepsBefore(run.result, i));
        await sameAsRerun(lab, run.matrices.get(i)!, labStepsBefore(run.result, i), s);
      }
      const { world } = await runLabInSim(lab);
      const before = snapshotWorld(world);
      const { result: last, limits } = runMatrix("after the last step", lab, world.kernels, world.sim);
      await explainMatrix(lab, { before, limits, steps: lab.steps.length }, last);
      await sameAsRerun(lab, { before, limits, steps: lab.steps.length }, lab.steps.length, last);
    });
  }
});
