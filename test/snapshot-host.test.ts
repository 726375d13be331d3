import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { HostEngine, kernelCanCreate } from "../src/engines/host.js";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { isRoot } from "./helpers.js";
import { compareCells, labFile, roundTrip, type RoundTrip } from "./snapshot-roundtrip.js";
import { HOST_LAB } from "./snapshot-labs.js";


const can = isRoot && kernelCanCreate("macvlan") && kernelCanCreate("bridge");

describe("snapshot round trip on the host engine", { skip: !can && "needs root and a kernel with veth, bridge and macvlan" }, () => {
  let result: LabResult;
  let t: RoundTrip;
  before(async () => {
    [result] = (await new HostEngine().runMany([labFile(HOST_LAB, "snapshot-roundtrip-host")])) as [LabResult];
    t = await roundTrip(result, "vm02", "snapshot");
  });

  test("the reader changes nothing in the lab host: every ip -j listing of every namespace is the same after it", () => {
    const s = result.steps.find((x) => x.name === "the reader leaves every listing as it was") as CommandResult;
    assert.equal(s.exitCode, 0, s.stdout + s.stderr);
  });

  test("the snapshot holds every namespace: the named ones and the container's", () => {
    assert.deepEqual(t.snap.namespaces.slice(0, 3), [null, "ns1", "ns2"]);
    assert.match(t.snap.namespaces[3] ?? "", /^sleep-\d+$/);
    assert.equal(t.snap.namespaces.length, 4);
    assert.deepEqual(t.snap.standIns.map((s) => s.addrs).sort(), [["10.0.0.10"], ["10.0.0.2"]]);
  });

  test("the snapshot's matrix in sim equals the real one from the machine", () => {
    const { real, sim, races } = compareCells(t, "vm02");
    assert.ok(races.length <= 4, `cells that differed between two real matrices: ${races.join(", ")}`);
    assert.ok(real.length >= 12, `cells compared: ${real.length}`);
    assert.ok(real.some((c) => c.endsWith("fail")) && real.some((c) => c.endsWith("ok")), "both answers occur");
    assert.deepEqual(sim, real);
  });
});
