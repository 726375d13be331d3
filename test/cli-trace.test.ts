import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { traceVerdict, type TracedCommand } from "../src/engines/sim/trace-verdict.js";
import type { PlacedDevice } from "../src/engines/sim/topology.js";
import type { MatrixResult } from "../src/engines/result.js";
import { example, runCli } from "./helpers.js";

test("trace: a slave's ping of its parent's own address, hop by hop, with the verdict from the trace", async () => {
  const r = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--on", "vm02", "--run", "ip netns exec ns01 ping -c 1 -W 1 172.16.91.14"]);
  assert.equal(r.code, 1, `trace exits with the traced ping's status\n${r.stderr}`);
  assert.match(r.stdout, /^trace of `ip netns exec ns01 ping -c 1 -W 1 172\.16\.91\.14` on vm02, in the state after setup$/m);
  assert.match(r.stdout, /vm02\/ns01 +ipvlan1 +ipvlan_xmit_mode_l2 +to the parent ens34's own stack \(dev_forward_skb\)/);
  assert.match(r.stdout, /br_flood .*not back out port2 \(vm02's ens34\), where it came in/);
  assert.match(r.stdout, /^verdict: .* fails \(exit 1\): the echo request reaches vm02, but the reply never gets back: vm02's ens34 asks who has 172\.16\.91\.101, and no answer comes: 172\.16\.91\.101 is vm02\/ns01's ipvlan1, an ipvlan l2 slave of vm02's ens34, and the request never gets there: an ipvlan slave never sees what its parent ens34 sends .*, and the switch on vmnet8 does not send a frame back out the port it came in on, the port vm02\/ns01 sits behind too\.$/m);
});

test("trace --from/--to --json: the steps, the command's result and the verdict; an L3 slave's ARP dies on its NOARP device", async () => {
  const r = await runCli(["trace", example("seed-ipvlan-l3.lab.yaml"), "--from", "vm01", "--to", "172.16.91.101", "--json"]);
  assert.equal(r.code, 1, r.stderr);
  const t = JSON.parse(r.stdout) as TracedCommand & { lab: string; verdict: string };
  assert.equal(t.lab, "seed-ipvlan-l3");
  assert.equal(t.command, "ping -c 1 -W 1 172.16.91.101");
  assert.equal(t.exitCode, 1);
  assert.ok(t.steps.some((s) => s.func === "ipvlan_rcv_frame" && s.dev === "ipvlan1"), "steered to the slave by the ARP's target address");
  assert.match(t.verdict, /: vm01's ens34 asks who has 172\.16\.91\.101, and no answer comes: the request reaches vm02\/ns01's ipvlan1, an ipvlan l3 slave of vm02's ens34, which holds 172\.16\.91\.101 but is NOARP: ipvlan's l3 mode marks every slave NOARP, so it never answers ARP \(`ip netns exec ns01 ip link set ipvlan1 type ipvlan mode l2` on vm02 makes the whole port l2, whose slaves answer ARP\)\.$/);
  assert.ok(t.places.some((p) => p.host === "vm02" && p.netns === "ns01" && p.dev === "ipvlan1" && p.addrs.includes("172.16.91.101") && p.role === "ipvlan l3"), "who holds which address comes with the trace");
});

test("trace: an address the lab gave a device before moving it is named, with the command that gives it back; a reply's failure comes after its request's arrival", async () => {
  const moved = await runCli(["trace", example("seed-ipvlan-addr-before-move.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.2"]);
  assert.equal(moved.code, 2, `ping's own status: connect: Network is unreachable\n${moved.stderr}`);
  assert.match(moved.stdout, /^verdict: .*fails \(exit 2\): no packet leaves \(ping: connect: Network is unreachable\): vm02\/ns01 has no route to 172\.16\.91\.2: vm02\/ns01's ipvlan1, on the same link as gateway's eth0, has no address: the lab gave it 172\.16\.91\.101\/24 in vm02, and moving a device to another namespace flushes its addresses \(`ip netns exec ns01 ip addr add 172\.16\.91\.101\/24 dev ipvlan1` on vm02 gives it the address\)\.$/m);
  // The answer ens34's own stack takes in is not one that reached ipvlan0, which asked.
  const steered = await runCli(["trace", example("seed-ipvlan-l2-rpfilter.lab.yaml"), "--on", "vm02", "--run", "ping -c 1 -W 1 -I 172.16.91.14 172.16.91.102", "--after", "vm02's reverse-path drops so far (TcpExt IPReversePathFilter)"]);
  assert.match(steered.stdout, /: vm02's ipvlan0 asks who has 172\.16\.91\.102, and no answer comes: vm02\/ns02's ipvlan2 answers, but the answer goes to vm02's ens34, which holds 172\.16\.91\.14/);
  const l3 = await runCli(["trace", example("seed-ipvlan-l3.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.14"]);
  assert.match(l3.stdout, /^verdict: .*fails \(exit 1\): the echo request reaches vm02, but the reply never gets back: vm02's ens34 asks who has 172\.16\.91\.101, and no answer comes/m);
});

test("trace --after runs the lab's steps first; a step that does not exist is a usage error", async () => {
  const after = await runCli(["trace", example("seed-ipvlan-l2-rpfilter.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.14", "--after", "the note's host routes"]);
  assert.equal(after.code, 1, after.stderr);
  assert.match(after.stdout, /in the state after step \d+ \(the note's host routes\)/);
  assert.match(after.stdout, /fib_validate_source +drop 172\.16\.91\.101 > 172\.16\.91\.14/);
  const bad = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--from", "vm02", "--to", "172.16.91.2", "--after", "99"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^ipvlab: --after 99: no such step in seed-ipvlan-l2: give a number from 1 to 16 \(0: right after the hosts' setup\), or a step's name: 1 "ns01 reaches vm01 and the gateway", 2 /);
});

test("traceVerdict: what happened, in words built from the steps and from who holds which address", () => {
  const step = (host: string, netns: string, dev: string, func: string, what: string, why?: string) => ({ time: 1, host, netns, dev, func, what, ...(why ? { why } : {}) });
  const place = (host: string, netns: string, dev: string, addr: string, more: Partial<PlacedDevice> = {}): PlacedDevice => ({ host, netns, dev, mac: "02:00:00:00:00:01", addrs: [addr], role: null, parent: null, network: null, up: true, carrier: true, noarp: false, prefixlens: [24], peer: null, ...more });
  const base = { host: "h", after: "setup", stdout: "", stderr: "", start: 0, housekeeping: false, meant: [] };
  const places = [place("h", "", "eth0", "10.0.0.1", { role: "on lan", network: "lan" }), place("h", "ns1", "ipvl1", "10.0.0.2", { role: "ipvlan l2", parent: { netns: "", dev: "eth0" } }), place("g", "", "eth0", "10.0.0.9", { network: "lan" })];
  // rp_filter: the drop between the command's own addresses, not the later unrelated one.
  const rp = traceVerdict({
    ...base,
    command: "ping -c 1 10.0.0.1",
    exitCode: 1,
    places,
    steps: [step("h", "ns1", "ipvl1", "ip_finish_output2", "10.0.0.2 > 10.0.0.1 via neighbour 10.0.0.1 (reachable)"), step("h", "", "eth0", "fib_validate_source", "drop 10.0.0.2 > 10.0.0.1", "rp_filter=1: the route back to the source leaves by ipvl0, not eth0"), step("h", "ns1", "lo", "__dev_queue_xmit", "drop", "device is down")],
  });
  assert.equal(rp, "`ping -c 1 10.0.0.1` on h fails (exit 1): h drops 10.0.0.2 > 10.0.0.1 as it arrives on eth0: with rp_filter=1 (strict reverse-path filtering) a packet from 10.0.0.2 must arrive where the route back to 10.0.0.2 leaves, and that is ipvl0 (`sysctl -w net.ipv4.conf.all.rp_filter=2` on h makes it loose: any route back will do).");
  // A parent asking for its own slave's address: the slave is never reached, and the trace shows the switch not sending the frame back.
  const parent = traceVerdict({
    ...base,
    command: "ping -c 1 -I 10.0.0.1 10.0.0.2",
    exitCode: 1,
    places,
    steps: [step("h", "", "eth0", "arp_solicit", "who-has 10.0.0.2 tell 10.0.0.1"), step("network lan", "", "br0", "br_flood", "flood 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff", "broadcast; not back out port1, where it came in")],
  });
  assert.match(parent, /: h's eth0 asks who has 10\.0\.0\.2, and no answer comes: 10\.0\.0\.2 is h\/ns1's ipvl1, an ipvlan l2 slave of h's eth0, and the request never gets there: an ipvlan slave never sees what its parent eth0 sends .*, and the switch on lan does not send a frame back out the port it came in on, the port h\/ns1 sits behind too\.$/);
  // Without the flood in the trace, the switch is not blamed.
  assert.doesNotMatch(traceVerdict({ ...base, command: "ping -c 1 -I 10.0.0.1 10.0.0.2", exitCode: 1, places, steps: [step("h", "", "eth0", "arp_solicit", "who-has 10.0.0.2 tell 10.0.0.1")] }), /switch/);
  // An answer steered to another device than the one that asked.
  const steered = traceVerdict({
    ...base,
    command: "ping -c 1 -I 10.0.0.2 10.0.0.9",
    exitCode: 1,
    places,
    steps: [step("h", "", "eth0", "arp_solicit", "who-has 10.0.0.9 tell 10.0.0.2"), step("g", "", "eth0", "arp_process", "reply 10.0.0.9 is-at 02:00:00:00:00:09 to 10.0.0.2"), step("h", "ns1", "ipvl1", "ipvlan_rcv_frame", "steered from eth0 to the slave holding 10.0.0.2")],
  });
  assert.match(steered, /g's eth0 answers, but the answer goes to h\/ns1's ipvl1, which holds 10\.0\.0\.2, the address the request was sent from, not to eth0, which asked \(a neighbour entry belongs to one device\)\.$/);
  assert.equal(traceVerdict({ ...base, command: "ping x", exitCode: 0, places, steps: [step("h", "ns1", "eth0", "ip_local_deliver", "b > a")] }), "`ping x` on h succeeds: b > a is delivered to h/ns1's eth0.");
  assert.equal(traceVerdict({ ...base, command: "ping x", exitCode: 2, places, steps: [] }), "`ping x` on h fails (exit 2), and no packet moved.");
  assert.equal(traceVerdict({ ...base, stderr: "ping: sendmsg: Network is unreachable\n", command: "ping x", exitCode: 1, places, steps: [] }), "`ping x` on h fails (exit 1): no packet leaves: ping: sendmsg: Network is unreachable.");
  // Two networks: the owner of the address is on the other one.
  const other = traceVerdict({ ...base, command: "ping -c 1 -I 10.0.0.9 10.0.0.1", exitCode: 1, places: [...places.slice(0, 2), { ...places[2]!, network: "wan" }], steps: [step("g", "", "eth0", "arp_solicit", "who-has 10.0.0.1 tell 10.0.0.9")] });
  assert.match(other, /: eth0's frames reach only wan, and h is on lan: an ARP request never leaves its own network\.$/);
});

test("matrix: every failed cell carries the reason its ping's trace gives; --markdown is the note's checklist", async () => {
  const j = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const ms = JSON.parse(j.stdout) as MatrixResult[];
  assert.deepEqual(ms.map((m) => m.name), ["before host routes", "after host routes"]);
  const cell = ms[0]!.cells.find((c) => c.from === "vm01:ens34" && c.to === "vm02/ns01:ipvlan1")!;
  assert.equal(cell.ok, false);
  assert.match(cell.reason ?? "", /^vm01's ens34 asks who has 172\.16\.91\.101, and no answer comes: the request reaches vm02\/ns01's ipvlan1, .* but is NOARP: ipvlan's l3 mode marks every slave NOARP/);
  assert.ok(ms.every((m) => m.cells.every((c) => c.ok || c.reason)), "no failed cell without a reason");
  const md = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--markdown"]);
  assert.match(md.stdout, /^### before host routes$/m);
  assert.match(md.stdout, /^- \[ \] vm01:ens34 <--> vm02\/ns01:ipvlan1$/m);
  assert.match(md.stdout, /^- ✗ vm01:ens34 → vm02\/ns01:ipvlan1(, [^:]+:[^:]+)*: vm01's ens34 asks/m);
  assert.match(md.stdout, /^- \[x\] vm02\/ns01:ipvlan1 <--> vm02\/ns02:ipvlan2$/m);
  const both = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--markdown", "--json"]);
  assert.equal(both.code, 2);
});

test("trace --pcap: one pcap file per device a frame crossed, which tcpdump reads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-trace-pcap-"));
  try {
    const r = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.14", "--pcap", dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ipvlab: wrote \d+ pcap files \(one per device a frame crossed\) to /m);
    const files = readdirSync(dir).sort();
    assert.ok(files.includes("vm02_ens34.pcap") && files.includes("vm02_ns01_ipvlan1.pcap"), files.join(" "));
    const tcpdump = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].find((p) => existsSync(p));
    if (!tcpdump) return;
    const out = execFileSync(tcpdump, ["-n", "-e", "-r", join(dir, "vm02_ens34.pcap")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    // What the verdict says, on the wire: the parent's own question for its slave's address.
    assert.match(out, /00:0c:29:51:4c:e0 > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: Request who-has 172\.16\.91\.101 tell 172\.16\.91\.14, length 28/);
    assert.match(out, /172\.16\.91\.101 > 172\.16\.91\.14: ICMP echo request/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
