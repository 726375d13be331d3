// Which engine `ipvlab run` picks: sim unless told otherwise, uml for a lab
// the simulator cannot model yet (and never silently).

import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabResult } from "../src/engines/result.js";
import { unsimulatedKind } from "../src/engines/sim.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { fixture, runCli } from "./helpers.js";

const TWO_HOSTS = "test/labs/core/two-hosts-one-network.lab.yaml";

test("run without --engine simulates", async () => {
  const r = await runCli(["run", TWO_HOSTS, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as LabResult;
  assert.equal(result.engine, "sim");
  assert.ok(result.steps.length > 0);
});

test("--engine sim refuses a lab with macvtap, naming the kind and the engine that runs it", async () => {
  const r = await runCli(["run", fixture("labs/macvtap-one-slave.lab.yaml"), "--engine", "sim"]);
  assert.equal(r.code, 3, "the engine cannot run this lab here");
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /macvtap-one-slave: --engine sim does not simulate macvtap devices yet; run this lab with --engine uml/);
});

test("record and verify take only real engines", async () => {
  for (const cmd of ["record", "verify"]) {
    const r = await runCli([cmd, TWO_HOSTS, "--engine", "sim"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /argument 'sim' is invalid\. Allowed choices are uml, host/);
  }
});

test("run without --engine sends a macvtap lab to uml, and says so", async () => {
  const r = await runCli(["run", fixture("labs/macvtap-one-slave.lab.yaml"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /macvtap-one-slave uses macvtap devices, which the simulator does not model yet: running it on --engine uml/);
  const result = JSON.parse(r.stdout) as LabResult;
  assert.equal(result.engine, "uml");
  const last = result.steps.at(-1)!;
  assert.ok(last.kind !== "matrix");
  assert.match(last.stdout, /^macvtap0@eth0 /);
});

test("an IPv6 lab runs in sim, captures, IPv6 commands and bridge fdb included; the multicast groups as bridge mdb and ip maddr list them send it to uml", () => {
  const lab = (steps: string) => parseYamlLab("x.lab.yaml", `name: x\nipv6: true\nhosts:\n  h:\n    run: ip link add d0 type dummy\nsteps:\n${steps}`).lab;
  assert.equal(unsimulatedKind(lab("  - on: h\n    run: ip -6 addr show\n")), null);
  assert.equal(unsimulatedKind(lab("  - on: h\n    run: ip -6 addr show\n    capture: [h:d0]\n")), null);
  assert.equal(unsimulatedKind(lab("  - on: h\n    run: ping -c 1 fe80::1%d0\n")), null);
  assert.equal(unsimulatedKind(lab("  - on: h\n    run: ip -6 route add 2001:db8::/64 dev d0\n")), null);
  assert.equal(unsimulatedKind(lab("  - on: h\n    run: bridge fdb show\n")), null);
  assert.match(unsimulatedKind(lab("  - on: h\n    run: bridge mdb show\n")) ?? "", /^the multicast groups IPv6 joins/);
  assert.match(unsimulatedKind(lab("  - on: h\n    run: ip maddr show\n")) ?? "", /^the multicast groups IPv6 joins/);
  assert.equal(unsimulatedKind(parseYamlLab("y.lab.yaml", "name: y\nipv6: false\nhosts:\n  h:\n    run: ip maddr show\n").lab), null);
});
