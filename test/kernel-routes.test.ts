import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addrAdd,
  addrDel,
  devChangeNetNamespace,
  linkAddEthernet,
  linkAddVeth,
  linkSetDown,
  linkSetUp,
  neighUpdate,
  neighLookup,
  pingOnce,
  routeAdd,
  routeGet,
  routeList,
  RT_TABLE_LOCAL,
  Sim,
  sysctlRead,
  sysctlWrite,
  type FibRoute,
} from "../src/kernel/index.js";
import { formatIpv4 } from "../src/wire/index.js";
import { ip, must } from "./kernel-helpers.js";

const show = (rs: FibRoute[]) => rs.map((r) => `${r.type} ${formatIpv4(r.dst)}/${r.len} dev ${r.nh.dev?.name} proto ${r.protocol} src ${formatIpv4(r.prefsrc)}`);

function host() {
  const sim = new Sim();
  const k = sim.addKernel("h");
  const eth0 = must(linkAddEthernet(k.initNet, "eth0"));
  return { sim, k, net: k.initNet, eth0 };
}

describe("routes made by addresses (fib_add_ifaddr)", () => {
  test("a /24 on an up device: local, broadcast and connected routes", () => {
    const { net, eth0 } = host();
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip("10.0.0.1"), prefixlen: 24 }));
    assert.deepEqual(show(routeList(net)), ["unicast 10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1"]);
    assert.deepEqual(show(routeList(net, RT_TABLE_LOCAL)), [
      "local 10.0.0.1/32 dev eth0 proto kernel src 10.0.0.1",
      "broadcast 10.0.0.255/32 dev eth0 proto kernel src 10.0.0.1",
    ]);
  });

  test("a /32: only the local route", () => {
    const { net, eth0 } = host();
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip("10.0.0.100"), prefixlen: 32 }));
    assert.deepEqual(show(routeList(net)), []);
    assert.deepEqual(show(routeList(net, RT_TABLE_LOCAL)), ["local 10.0.0.100/32 dev eth0 proto kernel src 10.0.0.100"]);
  });

  test("on a down device only the local route, the rest comes with up", () => {
    const { net, eth0 } = host();
    must(addrAdd(eth0, { local: ip("10.7.0.1"), prefixlen: 24 }));
    assert.equal(routeList(net).length, 0);
    assert.equal(routeList(net, RT_TABLE_LOCAL).length, 1);
    must(linkSetUp(eth0));
    assert.equal(routeList(net).length, 1);
  });

  test("a second address in the prefix is secondary; deleting the primary takes it along", () => {
    const { eth0 } = host();
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip("10.0.0.1"), prefixlen: 24 }));
    must(addrAdd(eth0, { local: ip("10.0.0.2"), prefixlen: 24 }));
    assert.deepEqual(eth0.inDev!.ifaList.map((a) => a.secondary), [false, true]);
    must(addrDel(eth0, ip("10.0.0.1"), 24));
    assert.equal(eth0.inDev!.ifaList.length, 0, "promote_secondaries=0");
  });

  test("route get picks the source like inet_select_addr, and the first of two equal prefixes", () => {
    const { net, eth0 } = host();
    const d0 = must(linkAddEthernet(net, "d0"));
    must(linkSetUp(eth0));
    must(linkSetUp(d0));
    must(addrAdd(eth0, { local: ip("192.168.1.10"), prefixlen: 24 }));
    must(addrAdd(d0, { local: ip("192.168.1.99"), prefixlen: 24 }));
    const rt = must(routeGet(net, { daddr: ip("192.168.1.77") }));
    assert.equal(rt.dev.name, "eth0");
    assert.equal(formatIpv4(rt.src), "192.168.1.10");
    const dup = routeAdd(net, { dst: ip("192.168.1.0"), len: 24, dev: d0 });
    assert.ok(!dup.ok && dup.errno === "EEXIST");
    must(routeAdd(net, { dst: ip("192.168.1.77"), len: 32, dev: d0 }));
    assert.equal(must(routeGet(net, { daddr: ip("192.168.1.77") })).dev.name, "d0");
    const viaOif = must(routeGet(net, { daddr: ip("8.8.8.8"), oif: eth0 }));
    assert.equal(formatIpv4(viaOif.src), "192.168.1.10", "with oif and no route: assumed on-link");
    assert.ok(!routeGet(net, { daddr: ip("8.8.8.8") }).ok);
  });

  test("a gateway must be reachable by a link-scope route, and metric breaks ties", () => {
    const { net, eth0 } = host();
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip("10.0.0.1"), prefixlen: 24 }));
    const bad = routeAdd(net, { dst: 0, len: 0, gw: ip("10.9.9.9") });
    assert.ok(!bad.ok && bad.msg === "Nexthop has invalid gateway");
    must(routeAdd(net, { dst: 0, len: 0, gw: ip("10.0.0.254"), metric: 200 }));
    must(routeAdd(net, { dst: 0, len: 0, gw: ip("10.0.0.253"), metric: 100 }));
    assert.equal(formatIpv4(must(routeGet(net, { daddr: ip("1.1.1.1") })).gw), "10.0.0.253");
  });
});

describe("link down and namespace moves", () => {
  test("down: connected and static routes and neighbours go, the local address still answers", () => {
    const { net, eth0 } = host();
    must(linkSetUp(net.loopback));
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip("10.7.0.1"), prefixlen: 24 }));
    must(routeAdd(net, { dst: ip("10.77.0.0"), len: 16, gw: ip("10.7.0.2") }));
    const n = neighLookup(eth0, ip("10.7.0.2"), true)!;
    neighUpdate(n, "02:00:00:00:00:09", "permanent", { admin: true, override: true });
    must(linkSetDown(eth0));
    assert.deepEqual(show(routeList(net)), []);
    assert.deepEqual(show(routeList(net, RT_TABLE_LOCAL).filter((r) => r.nh.dev === eth0)), ["local 10.7.0.1/32 dev eth0 proto kernel src 10.7.0.1"]);
    assert.ok(routeList(net, RT_TABLE_LOCAL).some((r) => r.type === "local" && r.len === 8 && r.nh.dev === net.loopback), "lo up added 127.0.0.1/8 and its local 127/8 route");
    assert.equal(eth0.neigh.size, 0, "permanent entries too");
    assert.ok(pingOnce(net, ip("10.7.0.1")).reply, "local address answers via lo");
    must(linkSetUp(eth0));
    assert.deepEqual(show(routeList(net)), ["unicast 10.7.0.0/24 dev eth0 proto kernel src 10.7.0.1"], "the static route is not restored");
  });

  test("moving to another netns: arrives down, no addresses, routes gone, sysctls from the target default", () => {
    const { k, net } = host();
    const { dev: t0 } = must(linkAddVeth(net, "t0", "t1"));
    must(linkSetUp(t0));
    must(addrAdd(t0, { local: ip("10.9.0.1"), prefixlen: 24 }));
    must(routeAdd(net, { dst: ip("10.99.0.0"), len: 16, gw: ip("10.9.0.2") }));
    must(sysctlWrite(net, "net.ipv4.conf.t0.rp_filter", 1));
    const ns = must(k.netnsAdd("ns"));
    must(devChangeNetNamespace(t0, ns));
    assert.equal(t0.isUp, false);
    assert.equal(t0.inDev!.ifaList.length, 0);
    assert.equal(routeList(net).length, 0);
    assert.equal(routeList(net, RT_TABLE_LOCAL).length, 0);
    assert.equal(must(sysctlRead(ns, "net.ipv4.conf.t0.rp_filter")), 0);
    assert.ok(!devChangeNetNamespace(ns.loopback, net).ok, "lo is netns-local");
  });

  test("deleting a netns deletes its veth and the peer; a NIC goes home", () => {
    const { k, net, eth0 } = host();
    const ns = must(k.netnsAdd("ns"));
    const { dev: a } = must(linkAddVeth(net, "a", "b"));
    must(devChangeNetNamespace(a, ns));
    must(devChangeNetNamespace(eth0, ns));
    must(k.netnsDel("ns"));
    assert.equal(net.devByName("b"), undefined, "peer deleted");
    assert.equal(net.devByName("eth0"), eth0, "the NIC is back in init_net");
  });
});
