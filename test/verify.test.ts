import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { diffResults } from "../src/verify/diff.js";
import { canonicalNeighDumps, Normalizer } from "../src/verify/normalize.js";

function run(engine: "uml" | "sim", stdout: string, capture: string[], cellOk = true): LabResult {
  const step: CommandResult = {
    kind: "check",
    name: "ping",
    host: "a",
    command: "ping -c 1 10.0.0.2",
    exitCode: 0,
    stdout,
    stderr: "",
    ok: true,
    expect: "ok",
    met: true,
    state: "met",
    failures: [],
    captures: { "a:eth0": capture },
  };
  return {
    lab: "t",
    engine,
    kernel: "6.1",
    steps: [
      step,
      {
        kind: "matrix",
        name: "m",
        endpoints: [
          { id: "a:eth0", host: "a", netns: null, dev: "eth0", address: "10.0.0.1" },
          { id: "b:eth0", host: "b", netns: null, dev: "eth0", address: "10.0.0.2" },
        ],
        cells: [
          { from: "a:eth0", to: "b:eth0", ok: cellOk },
          { from: "b:eth0", to: "a:eth0", ok: true },
        ],
      },
    ],
    diagnostics: [],
  };
}

const ping = (t: string) => `64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=${t} ms\nrtt min/avg/max/mdev = ${t}/${t}/${t}/0.000 ms\n`;
const frame = (ts: string, mac: string, id: number) => `${ts} 02:00:00:00:00:01 > ${mac}, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id ${id}, seq 1, length 64`;
const lab = ["02:00:00:00:00:01"];

test("times, ICMP ids and random MACs do not count as differences", () => {
  const a = run("uml", ping("0.185"), [frame("04:15:45.598041", "6a:1b:00:aa:bb:cc", 769)]);
  const b = run("sim", ping("0.020"), [frame("00:00:01.000000", "12:34:56:78:9a:bc", 1)]);
  assert.deepEqual(diffResults(a, b, lab), []);
});

test("a different matrix cell is a difference, shown as a unified diff", () => {
  const d = diffResults(run("uml", "", [], true), run("sim", "", [], false), lab);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.step, 2);
  assert.match(d[0]!.patch, /^-ok {3}a:eth0 -> b:eth0$/m);
  assert.match(d[0]!.patch, /^\+FAIL a:eth0 -> b:eth0$/m);
});

test("a lab MAC is kept as it is, and random MACs must map consistently", () => {
  const a = run("uml", "", [frame("04:15:45.598041", "6a:1b:00:aa:bb:cc", 1), frame("04:15:45.598041", "6a:1b:00:aa:bb:cc", 1)]);
  const b = run("sim", "", [frame("00:00:01.000000", "12:34:56:78:9a:bc", 1), frame("00:00:01.000000", "12:34:56:78:9a:bd", 1)]);
  const d = diffResults(a, b, lab);
  assert.equal(d.length, 1);
  assert.match(d[0]!.patch, /\+.*> <mac2>/);
});

test("a cell the golden file marks unstable is not compared", () => {
  const golden = run("uml", "", [], true);
  const m = golden.steps[1]!;
  assert.ok(m.kind === "matrix");
  m.cells[0]!.unstable = true;
  assert.deepEqual(diffResults(golden, run("sim", "", [], false), lab), []);
  assert.equal(diffResults(run("uml", "", [], true), run("sim", "", [], false), lab).length, 1);
});

test("neighbour dumps compare as sets: each run of `ip neigh` lines is sorted, nothing else moves", () => {
  const real = "header\n172.16.91.10 lladdr 00:0c:29:a0:10:10 REACHABLE \n172.16.91.2 dev ens34 lladdr 00:50:56:e1:f0:02 STALE \nother\n10.0.0.9 FAILED \n10.0.0.1 INCOMPLETE \n";
  assert.equal(
    canonicalNeighDumps(real),
    "header\n172.16.91.10 lladdr 00:0c:29:a0:10:10 REACHABLE \n172.16.91.2 dev ens34 lladdr 00:50:56:e1:f0:02 STALE \nother\n10.0.0.1 INCOMPLETE \n10.0.0.9 FAILED \n",
  );
  assert.equal(canonicalNeighDumps("b\na\n"), "b\na\n", "lines that are not neighbours keep their order");
});

test("normalising: a link-local made from a random MAC, by EUI-64 or around an ipvlan's dev_id, names that MAC", () => {
  const n = new Normalizer(new Set(["02:00:00:00:0e:01"]));
  // f8:d3:a0:08:57:c7 (random) as EUI-64, then with dev_id 1 where ff:fe would be; a fixed MAC stays as it is.
  assert.equal(n.text("fe80::fad3:a0ff:fe08:57c7 fe80::fad3:a000:108:57c7 fe80::ff:fe00:e01"), "fe80::<eui64 <mac1>> fe80::<eui64 <mac1> dev_id 1> fe80::ff:fe00:e01");
});
