// A large matrix: its failed cells past what its size lets the simulator
// trace alone take the kernel's own refusal as their reason, and the text
// report summarises it instead of printing a grid and a pair list.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Endpoint, LabResult, MatrixResult } from "../src/engines/result.js";
import { explainMatrix, tracedCells, tracedSample } from "../src/engines/sim/explain.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { oneBridgeLab } from "../bench/labs.js";
import { plain, resultText } from "../src/report/text.js";

test("the failed cells traced alone: all of a small matrix's, an even spread of a large one's", () => {
  assert.deepEqual(tracedSample(4, 10), [0, 1, 2, 3]);
  assert.deepEqual(tracedSample(10, 4), [0, 2, 5, 7]);
  assert.ok(tracedCells(30) >= 30 * 29, "a 30-endpoint matrix traces every cell");
  assert.ok(tracedCells(1000) < 100);
});

test("60 namespaces on one bridge: the sends the full neighbour table refused say so, the cells traced alone say what their trace says", async () => {
  const { lab } = parseYamlLab("bridged.lab.yaml", oneBridgeLab(60, { slash24: true }));
  const run = await runLabInSim(lab, { forkBeforeMatrix: true });
  const i = run.result.steps.findIndex((s) => s.kind === "matrix");
  const m = run.result.steps[i] as MatrixResult;
  const ctx = run.matrices.get(i)!;
  assert.deepEqual(ctx.limits.refusedBy, [{ host: "h", gcThresh3: 1024 }]);
  const refused = m.cells.filter((_, c) => ctx.limits.sendRefused[c] === 1);
  assert.ok(refused.length > 60 * 59 - 2 * 1024, `${refused.length} sends refused`);
  assert.ok(refused.every((c) => !c.ok));
  await explainMatrix(lab, ctx, m, undefined, 5);
  const alone = m.cells.filter((c) => c.reason?.startsWith("alone, this ping succeeds"));
  const byRefusal = m.cells.filter((c) => /^with all the matrix's pings at once, h's neighbour table, .*gc_thresh3: 1024.*"neighbor table overflow!"/.test(c.reason ?? ""));
  assert.equal(alone.length, 5);
  assert.equal(byRefusal.length + refused.filter((c) => alone.includes(c)).length, refused.length);
  // Each send's softirq runs before the next, so every send the table took is answered (as on uml 6.1).
  assert.equal(m.cells.filter((c) => !c.ok).length, refused.length);
});

test("a matrix of more than 100 endpoints is summarised: counts, reasons grouped, no grid", () => {
  const endpoints: Endpoint[] = Array.from({ length: 101 }, (_, k) => ({ id: `h/n${k}:eth0`, host: "h", netns: `n${k}`, dev: "eth0", address: `10.0.0.${k}` }));
  const cells = endpoints.flatMap((a, x) => endpoints.filter((_, y) => y !== x).map((b, y) => ({ from: a.id, to: b.id, ok: x === 0, ...(x > 0 && y % 2 ? { reason: "r1" } : x > 50 ? { reason: "r2" } : {}) })));
  const m: MatrixResult = { kind: "matrix", name: "all", endpoints, cells };
  const r: LabResult = { lab: "big", engine: "sim", kernel: "sim", steps: [m], diagnostics: [] };
  const text = resultText(r, plain);
  assert.doesNotMatch(text, /✓|<-->/);
  assert.match(text, /101 endpoints .*10,100 cells: 100 answered, 10,000 failed/);
  assert.match(text, /endpoints with every ping answered: 1; with none answered: 100; the rest: 0/);
  const failed = cells.filter((c) => !c.ok);
  const n = (reason?: string) => failed.filter((c) => c.reason === reason).length.toLocaleString("en-US");
  assert.match(text, new RegExp(`- ${n("r1")} ×, first h/n1:eth0 ---> h/n2:eth0 — r1`));
  assert.match(text, new RegExp(`- ${n("r2")} ×, first h/n51:eth0 ---> h/n0:eth0 — r2`));
  assert.match(text, new RegExp(`- ${n(undefined)} × with no reason`));
});
