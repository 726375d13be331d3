import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { UmlEngine } from "../src/engines/uml.js";
import { parseYamlLab } from "../src/lab/parse.js";

// The device kinds a user's script may make besides ipvlab's own (and the /dev links it may use): on uml their
// modules are loaded at boot, as on the user's machine; the simulator models
// VLANs but refuses the others at their line.
const LAB = `
name: uml-modules
networks: { lan: {} }
hosts:
  h:
    interfaces: { eth0: { network: lan } }
    run: |
      ip link add link eth0 name eth0.5 type vlan id 5
      ip link add vx0 type vxlan id 42 dstport 4789
      ip link add bond0 type bond
      ip link add vrf0 type vrf table 10
      ip tuntap add dev tap0 mode tap
steps:
  - name: modules
    on: h
    run: cut -d' ' -f1 /proc/modules | sort
    expect: ok
  - name: devices
    on: h
    run: ip -o link show | cut -d' ' -f2
    expect: ok
  - name: dev links
    on: h
    run: cat <(echo substituted) /dev/stdin <<< "from stdin"
    expect: ok
`;
const lab = parseYamlLab("uml-modules.lab.yaml", LAB).lab;
const step = (r: LabResult, name: string) => r.steps.find((s): s is CommandResult => s.kind !== "matrix" && s.name === name)!;

describe("kernel modules on uml", () => {
  let r: LabResult;
  before(async () => {
    [r] = (await new UmlEngine().runMany([lab])) as [LabResult];
  });

  test("8021q, vxlan, bonding, vrf, tun, nf_tables and ip_tables are loaded", () => {
    const loaded = step(r, "modules").stdout.split("\n");
    for (const m of ["8021q", "vxlan", "bonding", "vrf", "tun", "nf_tables", "ip_tables"]) assert.ok(loaded.includes(m), `${m} in ${loaded.join(" ")}`);
  });

  test("a script makes each kind of device, and bonding made none of its own", () => {
    assert.equal(step(r, "setup h").exitCode, 0, step(r, "setup h").stderr);
    assert.deepEqual(step(r, "devices").stdout.split("\n").filter(Boolean), ["lo:", "eth0@if3:", "eth0.5@eth0:", "vx0:", "bond0:", "vrf0:", "tap0:"]);
  });

  test("/dev/fd and /dev/stdin are there, as udev makes them on the user's machine: process substitution works", () => {
    const s = step(r, "dev links");
    assert.equal(s.exitCode, 0, s.stderr);
    assert.equal(s.stdout, "substituted\nfrom stdin\n");
  });
});

describe("the same script in the simulator", () => {
  test("the VLAN is made; vxlan is refused at its line, an error, not a failure", async () => {
    const [s] = (await new SimEngine().runMany([lab])) as [LabResult];
    const setup = step(s, "setup h");
    assert.equal(setup.state, "error");
    assert.match(setup.stderr, /line 2: ip link add \.\.\. type vxlan is not supported by --engine sim/);
  });
});
