import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fixture, loPingLab, runCli } from "./helpers.js";

// `ipvlab run LAB LAB...`: each lab in turn under a header naming it, a tally, and one exit code
// for all: the worst (0 met < 1 not met < 2 bad lab < 3 engine cannot run).

const dir = mkdtempSync(join(tmpdir(), "ipvlab-run-labs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function lab(name: string, expect: "ok" | "fail"): string {
  const file = join(dir, `${name}.lab.yaml`);
  writeFileSync(file, loPingLab(name, expect));
  return file;
}

const met = lab("met", "ok");
const met2 = lab("met-too", "ok");
const notMet = lab("not-met", "fail");
const bad = join(dir, "bad.lab.yaml");
writeFileSync(bad, 'name: bad\nhosts:\n  h1:\n    run: "true"\nsteps:\n  - on: h9\n    run: "true"\n');
const unsimulated = fixture("labs/macvtap-one-slave.lab.yaml");

test("several labs: one report each under a header naming it, in order, then a tally", async () => {
  const r = await runCli(["run", met, notMet, met2, "-q"]);
  assert.equal(r.code, 1, r.stderr);
  const headers = [...r.stdout.matchAll(/^=== lab (\d) of 3: (.*) ===$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(headers, [["1", met], ["2", notMet], ["3", met2]]);
  // Each header is followed by that lab's own report.
  const sections = r.stdout.split(/^=== .* ===$/m).slice(1);
  assert.match(sections[0]!, /^met: 1 of 1 check met/m);
  assert.match(sections[1]!, /^not-met: 0 of 1 check met/m);
  assert.match(sections[2]!, /^met-too: 1 of 1 check met/m);
  assert.match(sections[3]!, /^\n✓ met: 1 of 1 check met.*\n✗ not-met: 0 of 1 check met.*\n✓ met-too: .*\n2 of 3 labs met everything, 1 did not\n$/);
  assert.equal(r.stderr, "", "-q: no progress");
});

test("the exit code is the worst lab's: a bad lab beats a check not met beats success", async () => {
  const code = async (...files: string[]) => (await runCli(["run", ...files, "-q"])).code;
  assert.equal(await code(met, met2), 0);
  assert.equal(await code(met, notMet), 1);
  assert.equal(await code(notMet, met), 1, "the order does not matter");
  assert.equal(await code(bad, notMet, met), 2);
  assert.equal(await code(met, join(dir, "no-such.lab.yaml")), 2);
});

test("a bad lab is reported at its file:line and the others still run", async () => {
  const r = await runCli(["run", met, bad, notMet, "-q"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^${bad.replace(/[.]/g, "\\.")}:6:\\d+: error: .*h9`, "m"));
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.match(r.stdout, /^=== lab 2 of 3: .*bad\.lab\.yaml ===\n\nnot run: .*bad\.lab\.yaml:6:/m);
  assert.match(r.stdout, /^not-met: 0 of 1 check met/m, "the lab after the bad one ran");
  assert.match(r.stdout, /^✗ .*bad\.lab\.yaml: not run \(exit 2\)$/m);
  assert.match(r.stdout, /^1 of 3 labs met everything, 1 did not, 1 could not run$/m);
});

test("an engine that cannot run a lab (exit 3) beats a bad lab", async () => {
  const r = await runCli(["run", met, bad, unsimulated, "--engine", "sim", "-q"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /--engine sim does not simulate/);
  assert.match(r.stdout, /^✓ met: /m);
});

test("--json with several labs: an array in the labs' order, a lab that could not run as {file, error, exitCode}", async () => {
  const r = await runCli(["run", met, notMet, bad, "--json"]);
  assert.equal(r.code, 2);
  const out = JSON.parse(r.stdout) as Array<{ lab?: string; engine?: string; steps?: unknown[]; file?: string; error?: string; exitCode?: number }>;
  assert.equal(out.length, 3);
  assert.deepEqual(out.slice(0, 2).map((x) => [x.lab, x.engine, x.steps!.length]), [["met", "sim", 2], ["not-met", "sim", 2]]);
  assert.equal(out[2]!.file, bad);
  assert.equal(out[2]!.exitCode, 2);
  assert.match(out[2]!.error!, /bad\.lab\.yaml:6:\d+: error: /);
  // Progress stays on stderr, each line naming its lab.
  assert.match(r.stderr, /\[1\/3 met\] step 1 of 1: lo answers/);
  assert.match(r.stderr, /\[2\/3 not-met\] step 1 of 1: lo answers/);
});

test("one lab: the report and --json are as before (one LabResult, no header)", async () => {
  const r = await runCli(["run", met, "--json", "-q"]);
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(r.stdout) as { lab: string }).lab, "met");
  const t = await runCli(["run", notMet, "-q"]);
  assert.equal(t.code, 1);
  assert.doesNotMatch(t.stdout, /^===/m);
});

test("--engine uml: one kernel boot for all the labs, reports in the labs' order", async () => {
  const r = await runCli(["run", met, notMet, unsimulated, "--engine", "uml"]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal((r.stderr.match(/booting User-Mode Linux/g) ?? []).length, 1, "one boot");
  assert.match(r.stderr, /booting User-Mode Linux 6\.1\S* \(3 labs\)/);
  const summaries = [...r.stdout.matchAll(/^(\S+) — engine (\w+), kernel (\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(summaries, [["met", "uml"], ["not-met", "uml"], ["macvtap-one-slave", "uml"]]);
  assert.match(r.stdout, /^2 of 3 labs met everything, 1 did not$/m);
});

test("without --engine: the labs sim cannot run go to uml, the others stay in sim, in the labs' order", async () => {
  const r = await runCli(["run", notMet, unsimulated, met]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^macvtap-one-slave uses .*: running it on --engine uml$/m);
  const summaries = [...r.stdout.matchAll(/^(\S+) — engine (\w+), kernel (\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(summaries, [["not-met", "sim"], ["macvtap-one-slave", "uml"], ["met", "sim"]]);
});
