import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NotSimulated } from "../src/shell/errors.js";
import { parseIp, ipObject } from "../src/shell/iproute2/ip.js";
import { parseSysctl, formatSysctl } from "../src/shell/sysctl/sysctl.js";

const root = join(import.meta.dirname, "..", "..");

function ok(line: string) {
  const r = parseIp(line.trim().split(/\s+/).slice(1));
  assert.ok(r.ok, `${line}: ${r.ok ? "" : r.stderr}`);
  return r.value;
}

function err(line: string, stderr: string, exitCode: number): void {
  const r = parseIp(line.trim().split(/\s+/).slice(1));
  assert.ok(!r.ok, `${line} should fail`);
  assert.equal(r.stderr, stderr);
  assert.equal(r.exitCode, exitCode);
}

/** Every `ip ...` line (also after `ip netns exec NS`) in the examples and the seed note, up to a pipe. */
function ipLines(): string[] {
  const texts = [
    ...readdirSync(join(root, "examples")).filter((f) => f.endsWith(".lab.yaml")).map((f) => readFileSync(join(root, "examples", f), "utf8")),
    ...readdirSync(join(root, "test", "fixtures", "seed")).map((f) => readFileSync(join(root, "test", "fixtures", "seed", f), "utf8")),
  ];
  const out: string[] = [];
  for (const t of texts) for (const m of t.matchAll(/^\s*(?:run:\s*)?(ip [^\n#`|]*)(\|[^\n]*)?$/gm)) out.push(m[1]!.trim());
  return out;
}

test("every ip command in the examples and the seed note parses", () => {
  const lines = ipLines();
  assert.ok(lines.length >= 20, `found only ${lines.length}`);
  for (const l of lines) {
    const v = ok(l);
    if (v.cmd.object === "netns" && v.cmd.command === "exec" && v.cmd.argv[0] === "ip") ok(v.cmd.argv.join(" "));
  }
});

test("object abbreviations follow ip.c's table order", () => {
  const cases: Record<string, string> = { a: "address", addr: "address", l: "link", r: "route", ro: "route", ru: "rule", n: "neighbor", neigh: "neighbor", net: "netns", netns: "netns", m: "maddress", t: "tunnel" };
  for (const [abbr, obj] of Object.entries(cases)) assert.equal(ipObject(abbr), obj, abbr);
  err("ip foo", 'Object "foo" is unknown, try "ip help".\n', 1);
});

test("global options, abbreviated as ip.c tests them", () => {
  const v = ok("ip -n ns01 -4 -br -j -d -s -s -p -o -c addr show");
  assert.deepEqual({ ...v.globals }, { netns: "ns01", family: "inet", brief: true, json: true, pretty: true, details: 1, stats: 2, oneline: true, force: false, all: false, human: false });
  assert.equal(ok("ip -netns x link").globals.netns, "x");
  assert.equal(ok("ip --json link").globals.json, true);
  assert.equal(ok("ip -h -s link").globals.human, true);
  assert.equal(ok("ip -i link").globals.human, true, "-i is -iec");
  // -t is -timestamp, which only ip monitor prints; -l N and -rcvbuf N change nothing a listing shows.
  ok("ip -t -ts -l 3 -rcvbuf 1000 -color=never -color=auto link");
  err("ip -zzz link", 'Option "-zzz" is unknown, try "ip -help".\n', 255);
  err("ip -colour link", 'Option "-colour" is unknown, try "ip -help".\n', 255);
  err("ip -color=red link", 'Option "-color=red" is unknown, try "ip -help".\n', 255);
  err("ip -rcvbuf x link", "Invalid rcvbuf size 'x'\n", 255);
  err("ip -n", 'Command line is not complete. Try option "help"\n', 255);
});

test("global options sim does not model are refused, abbreviations included", () => {
  const refused = (line: string, what: string) =>
    assert.throws(() => parseIp(line.split(/\s+/).slice(1)), (e: unknown) => e instanceof NotSimulated && e.reason.startsWith(`${what} is not supported by --engine sim`), line);
  refused("ip -r addr", "ip -resolve");
  refused("ip -resolve addr", "ip -resolve");
  refused("ip -N route", "ip -Numeric");
  refused("ip -echo addr add 10.0.0.1/24 dev eth0", "ip -echo");
  refused("ip -c addr", "ip -color");
  refused("ip -color=always link", "ip -color");
  refused("ip -b cmds.txt", "ip -batch");
  refused("ip -M route", "ip -M");
  refused("ip -B link", "ip -B");
  refused("ip -f mpls route", "ip -family mpls");
  refused("ip -all netns exec ip link", "ip -all netns exec");
  refused("ip -a netns del", "ip -all netns delete");
  refused("ip netns set ns1 5", "ip netns set");
  refused("ip netns monitor", "ip netns monitor");
  refused("ip rule add from 10.0.0.1 table 5", "ip rule add");
  refused("ip tunnel show", "ip tunnel");
  // -color with -json prints no colour, as check_enable_color() decides.
  ok("ip -c -j link");
  // `ip netns s` is show, not set: do_netns tests list|show|lst first.
  assert.equal(ok("ip netns s").cmd.object, "netns");
});

test("ip link add: ipvlan, macvlan, veth peer, bridge", () => {
  const v = ok("ip link add link ens34 ipvlan1 type ipvlan mode l2");
  assert.deepEqual(v.cmd.object === "link" && v.cmd.command === "add" && [v.cmd.attrs.link, v.cmd.attrs.dev, v.cmd.type], ["ens34", "ipvlan1", { kind: "ipvlan", mode: "l2", flag: null }]);
  const l3s = ok("ip l add link eth0 name ipv type ipvlan mode l3s private").cmd;
  assert.ok(l3s.object === "link" && l3s.command === "add" && l3s.type?.kind === "ipvlan" && l3s.type.mode === "l3s" && l3s.type.flag === "private");
  const mv = ok("ip link add mv0 link eth0 type macvlan mode passthru nopromisc").cmd;
  assert.ok(mv.object === "link" && mv.command === "add" && mv.type?.kind === "macvlan" && mv.type.mode === "passthru" && mv.type.nopromisc);
  const veth = ok("ip link add veth0 type veth peer name veth1 netns ns1").cmd;
  assert.ok(veth.object === "link" && veth.command === "add" && veth.type?.kind === "veth");
  assert.deepEqual(veth.type.kind === "veth" && [veth.type.peer?.name, veth.type.peer?.netns], ["veth1", { name: "ns1" }]);
  const br = ok("ip link add br0 type bridge stp_state 1 forward_delay 0").cmd;
  assert.ok(br.object === "link" && br.command === "add" && br.type?.kind === "bridge");
  assert.deepEqual(br.type.kind === "bridge" && br.type.options, { stp_state: 1, forward_delay: 0 });
});

test("ip link set/del/show", () => {
  const s = ok("ip link set dev eth0 up mtu 1400 address 02:00:00:00:00:01 master br0 netns ns01 name e1").cmd;
  assert.ok(s.object === "link" && s.command === "set");
  assert.deepEqual([s.attrs.dev, s.attrs.up, s.attrs.mtu, s.attrs.address, s.attrs.master, s.attrs.netns, s.attrs.name], ["eth0", true, 1400, "02:00:00:00:00:01", "br0", { name: "ns01" }, "e1"]);
  const n = ok("ip link set eth0 nomaster down").cmd;
  assert.ok(n.object === "link" && n.command === "set" && n.attrs.master === "" && n.attrs.up === false);
  const d = ok("ip link del ipvlan0").cmd;
  assert.ok(d.object === "link" && d.command === "delete" && d.attrs.dev === "ipvlan0");
  const sh = ok("ip link show dev eth0").cmd;
  assert.ok(sh.object === "link" && sh.command === "show" && sh.filter.dev === "eth0");
});

test("ip link errors, word for word", () => {
  err("ip link foo", 'Command "foo" is unknown, try "ip link help".\n', 255);
  err("ip link set eth0 eth1", 'Error: either "dev" is duplicate, or "eth1" is a garbage.\n', 255);
  err("ip link set eth0 mtu x", 'Error: argument "x" is wrong: Invalid "mtu" value\n\n', 255);
  err("ip link set eth0 mtu 1 mtu 2", 'Error: duplicate "mtu": "2" is the second value.\n', 255);
  err("ip link set up", 'Not enough information: "dev" argument is required.\n', 255);
  err("ip link add foo", 'Not enough information: "type" argument is required\n', 1);
  err("ip link set eth0 address zz", '"zz" is invalid lladdr.\n', 1);
  err("ip link set eth0 mtu", 'Command line is not complete. Try option "help"\n', 255);
  err("ip link add link eth0 i1 type ipvlan mode l4", 'Error: argument of "mode" must be either "l2", "l3" or "l3s"\n', 1);
  err("ip link add link eth0 m1 type macvlan mode x", 'Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "x"\n', 1);
  assert.match(parseIpErr("ip link add link eth0 i1 type ipvlan foo"), /^ipvlan: unknown option "foo"\?\nUsage: \.\.\. ipvlan \[ mode MODE \] \[ FLAGS \]\n/);
});

function parseIpErr(line: string): string {
  const r = parseIp(line.split(" ").slice(1));
  return r.ok ? "" : r.stderr;
}

test("ip addr add/del/flush/show", () => {
  const a = ok("ip addr add 172.16.91.101/24 dev ipvlan1 brd + scope link label ipvlan1:0").cmd;
  assert.ok(a.object === "address" && a.command === "add");
  assert.deepEqual([a.dev, a.local, a.broadcast, a.scope, a.label], ["ipvlan1", { family: "inet", address: "172.16.91.101", bits: 24, special: null }, "+", "link", "ipvlan1:0"]);
  const p = ok("ip a add local 10.0.0.1 peer 10.0.0.2/32 dev tun0").cmd;
  assert.ok(p.object === "address" && p.command === "add" && p.local?.bits === null && p.peer?.bits === 32);
  const d = ok("ip addr del 172.16.91.100/32 dev ipvlan0").cmd;
  assert.ok(d.object === "address" && d.command === "delete");
  const f = ok("ip addr flush dev eth0").cmd;
  assert.ok(f.object === "address" && f.command === "flush" && f.filter.dev === "eth0");
  const s = ok("ip addr show secondary -permanent dynamic primary label 'eth0:*' scope link up").cmd;
  // get_filter: dynamic is -permanent, primary -secondary; the last word for a flag wins.
  assert.ok(s.object === "address" && s.command === "show" && s.filter.flagmask === 0x81 && s.filter.flags === 0 && s.filter.up && s.filter.scope === "link");
  const flags = ok("ip addr add 10.0.0.1/24 dev eth0 noprefixroute nodad secondary home").cmd;
  assert.ok(flags.object === "address" && flags.command === "add");
  assert.equal(flags.flags, 0x200);
  assert.equal(
    flags.warnings,
    "Warning: nodad option can be set only for IPv6 addresses\nWarning: secondary option is not mutable from userspace\nWarning: home option can be set only for IPv6 addresses\n",
  );
  // The family is the first address's: a flag before it is judged by -4/-6 alone.
  const v6 = ok("ip addr add 2001:db8::1/64 dev eth0 nodad").cmd;
  assert.ok(v6.object === "address" && v6.command === "add" && v6.flags === 0x02 && v6.warnings === "");
  ok("ip addr add 10.0.0.1/24 dev eth0 valid_lft forever preferred_lft forever");
  err("ip addr add 10.0.0.1/24 dev eth0 valid_lft soon", 'Error: argument "soon" is wrong: valid_lft value\n', 255);
  err("ip addr show group blue", 'Error: argument "blue" is wrong: Invalid "group" value\n\n', 255);
  err("ip addr add 10.0.0.1/24", 'Not enough information: "dev" argument is required.\n', 1);
  err("ip addr add 10.0.0.300/24 dev eth0", 'Error: any valid prefix is expected rather than "10.0.0.300/24".\n', 1);
  err("ip -4 addr add 10.0.0.1/33 dev eth0", 'Error: inet prefix is expected rather than "10.0.0.1/33".\n', 1);
  err("ip addr add 10.0.0.1/24 10.0.0.2/24 dev eth0", 'Error: either "local" is duplicate, or "10.0.0.2/24" is a garbage.\n', 255);
  err("ip addr foo", 'Command "foo" is unknown, try "ip address help".\n', 255);
  err("ip addr flush", "Flush requires arguments.\n", 1);
});

test("ip route add/del/replace/get/show", () => {
  const r = ok("ip r add 172.16.91.101 dev ipvlan0").cmd;
  assert.ok(r.object === "route" && r.command === "add");
  assert.deepEqual([r.route.to?.address, r.route.to?.bits, r.route.dev], ["172.16.91.101", null, "ipvlan0"]);
  const d = ok("ip route replace default via 172.16.91.2 dev eth0 src 172.16.91.10 metric 100 proto static table main onlink scope global").cmd;
  assert.ok(d.object === "route" && d.command === "replace");
  assert.deepEqual([d.route.to?.special, d.route.via?.address, d.route.src?.address, d.route.metric, d.route.proto, d.route.table, d.route.onlink, d.route.scope], ["default", "172.16.91.2", "172.16.91.10", 100, "static", "main", true, "global"]);
  const t = ok("ip ro add unreachable 10.9.0.0/16").cmd;
  assert.ok(t.object === "route" && t.command === "add" && t.route.type === "unreachable" && t.route.to?.bits === 16);
  const g = ok("ip route get 10.0.0.1 from 10.0.0.2").cmd;
  assert.ok(g.object === "route" && g.command === "get" && g.to.address === "10.0.0.1" && g.from?.address === "10.0.0.2");
  assert.ok(ok("ip route").cmd.object === "route");
  assert.ok(ok("ip route del 10.0.0.0/8").cmd.object === "route");
  err("ip route add 10.0.0.0/8 10.1.0.0/16", 'Error: either "to" is duplicate, or "10.1.0.0/16" is a garbage.\n', 255);
  err("ip route add 10.0.0.0/8 metric x", 'Error: argument "x" is wrong: "metric" value is invalid\n\n', 255);
  err("ip route add default via foo", 'Error: any valid address is expected rather than "foo".\n', 1);
  err("ip route frob", 'Command "frob" is unknown, try "ip route help".\n', 255);
});

test("ip neigh and ip netns", () => {
  const n = ok("ip neigh replace 10.0.0.2 lladdr 02:00:00:00:00:02 nud permanent dev eth0").cmd;
  assert.ok(n.object === "neigh" && n.command === "replace" && n.lladdr === "02:00:00:00:00:02" && n.nud === "permanent" && n.dev === "eth0");
  assert.ok(ok("ip n show dev eth0").cmd.object === "neigh");
  assert.ok(ok("ip neigh flush dev eth0").cmd.object === "neigh");
  // nud_state_a2n: permanent, reachable and failed abbreviate; a word it does not know is an error.
  const perm = ok("ip neigh show nud perm").cmd;
  assert.ok(perm.object === "neigh" && perm.command === "show" && perm.nud === "permanent");
  const f = ok("ip neigh add 10.0.0.3 dev eth0 nud f").cmd;
  assert.ok(f.object === "neigh" && f.command === "add" && f.nud === "failed");
  err("ip neigh show nud sleepy", 'Error: argument "sleepy" is wrong: nud state is bad\n', 255);
  err("ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02", "Device and destination are required arguments.\n", 1);
  const e = ok("ip net exec ns01 ping -c 1 10.0.0.1").cmd;
  assert.deepEqual(e.object === "netns" && e.command === "exec" && [e.name, e.argv], ["ns01", ["ping", "-c", "1", "10.0.0.1"]]);
  assert.ok(ok("ip netns add ns01").cmd.object === "netns");
  assert.ok(ok("ip netns del ns01").cmd.object === "netns");
  assert.ok(ok("ip netns").cmd.object === "netns");
  assert.ok(ok("ip netns identify").cmd.object === "netns");
  err("ip netns add", "No netns name specified\n", 1);
  err("ip netns exec ns01", "No command specified\n", 1);
  err("ip netns add a/b", 'Invalid netns name "a/b"\n', 255);
  err("ip netns frob x", 'Command "frob" is unknown, try "ip netns help".\n', 255);
  assert.ok(ok("ip ru").cmd.object === "rule");
});

test("sysctl arguments and output", () => {
  const w = parseSysctl(["-w", "net.ipv4.ip_forward=1"]);
  assert.ok(w.ok);
  assert.deepEqual(w.value.items, [{ key: "net.ipv4.ip_forward", path: "net/ipv4/ip_forward", value: "1" }]);
  assert.equal(formatSysctl(w.value, w.value.items[0]!, "1\n"), "net.ipv4.ip_forward = 1\n");
  const n = parseSysctl(["-n", "net.ipv4.conf.eth0/100.rp_filter"]);
  assert.ok(n.ok && n.value.valuesOnly);
  // procps' slashdot: the first separator is a dot, so every dot and slash swap (the device's "/" is its ".").
  assert.equal(n.value.items[0]!.path, "net/ipv4/conf/eth0.100/rp_filter");
  const slash = parseSysctl(["net/ipv4/conf/eth0.100/rp_filter"]);
  assert.ok(slash.ok && slash.value.items[0]!.path === "net/ipv4/conf/eth0.100/rp_filter");
  const q = parseSysctl(["-q", "-w", "a.b=2"]);
  assert.ok(q.ok && q.value.quiet);
  const bad = parseSysctl(["-w", "net.ipv4.ip_forward"]);
  assert.ok(!bad.ok && bad.stderr === 'sysctl: "net.ipv4.ip_forward" must be of the form name=value\n');
  const long = parseSysctl(["--values", "--quiet", "--ignore", "--write", "a.b=1"]);
  assert.ok(long.ok && long.value.valuesOnly && long.value.quiet && long.value.ignoreUnknown);
  for (const refused of [["--system"], ["--load=/etc/sysctl.conf"], ["-p"], ["-f"], ["-a"]]) {
    assert.throws(() => parseSysctl(refused), (e: unknown) => e instanceof NotSimulated, refused.join(" "));
  }
});

test("type vlan: iplink_vlan.c's options and complaints", () => {
  const v = ok("ip link add link eth0 name eth0.10 type vlan protocol 802.1ad id 0x14 loose_binding on reorder_hdr on egress-qos-map 0:3 2:5 gvrp off");
  assert.equal(v.cmd.object === "link" && v.cmd.command === "add" && v.cmd.type?.kind, "vlan");
  if (v.cmd.object !== "link" || v.cmd.command !== "add" || v.cmd.type?.kind !== "vlan") return;
  const t = v.cmd.type;
  assert.deepEqual([t.data, t.id, t.protocol, t.flags, t.egressQos], [true, 20, 0x88a8, { flags: 0x5, mask: 0x7 }, [{ from: 0, to: 3 }, { from: 2, to: 5 }]]);
  // Nothing after `type vlan`: no IFLA_INFO_DATA, which the kernel refuses ("VLAN properties not specified").
  const bare = ok("ip link add link eth0 name x type vlan");
  assert.ok(bare.cmd.object === "link" && bare.cmd.command === "add" && bare.cmd.type?.kind === "vlan" && !bare.cmd.type.data);
  err("ip link add link eth0 name x type vlan id 70000", 'Error: argument "70000" is wrong: id is invalid\n', 255);
  err("ip link add link eth0 name x type vlan id 5 protocol nosuch", 'Error: argument "nosuch" is wrong: protocol is invalid\n', 255);
  err("ip link add link eth0 name x type vlan id 5 reorder_hdr maybe", 'Error: argument of "reorder_hdr" must be "on" or "off", not "maybe"\n', 1);
  const unknown = parseIp("link add link eth0 name x type vlan id 5 mtu 1400".split(" "));
  assert.ok(!unknown.ok && unknown.stderr.startsWith('vlan: unknown command "mtu"?\nUsage: ... vlan id VLANID\n') && unknown.exitCode === 1);
});

test("type bridge_slave: options by prefix in iproute2's order, on/off by prefix", () => {
  const v = ok("ip link set v1 type bridge_slave h on fl o isolated on cost 7 priority 5 guard off mcast_f off");
  if (v.cmd.object !== "link" || v.cmd.command !== "set" || v.cmd.type?.kind !== "bridge_slave") assert.fail("a bridge_slave set");
  const o = v.cmd.type.options;
  assert.deepEqual([o.hairpin, o.flood, o.isolated, o.cost, o.priority, o.mcastFlood, o.unmodelled], [true, false, true, 7, 5, false, []]);
  const st = ok("ip link set v1 type bridge_slave state 3 guard on");
  if (st.cmd.object !== "link" || st.cmd.command !== "set" || st.cmd.type?.kind !== "bridge_slave") assert.fail("a bridge_slave set");
  assert.deepEqual(st.cmd.type.options.unmodelled, ["state", "guard"]);
  err("ip link set v1 type bridge_slave hairpin maybe", 'Error: argument of "hairpin" must be one of "off", "on", not "maybe"\n', 1);
  err("ip link set v1 type bridge_slave cost x", 'Error: argument "x" is wrong: cost is invalid\n', 255);
});
