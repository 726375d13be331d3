// h1 [eth0 10.0.0.1/24] --- lan (LabSwitch) --- [eth0 10.0.0.2/24] h2
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addrAdd, arpingOnce, linkAddEthernet, linkSetUp, pingOnce, RawSocket, Sim, sysctlWrite, type TapEvent, type TraceStep } from "../src/kernel/index.js";
import { formatIpv4 } from "../src/wire/index.js";
import { ip, must } from "./kernel-helpers.js";


function lan(trace?: (s: TraceStep) => void) {
  const sim = new Sim({ seed: 3, trace: trace ?? null });
  const sw = sim.addSwitch("lan");
  const hosts = ["h1", "h2"].map((name, i) => {
    const k = sim.addKernel(name);
    const eth0 = must(linkAddEthernet(k.initNet, "eth0", { mac: `02:00:00:00:00:0${i + 1}` }));
    sw.attach(eth0);
    must(linkSetUp(k.initNet.loopback));
    must(linkSetUp(eth0));
    must(addrAdd(eth0, { local: ip(`10.0.0.${i + 1}`), prefixlen: 24 }));
    return { k, net: k.initNet, eth0 };
  });
  return { sim, sw, h1: hosts[0]!, h2: hosts[1]! };
}

describe("ARP and ICMP between two hosts on a switch", () => {
  test("ping works and the switch learns both MACs", () => {
    const { sw, h1 } = lan();
    assert.ok(pingOnce(h1.net, ip("10.0.0.2")).reply);
    assert.equal(sw.lookup("02:00:00:00:00:01")?.nic.name, "eth0");
    assert.equal(sw.lookup("02:00:00:00:00:02")?.label, "h2:eth0");
  });

  test("an unanswered address: 3 broadcast probes 1 s apart, then host unreachable from our own address", () => {
    const { sim, h1 } = lan();
    const probes: number[] = [];
    h1.eth0.taps.add((e: TapEvent) => {
      if (e.direction === "out" && e.frame.payload.kind === "arp") probes.push(e.time);
    });
    const r = pingOnce(h1.net, ip("10.0.0.99"), { timeoutMs: 5000 });
    assert.equal(r.reply, null);
    assert.deepEqual(probes, [0, 1000, 2000]);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.type, "dest-unreach");
    assert.equal(r.errors[0]!.code, 1);
    assert.equal(formatIpv4(r.errors[0]!.from), "10.0.0.1");
    assert.equal(h1.eth0.neigh.get(ip("10.0.0.99"))?.state, "failed");
    assert.ok(sim.now >= 3000);
  });

  test("with -W 1 the error has not come yet", () => {
    const { h1 } = lan();
    const r = pingOnce(h1.net, ip("10.0.0.99"), { timeoutMs: 1000 });
    assert.equal(r.errors.length, 0);
  });

  test("no route: sendmsg fails with ENETUNREACH", () => {
    const { h1 } = lan();
    assert.equal(pingOnce(h1.net, ip("192.0.2.1")).sendError, "ENETUNREACH");
  });

  test("arping gets one unicast reply; the replier learns a STALE entry", () => {
    const { h1, h2 } = lan();
    const replies = arpingOnce(h1.eth0, ip("10.0.0.2"));
    assert.deepEqual(replies, [{ from: ip("10.0.0.2"), mac: "02:00:00:00:00:02", unicast: true }]);
    assert.equal(h2.eth0.neigh.get(ip("10.0.0.1"))?.state, "stale");
    assert.equal(h1.eth0.neigh.get(ip("10.0.0.2")), undefined, "arping's own socket does not fill the table");
  });

  test("arp_ignore=1: no answer for an address that lives on another interface", () => {
    const { h1, h2 } = lan();
    const dummy = must(linkAddEthernet(h2.net, "eth1"));
    must(linkSetUp(dummy));
    must(addrAdd(dummy, { local: ip("10.1.0.1"), prefixlen: 24 }));
    assert.equal(arpingOnce(h1.eth0, ip("10.1.0.1"), { src: ip("10.0.0.1") }).length, 1, "arp_ignore=0 answers for any local address");
    must(sysctlWrite(h2.net, "net.ipv4.conf.all.arp_ignore", 1));
    assert.equal(arpingOnce(h1.eth0, ip("10.1.0.1"), { src: ip("10.0.0.1") }).length, 0);
    assert.equal(arpingOnce(h1.eth0, ip("10.0.0.2")).length, 1, "still answers for its own address");
  });

  test("icmp_echo_ignore_all silences echo; a raw socket still sees the request", () => {
    const { h1, h2 } = lan();
    must(sysctlWrite(h2.net, "net.ipv4.icmp_echo_ignore_all", 1));
    const spy = new RawSocket(h2.net);
    assert.equal(pingOnce(h1.net, ip("10.0.0.2")).reply, null);
    assert.equal(spy.rx.length, 1);
  });

  test("tracing records the decisions; without a sink nothing is recorded", () => {
    const steps: TraceStep[] = [];
    const { h1 } = lan((s) => steps.push(s));
    pingOnce(h1.net, ip("10.0.0.2"));
    const funcs = new Set(steps.map((s) => s.func));
    for (const f of ["arp_solicit", "arp_process", "icmp_echo", "ip_local_deliver"]) assert.ok(funcs.has(f), f);
    assert.ok(steps.every((s) => s.host === "h1" || s.host === "h2" || s.host === "lan"));
  });
});
