// The command line as people use it every day: counted words, one step
// numbering, clear refusals, the matrix with a legend and its reasons grouped.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { execFile } from "node:child_process";
import type { LabResult, MatrixResult } from "../src/engines/result.js";
import { packageRoot } from "../src/paths.js";
import { cli, example, runCli } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "ipvlab-daily-"));
after(() => rmSync(work, { recursive: true, force: true }));

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A terminal's colour escape (SGR), and the grid's marks in green and red. */
const SGR = `${String.fromCharCode(27)}[`;
const GREEN_OK = new RegExp(`${esc(SGR)}32m +✓${esc(SGR)}0m`);
const RED_FAIL = new RegExp(`${esc(SGR)}31m +✗${esc(SGR)}0m`);

/** The CLI with a terminal for its stdout (script(1) makes one), as a person at a shell runs it. */
function runCliOnTerminal(args: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const e = { ...process.env, ...env };
    if (!("NO_COLOR" in env)) delete e.NO_COLOR;
    execFile("script", ["-qec", `${process.execPath} ${cli} ${args}`, "/dev/null"], { env: e, maxBuffer: 1 << 24 }, (err, stdout) => (err && err.code !== 1 ? reject(err) : resolve(stdout)));
  });
}

function lab(name: string, text: string): string {
  const file = join(work, `${name}.lab.yaml`);
  writeFileSync(file, text);
  return file;
}

const ONE_HOST = `name: one
networks:
  lan: {}
hosts:
  a:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.1/24 dev eth0
      ip link set eth0 up
`;

test("counted words agree with their number: 1 host, 1 network, no checks", async () => {
  const file = lab("one", ONE_HOST);
  const c = await runCli(["check", file]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /one: 1 host, 1 network, 0 steps \(0 checks, 0 matrices\)$/m);
  const r = await runCli(["run", file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /building the lab: 1 host, 1 network$/m);
  assert.match(r.stdout, /^one: no checks, 0 matrices$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /\b1 (hosts|networks|checks|steps|cells|pings|labs)\b|0 of 0/);
});

test("one numbering: check, run (text, progress, --json), --pcap file names and --after agree on the seed lab", async () => {
  const seed = example("seed-ipvlan-l2.lab.yaml");
  const c = await runCli(["check", seed]);
  assert.equal(c.code, 0, c.stderr);
  const total = Number(/, (\d+) steps \(/.exec(c.stdout)![1]);
  const dir = join(work, "pcap");
  const r = await runCli(["run", seed, "--json", "--pcap", dir]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as LabResult;
  const setups = res.steps.filter((s) => s.kind !== "matrix" && s.setup);
  assert.ok(setups.length > 0 && setups.every((s) => s.step === undefined), "a setup script has no step number");
  const steps = res.steps.filter((s) => s.step !== undefined);
  assert.deepEqual(steps.map((s) => s.step), Array.from({ length: total }, (_, i) => i + 1), "--json numbers the steps check counts, from 1");
  // Progress: the same numbers, out of the same total.
  for (const s of steps) assert.match(r.stderr, new RegExp(`step ${s.step} of ${total}: ${esc(s.kind === "matrix" ? `matrix "${s.name}"` : s.name)}$`, "m"));
  // pcap files: NN- is the number of the step whose capture it holds.
  const captured = steps.flatMap((s) => (s.kind !== "matrix" && Object.keys(s.captures).length ? [s.step!] : []));
  const files = readdirSync(join(dir, res.lab));
  assert.deepEqual([...new Set(files.map((f) => Number(/^(\d+)-/.exec(f)![1])))].sort((a, b) => a - b), captured);
  assert.ok(files.includes(`${String(captured[0]).padStart(2, "0")}-vm02_ens34-not_ip6.pcap`), files.join(" "));
  // The text: "step N: name".
  const text = await runCli(["run", seed, "-q"]);
  for (const s of steps) assert.match(text.stdout, new RegExp(`^step ${s.step}: ${esc(s.kind === "matrix" ? `matrix: ${s.name}` : s.name)} `, "m"));
  // --after N is the state after that same step.
  const n = steps.find((s) => s.kind === "matrix")!.step!;
  const t = await runCli(["trace", seed, "--after", String(n), "--from", "vm02/ns01", "--to", "172.16.91.2"]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, new RegExp(`in the state after step ${n} \\(${esc(steps[n - 1]!.name)}\\)$`, "m"));
});

test("--after a name five steps share is refused with each one's number; 0 is right after the setup", async () => {
  const seed = example("seed-ipvlan-l2.lab.yaml");
  const r = await runCli(["trace", seed, "--after", "sleep 8", "--from", "vm02/ns01", "--to", "172.16.91.2"]);
  assert.equal(r.code, 2, r.stdout);
  assert.equal(r.stderr, 'ipvlab: --after "sleep 8": 5 steps of seed-ipvlan-l2 have that name: give one\'s number (3 "sleep 8", 8 "sleep 8", 10 "sleep 8", 12 "sleep 8", 14 "sleep 8")\n');
  const m = await runCli(["matrix", seed, "--after", "sleep 8"]);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /5 steps of seed-ipvlan-l2 have that name/);
  const zero = await runCli(["trace", seed, "--after", "0", "--from", "vm02/ns01", "--to", "172.16.91.2"]);
  assert.equal(zero.code, 0, zero.stderr);
  assert.match(zero.stdout, /in the state after setup$/m);
});

test("trace: --on/--run with --from/--to is refused; an unknown --from host lists the hosts and namespaces", async () => {
  const seed = example("seed-ipvlan-l2.lab.yaml");
  const mixed = await runCli(["trace", seed, "--on", "vm02", "--run", "true", "--from", "vm01", "--to", "172.16.91.2"]);
  assert.equal(mixed.code, 2, mixed.stdout);
  assert.match(mixed.stderr, /^ipvlab: --on and --from ask for two different things: trace a command \(--on HOST --run COMMAND\) or a ping \(--from HOST\[\/NS\] --to ADDR \[--arp\]\), not both$/m);
  const to = await runCli(["trace", seed, "--on", "vm02", "--run", "true", "--to", "172.16.91.2"]);
  assert.equal(to.code, 2);
  assert.match(to.stderr, /--on and --to ask for two different things/);
  const unknown = await runCli(["trace", seed, "--from", "vm2/ns01", "--to", "172.16.91.2"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^ipvlab: --from vm2\/ns01: no host vm2 in seed-ipvlan-l2 at that point of the lab \(hosts: gateway, vm01, vm02; namespaces: vm02\/ns01, vm02\/ns02\)$/m);
  const ns = await runCli(["trace", seed, "--from", "vm02/ns9", "--to", "172.16.91.2"]);
  assert.equal(ns.code, 2);
  assert.match(ns.stderr, /no namespace ns9 on vm02 at that point of the lab \(namespaces of vm02: ns01, ns02\)/);
});

const NAMESPACES = `name: natural
hosts:
  a:
    run: |
      for n in 10 2 11 1; do
        ip netns add ns$n
        ip -n ns$n link add d0 type dummy
        ip -n ns$n addr add 10.0.$n.1/24 dev d0
        ip -n ns$n link set d0 up
      done
`;

test("matrix of a lab with no matrix step: the matrix at its end; --after a step it has not: the numbers it has", async () => {
  const file = lab("natural", NAMESPACES);
  const r = await runCli(["matrix", file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /natural has no matrix step: the matrix at the end of the lab/);
  assert.match(r.stdout, /^matrix "at the end"$/m);
  // Natural order: ns1, ns2, ns10, ns11, in the grid and in --json.
  assert.deepEqual([...r.stdout.matchAll(/^ \d (a\/ns\d+):d0 /gm)].map((m) => m[1]), ["a/ns1", "a/ns2", "a/ns10", "a/ns11"]);
  const j = await runCli(["matrix", file, "--json"]);
  const [m] = JSON.parse(j.stdout) as MatrixResult[];
  assert.deepEqual(m!.endpoints.map((e) => e.netns), ["ns1", "ns2", "ns10", "ns11"]);
  assert.deepEqual(m!.cells.slice(0, 3).map((c) => c.to), ["a/ns2:d0", "a/ns10:d0", "a/ns11:d0"], "cells row by row in that order");
  const none = await runCli(["matrix", file, "--after", "2"]);
  assert.equal(none.code, 2);
  assert.equal(none.stderr, "ipvlab: --after 2: natural has no steps, only its hosts' setup: leave --after out\n");
  const few = await runCli(["matrix", lab("few", `${NAMESPACES}steps:\n  - on: a\n    run: "true"\n`), "--after", "3"]);
  assert.equal(few.code, 2);
  assert.match(few.stderr, /^ipvlab: --after 3: no such step in natural: give a number from 1 to 1 \(0: right after the hosts' setup\), or a step's name: 1 "true"$/m);
});

test("`matrix: true` at the top of a YAML lab: run takes a matrix after the last step, as a script lab gets one", async () => {
  const yes = lab("end", `${NAMESPACES}matrix: true\n`);
  const c = await runCli(["check", yes]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /1 step \(0 checks, 1 matrix\)$/m);
  const r = await runCli(["run", yes, "--json", "-q"]);
  const res = JSON.parse(r.stdout) as LabResult;
  const last = res.steps.at(-1)!;
  assert.equal(last.kind, "matrix");
  assert.equal(last.name, "at the end");
  assert.equal(last.step, 1);
  const named = await runCli(["run", lab("named", `${NAMESPACES}matrix: after the loop\n`), "--json", "-q"]);
  assert.equal((JSON.parse(named.stdout) as LabResult).steps.at(-1)!.name, "after the loop");
  const no = await runCli(["run", lab("no", `${NAMESPACES}matrix: false\n`), "--json", "-q"]);
  assert.ok((JSON.parse(no.stdout) as LabResult).steps.every((s) => s.kind !== "matrix"));
  const bad = await runCli(["check", lab("bad", `${NAMESPACES}matrix: 3\n`)]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.lab\.yaml:11:\d+: error: .*true \(a matrix after the last step/);
});

test("the text matrix: a legend, each reason once with its cells, colour only on a terminal without NO_COLOR or --no-color", async () => {
  const seed = example("seed-ipvlan-l2.lab.yaml");
  const r = await runCli(["matrix", seed]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^each row pings each column \(ping -c 1 -I ROW COLUMN, in ROW's namespace, 900 ms for an answer\): ✓ answered, ✗ no answer, · same namespace, not pinged$/m);
  const json = JSON.parse((await runCli(["matrix", seed, "--json"])).stdout) as MatrixResult[];
  const failed = json.flatMap((m) => m.cells.filter((c) => !c.ok));
  const reasons = new Set(failed.map((c) => c.reason));
  assert.ok(failed.length > reasons.size, "some cells share a reason");
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("✗ "));
  assert.equal(lines.length, json.reduce((n, m) => n + new Set(m.cells.filter((c) => !c.ok).map((c) => c.reason)).size, 0), "one line per reason of each matrix");
  for (const m of json) {
    for (const reason of new Set(m.cells.filter((c) => !c.ok).map((c) => c.reason!))) {
      const cells = m.cells.filter((c) => c.reason === reason).map((c) => `${c.from} → ${c.to}`);
      assert.equal(lines.filter((l) => l === `✗ ${cells.join(", ")}: ${reason}`).length, 1, `said once, with its ${cells.length} cells: ${reason}`);
    }
  }
  assert.ok(!r.stdout.includes(SGR), "no colour into a pipe");
  // On a terminal (script(1) gives it one): green ✓, red ✗.
  const tty = (args: string, env: Record<string, string> = {}) =>
    runCliOnTerminal(`matrix ${seed} ${args}`, env);
  const coloured = await tty("");
  assert.match(coloured, GREEN_OK);
  assert.match(coloured, RED_FAIL);
  assert.ok(!(await tty("", { NO_COLOR: "1" })).includes(SGR));
  assert.ok(!(await tty("--no-color")).includes(SGR));
  assert.match(await runCliOnTerminal(`run ${seed} -q`), GREEN_OK, "run colours its grids too");
  assert.ok(!(await runCliOnTerminal(`run ${seed} -q --no-color`)).includes(SGR));
});

test("trace: a network's bridge port is named with the lab interface behind it", async () => {
  const t = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.14"]);
  assert.equal(t.code, 1, t.stderr);
  assert.match(t.stdout, /^\+[\d.]+ +network vmnet8 +br0 +br_forward +\S+ > ff:ff:ff:ff:ff:ff out port1 \(vm01's ens34\)$/m);
  assert.match(t.stdout, /not back out port2 \(vm02's ens34\), where it came in/);
  assert.doesNotMatch(t.stdout, /\bport\d+(?! \()/, "no port without its owner");
});

test("--help names only lab files the package ships (examples/), never the repository's test/", async () => {
  const top = await runCli(["--help"]);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
  assert.ok(commands.includes("run") && commands.includes("verify"), top.stdout);
  const helps = [top.stdout, ...(await Promise.all(commands.map(async (c) => (await runCli([c, "--help"])).stdout)))];
  for (const h of helps) {
    assert.doesNotMatch(h, /test\/labs/);
    for (const [file] of h.matchAll(/[\w./-]+\/[\w.-]+\.lab\.yaml/g)) {
      // The user's own labs, and those `ipvlab fuzz` writes into its --out folder.
      if (file.startsWith("my-labs/") || file.startsWith("fuzz-out/")) continue;
      assert.match(file, /^examples\//, `${file} is not in the package`);
      assert.ok(existsSync(join(packageRoot, file)), `${file} exists`);
    }
  }
});

test("verify --golden away from the repository: the shipped golden files; a missing --golden-dir or golden file is a clear usage error", async () => {
  const elsewhere = mkdtempSync(join(work, "cwd-"));
  const ok = await runCli(["verify", "--golden", "-q", example("macvlan-vepa.lab.yaml")], { cwd: elsewhere });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^macvlan-vepa: sim agrees with its golden file \(3 setup scripts and 10 steps\)$/m);
  const dir = await runCli(["verify", "--golden", "--golden-dir", "nothere", "-q", example("macvlan-vepa.lab.yaml")], { cwd: elsewhere });
  assert.equal(dir.code, 2);
  assert.equal(dir.stderr, "ipvlab: --golden-dir nothere: no such folder\n");
  const none = await runCli(["verify", "--golden", "-q", lab("unrecorded", ONE_HOST.replace("name: one", "name: unrecorded"))], { cwd: elsewhere });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^ipvlab: no golden file for lab unrecorded \(unrecorded\.json\) in \S+ or a folder under it: record one with `ipvlab record /m);
  assert.doesNotMatch(none.stderr + dir.stderr, /ENOENT|\n\s+at /);
});
