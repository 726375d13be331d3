import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { HostEngine, kernelCanCreate } from "../src/engines/host.js";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { isRoot } from "./helpers.js";
import { compareCells, labFile, LISTINGS, READ_STEP, roundTrip, type RoundTrip } from "./snapshot-roundtrip.js";

// A machine with what the host kernel can make (veth, bridge, macvlan): a bridge with a namespace
// behind it and forwarding on, a macvlan in a second namespace, a "container" (an unnamed namespace
// held by a process) on the bridge, rp_filter strict; two other machines on its LAN.
export const HOST_LAB = `name: snapshot-roundtrip-host
networks: { lan: {} }
hosts:
  vm02:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:00:0e" } }
    run: |
      sysctl -qw net.ipv4.conf.all.rp_filter=1
      ip addr add 10.0.0.14/24 dev eth0
      ip link set eth0 up
      ip route add default via 10.0.0.2
      ip link add br0 type bridge
      ip link set br0 up
      ip addr add 10.9.0.1/24 dev br0
      sysctl -qw net.ipv4.ip_forward=1
      ip netns add ns1
      ip link add v1 type veth peer name eth0 netns ns1
      ip link set v1 master br0
      ip link set v1 up
      ip -n ns1 link set lo up
      ip -n ns1 addr add 10.9.0.11/24 dev eth0
      ip -n ns1 link set eth0 up
      ip -n ns1 route add default via 10.9.0.1
      ip netns add ns2
      ip link add link eth0 mv2 address 02:00:00:00:00:66 type macvlan mode bridge
      ip link set mv2 netns ns2
      ip -n ns2 addr add 10.0.0.102/24 dev mv2
      ip -n ns2 link set mv2 up
      ip -n ns2 route add default via 10.0.0.2
      unshare --net sleep 1000 </dev/null >/dev/null 2>&1 &
      c=$!
      until [ "$(readlink /proc/$c/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
      ip link add c0 type veth peer name eth0 netns $c
      ip link set c0 master br0
      ip link set c0 up
      nsenter --net=/proc/$c/ns/net ip addr add 10.9.0.12/24 dev eth0
      nsenter --net=/proc/$c/ns/net ip link set eth0 up
      nsenter --net=/proc/$c/ns/net ip route add default via 10.9.0.1
  vm01:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.10/24 dev eth0
      ip link set eth0 up
  gateway:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.2/24 dev eth0
      ip link set eth0 up
steps:
  - matrix: before the snapshot
  - name: the reader leaves every listing as it was
    on: vm02
    run: |
${LISTINGS.split("\n").map((l) => `      ${l}`).join("\n")}
      before=$(listings)
      ${READ_STEP} > /dev/null
      after=$(listings)
      [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); exit 1; }
    expect: ok
  - name: snapshot
    on: vm02
    run: ${READ_STEP}
`;

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
    const { real, sim } = compareCells(t, "vm02");
    assert.ok(real.length >= 12, `cells compared: ${real.length}`);
    assert.ok(real.some((c) => c.endsWith("fail")) && real.some((c) => c.endsWith("ok")), "both answers occur");
    assert.deepEqual(sim, real);
  });
});
