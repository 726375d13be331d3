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
  assert.match(r.stdout, /^- \[ \] gateway:eth0 <--> vm02\/ns01:ipvlan1$/m);
  // Each reason once, with the cells it holds for.
  assert.match(r.stdout, /^- ✗ gateway:eth0 → vm02\/ns01:ipvlan1(, [^:]+:[^:]+)*: \S/m);
});

test("report reads the narrative from the lab's comments", () => {
  const src = "# Title\n# more\nname: x\nsteps:\n  # --- Part one ----------\n  # Why this step\n  # fails.\n  - name: a step\n    run: true\n";
  assert.equal(headerComment(src), "Title\nmore");
  assert.equal(stepComment(src, "a step"), "Why this step fails.");
  assert.equal(stepComment(src, "no such step"), "");
});

test("report of several labs: what changes between matrices, with the trace's reason on both sides, and what each result rests on", async () => {
  const r = await runCli(["report", example("seed-ipvlan-l2.lab.yaml"), example("seed-ipvlan-l2-rpfilter.lab.yaml"), "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = r.stdout.slice(r.stdout.indexOf("## What the traces say"), r.stdout.indexOf("## seed-ipvlan-l2\n"));
  assert.match(summary, /^- \*\*seed-ipvlan-l2-rpfilter\*\*, ns01 still cannot reach vm02's own 172\.16\.91\.14 after host routes, as the note saw: vm02 drops 172\.16\.91\.101 > 172\.16\.91\.14 as it arrives on ens34: with rp_filter=1 /m);
  // The host routes fix ns01 -> ipvlan0 in the same lab: the reply now leaves by ipvlan0.
  const routes = summary.slice(summary.indexOf('#### seed-ipvlan-l2: "before host routes" → "after host routes"'));
  assert.match(routes, /^- vm02\/ns01:ipvlan1 → vm02:ipvlan0: ✗ → ✓\n {2}- before: the echo request reaches vm02, but the reply never gets back: vm02's ens34 asks who has 172\.16\.91\.101.*\n {2}- after: the request leaves vm02\/ns01 by ipvlan1, the reply leaves vm02 by ipvlan0, /m);
  // Between the labs, only rp_filter differs: ns01 -> .14 after the routes fails in the second.
  const labs = summary.slice(summary.indexOf('#### seed-ipvlan-l2 → seed-ipvlan-l2-rpfilter, matrix "after host routes"'));
  assert.match(labs, /^- vm02\/ns01:ipvlan1 → vm02:ens34: ✓ → ✗\n.*\n {2}- after: vm02 drops 172\.16\.91\.101 > 172\.16\.91\.14 as it arrives on ens34: with rp_filter=1/m);
  assert.match(summary, /^- \*\*strict reverse-path filtering \(rp_filter=1\)[^\n]*\n {2}- seed-ipvlan-l2-rpfilter: /m);
  assert.doesNotMatch(summary, /^- \*\*strict reverse-path filtering[^\n]*\n {2}- seed-ipvlan-l2: /m, "the default lab rests on no rp_filter");
});

test("the report's why for a failed check is what `ipvlab trace` says for that command at that point", async () => {
  const report = await runCli(["report", example("seed-ipvlan-l2.lab.yaml"), "-q"]);
  assert.equal(report.code, 0, report.stderr);
  const check = "ns01 cannot reach vm02's own 172.16.91.14 before host routes";
  const why = new RegExp(`^- \\*\\*seed-ipvlan-l2\\*\\*, ${check.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: (.*)\\.$`, "m").exec(report.stdout)?.[1];
  assert.ok(why, "the check is in the summary");
  // The lab's step 4: the trace runs the lab up to step 3, then the check's command.
  const trace = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--after", "3", "--on", "vm02", "--run", "ip netns exec ns01 ping -c 1 -W 1 172.16.91.14", "--json"]);
  assert.equal(trace.code, 1, trace.stderr);
  assert.equal((JSON.parse(trace.stdout) as { verdict: string }).verdict, `\`ip netns exec ns01 ping -c 1 -W 1 172.16.91.14\` on vm02 fails (exit 1): ${why}.`);
});

test("report of a dual-stack lab: its diagram is `ipvlab diagram`'s, IPv6 addresses and legend included", async () => {
  const lab = example("seed-ipvlan-l2-dual-stack.lab.yaml");
  const [r, d] = await Promise.all([runCli(["report", lab, "-q"]), runCli(["diagram", lab])]);
  assert.equal(r.code, 0, r.stderr);
  const drawn = d.stdout.slice(d.stdout.indexOf("\n\n") + 2);
  assert.ok(r.stdout.includes(`\n\`\`\`text\n${drawn}\`\`\`\n`), r.stdout);
  assert.match(drawn, /^│ │ +2001:db8::101\/64 tentative +│ │$/m);
  assert.match(drawn, /^IPv6: every device also has a link-local address \(fe80::\/64\), not drawn\.$/m);
});
