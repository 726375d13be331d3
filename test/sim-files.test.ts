// /proc/net/snmp, /proc/net/dev and /sys/class/net/DEV/statistics under
// --engine sim, the device counters behind them, the text tools that read
// them, and storms on the virtual clock. Expected values come from the Linux
// 6.1 sources (net/ipv4/proc.c, net/core/net-procfs.c, net/core/net-sysfs.c,
// drivers/net/veth.c, net/bridge) or from the golden recordings.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FRAME_HOP_MS } from "../src/kernel/sim.js";
import {
  addrAdd,
  devChangeNetNamespace,
  linkAddBridge,
  linkAddVeth,
  linkSetDown,
  linkSetMaster,
  linkSetUp,
  PacketSocket,
  pingOnce,
  Sim,
  type Kernel,
  type Net,
  type TraceStep,
  type VethDevice,
} from "../src/kernel/index.js";
import { devSeqShow, netstatShow, readSimFile, snmpSeqShow, statSimFile } from "../src/engines/sim/files.js";
import { defaultTools, SimShellHost } from "../src/engines/sim/shell-host.js";
import { StepSim } from "../src/engines/sim/world.js";
import { runScript } from "../src/shell/index.js";
import { TOOLS } from "../src/shell/tools/index.js";
import { stdinOnly } from "../src/shell/tools/tool.js";
import { ip, must } from "./kernel-helpers.js";


// ns1 [v1 10.0.0.1/24] ==veth== [v2 10.0.0.2/24] ns2
function vethLab(sim: Sim = new Sim({ seed: 3 })) {
  const k = sim.addKernel("h");
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

/** The value line of a /proc/net/snmp section, by column name. */
function snmp(text: string, section: string): Record<string, number> {
  const [head, values] = text.split("\n").filter((l) => l.startsWith(`${section}: `));
  assert.ok(head && values, `${section} lines`);
  const names = head.split(" ").slice(1);
  const vals = values.split(" ").slice(1).map(Number);
  assert.equal(vals.length, names.length, `${section} has a value for every column`);
  return Object.fromEntries(names.map((n, i) => [n, vals[i]!]));
}

describe("/proc/net/snmp (snmp_seq_show)", () => {
  // The Icmp columns are those `cat /proc/net/snmp` printed on the uml kernel (6.1.176, with the rate-limit counters backported).
  test("a new namespace: the 6.1 columns, Forwarding 2 and DefaultTTL 64, tcp_mib_init's constants, no IcmpMsg lines", () => {
    const { ns1 } = vethLab();
    const text = snmpSeqShow(ns1);
    assert.deepEqual(
      text.split("\n").filter((l, i) => i % 2 === 0 && l),
      [
        "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates",
        "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps",
        "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors",
        "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
        "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
      ],
    );
    assert.ok(text.endsWith("\n") && !text.includes("IcmpMsg"));
    assert.match(text, /^Ip: 2 64 0 0 /m);
    assert.match(text, /^Tcp: 1 200 120000 -1 0 0 0 0 0 0 0 0 0 0 0$/m);
  });

  test("one ping: echo counted out and back on each side, IcmpMsg lines for the types seen, Ip in and out", () => {
    const { ns1, ns2 } = vethLab();
    assert.ok(pingOnce(ns1, ip("10.0.0.2")).reply);
    const a = snmpSeqShow(ns1);
    const b = snmpSeqShow(ns2);
    const ia = snmp(a, "Icmp");
    const ib = snmp(b, "Icmp");
    assert.deepEqual([ia.InMsgs, ia.InEchoReps, ia.OutMsgs, ia.OutEchos, ia.InEchos], [1, 1, 1, 1, 0]);
    assert.deepEqual([ib.InMsgs, ib.InEchos, ib.OutMsgs, ib.OutEchoReps], [1, 1, 1, 1]);
    // icmpmsg_put: In types then Out types, in index order.
    assert.match(a, /^IcmpMsg: InType0 OutType8\nIcmpMsg: 1 1\n/m);
    assert.match(b, /^IcmpMsg: InType8 OutType0\nIcmpMsg: 1 1\n/m);
    assert.deepEqual([snmp(a, "Ip").InReceives, snmp(a, "Ip").InDelivers, snmp(a, "Ip").OutRequests], [1, 1, 1]);
  });

  test("Forwarding follows conf/all/forwarding; the file is per namespace and read at the time of reading", () => {
    const { ns1, ns2 } = vethLab();
    ns2.confAll.forwarding = 1;
    assert.equal(snmp(snmpSeqShow(ns2), "Ip").Forwarding, 1);
    assert.equal(snmp(snmpSeqShow(ns1), "Ip").Forwarding, 2);
    const r = readSimFile(ns1, "/proc/net/snmp");
    assert.ok(r?.ok);
    assert.equal(r.content, snmpSeqShow(ns1));
  });
});

describe("device statistics", () => {
  // The golden captures show the frames' sizes: an ARP frame is 42 bytes, an echo of 56 data bytes 98.
  test("veth: each end counts its transmits, and the peer counts them as received (veth_get_stats64)", () => {
    const { ns1, v1, v2 } = vethLab();
    assert.ok(pingOnce(ns1, ip("10.0.0.2")).reply);
    assert.deepEqual(
      { rx: v1.stats.rxPackets, rxb: v1.stats.rxBytes, tx: v1.stats.txPackets, txb: v1.stats.txBytes },
      { rx: 2, rxb: 42 + 98, tx: 2, txb: 42 + 98 },
    );
    assert.deepEqual([v2.stats.rxPackets, v2.stats.txPackets], [2, 2]);
  });

  test("veth: a frame its stack then drops still counts as received", () => {
    const { sim, v1, v2 } = vethLab();
    const sock = new PacketSocket(v1, 0x0800);
    // Unicast to a MAC that is not v2's: ip_rcv drops it as PACKET_OTHERHOST.
    sock.send({ dst: "02:00:00:00:99:99", src: v1.mac, payload: { kind: "ipv4", ip: { tos: 0, id: 1, df: true, ttl: 64, src: ip("10.0.0.1"), dst: ip("10.0.0.2"), payload: { kind: "raw", protocol: 253, bytes: new Uint8Array(6) } } } });
    sim.run({ for: 10 });
    sock.close();
    assert.equal(v2.stats.rxPackets, 1);
    assert.equal(v2.stats.rxBytes, 14 + 20 + 6);
  });

  test("a device without carrier drops in the noop qdisc: no device counter moves", () => {
    const { sim, ns1, v1, v2 } = vethLab();
    must(linkSetDown(v2));
    pingOnce(ns1, ip("10.0.0.2"), { timeoutMs: 10 });
    sim.run({ for: 10 });
    assert.deepEqual([v1.stats.txPackets, v1.stats.txDropped, v2.stats.rxPackets, v2.stats.rxDropped], [0, 0, 0, 0]);
  });

  test("bridge: br_dev_xmit counts what the host sends, br_pass_frame_up what it takes in (without the Ethernet header)", () => {
    const sim = new Sim({ seed: 5 });
    const k = sim.addKernel("h");
    const br = must(linkAddBridge(k.initNet, "br0"));
    const ns = must(k.netnsAdd("ns"));
    const { dev, peer } = must(linkAddVeth(k.initNet, "eth0", "p1"));
    must(devChangeNetNamespace(dev, ns));
    must(linkSetMaster(peer, br));
    for (const d of [peer, dev, br]) must(linkSetUp(d));
    must(addrAdd(dev, { local: ip("10.0.0.1"), prefixlen: 24 }));
    must(addrAdd(br, { local: ip("10.0.0.254"), prefixlen: 24 }));
    assert.ok(pingOnce(ns, ip("10.0.0.254")).reply);
    assert.deepEqual([br.stats.rxPackets, br.stats.rxBytes], [2, 42 - 14 + 98 - 14]);
    assert.deepEqual([br.stats.txPackets, br.stats.txBytes], [2, 42 + 98]);
    // The port is a veth: it counts every frame the namespace sent it.
    assert.deepEqual([peer.stats.rxPackets, peer.stats.txPackets], [2, 2]);
  });

  test("lo: loopback_xmit's one count is both rx and tx", () => {
    const { ns1 } = vethLab();
    must(linkSetUp(ns1.loopback));
    assert.ok(pingOnce(ns1, ip("10.0.0.1")).reply);
    const s = ns1.loopback.stats;
    // lo frames carry an Ethernet header too (eth_header): 98 bytes each way, as on veth.
    assert.deepEqual([s.rxPackets, s.txPackets, s.rxBytes, s.txBytes], [2, 2, 2 * 98, 2 * 98]);
  });
});

describe("/sys/class/net and /proc/net/dev", () => {
  test("statistics files: one u64 and a newline each (netstat_show), the 24 of netstat_attrs", () => {
    const { ns1, v1 } = vethLab();
    pingOnce(ns1, ip("10.0.0.2"));
    assert.deepEqual(readSimFile(ns1, "/sys/class/net/v1/statistics/rx_packets"), { ok: true, content: "2\n", size: 4096 });
    assert.equal(netstatShow(v1, "tx_bytes"), "140\n");
    assert.equal(netstatShow(v1, "rx_nohandler"), "0\n");
    assert.equal(netstatShow(v1, "rx_frobs"), null);
    assert.deepEqual(readSimFile(ns1, "/sys/class/net/v1/statistics/rx_frobs"), { ok: false, error: "No such file or directory" });
    assert.deepEqual(readSimFile(ns1, "/sys/class/net/v2/statistics/rx_packets"), { ok: false, error: "No such file or directory" });
    assert.deepEqual(readSimFile(ns1, "/sys/class/net/v1"), { ok: false, error: "Is a directory" });
    assert.equal(statSimFile(ns1, "/sys/class/net/v1/statistics"), "dir");
    assert.equal(statSimFile(ns1, "/sys/class/net//v1/./statistics/tx_packets"), "file");
    assert.equal(statSimFile(ns1, "/sys/class/net/v2"), "missing");
    assert.equal(statSimFile(ns1, "/sys/class/net/v1/mtu"), null, "not modelled");
    // What the simulator does not model is not claimed to be missing.
    assert.equal(readSimFile(ns1, "/sys/class/net/v1/mtu"), null);
    assert.equal(readSimFile(ns1, "/proc/net/route"), null);
    assert.equal(readSimFile(ns1, "/etc/hostname"), null);
  });

  test("/proc/net/dev: dev_seq_show's header, then each device in dev_seq_printf_stats' columns", () => {
    const { ns1 } = vethLab();
    pingOnce(ns1, ip("10.0.0.2"));
    const lines = devSeqShow(ns1).split("\n");
    assert.equal(lines[0], "Inter-|   Receive                                                |  Transmit");
    assert.equal(lines[1], " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed");
    assert.equal(lines[2], `${"lo".padStart(6)}: ${[[0, 7], [0, 7], [0, 4], [0, 4], [0, 4], [0, 5], [0, 10], [0, 9], [0, 8], [0, 7], [0, 4], [0, 4], [0, 4], [0, 5], [0, 7], [0, 10]].map(([v, w]) => String(v).padStart(w!)).join(" ")}`);
    assert.match(lines[3]!, /^ {4}v1: {5}140 {7}2 {4}0 {4}0 {4}0 {5}0 {10}0 {9}0 {6}140 {7}2 /);
    assert.equal(lines[4], "");
  });
});

function shellOn(sim: StepSim, k: Kernel, net: Net = k.initNet) {
  return new SimShellHost(sim, k, net, defaultTools());
}

describe("scripts reading them", () => {
  test("accept-local's awk over /proc/net/snmp gives the golden's answer for one echo each way", async () => {
    const sim = new StepSim({ seed: 3 });
    const { k, ns2 } = vethLab(sim);
    assert.ok(pingOnce(k.netns.get("ns1")!, ip("10.0.0.2")).reply);
    const script = `awk '$1 == "Icmp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print "InEchos", $c["InEchos"], "OutEchoReps", $c["OutEchoReps"] }' /proc/net/snmp`;
    const r = await runScript(script, shellOn(sim, k, ns2));
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, "InEchos 1 OutEchoReps 1\n", ""]);
  });

  test("ip netns exec reads the namespace's own /sys/class/net; cat, head, wc, grep, cut and < take files", async () => {
    const sim = new StepSim({ seed: 3 });
    const { k } = vethLab(sim);
    pingOnce(k.netns.get("ns1")!, ip("10.0.0.2"));
    const r = await runScript(
      `ip netns exec ns2 cat /sys/class/net/v2/statistics/rx_packets
ip netns exec ns2 bash -c 'a=$(cat /sys/class/net/v2/statistics/tx_bytes); echo "tx $a"; [ -d /sys/class/net/v2 ] && echo dir'
ip netns exec ns1 head -n 1 /proc/net/snmp | cut -d ' ' -f 1-3
ip netns exec ns1 wc -l /proc/net/snmp
ip netns exec ns1 grep -c '^Icmp:' /proc/net/snmp
ip netns exec ns1 bash -c 'read first < /sys/class/net/v1/statistics/rx_bytes; echo "$first"'
cat /sys/class/net/v1/statistics/rx_packets; echo "status $?"`,
      shellOn(sim, k),
    );
    assert.equal(r.stdout, "2\ntx 140\ndir\nIp: Forwarding DefaultTTL\n12 /proc/net/snmp\n2\n140\nstatus 1\n");
    assert.equal(r.stderr, "cat: /sys/class/net/v1/statistics/rx_packets: No such file or directory\n");
  });

  test("a file sim does not model is refused at its line, not reported missing", async () => {
    const sim = new StepSim();
    const k = sim.addKernel("h");
    for (const [script, said] of [
      ["echo x\ncat /etc/hostname\necho after", "cat: reading the file /etc/hostname"],
      ["echo x\ngrep x /proc/net/route\necho after", "grep: reading the file /proc/net/route"],
      ["echo x\nawk '{print}' /proc/net/arp\necho after", "awk: reading the file /proc/net/arp"],
      ["echo x\nip netns add n; ip netns exec n cat /etc/hosts\necho after", "cat: reading the file /etc/hosts"],
    ] as const) {
      const r = await runScript(script, shellOn(sim, k));
      assert.equal(r.stdout, "x\n", script);
      assert.deepEqual(
        r.failures.map((f) => [f.line, f.kind, f.said]),
        [[2, "refused", `${said} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it`]],
        script,
      );
      if (script.includes("netns")) assert.equal((await runScript("ip netns del n", shellOn(sim, k))).exitCode, 0);
    }
  });

  test("tools with file operands leave standard input to the commands after them", () => {
    const io = { stdin: () => assert.fail("stdin read"), readFile: (p: string) => (p === "/f" ? { ok: true as const, content: "a b\nc d\n" } : null) };
    assert.equal(TOOLS.cat!(["/f"], io).stdout, "a b\nc d\n");
    assert.equal(TOOLS.awk!(["{ print $2 }", "/f"], io).stdout, "b\nd\n");
    assert.equal(TOOLS.tail!(["-n", "1", "/f"], io).stdout, "c d\n");
  });

  test("awk prints numbers as mawk does: integers within int range, others through OFMT %.6g", () => {
    const r = TOOLS.awk!(["BEGIN { print 2147483647, 2147483648, 1e6, 0.1 + 0.2, 1/3; printf \"%d %5.2f %e %g\\n\", \"12abc\", 3.14159, 1234.5, 0.0001 }"], stdinOnly(""));
    assert.equal(r.stdout, "2147483647 2.14748e+09 1000000 0.3 0.333333\n12  3.14 1.234500e+03 0.0001\n");
  });
});

/** Two bridges in one namespace, joined by `links` veth pairs (l1a-l1b, ...), each with a namespace (ns1 on br1, ns2 on br2) on a port. */
function bridgeLoop(links: number, o: { frameBudget?: number; trace?: (s: TraceStep) => void } = {}) {
  const sim = new Sim({ seed: 9, ...(o.frameBudget ? { frameBudget: o.frameBudget } : {}), ...(o.trace ? { trace: o.trace } : {}) });
  const k = sim.addKernel("h");
  const br1 = must(linkAddBridge(k.initNet, "br1"));
  const br2 = must(linkAddBridge(k.initNet, "br2"));
  const pairs = [];
  for (let i = 1; i <= links; i++) {
    const { dev, peer } = must(linkAddVeth(k.initNet, `l${i}a`, `l${i}b`));
    must(linkSetMaster(dev, br1));
    must(linkSetMaster(peer, br2));
    pairs.push({ a: dev, b: peer });
  }
  const eth: VethDevice[] = [];
  const nss: Net[] = [];
  for (const [i, br] of [[1, br1], [2, br2]] as const) {
    const ns = must(k.netnsAdd(`ns${i}`));
    const v = must(linkAddVeth(k.initNet, `p${i}`, "eth0", { peerNet: ns }));
    must(linkSetMaster(v.dev, br));
    must(linkSetUp(v.dev));
    must(linkSetUp(v.peer));
    must(addrAdd(v.peer, { local: ip(`10.0.0.${i}`), prefixlen: 24 }));
    eth.push(v.peer);
    nss.push(ns);
  }
  for (const d of [br1, br2, ...pairs.flatMap((p) => [p.a, p.b])]) must(linkSetUp(d));
  return { sim, k, pairs, ns1: nss[0]!, ns2: nss[1]!, eth1: eth[0]!, eth2: eth[1]! };
}

/** What `arping -c 1 10.0.0.99` sends: one ARP request, broadcast; the clock is not run. */
function oneBroadcast(dev: VethDevice): void {
  const sock = new PacketSocket(dev, 0x0806);
  sock.send({ dst: "ff:ff:ff:ff:ff:ff", src: dev.mac, payload: { kind: "arp", arp: { op: 1, sha: dev.mac, spa: ip("10.0.0.1"), tha: "ff:ff:ff:ff:ff:ff", tpa: ip("10.0.0.99") } } });
  sock.close();
}

describe("storms on the virtual clock", () => {
  test("each frame hop takes FRAME_HOP_MS, a binary fraction of a millisecond", () => {
    const { sim, ns1 } = vethLab();
    const r = pingOnce(ns1, ip("10.0.0.2"));
    // ARP request and reply, echo request and reply: four veth hops.
    assert.equal(r.reply?.rttMs, 4 * FRAME_HOP_MS);
    assert.equal(FRAME_HOP_MS * 64, 1);
    assert.equal(sim.now, 1000);
  });

  test("bridge-loop: a broadcast circles on, ns2 counting >100 frames in 0.5 s, and stops when a link goes down", () => {
    const { sim, pairs, eth1, eth2 } = bridgeLoop(2);
    oneBroadcast(eth1);
    sim.run({ for: 10 });
    const a = eth2.stats.rxPackets;
    const rep = sim.run({ for: 500 });
    const b = eth2.stats.rxPackets;
    assert.equal(rep.budgetExceeded, false);
    assert.ok(b - a > 100, `${b - a} frames`);
    // Two copies go round, each reaching br2 every other hop.
    assert.ok(b - a <= 500 / FRAME_HOP_MS + 2, `${b - a} frames`);
    must(linkSetDown(pairs[1]!.a));
    sim.run({ for: 200 });
    const c = eth2.stats.rxPackets;
    sim.run({ for: 500 });
    assert.equal(eth2.stats.rxPackets, c);
  });

  test("a run without a time limit ends even in a steady storm: it gets one second's budget in all", () => {
    const { sim, eth1 } = bridgeLoop(2, { frameBudget: 5000 });
    oneBroadcast(eth1);
    const rep = sim.run();
    assert.deepEqual([rep.budgetExceeded, rep.frames], [true, 5001]);
  });

  test("a storm that multiplies is cut by the frame budget, and the trace says so", () => {
    const steps: TraceStep[] = [];
    // Three links: every copy a bridge takes in goes out on the other two, so they double at each crossing.
    const { sim, eth1 } = bridgeLoop(3, { frameBudget: 20_000, trace: (s) => void (s.func === "sim" && steps.push(s)) });
    oneBroadcast(eth1);
    const rep = sim.run({ for: 100 });
    assert.equal(rep.budgetExceeded, true);
    assert.equal(rep.frames, 20_001);
    assert.equal(rep.time, 100);
    assert.equal(steps.length, 1);
    assert.match(steps[0]!.what, /^frame budget of 20000 frames per virtual second exhausted$/);
  });
});
