// host h: eth0 (02:00:00:00:0a:10, .10/24) on a lab switch, with macvlans
// mv1 (ns1, .21, 02:..:15) and mv2 (ns2, .22, 02:..:16) on it; host x
// (02:00:00:00:0a:50, .50/24) and host y (02:00:00:00:0a:60, .60/24) on
// the same switch. The switch port of h reflects frames when `hairpin`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addrAdd,
  arpingOnce,
  devChangeNetNamespace,
  linkAddEthernet,
  linkAddMacvlan,
  linkDel,
  linkSetAddress,
  linkSetDown,
  linkSetMtu,
  linkSetUp,
  macvlanChangelink,
  MacvlanDevice,
  neighLookup,
  neighUpdate,
  pingOnce,
  Sim,
  unregisterNetdevice,
  type EthernetDevice,
  type Kernel,
  type MacvlanMode,
  type MacvlanNewlink,
  type NetDevice,
  type TapEvent,
} from "../src/kernel/index.js";
import { parseIp } from "../src/shell/iproute2/ip.js";
import { ip, must } from "./kernel-helpers.js";

function errnoOf(r: { ok: true } | { ok: false; errno: string }): string {
  return r.ok ? "ok" : r.errno;
}

const opts = (o: Partial<MacvlanNewlink> = {}): MacvlanNewlink => ({ mode: null, flags: null, macaddr: null, bcQueueLen: null, mtu: null, mac: null, ...o });

function host(sim: Sim, name: string, mac: string, addr: string, hairpin = false): { k: Kernel; eth0: EthernetDevice } {
  const k = sim.addKernel(name);
  const eth0 = must(linkAddEthernet(k.initNet, "eth0", { mac }));
  sim.switches.get("lan")!.attach(eth0, { hairpin });
  must(addrAdd(eth0, { local: ip(addr), prefixlen: 24 }));
  must(linkSetUp(eth0));
  return { k, eth0 };
}

/** Two macvlans of one mode, each in a namespace of its own, up with an address. */
function lab(mode: MacvlanMode | null, o: { hairpin?: boolean } = {}) {
  const sim = new Sim({ seed: 3 });
  sim.addSwitch("lan");
  const { k, eth0 } = host(sim, "h", "02:00:00:00:0a:10", "192.168.1.10", o.hairpin);
  const x = host(sim, "x", "02:00:00:00:0a:50", "192.168.1.50");
  const y = host(sim, "y", "02:00:00:00:0a:60", "192.168.1.60");
  const mvs: MacvlanDevice[] = [];
  for (const i of [1, 2]) {
    const ns = must(k.netnsAdd(`ns${i}`));
    const mv = must(linkAddMacvlan(k.initNet, `mv${i}`, eth0, opts({ mode, mac: `02:00:00:00:00:1${i + 4}` })));
    must(devChangeNetNamespace(mv, ns));
    must(addrAdd(mv, { local: ip(`192.168.1.2${i}`), prefixlen: 24 }));
    must(linkSetUp(mv));
    mvs.push(mv);
  }
  return { sim, k, eth0, x, y, mv1: mvs[0]!, mv2: mvs[1]! };
}

function tap(dev: NetDevice): TapEvent[] {
  const seen: TapEvent[] = [];
  dev.taps.add((e) => seen.push(e));
  return seen;
}

describe("macvlan modes", () => {
  test("the kernel's default mode is vepa", () => {
    const { mv1 } = lab(null);
    assert.equal(mv1.mode, "vepa");
    assert.equal(mv1.bcQueueLen, 1000);
    assert.equal(mv1.usedBcQueueLen, 1000);
  });

  test("bridge: mv1 reaches mv2 through eth0's receive path, which taps it as incoming for another host", () => {
    const { eth0, mv1, mv2, x } = lab("bridge");
    const onEth0 = tap(eth0);
    const onX = tap(x.eth0);
    const r = pingOnce(mv1.net, ip("192.168.1.22"));
    assert.ok(r.reply);
    const icmpIn = onEth0.filter((e) => e.direction === "in" && e.frame.payload.kind === "ipv4");
    assert.deepEqual(
      icmpIn.map((e) => [e.frame.src, e.pktType]),
      [
        [mv1.mac, "otherhost"],
        [mv2.mac, "otherhost"],
      ],
    );
    assert.equal(
      onX.filter((e) => e.frame.payload.kind === "ipv4").length,
      0,
      "unicast between bridge-mode macvlans never reaches the wire",
    );
  });

  test("vepa: mv1 cannot reach mv2 unless the switch sends frames back", () => {
    const plain = lab("vepa");
    assert.equal(pingOnce(plain.mv1.net, ip("192.168.1.22")).reply, null);
    // Even with mv2's MAC known, the echo request leaves eth0 and the switch does not send it back.
    neighUpdate(neighLookup(plain.mv1, ip("192.168.1.22"), true)!, plain.mv2.mac, "permanent", { override: true, admin: true });
    const onMv2 = tap(plain.mv2);
    const onEth0 = tap(plain.eth0);
    assert.equal(pingOnce(plain.mv1.net, ip("192.168.1.22")).reply, null);
    assert.equal(onMv2.length, 0);
    assert.deepEqual(
      onEth0.map((e) => `${e.direction} ${e.frame.payload.kind}`),
      ["out ipv4"],
    );
    const { mv1 } = lab("vepa", { hairpin: true });
    assert.ok(pingOnce(mv1.net, ip("192.168.1.22")).reply);
  });

  test("private: a broadcast the hairpin switch reflects goes back to its sender only", () => {
    const { mv1, mv2 } = lab("private", { hairpin: true });
    const onMv2 = tap(mv2);
    const onMv1 = tap(mv1);
    assert.equal(pingOnce(mv1.net, ip("192.168.1.22")).reply, null);
    assert.equal(onMv2.filter((e) => e.direction === "in" && e.frame.payload.kind === "arp").length, 0, "mv2 never hears the ARP request");
    assert.ok(onMv1.some((e) => e.direction === "in" && e.frame.src === mv1.mac && e.pktType === "broadcast"), "mv1 gets its own request back");
  });

  test("bridge and vepa macvlans get broadcasts from the wire through the port's queue, after eth0's stack", () => {
    const { eth0, mv1, x } = lab("bridge");
    const order: string[] = [];
    eth0.taps.add((e) => e.direction === "in" && e.frame.payload.kind === "arp" && order.push("eth0"));
    mv1.taps.add((e) => e.direction === "in" && e.frame.payload.kind === "arp" && order.push("mv1"));
    const replies = arpingOnce(x.eth0, ip("192.168.1.21"), { timeoutMs: 500 });
    assert.deepEqual(
      replies.map((r) => r.mac),
      [mv1.mac],
    );
    assert.deepEqual(order.slice(0, 2), ["eth0", "mv1"]);
  });

  test("passthru: the only macvlan of its port, with the lower device's MAC", () => {
    const sim = new Sim();
    sim.addSwitch("lan");
    const { k, eth0 } = host(sim, "h", "02:00:00:00:0a:10", "192.168.1.10");
    const pt = must(linkAddMacvlan(k.initNet, "pt", eth0, opts({ mode: "passthru" })));
    assert.equal(pt.mac, eth0.mac);
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "mv2", eth0, opts({ mode: "bridge" }))), "EINVAL");
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "pt2", eth0, opts({ mode: "passthru" }))), "EINVAL");
    assert.equal(errnoOf(macvlanChangelink(pt, { mode: "bridge", flags: null, macaddr: null, bcQueueLen: null })), "EINVAL", "passthru cannot be cleared");
    must(linkDel(pt));
    const mv = must(linkAddMacvlan(k.initNet, "mv", eth0, opts({ mode: "bridge" })));
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "pt3", eth0, opts({ mode: "passthru" }))), "EINVAL", "nor set beside another macvlan");
    assert.equal(errnoOf(macvlanChangelink(mv, { mode: "passthru", flags: null, macaddr: null, bcQueueLen: null })), "EINVAL");
  });

  test("passthru takes all unicast, and setting its MAC sets the lower device's", () => {
    const sim = new Sim();
    sim.addSwitch("lan");
    const { k, eth0 } = host(sim, "h", "02:00:00:00:0a:10", "192.168.1.10");
    const x = host(sim, "x", "02:00:00:00:0a:50", "192.168.1.50");
    const pt = must(linkAddMacvlan(k.initNet, "pt", eth0, opts({ mode: "passthru" })));
    must(linkSetUp(pt));
    must(linkSetAddress(pt, "02:00:00:00:0a:99"));
    assert.equal(eth0.mac, "02:00:00:00:0a:99");
    assert.equal(pt.mac, "02:00:00:00:0a:99");
    must(addrAdd(pt, { local: ip("192.168.1.30"), prefixlen: 24 }));
    assert.ok(pingOnce(x.k.initNet, ip("192.168.1.30")).reply);
    must(linkDel(pt));
    assert.equal(eth0.mac, "02:00:00:00:0a:10", "the port gives the lower device its MAC back");
  });

  test("source: only frames from listed source MACs reach the macvlan", () => {
    const { k, eth0, x, y } = lab("bridge");
    const src = must(linkAddMacvlan(k.initNet, "src0", eth0, opts({ mode: "source", macaddr: { mode: "add", macs: [x.eth0.mac] } })));
    must(linkSetUp(src));
    assert.deepEqual(src.sourceMacs, [x.eth0.mac]);
    const onSrc = tap(src);
    arpingOnce(x.eth0, ip("192.168.1.10"), { timeoutMs: 300 });
    arpingOnce(y.eth0, ip("192.168.1.10"), { timeoutMs: 300 });
    const from = new Set(onSrc.filter((e) => e.direction === "in").map((e) => e.frame.src));
    assert.deepEqual([...from], [x.eth0.mac]);
    must(macvlanChangelink(src, { mode: null, flags: null, macaddr: { mode: "set", macs: [y.eth0.mac, x.eth0.mac] }, bcQueueLen: null }));
    assert.deepEqual(new Set(src.sourceMacs), new Set([x.eth0.mac, y.eth0.mac]));
    must(macvlanChangelink(src, { mode: null, flags: null, macaddr: { mode: "del", macs: [x.eth0.mac] }, bcQueueLen: null }));
    assert.deepEqual(src.sourceMacs, [y.eth0.mac]);
    assert.equal(errnoOf(macvlanChangelink(src, { mode: "bridge", flags: null, macaddr: { mode: "flush", macs: [] }, bcQueueLen: null })), "EINVAL", "macaddr needs source mode");
    assert.deepEqual(src.sourceMacs, [], "leaving source mode flushed the list");
  });

  test("macaddr is refused outside source mode", () => {
    const { k, eth0 } = lab("bridge");
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "m", eth0, opts({ mode: "bridge", macaddr: { mode: "add", macs: ["02:00:00:00:0a:50"] } }))), "EINVAL");
  });
});

describe("macvlan control plane", () => {
  test("MTU: never above the lower device's; shrinks with it, does not grow back", () => {
    const { k, eth0, mv1 } = lab("bridge");
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "big", eth0, opts({ mtu: 9000 }))), "EINVAL");
    assert.equal(errnoOf(linkSetMtu(mv1, 1501)), "EINVAL");
    must(linkSetMtu(eth0, 1400));
    assert.equal(mv1.mtu, 1400);
    must(linkSetMtu(eth0, 1500));
    assert.equal(mv1.mtu, 1400);
    must(linkSetMtu(mv1, 1500));
    assert.equal(mv1.mtu, 1500);
  });

  test("open refuses the lower device's MAC, or an up sibling's, with EADDRINUSE", () => {
    const { k, eth0, mv1 } = lab("bridge");
    const same = must(linkAddMacvlan(k.initNet, "same", eth0, opts({ mac: eth0.mac })));
    assert.equal(errnoOf(linkSetUp(same)), "EADDRINUSE");
    assert.equal(same.isUp, false);
    const twin = must(linkAddMacvlan(k.initNet, "twin", eth0, opts({ mac: mv1.mac })));
    assert.equal(errnoOf(linkSetUp(twin)), "EADDRINUSE");
    assert.equal(errnoOf(linkSetAddress(mv1, "02:00:00:00:0a:10")), "EADDRINUSE");
  });

  test("a macvlan on a macvlan is re-parented; lo and ipvlan-less checks refuse", () => {
    const { k, eth0, mv1 } = lab("bridge");
    const mvmv = must(linkAddMacvlan(mv1.net, "mvmv", mv1, opts()));
    assert.equal(mvmv.lowerdev, eth0);
    assert.equal(errnoOf(linkAddMacvlan(k.initNet, "mvlo", k.initNet.loopback, opts())), "EINVAL");
  });

  test("deleting the lower device deletes its macvlans in every namespace; its carrier is theirs", () => {
    const { eth0, mv1, mv2 } = lab("bridge");
    assert.equal(mv1.carrier, true);
    must(linkSetDown(eth0));
    assert.equal(mv1.carrier, false);
    must(linkSetUp(eth0));
    assert.equal(mv1.carrier, true);
    const ns1 = mv1.net;
    const ns2 = mv2.net;
    // A lab NIC has no link ops (linkDel refuses it): delete it as unregister_netdevice does.
    unregisterNetdevice(eth0);
    assert.equal(ns1.devByName("mv1"), undefined);
    assert.equal(ns2.devByName("mv2"), undefined);
    assert.equal(eth0.rxHandler, null, "the port went with its last macvlan");
  });
});

describe("ip link ... type macvlan parsing", () => {
  test("macaddr set takes addresses until the next option", () => {
    const r = parseIp("link add link eth0 s0 type macvlan mode source macaddr set 02:00:00:00:00:01 02:00:00:00:00:02 flag nodst".split(" "));
    assert.ok(r.ok, r.ok ? "" : r.stderr);
    const c = r.value.cmd;
    const t = c.object === "link" && c.command === "add" ? c.type : null;
    assert.ok(t?.kind === "macvlan");
    assert.deepEqual(t.macaddr, { mode: "set", macs: ["02:00:00:00:00:01", "02:00:00:00:00:02"] });
    assert.equal(t.nodst, true);
    assert.equal(t.hasFlags, true);
  });

  test("macaddr add needs a full address", () => {
    const r = parseIp("link set s0 type macvlan macaddr add 02:00:00".split(" "));
    assert.ok(!r.ok);
    assert.equal(r.exitCode, 1);
  });
});
