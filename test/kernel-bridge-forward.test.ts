import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addrAdd,
  devChangeNetNamespace,
  linkAddBridge,
  linkAddVeth,
  linkSetMaster,
  linkSetUp,
  pingOnce,
  routeAdd,
  Sim,
  sysctlWrite,
  type Net,
  type TapEvent,
} from "../src/kernel/index.js";
import { ip, must } from "./kernel-helpers.js";


// ns1..ns3 each [eth0 10.0.0.N/24] == veth == [pN] br0 (in the host)
function bridgeLab() {
  const sim = new Sim();
  const k = sim.addKernel("h");
  const br = must(linkAddBridge(k.initNet, "br0"));
  const ns: Net[] = [];
  const ports = [];
  for (let i = 1; i <= 3; i++) {
    const n = must(k.netnsAdd(`ns${i}`));
    const { dev, peer } = must(linkAddVeth(k.initNet, "eth0", `p${i}`, { mac: `02:00:00:00:00:0${i}` }));
    must(devChangeNetNamespace(dev, n));
    must(linkSetMaster(peer, br));
    must(linkSetUp(peer));
    must(linkSetUp(dev));
    must(addrAdd(dev, { local: ip(`10.0.0.${i}`), prefixlen: 24 }));
    ns.push(n);
    ports.push(peer);
  }
  must(linkSetUp(br));
  return { sim, k, br, ns, ports };
}

describe("bridge", () => {
  test("floods the first ARP, learns, then forwards unicast only to the right port", () => {
    const { br, ns, ports } = bridgeLab();
    const out3: TapEvent[] = [];
    ports[2]!.taps.add((e) => e.direction === "out" && out3.push(e));
    assert.ok(pingOnce(ns[0]!, ip("10.0.0.2")).reply);
    assert.deepEqual(out3.map((e) => e.frame.payload.kind), ["arp"], "p3 saw the broadcast only");
    assert.equal(br.fdb.find("02:00:00:00:00:01", 0)?.port?.dev.name, "p1");
    assert.equal(br.fdb.find("02:00:00:00:00:02", 0)?.port?.dev.name, "p2");
  });

  test("the bridge itself is a host interface", () => {
    const { br, ns } = bridgeLab();
    must(addrAdd(br, { local: ip("10.0.0.254"), prefixlen: 24 }));
    assert.ok(pingOnce(ns[0]!, ip("10.0.0.254")).reply);
  });

  test("learned entries age out after ageing_time", () => {
    const { sim, br, ns } = bridgeLab();
    pingOnce(ns[0]!, ip("10.0.0.2"));
    // ns2 answered with a STALE entry, so its DELAY→PROBE unicast ARP at ~5 s is the last frame learned.
    sim.run({ for: 306_000 });
    assert.equal(br.fdb.find("02:00:00:00:00:01", sim.now), null);
  });

  test("a loop of two bridges is a broadcast storm; the frame budget stops it", () => {
    const sim = new Sim({ frameBudget: 5000 });
    const k = sim.addKernel("h");
    const b1 = must(linkAddBridge(k.initNet, "b1"));
    const b2 = must(linkAddBridge(k.initNet, "b2"));
    for (const [a, b] of [["x1", "y1"], ["x2", "y2"]] as const) {
      const { dev, peer } = must(linkAddVeth(k.initNet, a, b));
      must(linkSetMaster(dev, b1));
      must(linkSetMaster(peer, b2));
      must(linkSetUp(dev));
      must(linkSetUp(peer));
    }
    must(linkSetUp(b1));
    must(linkSetUp(b2));
    must(addrAdd(b1, { local: ip("10.5.0.1"), prefixlen: 24 }));
    const r = pingOnce(k.initNet, ip("10.5.0.9"), { timeoutMs: 10 });
    assert.equal(r.reply, null);
    // Each later ARP probe starts a new storm; each run still ends, within its budget.
    const rep = sim.run({ for: 1500 });
    assert.equal(rep.budgetExceeded, true);
    assert.ok(rep.frames <= 5001);
    assert.equal(rep.time, 1510);
  });
});

// a [10.1.0.2] == [10.1.0.1] r [10.2.0.1] == [10.2.0.2] b
function routerLab() {
  const sim = new Sim();
  const k = sim.addKernel("h");
  const a = must(k.netnsAdd("a"));
  const r = must(k.netnsAdd("r"));
  const b = must(k.netnsAdd("b"));
  const link = (x: Net, y: Net, net: number) => {
    const { dev, peer } = must(linkAddVeth(k.initNet, `to-${y.name}`, `to-${x.name}`));
    must(devChangeNetNamespace(dev, x));
    must(devChangeNetNamespace(peer, y));
    must(linkSetUp(dev));
    must(linkSetUp(peer));
    must(addrAdd(dev, { local: ip(`10.${net}.0.${x === r ? 1 : 2}`), prefixlen: 24 }));
    must(addrAdd(peer, { local: ip(`10.${net}.0.${y === r ? 1 : 2}`), prefixlen: 24 }));
    return { dev, peer };
  };
  const ar = link(a, r, 1);
  link(r, b, 2);
  must(routeAdd(a, { dst: 0, len: 0, gw: ip("10.1.0.1") }));
  must(routeAdd(b, { dst: 0, len: 0, gw: ip("10.2.0.1") }));
  return { sim, k, a, r, b, ar };
}

describe("forwarding", () => {
  test("ip_forward=0 drops silently; 1 forwards with the TTL decremented", () => {
    const { a, r } = routerLab();
    const off = pingOnce(a, ip("10.2.0.2"));
    assert.equal(off.reply, null);
    assert.equal(off.errors.length, 0, "no ICMP when not forwarding");
    must(sysctlWrite(r, "net.ipv4.ip_forward", 1));
    const on = pingOnce(a, ip("10.2.0.2"), { seq: 2 });
    assert.ok(on.reply);
    assert.equal(on.reply.ttl, 63);
  });

  test("TTL 1 gets time exceeded from the router; no route gets net unreachable", () => {
    const { a, r } = routerLab();
    must(sysctlWrite(r, "net.ipv4.ip_forward", 1));
    const t = pingOnce(a, ip("10.2.0.2"), { ttl: 1 });
    assert.deepEqual(t.errors.map((e) => [e.type, e.code, e.from]), [["time-exceeded", 0, ip("10.1.0.1")]]);
    const n = pingOnce(a, ip("10.9.0.1"), { seq: 3 });
    assert.deepEqual(n.errors.map((e) => [e.type, e.code]), [["dest-unreach", 0]]);
  });

  test("rp_filter=1 drops a packet whose reverse route leaves by another interface", () => {
    const { a, r, b, ar } = routerLab();
    must(sysctlWrite(r, "net.ipv4.ip_forward", 1));
    // a claims a source that r routes towards b.
    must(addrAdd(ar.dev, { local: ip("10.2.0.77"), prefixlen: 32 }));
    assert.ok(pingOnce(a, ip("10.1.0.1"), { src: ip("10.2.0.77") }).reply === null, "reply goes towards b anyway");
    must(sysctlWrite(r, "net.ipv4.conf.all.rp_filter", 1));
    const before = r.mib.TcpExtIPReversePathFilter ?? 0;
    pingOnce(a, ip("10.1.0.1"), { src: ip("10.2.0.77"), seq: 9 });
    assert.equal((r.mib.TcpExtIPReversePathFilter ?? 0) - before, 1);
    assert.ok(pingOnce(a, ip("10.1.0.1"), { seq: 10 }).reply, "a normal source still passes");
    void b;
  });
});
