// h: eth0 (a veth whose peer p0 is the "wire") carries ipvlan slaves, each
// moved into a namespace of its own.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addrAdd,
  devChangeNetNamespace,
  IFF_NOARP,
  ipvlanChangelink,
  linkAddIpvlan,
  linkAddVeth,
  linkDel,
  linkSetAddress,
  linkSetDown,
  linkSetMtu,
  linkSetUp,
  pingOnce,
  Sim,
  type IpvlanDevice,
  type IpvlanFlags,
  type IpvlanMode,
  type Net,
  type TapEvent,
} from "../src/kernel/index.js";
import { eui48LinkLocal } from "../src/kernel/ipv6/addrconf.js";
import { ip, must } from "./kernel-helpers.js";


function parentLab() {
  const sim = new Sim({ seed: 11 });
  const k = sim.addKernel("h");
  const { dev: eth0, peer: p0 } = must(linkAddVeth(k.initNet, "eth0", "p0", { mac: "02:00:00:00:0a:10" as never }));
  must(addrAdd(eth0, { local: ip("192.168.1.10"), prefixlen: 24 }));
  must(linkSetUp(eth0));
  must(linkSetUp(p0));
  const slave = (name: string, addr: string, mode: IpvlanMode | null, flags: IpvlanFlags = "bridge"): { dev: IpvlanDevice; ns: Net } => {
    const dev = must(linkAddIpvlan(k.initNet, name, eth0, { mode, flags, mtu: null }));
    const ns = must(k.netnsAdd(`ns-${name}`));
    must(devChangeNetNamespace(dev, ns));
    must(addrAdd(dev, { local: ip(addr), prefixlen: 24 }));
    must(linkSetUp(dev));
    return { dev, ns };
  };
  return { sim, k, eth0, p0, slave };
}

describe("ipvlan", () => {
  test("the slave shares its parent's MAC, refuses its own, and follows the parent's changes", () => {
    const { eth0, slave } = parentLab();
    const { dev } = slave("ipvl1", "192.168.1.21", "l2");
    assert.equal(dev.mac, eth0.mac);
    const r = linkSetAddress(dev, "02:00:00:00:0b:01");
    assert.equal(r.ok ? "ok" : r.errno, "EOPNOTSUPP");
    must(linkSetAddress(eth0, "02:00:00:00:0a:11"));
    assert.equal(dev.mac, "02:00:00:00:0a:11");
    assert.equal(dev.permAddr, "02:00:00:00:0a:10", "perm_addr keeps the MAC it was registered with");
  });

  test("mode and flags belong to the port: a sibling made without a mode turns every slave l3 (NOARP)", () => {
    const { eth0, slave } = parentLab();
    const a = slave("ipvl1", "192.168.1.21", "l2", "private");
    assert.equal(a.dev.flags & IFF_NOARP, 0);
    const b = slave("ipvl2", "192.168.1.22", null);
    assert.equal(a.dev.port, b.dev.port);
    assert.equal(a.dev.port.mode, "l3");
    assert.equal(a.dev.port.flags, "bridge", "iproute2 always sends the flags");
    assert.notEqual(a.dev.flags & IFF_NOARP, 0, "the existing slave became NOARP");
    must(ipvlanChangelink(b.dev, "l2", null));
    assert.equal(a.dev.flags & IFF_NOARP, 0);
    assert.equal(eth0.rxHandler !== null, true);
  });

  test("an address another slave of the port holds is refused, the parent's own is not", () => {
    const { slave } = parentLab();
    const a = slave("ipvl1", "192.168.1.21", "l2");
    const b = slave("ipvl2", "192.168.1.22", "l2");
    const dup = addrAdd(b.dev, { local: ip("192.168.1.21"), prefixlen: 24 });
    assert.deepEqual(dup.ok ? null : [dup.errno, dup.msg], ["EADDRINUSE", "Address already assigned to an ipvlan device."]);
    must(addrAdd(a.dev, { local: ip("192.168.1.10"), prefixlen: 24 }));
  });

  test("l2: slave to slave never touches the parent; to the parent's own address the ARP goes out to the wire only", () => {
    const { sim, eth0, slave } = parentLab();
    const a = slave("ipvl1", "192.168.1.21", "l2");
    slave("ipvl2", "192.168.1.22", "l2");
    const seen: TapEvent[] = [];
    eth0.taps.add((e) => seen.push(e));
    assert.ok(pingOnce(a.ns, ip("192.168.1.22")).reply);
    sim.run({ for: 10 });
    assert.deepEqual(
      seen.map((e) => `${e.direction}:${e.frame.payload.kind}:${e.frame.dst}`),
      ["out:arp:ff:ff:ff:ff:ff:ff"],
      "only the deferred broadcast ARP leaves through the parent",
    );
    assert.equal(pingOnce(a.ns, ip("192.168.1.10")).reply, null, "the parent's stack never sees its slave's ARP");
  });

  test("private drops slave-to-slave unicast and the sender sees ENOBUFS; l3 routes everything else in the parent's namespace", () => {
    const { sim, p0, slave } = parentLab();
    const a = slave("ipvl1", "192.168.1.21", "l3", "private");
    const b = slave("ipvl2", "192.168.1.22", "l3", "private");
    const r = pingOnce(a.ns, ip("192.168.1.22"));
    assert.deepEqual(r.sendError, "ENOBUFS");
    assert.equal(a.dev.stats.txDropped, 1);
    assert.equal(b.dev.stats.rxPackets, 0);
    const wire: TapEvent[] = [];
    p0.taps.add((e) => wire.push(e));
    pingOnce(a.ns, ip("192.168.1.50"));
    sim.run({ for: 10 });
    const arp = wire.find((e) => e.frame.payload.kind === "arp");
    assert.ok(arp && arp.frame.payload.kind === "arp");
    assert.equal(arp.frame.payload.arp.spa, ip("192.168.1.10"), "the parent ARPs from its own address");
  });

  test("MTU follows the parent both ways; deleting the parent deletes every slave, in any namespace", () => {
    const { k, eth0, slave } = parentLab();
    const a = slave("ipvl1", "192.168.1.21", "l2");
    must(linkSetMtu(a.dev, 9000));
    must(linkSetMtu(eth0, 1400));
    assert.equal(a.dev.mtu, 1400);
    must(linkSetMtu(eth0, 1500));
    assert.equal(a.dev.mtu, 1500);
    must(linkDel(eth0));
    assert.equal(a.ns.devByName("ipvl1"), undefined);
    assert.equal(eth0.rxHandler, null, "the port went with the last slave");
    assert.equal(k.initNet.devByName("eth0"), undefined);
  });
});

describe("IPv6 link-locals (addrconf)", () => {
  test("EUI-64 from the MAC, or around the dev_id without flipping the U/L bit", () => {
    assert.equal(eui48LinkLocal("02:00:00:00:0a:10", 0), "fe80::ff:fe00:a10");
    assert.equal(eui48LinkLocal("02:00:00:00:0a:10", 1), "fe80::200:0:100:a10");
    assert.equal(eui48LinkLocal("52:54:00:12:34:56", 0), "fe80::5054:ff:fe12:3456");
    assert.equal(eui48LinkLocal("52:54:00:12:34:56", 1), "fe80::5254:0:112:3456");
  });

  test("with IPv6 on, a slave gets its link-local at up (after DAD), and loses it at down", () => {
    const { sim, k, slave } = parentLab();
    k.ipv6 = true;
    const { dev } = slave("ipvl1", "192.168.1.21", "l2");
    assert.deepEqual(
      dev.in6Dev!.addrList.map((a) => [a.addr, a.tentative]),
      [["fe80::200:0:100:a10", true]],
    );
    sim.run({ for: 2000 });
    assert.equal(dev.in6Dev!.addrList[0]!.tentative, false, "DAD ends within rtr_solicit_delay + retrans_time");
    must(linkSetDown(dev));
    assert.deepEqual(dev.in6Dev!.addrList, []);
  });
});
