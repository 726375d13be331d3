// IPv6 in the simulated kernel: two hosts on one veth pair (a's eth0, b's
// eth0 in a namespace of a's kernel), and ipvlan slaves of one parent.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { devChangeNetNamespace, fib6Dump, ip6RouteLookup, ipv6AddAddr, linkAddIpvlan, linkAddVeth, linkSetDown, linkSetUp, Sim, sysctlWrite, type Net, type NetDevice, type TapEvent } from "../src/kernel/index.js";
import { Raw6Socket } from "../src/kernel/sockets.js";
import { must } from "./kernel-helpers.js";

function pair() {
  const sim = new Sim({ seed: 5 });
  const k = sim.addKernel("h");
  k.ipv6 = true;
  must(linkSetUp(k.initNet.loopback));
  const nb = must(k.netnsAdd("b"));
  const { dev: a, peer: b } = must(linkAddVeth(k.initNet, "eth0", "eth0", { peerNet: nb, mac: "02:00:00:00:0a:01" as never, peerMac: "02:00:00:00:0b:01" as never }));
  const frames: string[] = [];
  a.taps.add((ev: TapEvent) => {
    if (ev.direction === "out" && ev.frame.payload.kind === "ipv6") {
      const ip6 = ev.frame.payload.ip6;
      frames.push(`${ip6.src} > ${ip6.dst} ${ip6.payload.kind === "icmpv6" ? ip6.payload.icmp.type : "raw"}`);
    }
  });
  return { sim, k, a, b, na: k.initNet, nb, frames };
}

const addrs = (d: NetDevice) => d.in6Dev!.addrList.map((x) => `${x.addr}/${x.prefixlen}${x.tentative ? " tentative" : ""}${x.dadfailed ? " dadfailed" : ""}`);

describe("IPv6 addrconf", () => {
  test("link-local at up, tentative until DAD; the local route comes with DAD's end", () => {
    const { sim, a, b, na, frames } = pair();
    must(linkSetUp(b));
    must(linkSetUp(a));
    assert.deepEqual(addrs(a), ["fe80::ff:fe00:a01/64 tentative"]);
    assert.ok(!fib6Dump(na, "local").some((r) => r.dst === "fe80::ff:fe00:a01"));
    sim.run({ for: 2100 });
    assert.deepEqual(addrs(a), ["fe80::ff:fe00:a01/64"]);
    assert.ok(fib6Dump(na, "local").some((r) => r.dst === "fe80::ff:fe00:a01" && r.type === "local"));
    // DAD's probe from ::, then the MLD state reports and a router solicitation from the link-local.
    assert.ok(frames.includes(":: > ff02::1:ff00:a01 ns"));
    assert.ok(frames.includes("fe80::ff:fe00:a01 > ff02::2 rs"));
    assert.ok(frames.some((f) => f.startsWith("fe80::ff:fe00:a01 > ff02::16 mld2-report")));
  });

  test("global addresses sort before link-locals; a duplicate is defended and left dadfailed", () => {
    const { sim, a, b } = pair();
    must(linkSetUp(a));
    must(linkSetUp(b));
    must(ipv6AddAddr(b, { addr: "2001:db8::1", prefixlen: 64 }));
    sim.run({ for: 3000 });
    must(ipv6AddAddr(a, { addr: "2001:db8::1", prefixlen: 64 }));
    sim.run({ for: 3000 });
    assert.deepEqual(addrs(a), ["2001:db8::1/64 tentative dadfailed", "fe80::ff:fe00:a01/64"]);
    assert.deepEqual(addrs(b), ["2001:db8::1/64", "fe80::ff:fe00:b01/64"]);
  });

  test("disable_ipv6 refuses addresses (EACCES) and takes the device's away", () => {
    const { sim, a, na } = pair();
    must(linkSetUp(a));
    sim.run({ for: 100 });
    must(sysctlWrite(na, "net.ipv6.conf.eth0.disable_ipv6", 1));
    assert.deepEqual(addrs(a), []);
    const r = ipv6AddAddr(a, { addr: "2001:db8::1", prefixlen: 64 });
    assert.equal(r.ok ? "ok" : r.errno, "EACCES");
  });

  test("down removes every address unless keep_addr_on_down keeps the global ones", () => {
    const { sim, a, na } = pair();
    must(linkSetUp(a));
    must(ipv6AddAddr(a, { addr: "2001:db8::1", prefixlen: 64 }));
    sim.run({ for: 3000 });
    must(sysctlWrite(na, "net.ipv6.conf.eth0.keep_addr_on_down", 1));
    must(linkSetDown(a));
    assert.deepEqual(addrs(a), ["2001:db8::1/64 tentative"]);
    must(sysctlWrite(na, "net.ipv6.conf.eth0.keep_addr_on_down", 0));
    must(linkSetUp(a));
    must(linkSetDown(a));
    assert.deepEqual(addrs(a), []);
  });
});

describe("IPv6 neighbour discovery and echo", () => {
  function echo(from: Net, dst: string, sim: Sim): string[] {
    const s = new Raw6Socket(from);
    const got: string[] = [];
    s.onRecv = (r) => got.push(r.ip6.payload.kind === "icmpv6" ? `${r.ip6.src} ${r.ip6.payload.icmp.type}` : "raw");
    must(s.sendIcmp6(dst, null, null, { type: "echo-request", id: 7, seq: 1, data: new Uint8Array(8) }, null));
    sim.run({ for: 5000 });
    s.close();
    return got;
  }

  test("an echo resolves the neighbour with NS/NA and comes back; the entries are REACHABLE and STALE->DELAY", () => {
    const { sim, a, b, na, nb } = pair();
    must(linkSetUp(a));
    must(linkSetUp(b));
    must(ipv6AddAddr(a, { addr: "2001:db8::1", prefixlen: 64 }));
    must(ipv6AddAddr(b, { addr: "2001:db8::2", prefixlen: 64 }));
    sim.run({ for: 3000 });
    assert.deepEqual(echo(na, "2001:db8::2", sim).filter((x) => x.endsWith("echo-reply")), ["2001:db8::2 echo-reply"]);
    assert.equal(a.neigh6.get("2001:db8::2")?.ha, "02:00:00:00:0b:01");
    assert.equal(b.neigh6.get("2001:db8::1")?.ha, "02:00:00:00:0a:01");
    void nb;
  });

  test("no answer: three solicitations, then address unreachable from our own address", () => {
    const { sim, a, b, na, frames } = pair();
    must(linkSetUp(a));
    must(linkSetUp(b));
    must(ipv6AddAddr(a, { addr: "2001:db8::1", prefixlen: 64 }));
    sim.run({ for: 3000 });
    frames.length = 0;
    const got = echo(na, "2001:db8::99", sim);
    assert.deepEqual(got, ["2001:db8::1 dest-unreach"]);
    assert.equal(frames.filter((f) => f === "2001:db8::1 > ff02::1:ff00:99 ns").length, 3);
    assert.equal(a.neigh6.get("2001:db8::99")?.state, "failed");
  });

  test("a destination nothing routes is ENETUNREACH", () => {
    const { na } = pair();
    const r = ip6RouteLookup(na, { daddr: "2001:db9::1" });
    assert.equal(r.ok ? "ok" : r.errno, "ENETUNREACH");
  });
});

describe("ipvlan over IPv6", () => {
  test("slaves share the MAC but not the link-local (dev_id); a sibling's address is refused", () => {
    const { sim, k, a, b } = pair();
    must(linkSetUp(a));
    must(linkSetUp(b));
    const s1 = must(linkAddIpvlan(k.initNet, "ipvl1", a, { mode: "l2", flags: "bridge", mtu: null }));
    const s2 = must(linkAddIpvlan(k.initNet, "ipvl2", a, { mode: null, flags: "bridge", mtu: null }));
    const n1 = must(k.netnsAdd("n1"));
    must(devChangeNetNamespace(s1, n1));
    must(linkSetUp(s1));
    must(linkSetUp(s2));
    sim.run({ for: 3000 });
    assert.deepEqual([addrs(s1), addrs(s2)], [["fe80::200:0:100:a01/64"], ["fe80::200:0:200:a01/64"]]);
    must(ipv6AddAddr(s1, { addr: "2001:db8::101", prefixlen: 64 }));
    const r = ipv6AddAddr(s2, { addr: "2001:db8::101", prefixlen: 64 });
    assert.equal(r.ok ? "ok" : `${r.errno} ${r.msg}`, "EADDRINUSE Address already assigned to an ipvlan device.");
  });
});

describe("stable-privacy interface ids (RFC 7217)", () => {
  test("sha1_transform over one padded block is SHA-1", async () => {
    const { createHash } = await import("node:crypto");
    const { sha1Transform } = await import("../src/kernel/ipv6/stable-address.js");
    const block = new Uint8Array(64);
    block.set([0x61, 0x62, 0x63, 0x80]);
    block[63] = 24;
    const words = sha1Transform(block);
    const hex = words.map((w) => w.toString(16).padStart(8, "0")).join("");
    assert.equal(hex, createHash("sha1").update("abc").digest("hex"));
  });

  test("the same secret, prefix and permanent MAC give the same id; another secret another", async () => {
    const { ipv6GenerateStableAddress } = await import("../src/kernel/ipv6/stable-address.js");
    const sim = new Sim({ seed: 5 });
    const k = sim.addKernel("h");
    const { dev: a } = must(linkAddVeth(k.initNet, "a0", "a1"));
    const idev = a.in6Dev!;
    idev.stableSecret = new Uint8Array(16).fill(7);
    const one = ipv6GenerateStableAddress("fe80::", 0, idev);
    assert.equal(ipv6GenerateStableAddress("fe80::", 0, idev), one);
    assert.notEqual(ipv6GenerateStableAddress("fe80::", 1, idev), one);
    idev.stableSecret = new Uint8Array(16).fill(8);
    assert.notEqual(ipv6GenerateStableAddress("fe80::", 0, idev), one);
    assert.match(one ?? "", /^fe80::/);
  });
});
