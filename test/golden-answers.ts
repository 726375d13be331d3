// A real kernel's run of a lab held to its golden file (test/uml-examples.test.ts, test/uml-kernel-6.12.test.ts).

import assert from "node:assert/strict";
import type { CommandResult, LabResult, MatrixResult } from "../src/engines/result.js";
import type { GoldenFile } from "../src/golden/golden.js";

/** Every check met, and the golden file's answers: each step's exit code and every matrix cell, but those that differed between the recorded runs (races between concurrent pings). */
export function assertGoldenAnswers(r: LabResult, golden: GoldenFile): void {
  const unmet = r.steps.filter((s): s is CommandResult => s.kind !== "matrix" && !s.met);
  assert.deepEqual(unmet.map((s) => `${s.name}: exit ${s.exitCode}\n${s.stdout}${s.stderr}`), [], "every check met");
  assert.equal(r.steps.length, golden.result.steps.length);
  r.steps.forEach((s, k) => {
    const g = golden.result.steps[k]!;
    assert.equal(s.kind, g.kind);
    if (s.kind === "matrix") {
      const gm = g as MatrixResult;
      assert.deepEqual(s.endpoints, gm.endpoints, `${s.name}: endpoints`);
      const stable = gm.cells.filter((c) => !c.unstable);
      assert.ok(stable.length > gm.cells.length / 2, `${s.name}: most cells are stable`);
      assert.deepEqual(
        s.cells.filter((c) => stable.some((x) => x.from === c.from && x.to === c.to)),
        stable,
        `${s.name}: cells`,
      );
    } else if (!(g as CommandResult).unstable) {
      assert.equal(s.exitCode, (g as CommandResult).exitCode, `${s.name}: exit code`);
    }
  });
}
