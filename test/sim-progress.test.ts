// A matrix says where it is through the engine's onProgress: its pings sent,
// how many were answered, and its failed cells' reasons as they are found,
// a few lines a second at most however many cells there are.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { MatrixResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { throttled } from "../src/engines/sim/progress.js";
import { loadLabFile } from "../src/lab/load.js";
import { example } from "./helpers.js";

test("a matrix's progress: pings sent, cells ok, then its reasons, before the next step", async () => {
  const lines: string[] = [];
  const [r] = await new SimEngine().runMany([loadLabFile(example("seed-ipvlan-l2.lab.yaml")).lab], { reasons: true, onProgress: (l) => lines.push(l) });
  const at = lines.indexOf('step 5 of 16: matrix "before host routes"');
  assert.ok(at >= 0, lines.join("\n"));
  assert.deepEqual(lines.slice(at + 1, at + 6), [
    'matrix "before host routes": 28 pings sent, waiting 900 ms for their answers',
    'matrix "before host routes": 20 of 28 cells ok, 8 failed',
    'matrix "before host routes": finding the reasons of 8 failed cells, each ping traced alone',
    'matrix "before host routes": all 8 failed cells have their reason',
    "step 6 of 16: the note's host routes",
  ]);
  const m = r!.steps.find((s): s is MatrixResult => s.kind === "matrix")!;
  assert.ok(m.cells.every((c) => c.ok || c.reason), "every failed cell has its reason");
});

test("without reasons asked for, no cell is explained", async () => {
  const lines: string[] = [];
  const [r] = await new SimEngine().runMany([loadLabFile(example("seed-ipvlan-l2.lab.yaml")).lab], { onProgress: (l) => lines.push(l) });
  assert.ok(!lines.some((l) => l.includes("reason")));
  assert.ok(r!.steps.every((s) => s.kind !== "matrix" || s.cells.every((c) => c.reason === undefined)));
});

test("reasons' progress is said at most once a second, with the first and the last always", () => {
  let clock = 0;
  const said: number[] = [];
  const report = throttled((p) => said.push(p.done), () => clock);
  for (let done = 0; done <= 3000; done++, clock += 1) report({ matrix: "m", done, failed: 3000 });
  assert.equal(said[0], 0);
  assert.equal(said.at(-1), 3000);
  assert.ok(said.length <= 5, `${said.length} lines in 3 s`);
});
