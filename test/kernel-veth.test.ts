// ns1 [v1 10.0.0.1/24] ==veth== [v2 10.0.0.2/24] ns2
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addrAdd, devChangeNetNamespace, linkAddVeth, linkSetDown, linkSetUp, pingOnce, Sim, type TapEvent } from "../src/kernel/index.js";
import { formatIpv4 } from "../src/wire/index.js";
import { ip, must } from "./kernel-helpers.js";


function vethLab() {
  const sim = new Sim({ seed: 7 });
  const k = sim.addKernel("h1");
  const ns1 = must(k.netnsAdd("ns1"));
  const ns2 = must(k.netnsAdd("ns2"));
  const { dev: v1, peer: v2 } = must(linkAddVeth(k.initNet, "v1", "v2"));
  must(devChangeNetNamespace(v1, ns1));
  must(devChangeNetNamespace(v2, ns2));
  must(addrAdd(v1, { local: ip("10.0.0.1"), prefixlen: 24 }));
  must(addrAdd(v2, { local: ip("10.0.0.2"), prefixlen: 24 }));
  must(linkSetUp(v1));
  must(linkSetUp(v2));
  return { sim, k, ns1, ns2, v1, v2 };
}

describe("veth pair across namespaces", () => {
  test("ping works, with ARP first, and the reply comes from the address pinged", () => {
    const { ns1, v1 } = vethLab();
    const seen: TapEvent[] = [];
    v1.taps.add((e) => seen.push(e));
    const r = pingOnce(ns1, ip("10.0.0.2"));
    assert.ok(r.reply, "reply received");
    assert.equal(formatIpv4(r.reply.from), "10.0.0.2");
    assert.equal(r.reply.ttl, 64);
    const kinds = seen.map((e) => `${e.direction}:${e.frame.payload.kind}`);
    assert.deepEqual(kinds, ["out:arp", "in:arp", "out:ipv4", "in:ipv4"]);
    const req = seen[0]!.frame;
    assert.equal(req.dst, "ff:ff:ff:ff:ff:ff");
    assert.ok(req.payload.kind === "arp" && req.payload.arp.op === 1 && formatIpv4(req.payload.arp.spa) === "10.0.0.1");
    const rep = seen[1]!;
    assert.equal(rep.pktType, "host", "the ARP reply is unicast to v1");
    assert.equal(v1.neigh.get(ip("10.0.0.2"))?.state, "reachable");
  });

  test("ifindex is per namespace: lo is 1, the peer registered before the device", () => {
    const sim = new Sim();
    const k = sim.addKernel("h");
    const { dev, peer } = must(linkAddVeth(k.initNet, "a", "b"));
    assert.equal(k.initNet.loopback.ifindex, 1);
    assert.equal(peer.ifindex, 2);
    assert.equal(dev.ifindex, 3);
    const ns = must(k.netnsAdd("x"));
    assert.equal(ns.loopback.ifindex, 1);
    must(devChangeNetNamespace(dev, ns));
    assert.equal(dev.ifindex, 3, "kept: free in the target");
    assert.equal(ns.loopback.isUp, false, "a new netns has lo down");
  });

  test("no carrier while the peer is down: nothing leaves", () => {
    const { ns1, v1, v2 } = vethLab();
    must(linkSetDown(v2));
    assert.equal(v1.carrier, false);
    const r = pingOnce(ns1, ip("10.0.0.2"));
    assert.equal(r.reply, null);
  });
});
