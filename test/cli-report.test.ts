import assert from "node:assert/strict";
import { test } from "node:test";
import { headerComment, stepComment } from "../src/report/markdown.js";
import { example, runCli } from "./helpers.js";

test("report: the lab's narrative, diagram, each check with output and captures, the trace's why for failures, matrices with reasons", async () => {
  const r = await runCli(["report", example("seed-ipvlan-l3.lab.yaml"), "-q"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^## seed-ipvlan-l3$/m);
  assert.match(r.stdout, /^The seed lab, L3 round/m, "the header comment opens the section");
  assert.match(r.stdout, /│ ipvlan0 +172\.16\.91\.100\/32 +ipvlan l3 on ens34/);
  assert.match(r.stdout, /^### ✓ arping from ns01 fails with 'Interface "ipvlan1" is not ARPable'$/m);
  assert.match(r.stdout, /^\*\*Why, from the trace:\*\* vm01's ens34 asks who has 172\.16\.91\.101, and no answer comes: the request reaches vm02\/ns01's ipvlan1, .* but is NOARP/m);
  assert.match(r.stdout, /^### Matrix: before host routes$/m);
  assert.match(r.stdout, /^- \[ \] gateway:eth0 <--> vm02\/ns01:ipvlan1 — /m);
});

test("report reads the narrative from the lab's comments", () => {
  const src = "# Title\n# more\nname: x\nsteps:\n  # --- Part one ----------\n  # Why this step\n  # fails.\n  - name: a step\n    run: true\n";
  assert.equal(headerComment(src), "Title\nmore");
  assert.equal(stepComment(src, "a step"), "Why this step fails.");
  assert.equal(stepComment(src, "no such step"), "");
});
