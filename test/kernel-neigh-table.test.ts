// arp_tbl's limits (net/core/neighbour.c neigh_alloc, neigh_forced_gc): one
// table per kernel, shared by all its namespaces; at gc_thresh3 entries a new
// one is refused unless forced gc frees one, oldest first, of those nothing
// holds that are FAILED, NOARP or not updated for 5 s.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addrAdd, linkAddEthernet, linkAddVeth, linkSetUp, neighLookup, neighUpdate, pingOnce, Sim, type NetDevice } from "../src/kernel/index.js";
import { ip, must } from "./kernel-helpers.js";

function lan() {
  const sim = new Sim({ seed: 3 });
  const sw = sim.addSwitch("lan");
  const hosts = ["h1", "h2"].map((name, i) => {
    const k = sim.addKernel(name);
    const eth0 = must(linkAddEthernet(k.initNet, "eth0", { mac: `02:00:00:00:00:0${i + 1}` }));
    sw.attach(eth0);
    must(linkSetUp(k.initNet.loopback));
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip(`10.0.0.${i + 1}`), prefixlen: 16 }));
    return { k, net: k.initNet, eth0 };
  });
  return { sim, h1: hosts[0]!, h2: hosts[1]! };
}

/** `count` REACHABLE entries on dev (each with its timer running, so forced gc cannot free it), from 10.0.base.1 up. */
function fill(dev: NetDevice, base: number, count: number) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = neighLookup(dev, ip(`10.0.${base + (i >> 8)}.${i & 0xff}`), true);
    assert.ok(n, `entry ${i}`);
    neighUpdate(n, "02:00:00:00:aa:01", "reachable", { override: true });
    out.push(n);
  }
  return out;
}

describe("the neighbour table's limits", () => {
  test("one table for all of a kernel's namespaces: at gc_thresh3 a new entry is refused, ping's sendmsg gets EINVAL and ARP goes unanswered", () => {
    const { h1, h2 } = lan();
    const ns = must(h1.k.netnsAdd("ns1"));
    const v = must(linkAddVeth(h1.net, "v0", "v1", { peerNet: ns }));
    // lo up makes ns1's local table: without one every neighbour there is broadcast, NOARP (neigh-broadcast-no-local-table).
    must(linkSetUp(ns.loopback));
    fill(h1.eth0, 100, 600);
    fill(v.peer, 110, 424);
    assert.equal(h1.k.arpTbl.gcList.size, 1024);
    assert.equal(neighLookup(h1.eth0, ip("10.0.0.2"), true), null, "the 1025th entry");
    assert.equal(pingOnce(h1.net, ip("10.0.0.2")).sendError, "EINVAL");
    // h2 is another kernel with a table of its own; h1 cannot note h2 as it would answer h2's ARP request.
    assert.equal(h2.k.arpTbl.gcList.size, 0);
    const fromH2 = pingOnce(h2.net, ip("10.0.0.1"));
    assert.equal(fromH2.sendError, null);
    assert.equal(fromH2.reply, null);
    assert.ok(h1.k.arpTbl.tableFulls >= 3);
  });

  test("forced gc frees the FAILED entries so a new one fits, and no REACHABLE one; PERMANENT entries never count", () => {
    const { h1 } = lan();
    const entries = fill(h1.eth0, 100, 1024);
    neighUpdate(entries[700]!, null, "failed", { admin: true });
    neighUpdate(entries[10]!, null, "failed", { admin: true });
    assert.ok(neighLookup(h1.eth0, ip("10.0.0.2"), true), "made once forced gc freed one");
    // Up to 1025 - gc_thresh2 entries may go: every FAILED one does, the REACHABLE ones stay.
    assert.equal(h1.eth0.neigh.get(entries[10]!.key as number), undefined);
    assert.equal(h1.eth0.neigh.get(entries[700]!.key as number), undefined);
    assert.equal(h1.eth0.neigh.get(entries[11]!.key as number), entries[11]);
    assert.equal(h1.k.arpTbl.gcList.size, 1023);
    const perm = neighLookup(h1.eth0, ip("10.0.0.3"), true, true);
    assert.ok(perm, "a PERMANENT entry is exempt");
    neighUpdate(perm, "02:00:00:00:00:03", "permanent", { override: true, admin: true });
    assert.equal(h1.k.arpTbl.gcList.size, 1023);
    neighUpdate(perm, "02:00:00:00:00:03", "stale", { override: true, admin: true });
    assert.equal(h1.k.arpTbl.gcList.size, 1024, "no longer PERMANENT, it counts again");
  });

  test("past gc_thresh2, forced gc runs at most every 5 s and frees entries idle for 5 s back down to gc_thresh2", () => {
    const { sim, h1 } = lan();
    for (let i = 0; i < 600; i++) neighUpdate(neighLookup(h1.eth0, ip(`10.0.${100 + (i >> 8)}.${i & 0xff}`), true)!, "02:00:00:00:aa:01", "stale", { override: true });
    assert.equal(h1.k.arpTbl.forcedGcRuns, 0, "the table was made at boot, 5 s had not passed");
    sim.run({ for: 6000 });
    assert.ok(neighLookup(h1.eth0, ip("10.0.0.2"), true));
    assert.equal(h1.k.arpTbl.forcedGcRuns, 1);
    assert.equal(h1.k.arpTbl.gcList.size, 512, "601 entries, 89 freed");
    assert.equal(h1.eth0.neigh.get(ip("10.0.100.88")), undefined, "the oldest went");
    assert.ok(h1.eth0.neigh.get(ip("10.0.100.89")));
    assert.ok(neighLookup(h1.eth0, ip("10.0.0.3"), true));
    assert.equal(h1.k.arpTbl.forcedGcRuns, 1, "not again within 5 s");
  });

  test("the count of entries forced gc could free (no timer running) follows every entry made, resolved, timed out, made PERMANENT and destroyed", () => {
    const { sim, h1, h2 } = lan();
    const tbl = h1.k.arpTbl;
    const idle = () => [...tbl.gcList].filter((n) => n.timer === null).length;
    const entries = fill(h1.eth0, 100, 50);
    assert.equal(tbl.gcIdle, idle());
    neighUpdate(entries[3]!, null, "failed", { admin: true });
    neighUpdate(entries[4]!, "02:00:00:00:00:04", "permanent", { override: true, admin: true });
    neighUpdate(entries[5]!, "02:00:00:00:00:05", "stale", { override: true });
    assert.equal(tbl.gcIdle, idle());
    assert.ok(pingOnce(h1.net, ip("10.0.0.2"), { timeoutMs: 1000 }).reply);
    assert.equal(pingOnce(h1.net, ip("10.0.9.9"), { timeoutMs: 1000 }).reply, null, "no one has 10.0.9.9: its entry fails");
    assert.equal(tbl.gcIdle, idle());
    sim.run({ for: 120_000 });
    assert.equal(tbl.gcIdle, idle());
    assert.ok(tbl.gcIdle > 0, "entries went STALE with no timer");
    assert.equal(h2.k.arpTbl.gcIdle, [...h2.k.arpTbl.gcList].filter((n) => n.timer === null).length);
  });
});
