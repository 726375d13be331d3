import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { existsSync } from "node:fs";
import { UmlEngine } from "../src/engines/uml.js";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { compareCells, labFile, roundTrip, type RoundTrip } from "./snapshot-roundtrip.js";
import { UML_LAB } from "./snapshot-labs.js";


describe("snapshot round trip on the uml engine", { skip: !existsSync("/usr/bin/linux.uml") && "needs User-Mode Linux" }, () => {
  let result: LabResult;
  let t: RoundTrip;
  before(async () => {
    [result] = (await new UmlEngine().runMany([labFile(UML_LAB, "snapshot-roundtrip-uml")])) as [LabResult];
    t = await roundTrip(result, "vm02", "snapshot");
  });

  test("the reader changes nothing in the lab host: every ip -j listing of every namespace is the same after it", () => {
    const s = result.steps.find((x) => x.name === "the reader leaves every listing as it was") as CommandResult;
    assert.equal(s.exitCode, 0, s.stdout + s.stderr);
  });

  test("the snapshot rebuilds the ipvlan slaves, the VLAN, the container and a stand-in on VLAN 10", () => {
    assert.deepEqual(t.snap.namespaces.slice(0, 3), [null, "ns01", "ns02"]);
    assert.match(t.snap.namespaces[3] ?? "", /^sleep-\d+$/);
    assert.match(t.snap.yaml, /ip link add link ens34 snap\d+ type ipvlan mode l2\n\s+ip link set snap\d+ netns ns01|ip link add link ens34 ipvlan1 type ipvlan mode l2/);
    assert.match(t.snap.yaml, /ip link add link ens35 ens35\.10 type vlan id 10/);
    assert.match(t.snap.yaml, /ip route add 10\.30\.0\.0\/16 via 10\.10\.0\.2 dev ens35\.10 table 100/);
    assert.match(t.snap.yaml, /sysctl -qw net\/ipv4\/conf\/all\/rp_filter=1/);
    assert.match(t.snap.yaml, /ip link add link eth0 name eth0\.10 type vlan id 10/);
    const addrs = t.snap.standIns.map((s) => s.addrs.join(",")).sort();
    assert.deepEqual(addrs, ["10.10.0.2", "172.16.91.10", "172.16.91.2", "172.16.91.200"]);
  });

  test("the snapshot's matrix in sim equals the real one from the machine", () => {
    const { real, sim, races } = compareCells(t, "vm02");
    assert.ok(races.length <= 4, `cells that differed between two real matrices: ${races.join(", ")}`);
    assert.ok(real.length >= 20, `cells compared: ${real.length}`);
    assert.ok(real.some((c) => c.endsWith("fail")) && real.some((c) => c.endsWith("ok")), "both answers occur");
    assert.deepEqual(sim, real);
  });
});
