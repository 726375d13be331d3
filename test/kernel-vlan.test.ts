// 802.1Q devices in the simulated kernel: hosts a and b on a lab switch,
// each with eth0 (02:00:00:00:0a:0N) and VLANs on it as each test makes them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addrAdd,
  devChangeNetNamespace,
  linkAddEthernet,
  linkAddIpvlan,
  linkAddMacvlan,
  linkAddVeth,
  linkAddVlan,
  linkDel,
  linkSetAddress,
  linkSetDown,
  linkSetMtu,
  linkSetUp,
  pingOnce,
  Sim,
  VLAN_FLAG_LOOSE_BINDING,
  type EthernetDevice,
  type Kernel,
  type NetDevice,
  type TapEvent,
  type VlanNewlink,
} from "../src/kernel/index.js";
import { ETH_P_8021AD, ETH_P_8021Q, vlanId, vlanPcp } from "../src/wire/vlan.js";
import { ip, must } from "./kernel-helpers.js";

const opts = (o: Partial<VlanNewlink> = {}): VlanNewlink => ({ data: true, id: 10, protocol: null, flags: null, egressQos: null, mtu: null, mac: null, ...o });

function host(sim: Sim, name: string, n: number): { k: Kernel; eth0: EthernetDevice } {
  const k = sim.addKernel(name);
  const eth0 = must(linkAddEthernet(k.initNet, "eth0", { mac: `02:00:00:00:0a:0${n}` }));
  sim.switches.get("lan")!.attach(eth0);
  must(linkSetUp(eth0));
  return { k, eth0 };
}

/** A VLAN on eth0, up, with 10.0.ID.N/24. */
function vlan(h: { k: Kernel; eth0: NetDevice }, n: number, o: Partial<VlanNewlink> = {}): NetDevice {
  const id = o.id ?? 10;
  const v = must(linkAddVlan(h.k.initNet, `eth0.${id}`, h.eth0, opts(o)));
  must(addrAdd(v, { local: ip(`10.0.${id}.${n}`), prefixlen: 24 }));
  must(linkSetUp(v));
  return v;
}

function lab() {
  const sim = new Sim({ seed: 5 });
  sim.addSwitch("lan");
  return { sim, a: host(sim, "a", 1), b: host(sim, "b", 2) };
}

function tap(dev: NetDevice): TapEvent[] {
  const seen: TapEvent[] = [];
  dev.taps.add((e) => seen.push(e));
  return seen;
}

describe("vlan: the data path", () => {
  test("the tag goes on in the VLAN's transmit and comes off before the lower device's stack", () => {
    const { a, b } = lab();
    const va = vlan(a, 1);
    const vb = vlan(b, 2);
    const onVa = tap(va);
    const onEthA = tap(a.eth0);
    const onEthB = tap(b.eth0);
    const onVb = tap(vb);
    assert.ok(pingOnce(a.k.initNet, ip("10.0.10.2")).reply);
    const tags = (evs: TapEvent[]) => evs.map((e) => (e.frame.vlans ?? []).map((t) => `${t.tpid.toString(16)}/${vlanId(t)}`).join(","));
    assert.ok(onEthA.length >= 4 && tags(onEthA).every((t) => t === "8100/10"), tags(onEthA).join(" "));
    assert.ok(tags(onEthB).every((t) => t === "8100/10"));
    assert.ok(onVa.length >= 4 && tags(onVa).every((t) => t === ""));
    assert.ok(tags(onVb).every((t) => t === ""));
    // vlan_do_receive counts what it hands on: the ARP reply (28) and the echo reply (84), without any header.
    assert.equal(va.stats.rxBytes, 28 + 84);
    // vlan_dev_hard_start_xmit counts the frame before the tag: ARP request 42, echo request 98.
    assert.equal(va.stats.txBytes, 42 + 98);
  });

  test("a tag no VLAN device takes is someone else's frame; an untagged host never answers it", () => {
    const { a, b } = lab();
    vlan(a, 1, { id: 20 });
    must(addrAdd(b.eth0, { local: ip("10.0.20.2"), prefixlen: 24 }));
    assert.equal(pingOnce(a.k.initNet, ip("10.0.20.2")).reply, null);
  });

  test("the same id in 802.1ad is another tag", () => {
    const { a, b } = lab();
    vlan(a, 1, { protocol: ETH_P_8021AD });
    vlan(b, 2);
    assert.equal(pingOnce(a.k.initNet, ip("10.0.10.2")).reply, null);
  });

  test("a priority tag (VLAN 0) is taken off and the frame is the lower device's", () => {
    const { a, b } = lab();
    vlan(a, 1, { id: 0 });
    must(addrAdd(b.eth0, { local: ip("10.0.0.2"), prefixlen: 24 }));
    const onB = tap(b.eth0);
    // b answers untagged; a's eth0.0 would need tag 0 back, so the ping itself fails: only the request side is the point.
    pingOnce(a.k.initNet, ip("10.0.0.2"));
    const arpReply = onB.find((e) => e.direction === "out" && e.frame.payload.kind === "arp");
    assert.ok(arpReply, "b answered the priority-tagged ARP request");
    assert.equal(arpReply.frame.vlans, undefined);
  });

  test("Q-in-Q: two tags on the wire, one off per round", () => {
    const { a, b } = lab();
    const sa = must(linkAddVlan(a.k.initNet, "s100", a.eth0, opts({ id: 100, protocol: ETH_P_8021AD })));
    const sb = must(linkAddVlan(b.k.initNet, "s100", b.eth0, opts({ id: 100, protocol: ETH_P_8021AD })));
    must(linkSetUp(sa));
    must(linkSetUp(sb));
    vlan({ k: a.k, eth0: sa }, 1);
    vlan({ k: b.k, eth0: sb }, 2);
    const onEthB = tap(b.eth0);
    const onSb = tap(sb);
    assert.ok(pingOnce(a.k.initNet, ip("10.0.10.2")).reply);
    const tpids = (e: TapEvent) => (e.frame.vlans ?? []).map((t) => t.tpid);
    assert.deepEqual(tpids(onEthB[0]!), [ETH_P_8021AD, ETH_P_8021Q]);
    assert.deepEqual(tpids(onSb[0]!), [ETH_P_8021Q]);
  });

  test("an egress map from priority 0 sets the PCP of everything sent", () => {
    const { a, b } = lab();
    vlan(a, 1, { egressQos: [{ from: 0, to: 5 }] });
    vlan(b, 2);
    const onEthB = tap(b.eth0);
    assert.ok(pingOnce(a.k.initNet, ip("10.0.10.2")).reply);
    const fromA = onEthB.filter((e) => e.frame.src === a.eth0.mac);
    assert.ok(fromA.length >= 2 && fromA.every((e) => vlanPcp(e.frame.vlans![0]!) === 5));
  });

  test("a VLAN device that is down drops its frames", () => {
    const { a, b } = lab();
    vlan(a, 1);
    const vb = vlan(b, 2);
    must(linkSetDown(vb));
    assert.equal(pingOnce(a.k.initNet, ip("10.0.10.2")).reply, null);
  });

  test("macvlans on a VLAN: the VLAN passes their MACs on, and eth0 goes promiscuous", () => {
    const { a } = lab();
    const va = vlan(a, 1);
    const mv = must(linkAddMacvlan(a.k.initNet, "mv1", va, { mode: "bridge", flags: null, macaddr: null, bcQueueLen: null, mtu: null, mac: "02:00:00:00:0a:99" }));
    const before = a.eth0.promiscuity;
    must(linkSetUp(mv));
    assert.equal(va.promiscuity, 0);
    assert.equal(a.eth0.promiscuity, before + 1);
    must(linkSetDown(mv));
    assert.equal(a.eth0.promiscuity, before);
  });
});

describe("vlan: the control path", () => {
  test("what vlan_newlink refuses", () => {
    const { a } = lab();
    const errno = (r: { ok: boolean; errno?: string; msg?: string }) => (r.ok ? "ok" : `${r.errno} ${r.msg ?? ""}`.trim());
    const net = a.k.initNet;
    assert.equal(errno(linkAddVlan(net, "x", a.eth0, opts({ id: 4095 }))), "ERANGE 8021q: Invalid VLAN id");
    assert.equal(errno(linkAddVlan(net, "x", a.eth0, opts({ protocol: 0x0800 }))), "EPROTONOSUPPORT 8021q: Invalid VLAN protocol");
    assert.equal(errno(linkAddVlan(net, "x", a.eth0, opts({ data: false, id: null }))), "EINVAL 8021q: VLAN properties not specified");
    assert.equal(errno(linkAddVlan(net, "x", a.eth0, opts({ id: null }))), "EINVAL 8021q: VLAN id not specified");
    assert.equal(errno(linkAddVlan(net, "x", null, opts())), "EINVAL 8021q: link not specified");
    assert.equal(errno(linkAddVlan(net, "x", net.loopback, opts())), "EOPNOTSUPP 8021q: VLANs not supported on device");
    const ipvl = must(linkAddIpvlan(net, "ipvl0", a.eth0, { mode: "l2", flags: "bridge", mtu: null }));
    assert.equal(errno(linkAddVlan(net, "x", ipvl, opts())), "EOPNOTSUPP 8021q: VLANs not supported on device");
    assert.equal(errno(linkAddVlan(net, "x", a.eth0, opts({ mtu: 1501 }))), "EINVAL");
    must(linkAddVlan(net, "eth0.10", a.eth0, opts()));
    assert.equal(errno(linkAddVlan(net, "eth0.10", a.eth0, opts({ id: 11 }))), "EEXIST");
    assert.equal(errno(linkAddVlan(net, "y", a.eth0, opts())), "EEXIST 8021q: VLAN device already exists");
  });

  test("the lower device going down closes its VLANs; coming up opens every one", () => {
    const { a } = lab();
    const up = vlan(a, 1);
    const never = must(linkAddVlan(a.k.initNet, "eth0.20", a.eth0, opts({ id: 20 })));
    const loose = must(linkAddVlan(a.k.initNet, "eth0.30", a.eth0, opts({ id: 30, flags: { flags: VLAN_FLAG_LOOSE_BINDING, mask: VLAN_FLAG_LOOSE_BINDING } })));
    must(linkSetDown(a.eth0));
    assert.equal(up.isUp, false);
    assert.deepEqual(linkSetUp(up), { ok: false, errno: "ENETDOWN" });
    must(linkSetUp(loose));
    must(linkSetUp(a.eth0));
    assert.deepEqual([up.isUp, never.isUp, loose.isUp], [true, true, true]);
  });

  test("MAC: a VLAN that is up follows its lower device's, one set by hand does not, one that is down follows when it opens", () => {
    const { a } = lab();
    const up = vlan(a, 1);
    const own = must(linkAddVlan(a.k.initNet, "own", a.eth0, opts({ id: 20, mac: "02:00:00:00:0a:77" })));
    must(linkSetUp(own));
    const down = must(linkAddVlan(a.k.initNet, "down", a.eth0, opts({ id: 30 })));
    must(linkSetAddress(a.eth0, "02:00:00:00:0a:55"));
    assert.deepEqual([up.mac, own.mac, down.mac], ["02:00:00:00:0a:55", "02:00:00:00:0a:77", "02:00:00:00:0a:01"]);
    must(linkSetUp(down));
    assert.equal(down.mac, "02:00:00:00:0a:55");
  });

  test("MTU: never above the lower device's, shrunk with it and not grown back", () => {
    const { a } = lab();
    const v = vlan(a, 1);
    assert.deepEqual(linkSetMtu(v, 1501), { ok: false, errno: "ERANGE" });
    must(linkSetMtu(a.eth0, 1300));
    assert.equal(v.mtu, 1300);
    must(linkSetMtu(a.eth0, 1500));
    assert.equal(v.mtu, 1300);
  });

  test("deleting the lower device deletes its VLANs, also in other namespaces; moving it keeps them", () => {
    const sim = new Sim({ seed: 1 });
    const k = sim.addKernel("h");
    const ns1 = must(k.netnsAdd("ns1"));
    const ns2 = must(k.netnsAdd("ns2"));
    const { dev: v0 } = must(linkAddVeth(k.initNet, "v0", "v1"));
    const v = must(linkAddVlan(k.initNet, "v0.10", v0, opts()));
    must(devChangeNetNamespace(v, ns1));
    must(devChangeNetNamespace(v0, ns2));
    assert.equal(ns1.devByName("v0.10"), v);
    must(linkDel(v0));
    assert.equal(ns1.devByName("v0.10"), undefined);
    assert.equal(v0.vlanInfo, null);
  });
});
