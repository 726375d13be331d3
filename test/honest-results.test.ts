import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SimEngine } from "../src/engines/sim.js";
import { UmlEngine } from "../src/engines/uml.js";
import { HostEngine } from "../src/engines/host.js";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { loadLabFile } from "../src/lab/load.js";
import type { Lab } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { isRoot, runCli } from "./helpers.js";

// Labs that once came out as passes although nothing was tested: on every
// engine, each failing command is reported at its line and the run fails.

const labFile = (name: string) => join(packageRoot, "test", "labs", "honest", name);
const work = mkdtempSync(join(tmpdir(), "ipvlab-honest-"));
// The README's own example lab, as a reader would paste it: every check met.
const readmeLab = join(work, "readme.lab.yaml");
writeFileSync(readmeLab, /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(packageRoot, "README.md"), "utf8"))![1]!);
const oldReadme = labFile("readme-missing-device.lab.yaml");
const files = [labFile("commands-that-cannot-run.lab.yaml"), labFile("typos.lab.yaml"), oldReadme, readmeLab];
const labs: Lab[] = files.map((f) => loadLabFile(f).lab);

const line = (file: string, text: string) => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
const step = (r: LabResult, name: string) => r.steps.find((s): s is CommandResult => s.kind !== "matrix" && s.name === name)!;
const where = (r: LabResult) => r.diagnostics.map((d) => `${d.line} ${d.severity}`);

function expectations(engine: () => LabResult[]) {
  test("a command that is not there, a namespace never made, arping without -c, a syntax error: errors at their lines, never met", () => {
    const r = engine()[0]!;
    const f = files[0]!;
    const checks = ["a tool that is not there", "a tool that is not there, in a namespace", "a namespace that was never made", "arping without -c", "a shell syntax error"];
    assert.deepEqual(
      checks.map((c) => [c, step(r, c).state, step(r, c).met]),
      checks.map((c) => [c, "error", false]),
    );
    assert.deepEqual(where(r), [
      `${line(f, "run: no-such-command-xyz")} error`,
      `${line(f, "run: ip netns exec ns01 no-such")} error`,
      `${line(f, "run: ip netns exec ns02 ping")} error`,
      `${line(f, "arping 10.0.0.2 -I eth0")} error`,
      `${line(f, "echo unterminated") + 1} error`,
    ]);
    const killed = step(r, "arping without -c");
    assert.equal(killed.failures.at(-1)!.kind, "killed");
    assert.match(killed.failures.at(-1)!.message, /killed after 3 s \(the step's timeout\): arping without -c never ends; add -c N/);
    assert.match(killed.stdout, /^arping until the timeout$/m, "what it printed before the kill stays");
    assert.match(step(r, "a namespace that was never made").failures[0]!.message, /there is no network namespace "ns02" \(make it first: ip netns add ns02\)/);
  });

  test("typos in a run script: each failing command at its own line, `|| true` silences one, the setup failed", () => {
    const r = engine()[1]!;
    const f = files[1]!;
    const setup = step(r, "setup vm02");
    assert.equal(setup.state, "setup-failed");
    assert.deepEqual(where(r), [
      `${line(f, "ip lnk add")} warning`,
      `${line(f, "type ipvaln")} warning`,
      `${line(f, "mode l4")} warning`,
      `${line(f, "netns ns02")} warning`,
    ]);
    assert.match(r.diagnostics[0]!.message, /^`ip lnk add link ens34 ipvlan1 type ipvlan mode l2` exited \d+: Object "lnk" is unknown, try "ip help"\.$/);
    assert.match(r.diagnostics[1]!.message, /^`ip link add link ens34 ipvlan2 type ipvaln mode l2` exited 1: Garbage instead of arguments "mode \.\.\."\. Try "ip link help"\.$/);
    assert.equal(step(r, "ns01 is there").state, "met");
  });

  test("the README's example as it was: the action on a device it never made fails at its line", () => {
    const r = engine()[2]!;
    const at = line(oldReadme, "run: ip r add 172.16.91.101 dev ipvlan0");
    assert.deepEqual(
      r.diagnostics.map((d) => [d.line, d.severity, d.message]),
      [[at, "warning", '`ip r add 172.16.91.101 dev ipvlan0` exited 1: Cannot find device "ipvlan0"']],
    );
    assert.equal(step(r, "ip r add 172.16.91.101 dev ipvlan0").state, "setup-failed");
  });

  test("the README's example as it is: every step met, nothing to report", () => {
    const r = engine()[3]!;
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.steps.every((s) => s.kind === "matrix" || s.state === "met"));
  });
}

describe("honest results in the simulator", () => {
  let results: LabResult[] = [];
  before(async () => {
    results = await new SimEngine().runMany(labs);
  });
  expectations(() => results);

  test("a shell-script lab's failing commands are at their own lines", async () => {
    const sh = join(work, "typo.sh");
    writeFileSync(sh, ["#!/bin/bash", "ip link add d0 type dummy", "", "ip lnk set d0 up", "ip link set d1 up", "ip link set d0 up", ""].join("\n"));
    const [r] = await new SimEngine().runMany([loadLabFile(sh).lab]);
    assert.deepEqual(
      r!.diagnostics.map((d) => [d.file, d.line, d.severity]),
      [
        [sh, 4, "warning"],
        [sh, 5, "warning"],
      ],
    );
  });

  test("the CLI exits 1 for each of them, and lists every problem as file:line:col", async () => {
    for (const f of files.slice(0, 3)) {
      const r = await runCli(["run", f, "-q"]);
      assert.equal(r.code, 1, `${f}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+: (error|warning): `, "m"));
    }
  });
});

describe("honest results on this machine's kernel (host)", { skip: !isRoot && "needs root" }, () => {
  // The host engine runs what this kernel can make: the first lab needs no ipvlan.
  let r: LabResult | undefined;
  before(async () => {
    [r] = await new HostEngine().runMany([labs[0]!]);
  });
  test("the same errors at the same lines as on the other engines", async () => {
    const [sim] = await new SimEngine().runMany([labs[0]!]);
    assert.deepEqual(where(r!), where(sim!));
    assert.deepEqual(
      r!.steps.map((s) => s.kind !== "matrix" && s.state),
      sim!.steps.map((s) => s.kind !== "matrix" && s.state),
    );
  });
});

describe("honest results on the real kernel (uml)", () => {
  let results: LabResult[] = [];
  before(async () => {
    results = await new UmlEngine().runMany(labs);
  });
  expectations(() => results);
});

after(() => rmSync(work, { recursive: true, force: true }));
