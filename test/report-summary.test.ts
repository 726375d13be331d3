import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabResult, MatrixCell, MatrixResult } from "../src/engines/result.js";
import { matrixPairs, summaryMarkdown } from "../src/report/summary.js";

const endpoints = ["a:eth0", "b:eth0"].map((id, i) => ({ id, host: id.slice(0, 1), netns: null, dev: "eth0", address: `10.0.0.${i + 1}` }));
const matrix = (name: string, ab: Partial<MatrixCell>, ba: Partial<MatrixCell> = { ok: true }): MatrixResult => ({
  kind: "matrix",
  name,
  endpoints,
  cells: [
    { from: "a:eth0", to: "b:eth0", ok: true, ...ab },
    { from: "b:eth0", to: "a:eth0", ok: true, ...ba },
  ],
});
const lab = (name: string, ...matrices: MatrixResult[]): LabResult => ({ lab: name, engine: "sim", kernel: "sim", steps: matrices, diagnostics: [] });

test("matrixPairs: each matrix against the one before it in its lab, and against the least different same-named matrix of an earlier lab", () => {
  const one = lab("one", matrix("m", { ok: false, reason: "r1", factors: ["rp-filter"] }), matrix("n", { ok: true }));
  const two = lab("two", matrix("m", { ok: false, reason: "r2", factors: ["l3-noarp"] }));
  const three = lab("three", matrix("m", { ok: false, reason: "r1", factors: ["rp-filter"] }, { ok: false }));
  const pairs = matrixPairs([one, two, three]);
  assert.deepEqual(
    pairs.map((p) => [`${p.before.lab}/${p.before.matrix.name}`, `${p.after.lab}/${p.after.matrix.name}`, p.changed.length]),
    [
      ["one/m", "one/n", 1],
      ["one/m", "two/m", 1],
      ["one/m", "three/m", 1],
    ],
  );
  assert.equal(pairs[1]!.changed[0]!.before.reason, "r1", "a cell that fails on both sides for another reason is a change");
});

test("summaryMarkdown: failed checks, changes with both sides' reasons, and the mechanisms each result rests on", () => {
  const one = lab("one", matrix("m", { ok: false, reason: "a asks and nobody answers", factors: ["switch-no-hairpin"] }), matrix("n", { ok: true }));
  const pairs = matrixPairs([one]);
  const ok = (one.steps[1] as MatrixResult).cells[0]!;
  const md = summaryMarkdown({ labs: [one], pairs, checks: new Map(), successes: new Map([[ok, { cause: "the reply leaves by eth1", factors: [] }]]) });
  assert.match(md, /^#### one: "m" → "n"\n\n1 cell change:\n\n- a:eth0 → b:eth0: ✗ → ✓\n {2}- before: a asks and nobody answers\.\n {2}- after: the reply leaves by eth1\.$/m);
  assert.match(md, /^- \*\*a switch never sends a frame back out the port it came in on[^\n]*\*\*\n {2}- one: matrix "m": 1 cell \(a:eth0 → b:eth0\)$/m);
});
