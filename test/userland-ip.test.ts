// `ip` and `sysctl` against the simulated kernel, compared with what the real
// tools printed on Linux 6.1.176 under `--engine uml` (probe labs run with
// `ipvlab run … --engine uml --json`: host h1 with eth0 02:00:00:00:01:01
// and h2 with eth0 02:00:00:00:02:02 10.0.0.2/24 on one network), unless a
// test names a golden file instead. The lab is built as every engine builds
// it: h1's eth0 is a veth whose peer is port0 of the network's bridge, so it
// shows as `eth0@if3 … link-netnsid 0`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { pingOnce, type Kernel, type Sim } from "../src/kernel/index.js";
import type { ExecResult } from "../src/shell/index.js";
import { probeLab } from "./userland-helpers.js";

interface Lab {
  sim: Sim;
  h1: Kernel;
  /** Runs one command line (words split on blanks, no quoting) on h1's root namespace. */
  sh(line: string): ExecResult;
}

function lab(): Lab {
  const { sim, h1, exec } = probeLab();
  return { sim, h1, sh: (line) => exec(line.trim().split(/\s+/), h1.initNet) };
}

function ok(l: Lab, ...lines: string[]): void {
  for (const line of lines) {
    const r = l.sh(line);
    assert.equal(r.stderr, "", line);
    assert.equal(r.exitCode, 0, line);
  }
}

function out(l: Lab, line: string, stdout: string): void {
  const r = l.sh(line);
  assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }, { stdout, stderr: "", exitCode: 0 }, line);
}

function err(l: Lab, line: string, stderr: string, exitCode: number): void {
  const r = l.sh(line);
  assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }, { stdout: "", stderr, exitCode }, line);
}

/** h1 after the probe's first steps: eth0 10.0.0.1/24 up, a veth pair with veth0 in bridge br0. */
function bridged(): Lab {
  const l = lab();
  ok(l, "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up");
  ok(l, "ip link add veth0 type veth peer name veth1 address 02:00:00:00:0a:01", "ip link set veth0 address 02:00:00:00:0a:00");
  ok(l, "ip link add br0 type bridge", "ip link set veth0 master br0", "ip link set br0 up", "ip link set veth0 up");
  return l;
}

test("ip link show: veth peers named @peer with M-DOWN, bridge ports with master, carrier states", () => {
  const l = bridged();
  out(l, "ip link show master br0",
    "4: veth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue master br0 state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:00 brd ff:ff:ff:ff:ff:ff\n");
  out(l, "ip link show veth1",
    "3: veth1@veth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff\n");
  out(l, "ip link show br0",
    "5: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:00 brd ff:ff:ff:ff:ff:ff\n");
  out(l, "ip -br link",
    "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n" +
    "eth0@if3         UP             02:00:00:00:01:01 <BROADCAST,MULTICAST,UP,LOWER_UP> \n" +
    "veth1@veth0      DOWN           02:00:00:00:0a:01 <BROADCAST,MULTICAST> \n" +
    "veth0@veth1      LOWERLAYERDOWN 02:00:00:00:0a:00 <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> \n" +
    "br0              DOWN           02:00:00:00:0a:00 <NO-CARRIER,BROADCAST,MULTICAST,UP> \n");
  out(l, "ip -j link show lo",
    '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"}]\n');
  out(l, "ip -j -p link show lo",
    '[ {\n        "ifindex": 1,\n        "ifname": "lo",\n        "flags": [ "LOOPBACK","UP","LOWER_UP" ],\n        "mtu": 65536,\n        "qdisc": "noqueue",\n' +
    '        "operstate": "UNKNOWN",\n        "linkmode": "DEFAULT",\n        "group": "default",\n        "txqlen": 1000,\n        "link_type": "loopback",\n' +
    '        "address": "00:00:00:00:00:00",\n        "broadcast": "00:00:00:00:00:00"\n    } ]\n');
});

test("a veth end moved to a netns: @ifN, link-netns by name, link-netnsid from inside, the netns id", () => {
  const l = bridged();
  ok(l, "ip netns add ns1", "ip link set veth1 netns ns1");
  out(l, "ip link show veth0",
    "4: veth0@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue master br0 state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:00 brd ff:ff:ff:ff:ff:ff link-netns ns1\n");
  out(l, "ip -n ns1 link show",
    "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
    "3: veth1@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  out(l, "ip netns list", "ns1 (id: 1)\n");
  out(l, "ip netns exec ns1 ip addr",
    "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n" +
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
    "3: veth1@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
  ok(l, "ip -n ns1 addr add 10.1.0.2/24 dev veth1", "ip -n ns1 link set veth1 up");
  out(l, "ip -n ns1 addr show dev veth1",
    "3: veth1@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n" +
    "    inet 10.1.0.2/24 scope global veth1\n" +
    "       valid_lft forever preferred_lft forever\n");
  out(l, "ip -n ns1 -br link",
    "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n" +
    "veth1@if4        UP             02:00:00:00:0a:01 <BROADCAST,MULTICAST,UP,LOWER_UP> \n");
  out(l, "ip link show veth0",
    "4: veth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP mode DEFAULT group default qlen 1000\n" +
    "    link/ether 02:00:00:00:0a:00 brd ff:ff:ff:ff:ff:ff link-netns ns1\n");
  out(l, "ip netns identify", "\n");
  out(l, "ip netns exec ns1 ip netns identify", "ns1\n");
});

test("a veth created with its peer in another netns, and netns list order", () => {
  const l = lab();
  ok(l, "ip netns add ns1", "ip netns add ns2");
  out(l, "ip netns list", "ns2\nns1\n");
  ok(l, "ip link add vz type veth peer name vy netns ns2");
  // The first namespace h1 names: its eth0's network has no id yet, since nothing has reported
  // that end (netnsid-first-report in test/labs/core).
  out(l, "ip netns list", "ns2 (id: 0)\nns1\n");
  out(l, "ip -j netns list", '[{"name":"ns2","id":0},{"name":"ns1"}]\n');
  const vz = l.h1.initNet.devByName("vz")!;
  const vy = l.h1.netns.get("ns2")!.devByName("vy")!;
  out(l, "ip link show vz",
    `${vz.ifindex}: vz@if${vy.ifindex}: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n` +
    `    link/ether ${vz.mac} brd ff:ff:ff:ff:ff:ff link-netns ns2\n`);
  out(l, "ip -n ns2 link show vy",
    `2: vy@if${vz.ifindex}: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n` +
    `    link/ether ${vy.mac} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n`);
  ok(l, "ip netns del ns2");
  err(l, "ip link show vz", 'Device "vz" does not exist.\n', 1);
});

test("ip addr: plain, -4, -br, -o, -j, secondaries, brd and labels", () => {
  const l = lab();
  ok(l, "ip addr add 10.0.0.1/24 dev eth0", "ip addr add 10.0.0.5/24 dev eth0", "ip addr add 10.0.0.6/24 brd + dev eth0");
  ok(l, "ip addr add 10.8.0.1/16 brd 10.8.255.255 dev eth0 label eth0:1", "ip link set eth0 up");
  const inet =
    "    inet 10.0.0.1/24 scope global eth0\n       valid_lft forever preferred_lft forever\n" +
    "    inet 10.8.0.1/16 brd 10.8.255.255 scope global eth0:1\n       valid_lft forever preferred_lft forever\n" +
    "    inet 10.0.0.5/24 scope global secondary eth0\n       valid_lft forever preferred_lft forever\n" +
    "    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary eth0\n       valid_lft forever preferred_lft forever\n";
  out(l, "ip addr show dev eth0",
    "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n" +
    "    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n" + inet);
  out(l, "ip -4 addr",
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
    "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n" +
    "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netnsid 0\n" + inet);
  out(l, "ip -br addr",
    "lo               UNKNOWN        127.0.0.1/8 \n" +
    "eth0@if3         UP             10.0.0.1/24 10.8.0.1/16 10.0.0.5/24 10.0.0.6/24 \n");
  out(l, "ip -o -4 addr",
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
    "2: eth0    inet 10.0.0.1/24 scope global eth0\\       valid_lft forever preferred_lft forever\n" +
    "2: eth0    inet 10.8.0.1/16 brd 10.8.255.255 scope global eth0:1\\       valid_lft forever preferred_lft forever\n" +
    "2: eth0    inet 10.0.0.5/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever\n" +
    "2: eth0    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary eth0\\       valid_lft forever preferred_lft forever\n");
  out(l, "ip -j addr show dev lo",
    '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n');
  const j = JSON.parse(l.sh("ip -j addr show dev eth0").stdout) as { addr_info: unknown[] }[];
  assert.deepEqual(j[0]!.addr_info[3], { family: "inet", local: "10.0.0.6", prefixlen: 24, broadcast: "10.0.0.255", scope: "global", secondary: true, label: "eth0", valid_life_time: 4294967295, preferred_life_time: 4294967295 });
  // Deleting the primary takes its secondaries along (promote_secondaries is 0), with iproute2's wildcard warning.
  const del = l.sh("ip addr del 10.0.0.1 dev eth0");
  assert.equal(del.exitCode, 0);
  assert.equal(del.stderr,
    "Warning: Executing wildcard deletion to stay compatible with old scripts.\n" +
    "         Explicitly specify the prefix length (10.0.0.1/32) to avoid this warning.\n" +
    "         This special behaviour is likely to disappear in further releases,\n" +
    "         fix your scripts!\n");
  err(l, "ip addr del 10.0.0.99/24 dev eth0", "RTNETLINK answers: Cannot assign requested address\n", 2);
  out(l, "ip -br -4 addr show dev eth0", "eth0@if3         UP             10.8.0.1/16 \n");
  out(l, "ip route", "10.8.0.0/16 dev eth0 proto kernel scope link src 10.8.0.1 \n");
  ok(l, "ip addr flush dev eth0");
  out(l, "ip -4 addr show dev eth0", "");
});

test("golden seed-ipvlan-addr-before-move: -br addr of a link without addresses", () => {
  const l = lab();
  ok(l, "ip link add v0 type veth peer name v1");
  // `ipvlan1@if2      DOWN           ` in test/golden/seed-ipvlan-addr-before-move.json: name, state, nothing else.
  out(l, "ip -br addr show dev v0", "v0@v1            DOWN           \n");
});

test("ip route: show, table local, get, add/replace/del and their errors", () => {
  const l = bridged();
  ok(l, "ip addr add 10.1.0.1/24 dev br0", "ip netns add ns1", "ip link set veth1 netns ns1", "ip -n ns1 link set veth1 up");
  out(l, "ip route",
    "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n" +
    "10.1.0.0/24 dev br0 proto kernel scope link src 10.1.0.1 \n");
  out(l, "ip route show table local",
    "local 10.0.0.1 dev eth0 proto kernel scope host src 10.0.0.1 \n" +
    "broadcast 10.0.0.255 dev eth0 proto kernel scope link src 10.0.0.1 \n" +
    "local 10.1.0.1 dev br0 proto kernel scope host src 10.1.0.1 \n" +
    "broadcast 10.1.0.255 dev br0 proto kernel scope link src 10.1.0.1 \n" +
    "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n");
  ok(l, "ip route add 10.2.0.0/16 via 10.0.0.254");
  err(l, "ip route add 10.3.0.0/16 via 10.9.9.9", "Error: Nexthop has invalid gateway.\n", 2);
  err(l, "ip route add 10.2.0.0/16 via 10.0.0.254", "RTNETLINK answers: File exists\n", 2);
  out(l, "ip route get 10.0.0.5", "10.0.0.5 dev eth0 src 10.0.0.1 uid 0 \n    cache \n");
  err(l, "ip route get 8.8.8.8", "RTNETLINK answers: Network is unreachable\n", 2);
  ok(l, "ip route add default via 10.0.0.254");
  out(l, "ip route get 8.8.8.8", "8.8.8.8 via 10.0.0.254 dev eth0 src 10.0.0.1 uid 0 \n    cache \n");
  out(l, "ip route get 10.0.0.1", "local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n    cache <local> \n");
  out(l, "ip route get 10.1.0.2", "10.1.0.2 dev br0 src 10.1.0.1 uid 0 \n    cache \n");
  ok(l, "ip route add 10.5.0.0/24 dev eth0 src 10.0.0.1 metric 100", "ip route replace 10.2.0.0/16 via 10.0.0.253");
  out(l, "ip route",
    "default via 10.0.0.254 dev eth0 \n" +
    "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n" +
    "10.1.0.0/24 dev br0 proto kernel scope link src 10.1.0.1 \n" +
    "10.2.0.0/16 via 10.0.0.253 dev eth0 \n" +
    "10.5.0.0/24 dev eth0 scope link src 10.0.0.1 metric 100 \n");
  ok(l, "ip route del 10.5.0.0/24");
  err(l, "ip route del 10.99.0.0/16", "RTNETLINK answers: No such process\n", 2);
  out(l, "ip -j route",
    '[{"dst":"default","gateway":"10.0.0.254","dev":"eth0","flags":[]},{"dst":"10.0.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.0.0.1","flags":[]},' +
    '{"dst":"10.1.0.0/24","dev":"br0","protocol":"kernel","scope":"link","prefsrc":"10.1.0.1","flags":[]},{"dst":"10.2.0.0/16","gateway":"10.0.0.253","dev":"eth0","flags":[]}]\n');
  const all = l.sh("ip route show table all").stdout.split("\n");
  assert.equal(all[4], "local 10.0.0.1 dev eth0 table local proto kernel scope host src 10.0.0.1 ");
  assert.equal(all[10], "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 ");
  out(l, "ip route show dev eth0",
    "default via 10.0.0.254 \n10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n10.2.0.0/16 via 10.0.0.253 \n");
  err(l, "ip route add 10.7.0.0/16 dev veth9", 'Cannot find device "veth9"\n', 1);
  err(l, "ip route add 10.71.0.5/16 dev eth0", "Error: Invalid prefix for given prefix length.\n", 2);
});

test("ip route: onlink, blackhole, unreachable and their lookups", () => {
  const l = lab();
  ok(l, "ip addr add 10.8.0.1/16 dev eth0", "ip link set eth0 up");
  ok(l, "ip route add 10.7.0.0/16 via 10.0.0.254 dev eth0 onlink", "ip route add blackhole 10.66.0.0/16", "ip route add unreachable 10.67.0.0/16");
  out(l, "ip route",
    "10.7.0.0/16 via 10.0.0.254 dev eth0 onlink \n" +
    "10.8.0.0/16 dev eth0 proto kernel scope link src 10.8.0.1 \n" +
    "blackhole 10.66.0.0/16 \n" +
    "unreachable 10.67.0.0/16 \n");
  err(l, "ip route get 10.66.1.1", "RTNETLINK answers: Invalid argument\n", 2);
  err(l, "ip route get 10.67.1.1", "RTNETLINK answers: No route to host\n", 2);
  out(l, "ip route get 10.9.0.1 oif eth0", "10.9.0.1 dev eth0 src 10.8.0.1 uid 0 \n    cache \n");
  out(l, "ip route get 127.0.0.1", "local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n");
  ok(l, "ip route add 10.70.0.0/16 dev eth0 scope host", "ip link set eth0 down");
  out(l, "ip route", "blackhole 10.66.0.0/16 \nunreachable 10.67.0.0/16 \n10.70.0.0/16 dev eth0 scope host \n");
  out(l, "ip route show table local",
    "local 10.8.0.1 dev eth0 proto kernel scope host src 10.8.0.1 \n" +
    "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n");
  ok(l, "ip link add v0 type veth peer name v1");
  err(l, "ip route add 192.168.5.0/24 dev v0", "Error: Device for nexthop is not up.\n", 2);
});

test("ip neigh: add, learn by ARP, replace, del, flush keeps permanent entries", () => {
  const l = lab();
  ok(l, "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up");
  ok(l, "ip neigh add 10.0.0.9 lladdr 00:11:22:33:44:55 dev eth0");
  out(l, "ip neigh", "10.0.0.9 dev eth0 lladdr 00:11:22:33:44:55 PERMANENT \n");
  pingOnce(l.h1.initNet, 0x0a000002);
  l.sim.run({ for: 100 });
  out(l, "ip neigh", "10.0.0.9 dev eth0 lladdr 00:11:22:33:44:55 PERMANENT \n10.0.0.2 dev eth0 lladdr 02:00:00:00:02:02 REACHABLE \n");
  out(l, "ip neigh show dev eth0", "10.0.0.9 lladdr 00:11:22:33:44:55 PERMANENT \n10.0.0.2 lladdr 02:00:00:00:02:02 REACHABLE \n");
  out(l, "ip -j neigh",
    '[{"dst":"10.0.0.9","dev":"eth0","lladdr":"00:11:22:33:44:55","state":["PERMANENT"]},{"dst":"10.0.0.2","dev":"eth0","lladdr":"02:00:00:00:02:02","state":["REACHABLE"]}]\n');
  ok(l, "ip neigh replace 10.0.0.9 lladdr 00:11:22:33:44:66 dev eth0", "ip neigh add 10.0.0.8 lladdr 00:11:22:33:44:77 dev eth0 nud reachable");
  out(l, "ip neigh show 10.0.0.9", "10.0.0.9 dev eth0 lladdr 00:11:22:33:44:66 PERMANENT \n");
  err(l, "ip neigh add 10.0.0.9 lladdr 00:11:22:33:44:55 dev eth0", "RTNETLINK answers: File exists\n", 2);
  err(l, "ip neigh add 10.0.0.11 lladdr 00:11:22:33:44:55 dev nosuch", 'Cannot find device "nosuch"\n', 1);
  err(l, "ip neigh del 10.0.0.77 dev eth0", "RTNETLINK answers: No such file or directory\n", 2);
  ok(l, "ip neigh add 10.0.0.10 lladdr 00:11:22:33:44:56 dev eth0 nud stale");
  out(l, "ip neigh show 10.0.0.10", "10.0.0.10 dev eth0 lladdr 00:11:22:33:44:56 STALE \n");
  ok(l, "ip neigh flush dev eth0");
  out(l, "ip neigh", "10.0.0.9 dev eth0 lladdr 00:11:22:33:44:66 PERMANENT \n");
  ok(l, "ip neigh del 10.0.0.9 dev eth0");
  out(l, "ip -j neigh", "[]\n");
});

test("runtime errors: iproute2's texts and exit statuses", () => {
  const l = bridged();
  ok(l, "ip netns add ns1");
  err(l, "ip link set nosuch up", 'Cannot find device "nosuch"\n', 1);
  err(l, "ip addr add 10.0.0.1/24 dev eth0", "RTNETLINK answers: File exists\n", 2);
  err(l, "ip link add veth0 type veth peer name vx", "RTNETLINK answers: File exists\n", 2);
  err(l, "ip netns exec nosuch true", 'Cannot open network namespace "nosuch": No such file or directory\n', 255);
  err(l, "ip -n nosuch link", 'Cannot open network namespace "nosuch": No such file or directory\n', 255);
  err(l, "ip link set lo netns ns1", "RTNETLINK answers: Invalid argument\n", 2);
  err(l, "ip link set br0 netns ns1", "RTNETLINK answers: Invalid argument\n", 2);
  err(l, "ip link set veth0 name vz", "RTNETLINK answers: Device or resource busy\n", 2);
  err(l, "ip netns add ns1", 'Cannot create namespace file "/run/netns/ns1": File exists\n', 1);
  err(l, "ip netns del nosuch", 'Cannot remove namespace file "/run/netns/nosuch": No such file or directory\n', 1);
  err(l, "ip link set veth0 master nosuch", 'Error: argument "nosuch" is wrong: Device does not exist\n\n', 255);
  err(l, "ip link set veth0 netns nosuch", 'Error: argument "nosuch" is wrong: Invalid "netns" value\n\n', 255);
  err(l, "ip link set veth0 mtu 20", "Error: mtu less than device minimum.\n", 2);
  err(l, "ip link set veth0 mtu 70000", "Error: mtu greater than device maximum.\n", 2);
  err(l, "ip link del nosuch", 'Cannot find device "nosuch"\n', 1);
  err(l, "ip addr show dev nosuch", 'Device "nosuch" does not exist.\n', 1);
  err(l, "ip addr flush dev nosuch", 'Device "nosuch" does not exist.\n', 1);
  err(l, "ip -j addr show dev nosuch", 'Device "nosuch" does not exist.\n', 1);
});

test("ip link set: mtu, name, nomaster; ip link del takes the peer along", () => {
  const l = lab();
  ok(l, "ip link add veth0 type veth peer name veth1", "ip link set veth0 mtu 9000", "ip link set veth0 name vv0");
  ok(l, "ip link add br0 type bridge", "ip link set vv0 master br0", "ip link set vv0 nomaster");
  const mac = l.h1.initNet.devByName("vv0")!.mac;
  out(l, "ip link show vv0",
    "4: vv0@veth1: <BROADCAST,MULTICAST,M-DOWN> mtu 9000 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n" +
    `    link/ether ${mac} brd ff:ff:ff:ff:ff:ff\n`);
  out(l, "ip -o link show vv0",
    "4: vv0@veth1: <BROADCAST,MULTICAST,M-DOWN> mtu 9000 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\" +
    `    link/ether ${mac} brd ff:ff:ff:ff:ff:ff\n`);
  ok(l, "ip link del vv0");
  err(l, "ip link show veth1", 'Device "veth1" does not exist.\n', 1);
});

test("ip addr add ... noprefixroute brings no route to its subnet (fib_add_ifaddr), as on Linux 6.1", () => {
  const l = lab();
  ok(l, "ip link set eth0 up", "ip addr add 10.0.1.1/24 dev eth0 noprefixroute", "ip addr add 10.0.2.1/24 dev eth0");
  assert.match(l.sh("ip addr show dev eth0").stdout, /inet 10\.0\.1\.1\/24 scope global noprefixroute eth0\n/);
  out(l, "ip route show", "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.1 \n");
});

test("ip link set ... arp off|on sets NOARP, which an l2 ipvlan's open clears (ipvlan_open), as on Linux 6.1", () => {
  const l = lab();
  const flags = (dev: string) => /<([^>]*)>/.exec(l.sh(`ip link show ${dev}`).stdout)![1]!.split(",");
  ok(l, "ip link set eth0 arp off");
  assert.ok(flags("eth0").includes("NOARP"));
  ok(l, "ip link set eth0 arp on");
  assert.ok(!flags("eth0").includes("NOARP"));
  ok(l, "ip link add link eth0 ipv1 type ipvlan mode l2", "ip link set ipv1 arp off up");
  assert.ok(!flags("ipv1").includes("NOARP"), "ipvlan_open decides NOARP from the port's mode");
  ok(l, "ip link set ipv1 arp off");
  assert.ok(flags("ipv1").includes("NOARP"));
});

test("ip rule shows the default rules", () => {
  out(lab(), "ip rule", "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n");
});

test("sysctl: read, write, -n, -q, unknown keys, bad values", () => {
  const l = lab();
  out(l, "sysctl net.ipv4.ip_forward", "net.ipv4.ip_forward = 0\n");
  out(l, "sysctl -w net.ipv4.ip_forward=1", "net.ipv4.ip_forward = 1\n");
  out(l, "sysctl -n net.ipv4.ip_forward", "1\n");
  err(l, "sysctl net.ipv4.nosuch", "sysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\n", 1);
  err(l, "sysctl -w net.ipv4.nosuch=1", "sysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\n", 1);
  out(l, "sysctl -q -w net.ipv4.ip_forward=0", "");
  out(l, "sysctl -n net.ipv4.ip_forward", "0\n");
  err(l, "sysctl -w net.ipv4.ip_forward=abc", 'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n', 1);
  // test/golden/seed-ipvlan-l2-rpfilter.json: two writes in one call.
  out(l, "sysctl -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1", "net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.default.rp_filter = 1\n");
  const r = l.sh("sysctl -n net.ipv4.conf.all.rp_filter net.ipv4.conf.nosuch.rp_filter");
  assert.deepEqual(r, { exitCode: 1, stdout: "1\n", stderr: "sysctl: cannot stat /proc/sys/net/ipv4/conf/nosuch/rp_filter: No such file or directory\n" });
});

test("ip -n NS route show table all lists every table of that namespace", () => {
  const l = lab();
  ok(l, "ip netns add ns1", "ip -n ns1 link set lo up");
  out(l, "ip -n ns1 route show table all",
    "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n" +
    "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n");
  out(l, "ip -n ns1 route", "");
});

test("ip link ... type vlan: what the simulator does not model is refused, turning it off is not", () => {
  const p = probeLab();
  const run = (line: string) => p.exec(line.split(" "), p.h1.initNet);
  for (const opt of ["reorder_hdr off", "gvrp on", "mvrp on", "bridge_binding on", "ingress-qos-map 1:2"]) {
    assert.throws(() => run(`ip link add link eth0 name v type vlan id 5 ${opt}`), /not supported by --engine sim/, opt);
  }
  assert.equal(run("ip link add link eth0 name v type vlan id 5 gvrp off mvrp off bridge_binding off reorder_hdr on").exitCode, 0);
  assert.throws(() => run("ip link set v type vlan reorder_hdr off"), /reorder_hdr off is not supported/);
  assert.deepEqual(run("ip link set v type vlan loose_binding on").exitCode, 0);
  assert.match(run("ip -d link show v").stdout, /vlan protocol 802\.1Q id 5 <REORDER_HDR,LOOSE_BINDING> /);
  // VLAN options for a device that is no VLAN: rtnl_newlink's EOPNOTSUPP; `type vlan` alone asks nothing of it.
  assert.deepEqual(run("ip link set eth0 type vlan id 5"), { exitCode: 2, stdout: "", stderr: "RTNETLINK answers: Operation not supported\n" });
  assert.equal(run("ip link set eth0 type vlan").exitCode, 0);
});
