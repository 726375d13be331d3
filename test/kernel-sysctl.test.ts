// conf/default and the devices that follow it: devinet_copy_dflt_conf reaches
// only devices whose state bit for the key is clear. A device (or a
// namespace) born after a write to conf/default copies that bit along with
// the value (memcpy in inetdev_init, kmemdup in devinet_init_net), and
// ipv4_devconf_setall sets every bit when an address is added
// (rtm_to_ifaddr) or lo comes up. Measured on Linux (6.1 under uml and 6.18).

import assert from "node:assert/strict";
import { test } from "node:test";
import { addrAdd, linkAddVeth, linkSetUp, Sim, sysctlRead, sysctlWrite, type KResult } from "../src/kernel/index.js";

function must<T>(r: KResult<T>): T {
  assert.ok(r.ok, r.ok ? "" : r.errno);
  return r.value;
}

const arpIgnore = (net: Parameters<typeof sysctlRead>[0], dev: string) => must(sysctlRead(net, `net.ipv4.conf.${dev}.arp_ignore`));

test("a write to conf/default reaches devices born before it, but not one with an address, nor lo once up", () => {
  const k = new Sim({ seed: 1 }).addKernel("h");
  const net = k.initNet;
  must(linkAddVeth(net, "v0", "v1"));
  must(addrAdd(net.devByName("v1")!, { local: 0x0a000001, prefixlen: 24 }));
  must(sysctlWrite(net, "net.ipv4.conf.default.arp_ignore", 1));
  assert.equal(arpIgnore(net, "v0"), 1);
  assert.equal(arpIgnore(net, "v1"), 0);
  assert.equal(arpIgnore(net, "lo"), 1, "lo never up");
  const ns = must(k.netnsAdd("ns1"));
  linkSetUp(ns.loopback);
  must(sysctlWrite(ns, "net.ipv4.conf.default.arp_ignore", 2));
  assert.equal(arpIgnore(ns, "lo"), 1, "lo up keeps what it copied");
});

test("a device written by hand, or born after a write to default, no longer follows default", () => {
  const k = new Sim({ seed: 1 }).addKernel("h");
  const net = k.initNet;
  must(linkAddVeth(net, "v0", "v1"));
  must(sysctlWrite(net, "net.ipv4.conf.v1.arp_ignore", 2));
  must(sysctlWrite(net, "net.ipv4.conf.default.arp_ignore", 1));
  must(linkAddVeth(net, "w0", "w1"));
  assert.equal(arpIgnore(net, "w0"), 1);
  must(sysctlWrite(net, "net.ipv4.conf.default.arp_ignore", 0));
  assert.equal(arpIgnore(net, "v0"), 0, "born before: follows");
  assert.equal(arpIgnore(net, "v1"), 2, "written by hand: keeps its value");
  assert.equal(arpIgnore(net, "w0"), 1, "born after the first write: copied the state bit");
  const ns = must(k.netnsAdd("ns1"));
  must(linkAddVeth(ns, "x0", "x1"));
  must(sysctlWrite(ns, "net.ipv4.conf.default.arp_ignore", 2));
  assert.equal(arpIgnore(ns, "x0"), 0, "a namespace copies default's state bits too");
});
