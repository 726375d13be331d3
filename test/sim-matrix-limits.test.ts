// A matrix sends all its pings at once, so it can meet limits no single ping
// meets; a failed cell whose ping succeeds alone says which.

import assert from "node:assert/strict";
import { test } from "node:test";
import { explainCell } from "../src/engines/sim/explain.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import type { MatrixResult } from "../src/engines/result.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { oneBridgeLab } from "../bench/labs.js";

test("34 namespaces on a bridge fill the kernel's one neighbour table (gc_thresh3 = 1024): the cells past it fail, and their reasons say so", async () => {
  const { lab } = parseYamlLab("bridged.lab.yaml", oneBridgeLab(34, { slash24: true }));
  const run = await runLabInSim(lab, { forkBeforeMatrix: true });
  const m = run.result.steps.find((s): s is MatrixResult => s.kind === "matrix")!;
  const ctx = run.matrices.get(run.result.steps.indexOf(m))!;
  assert.equal(m.cells.length, 34 * 33);
  assert.deepEqual(ctx.limits.neighTableFull, [{ host: "h", gcThresh3: 1024 }]);
  const failed = m.cells.filter((c) => !c.ok);
  assert.ok(failed.length >= 34 * 33 - 1024, `${failed.length} failed: every ping past the 1024th entry at least`);
  const e = await explainCell(lab, ctx, m, failed.at(-1)!);
  assert.match(e.cause ?? "", /^alone, this ping succeeds \(.*\), but not with all the matrix's pings at once: they filled the neighbour table, which one kernel shares across all its namespaces \(gc_thresh3: h's holds 1024\), and the kernel refused new entries \("neighbor table overflow!"\)$/);
});

test("31 namespaces stay under it: every cell succeeds", async () => {
  const { lab } = parseYamlLab("bridged.lab.yaml", oneBridgeLab(31, { slash24: true }));
  const run = await runLabInSim(lab);
  const m = run.result.steps.find((s): s is MatrixResult => s.kind === "matrix")!;
  assert.ok(m.cells.every((c) => c.ok));
});
