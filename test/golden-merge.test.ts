import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabResult } from "../src/engines/result.js";
import { mergeRuns } from "../src/golden/merge.js";

function run(cellOk: boolean, exit: number): LabResult {
  return {
    lab: "t",
    engine: "uml",
    kernel: "6.1",
    steps: [
      { kind: "check", name: "c", host: "a", command: "x", exitCode: exit, stdout: "", stderr: "", ok: exit === 0, expect: "ok", met: exit === 0, state: exit === 0 ? "met" : "not-met", failures: [], captures: {} },
      {
        kind: "matrix",
        name: "m",
        endpoints: [],
        cells: [
          { from: "a", to: "b", ok: true },
          { from: "b", to: "a", ok: cellOk },
        ],
      },
    ],
    diagnostics: [],
  };
}

test("answers that agree across runs stay as they are", () => {
  assert.deepEqual(mergeRuns([run(true, 0), run(true, 0), run(true, 0)]), run(true, 0));
});

test("a cell or exit code that differs between runs is marked unstable, the rest is not", () => {
  const m = mergeRuns([run(true, 0), run(false, 1), run(true, 0)]);
  const [check, matrix] = m.steps;
  assert.equal(check!.kind !== "matrix" && check!.unstable, true);
  assert.ok(matrix!.kind === "matrix");
  assert.deepEqual(matrix.cells, [
    { from: "a", to: "b", ok: true },
    { from: "b", to: "a", ok: true, unstable: true },
  ]);
});
