// The command line as people use it every day: counted words, one step
// numbering, clear refusals, the matrix with a legend and its reasons grouped.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { LabResult } from "../src/engines/result.js";
import { example, runCli } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "ipvlab-daily-"));
after(() => rmSync(work, { recursive: true, force: true }));

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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
  assert.ok(files.includes(`${String(captured[0]).padStart(2, "0")}-vm02_ens34.pcap`), files.join(" "));
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
