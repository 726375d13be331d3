import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { loadLabFile } from "../src/lab/load.js";
import { runCli } from "./helpers.js";

// Everything --engine sim does not model and still meets in a lab script:
// each is refused at its line, naming the engines that run it, and the step
// is an error (never met, whatever it expected); nothing after it runs, and
// `ipvlab run` exits 1. A refusal that turns into an exit code, a silent
// success or a made-up answer fails here.

/** [the command, as a lab would write it; how the refusal names what it refuses]. */
type Refusal = [command: string, what: string];

const notSimulated = (cmd: string): string => `\`${cmd}\`: --engine sim does not simulate this command`;

/** Commands that are not there at all in the simulator. */
const COMMANDS: Refusal[] = [
  ["nc -u -z -w1 10.0.0.2 53", notSimulated("nc")],
  ["ss -tan", notSimulated("ss")],
  ["iptables -L", notSimulated("iptables")],
  ["nft list ruleset", notSimulated("nft")],
  ["ethtool eth0", notSimulated("ethtool")],
  ["traceroute -n 10.0.0.2", notSimulated("traceroute")],
  ["tcpdump -n -i eth0 -c 1 -X", "tcpdump -X"],
  ["tcpdump -i eth0 -c 1", "tcpdump without -n"],
  ["dmesg", notSimulated("dmesg")],
  ["ip netns exec ns1 nc -z 10.0.0.2 53", notSimulated("nc")],
];

/** Shell constructs and builtins bash runs and the interpreter does not, found while running. */
const SHELL: Refusal[] = [
  ["echo x 3>/dev/null", "redirecting file descriptor 3"],
  ["cat < /etc/hosts", "reading the file /etc/hosts"],
  ["read -a x < /dev/null", "read -a"],
  ["set -o vi", "set -o vi"],
  ["cd /etc", "testing the file /etc"],
  ["echo x > /etc/ipvlab-refusal", "writing to the file /etc/ipvlab-refusal"],
  ["trap true DEBUG", "trap ... DEBUG"],
  ["wait -f", "wait -f"],
  ["kill -STOP $$", "sending a signal to the script itself"],
  ["test -e /etc/passwd", "testing the file /etc/passwd"],
  ["[ -d /sys/class/net/eth0/queues ]", "testing the file /sys/class/net/eth0/queues"],
  ["[ -e /proc/sys/net/core ]", "testing the file /proc/sys/net/core"],
];

/** The same, refused while parsing: the script does not run at all. */
const SHELL_PARSE: Refusal[] = [
  ["echo $[1 + 1]", "the old arithmetic form `$[ ]`"],
  ["coproc cat", "`coproc`"],
  ["cat <(true)", "process substitution"],
  ["echo ${x@P}", "this parameter expansion"],
];

/** The text tools the shell answers itself: options and files they do not have. */
const TEXT_TOOLS: Refusal[] = [
  ["printf -v x %s y", "printf: -v"],
  ["cat -n /dev/null", "cat: the option -n"],
  ["cat /etc/hostname", "cat: reading the file /etc/hostname"],
  ["head -c 1 /dev/null", "head: the option -c"],
  ["wc -L /dev/null", "wc: the option -L"],
  ["cut -b 1 /dev/null", "cut: the option -b"],
  ["sort -V /dev/null", "sort: the option -V"],
  ["echo a | tr -u a b", "tr: the option -u"],
  ["echo a | xargs -P 2 echo", "xargs -P"],
  ["timeout --preserve-status 1 true", "timeout --preserve-status"],
  ["uniq -z /dev/null", "uniq: the option -z"],
  ["grep -P x /dev/null", "grep: the option -P"],
  ["grep x /proc/net/route", "grep: reading the file /proc/net/route"],
  ["awk -f prog.awk /dev/null", "awk: a program file (-f)"],
  ["sed -z p /dev/null", "sed: the option -z"],
  ["sed -n w/tmp/x /dev/null", "sed: the command w"],
  ["sed -n p /etc/hosts", "sed: reading the file /etc/hosts"],
  ["head -n 1 /sys/class/net/eth0/mtu", "head: reading the file /sys/class/net/eth0/mtu"],
];

/** /proc/sys and sysctl: names Linux has and the simulator does not model, and new values for keys nothing in it reads. */
const SYSCTL: Refusal[] = [
  ["cat /proc/sys/net/ipv4/tcp_syncookies", "cat: reading the file /proc/sys/net/ipv4/tcp_syncookies"],
  ["cat /proc/sys/net/core/somaxconn", "cat: reading the file /proc/sys/net/core/somaxconn"],
  ["cat /proc/sys/kernel/hostname", "cat: reading the file /proc/sys/kernel/hostname"],
  ["echo 1 > /proc/sys/net/ipv4/tcp_syncookies", "writing to the file /proc/sys/net/ipv4/tcp_syncookies"],
  ["echo 1 > /proc/sys/net/ipv4/conf/all/arp_notify", "writing 1 to /proc/sys/net/ipv4/conf/all/arp_notify"],
  ["sysctl net.ipv4.tcp_syncookies", "sysctl net.ipv4.tcp_syncookies"],
  ["sysctl net.ipv4.conf.all.disable_policy", "sysctl net.ipv4.conf.all.disable_policy"],
  ["sysctl net.ipv4.neigh.eth0.proxy_qlen", "sysctl net.ipv4.neigh.eth0.proxy_qlen"],
  ["sysctl net.ipv4.route.min_pmtu", "sysctl net.ipv4.route.min_pmtu"],
  ["sysctl net.core.somaxconn", "sysctl net.core.somaxconn"],
  ["sysctl net.ipv6.route.max_size", "sysctl net.ipv6.route.max_size"],
  ["sysctl net.ipv4.conf.all", "sysctl net.ipv4.conf.all"],
  ["sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.addr_gen_mode=3", "setting net.ipv6.conf.all.addr_gen_mode to 3"],
  ["sysctl -w net.ipv6.conf.eth0.addr_gen_mode=2", "setting net.ipv6.conf.eth0.addr_gen_mode to 2"],
  ["sysctl -w net.ipv4.conf.all.arp_notify=1", "setting net.ipv4.conf.all.arp_notify to 1"],
  ["sysctl -w net.ipv4.conf.all.accept_redirects=0", "setting net.ipv4.conf.all.accept_redirects to 0"],
  ["sysctl -w net.ipv4.conf.eth0.shared_media=0", "setting net.ipv4.conf.eth0.shared_media to 0"],
  ["sysctl -w net.ipv4.neigh.eth0.gc_stale_time=10", "setting net.ipv4.neigh.eth0.gc_stale_time to 10"],
  ["sysctl -a", "sysctl -a"],
  ["sysctl -p", "sysctl -p"],
  ["sysctl -N net.ipv4.ip_forward", "sysctl -N"],
  ["sysctl --system", "sysctl --system"],
];

/** ping's options that change what it sends or prints. */
const PING: Refusal[] = [
  ["ping -c 1 -D 10.0.0.1", "ping -D"],
  ["ping -c 1 -v 10.0.0.1", "ping -v"],
  ["ping -c 2 -A 10.0.0.1", "ping -A"],
  ["ping -c 1 -s 100 10.0.0.1", "ping -s"],
  ["ping -c 1 -R 10.0.0.1", "ping -R"],
  ["ping -c 1 -f 10.0.0.1", "ping -f"],
  ["ping -c 1 -M do 10.0.0.1", "ping -M"],
  ["ping -c 1 -p ff 10.0.0.1", "ping -p"],
  ["ping -c 1 -Q 4 10.0.0.1", "ping -Q"],
  ["ping -6 -c 1 ::1", "ping -6"],
  ["ping6 ::1", "ping6"],
  ["ping -V", "ping -V"],
];

/** ip's global options and the objects it has that the simulator does not. */
const IP_GLOBAL: Refusal[] = [
  ["ip -r addr", "ip -resolve"],
  ["ip -N route", "ip -Numeric"],
  ["ip -echo addr add 10.9.0.1/24 dev d0", "ip -echo"],
  ["ip -c addr", "ip -color"],
  ["ip -color=always link", "ip -color"],
  ["ip -batch /dev/null", "ip -batch"],
  ["ip -M route", "ip -M"],
  ["ip -B link", "ip -B"],
  ["ip -f bridge link", "ip -family bridge"],
  ["ip -h -s link show lo", "ip -human (or -iec) with -stats"],
  ["ip -iec -s addr show lo", "ip -human (or -iec) with -stats"],
  ["ip -all netns exec ip link", "ip -all netns exec"],
  ["ip -all netns del", "ip -all netns delete"],
  ["ip help", "ip help"],
  ["ip rule add from 10.0.0.1 table 5", "ip rule add"],
  ["ip tunnel show", "ip tunnel"],
  ["ip xfrm state", "ip xfrm"],
  ["ip monitor", "ip monitor"],
  ["ip maddress", "ip maddress"],
  ["ip nexthop", "ip nexthop"],
  ["ip tuntap add tap0 mode tap", "ip tuntap"],
  ["ip vrf", "ip vrf"],
  ["ip mroute", "ip mroute"],
];

const IP_LINK: Refusal[] = [
  ["ip link add v0 type vxlan id 5 dev eth0 dstport 4789", "ip link add ... type vxlan"],
  ["ip link add link eth0 name eth0.5 type vlan id 5 reorder_hdr off", "ip link ... type vlan reorder_hdr off"],
  ["ip link add link eth0 name eth0.5 type vlan id 5 gvrp on", "ip link ... type vlan gvrp on"],
  ["ip link add link eth0 name eth0.5 type vlan id 5 ingress-qos-map 1:2", "ip link ... type vlan ingress-qos-map"],
  ["ip link add bond0 type bond", "ip link add ... type bond"],
  ["ip link add br2 type bridge stp_state 1", "ip link add ... type bridge stp_state 1"],
  ["ip link add br3 type bridge vlan_filtering 1", "ip link add ... type bridge vlan_filtering 1"],
  ["ip link add br4 type bridge forward_delay 400", "ip link add ... type bridge forward_delay 400"],
  ["ip link add v1 type veth peer name v2 txqueuelen 5", "ip link add ... type veth peer ... txqueuelen"],
  ["ip link add v1 type veth peer name v2 master br0", "ip link add ... type veth peer ... master"],
  ["ip link set eth0 promisc on", "ip link set ... promisc"],
  ["ip link set eth0 multicast off", "ip link set ... multicast"],
  ["ip link set eth0 txqueuelen 100", "ip link set ... txqueuelen"],
  ["ip link set eth0 alias uplink", "ip link set ... alias"],
  ["ip link set eth0 broadcast 02:00:00:00:00:ff", "ip link set ... broadcast"],
  ["ip link set eth0 group 5", "ip link ... group"],
  ["ip link set eth0 xdp off", "ip link ... xdp"],
  ["ip link set eth0 carrier off", "ip link ... carrier"],
  ["ip link set eth0 addrgenmode none", "ip link ... addrgenmode"],
  ["ip link set eth0 protodown on", "ip link ... protodown"],
  ["ip link set eth0 numtxqueues 2", "ip link ... numtxqueues"],
  ["ip link set eth0 vrf red", "ip link ... vrf"],
  ["ip link set br0 type bridge stp_state 1", "ip link set ... type bridge"],
  ["ip link set d1 type bridge_slave state 3", "ip link set ... type bridge_slave state"],
  ["ip link xstats", "ip link xstats"],
  ["ip link property add dev eth0 altname uplink", "ip link property"],
  ["ip link show vrf red", "ip link|addr show vrf"],
  ["ip link show label eth0", "ip link show label"],
  ["ip link show to 10.0.0.0/8", "ip link show to"],
];

const IP_ADDR: Refusal[] = [
  ["ip addr add 10.0.0.5 peer 10.0.0.6 dev eth0", "ip addr ... peer"],
  ["ip addr add 10.0.0.5/24 dev eth0 anycast 10.0.0.7", "ip addr ... anycast"],
  ["ip addr add 10.0.0.5/24 dev eth0 valid_lft 100", "ip addr ... valid_lft 100"],
  ["ip addr add 10.0.0.5/24 dev eth0 preferred_lft 0", "ip addr ... preferred_lft 0"],
  ["ip addr add 224.0.0.5/24 dev eth0 autojoin", "ip addr ... autojoin"],
  ["ip addr replace 10.0.0.1/24 dev eth0 metric 5", "ip addr replace with a new metric"],
  ["ip addr save", "ip address save"],
  ["ip addr showdump < /dev/null", "ip address showdump"],
  ["ip addr restore < /dev/null", "ip address restore"],
];

const IP_ROUTE: Refusal[] = [
  ["ip route add 10.9.0.0/24 dev eth0 mtu 1400", "ip route ... mtu"],
  ["ip route add 10.9.0.0/24 dev eth0 realm 3", "ip route ... realms"],
  ["ip route add 10.9.0.0/24 dev eth0 advmss 1000", "ip route ... advmss"],
  ["ip route add 10.9.0.0/24 dev eth0 initcwnd 10", "ip route ... initcwnd"],
  ["ip route add 10.9.0.0/24 dev eth0 tos 4", "ip route ... tos"],
  ["ip route add 10.9.0.0/24 dev eth0 expires 10", "ip route ... expires"],
  ["ip route add 10.9.0.0/24 nexthop via 10.0.0.2 nexthop via 10.0.0.3", "ip route ... nexthop"],
  ["ip route add 10.9.0.0/24 nhid 5", "ip route ... nhid"],
  ["ip route add 10.9.0.0/24 dev eth0 vrf red", "ip route ... vrf"],
  ["ip route add 10.9.0.0/24 dev eth0 pref high", "ip route ... pref"],
  ["ip route add 10.9.0.0/24 encap mpls 100 dev eth0", "ip route ... encap"],
  ["ip route add nat 10.9.0.0/24 via 10.0.0.2", "ip route add nat"],
  ["ip route show root 10.0.0.0/8", "ip route show root"],
  ["ip route show match 10.0.0.1", "ip route show match"],
  ["ip route show table cache", "ip route show table cache"],
  ["ip route show cached", "ip route show cached"],
  ["ip route show iif eth0", "ip route show iif"],
  ["ip route show from 10.0.0.1", "ip route show from"],
  ["ip route show vrf red", "ip route show vrf"],
  ["ip route get 10.0.0.2 mark 5", "ip route get ... mark"],
  ["ip route get 10.0.0.2 tos 4", "ip route get ... tos"],
  ["ip route get 10.0.0.2 uid 0", "ip route get ... uid"],
  ["ip route get fibmatch 10.0.0.2", "ip route get ... fibmatch"],
  ["ip route get 10.0.0.2 ipproto tcp dport 80", "ip route get ... ipproto"],
  ["ip route get 224.0.0.5 iif eth0", "ip route get MULTICAST iif"],
  ["ip route save", "ip route save"],
  ["ip route test", "ip route test"],
];

const IP_NEIGH_NETNS: Refusal[] = [
  ["ip neigh add proxy 10.0.0.9 dev eth0", "ip neigh ... proxy"],
  ["ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0 router", "ip neigh ... router"],
  ["ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0 extern_learn", "ip neigh ... extern_learn"],
  ["ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0 protocol static", "ip neigh ... protocol"],
  ["ip neigh show unused", "ip neigh show unused"],
  ["ip neigh show master br0", "ip neigh show master"],
  ["ip neigh flush proxy", "ip neigh flush proxy"],
  ["ip neigh get 10.0.0.2 dev eth0", "ip neigh get"],
  ["ip neigh show nud stale nud delay", "ip neigh show nud ... nud ..."],
  ["ip neigh show nud 0x40", "ip neigh ... nud 0x40"],
  ["ip netns set ns1 5", "ip netns set"],
  ["ip netns monitor", "ip netns monitor"],
  ["ip netns pids ns1", "ip netns pids"],
  ["ip netns attach ns9 1", "ip netns attach"],
  ["ip netns list-id", "ip netns list-id"],
  ["ip netns identify 1234", "ip netns identify PID"],
];

const BRIDGE: Refusal[] = [
  ["bridge fdb add 02:00:00:00:00:09 dev d1 master", "bridge fdb add"],
  ["bridge fdb flush dev br0", "bridge fdb flush"],
  ["bridge -s fdb show", "bridge -s fdb show"],
  ["bridge link set dev d1 guard on", "bridge link set ... guard"],
  ["bridge vlan show", "bridge vlan"],
  ["bridge mdb show", "bridge mdb"],
  ["bridge -j fdb show", "bridge -json"],
  ["bridge -netns ns1 link", "bridge -netns"],
  ["bridge", "bridge help"],
];

/** IPv6 with IPv6 off: kinds of route the kernel would keep, which the simulator cannot. */
const IPV6_OFF: Refusal[] = [
  ["ip -6 route add unreachable 2001:db8::/64", "ip -6 route add unreachable"],
  ["ip -6 route add 2001:db8::/64 via fe80::1 dev eth0", "ip -6 route via a link-local gateway"],
  ["ip -6 route add 2001:db8::/64", "ip -6 route without a device"],
];

/**
 * Labs --engine sim does not run at all, refused before they start: with
 * ipvtap or macvtap devices. The lines behind
 * that refusal are refusals too, for what reaches the simulator another way
 * (`ipvlab trace`, the web page).
 */
const WHOLE_LAB: Refusal[] = [
  ["ip link add link eth0 mt0 type macvtap", "ip link add ... type macvtap"],
  ["ip link add link eth0 it0 type ipvtap", "ip link add ... type ipvtap"],
];

/** IPv6 on (`ipv6: true`): what of IPv6 the simulator does not model. */
const IPV6_ON: Refusal[] = [
  ["ip -6 route flush dev eth0", "ip -6 route flush"],
  ["ip -6 route add 2001:db8::/64 dev eth0 table 100", "IPv6 routing tables other than main and local"],
  ["ip -6 route get 2001:db8::1 from 2001:db8::2", "ip -6 route get with iif, from"],
  ["ip -6 addr add 2001:db8::1/64 dev eth0 home", "ip -6 addr flags other than nodad and noprefixroute"],
  ["ip addr flush to 2001:db8::/32", "ip addr show to IPV6-PREFIX"],
  ["ip addr show to fe80::/64", "ip addr show to IPV6-PREFIX"],
  ["ping -c 1 fe80::1", "ping of a link-local address without %DEV"],
  ["ping -6 -t 3 -c 1 ::1", "ping -6 with an IPv4 source, -b or -t"],
];

const SETUP = ["ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up", "ip link add d0 type dummy", "ip link add br0 type bridge", "ip link add d1 type dummy", "ip link set d1 master br0", "ip netns add ns1"];

/**
 * A lab with one step per refusal: `echo before`, the refused command, `echo
 * after`, expecting ok; and where in the file each command is.
 */
function labText(name: string, ipv6: boolean, refusals: Refusal[]): { text: string; lines: number[] } {
  const out = [`name: ${name}`, `ipv6: ${ipv6}`, "networks:", "  lan: {}", "hosts:", "  a:", "    interfaces: { eth0: { network: lan } }", "    run: |", ...SETUP.map((l) => `      ${l}`), "steps:"];
  const lines: number[] = [];
  refusals.forEach(([cmd], i) => {
    out.push(`  - name: refusal ${i}`, "    on: a", "    run: |", "      echo before");
    out.push(`      ${cmd}`);
    lines.push(out.length);
    out.push("      echo after", "    expect: ok");
  });
  return { text: out.join("\n") + "\n", lines };
}

const work = mkdtempSync(join(tmpdir(), "ipvlab-refusals-"));
after(() => rmSync(work, { recursive: true, force: true }));

function writeLab(name: string, ipv6: boolean, refusals: Refusal[]) {
  const { text, lines } = labText(name, ipv6, refusals);
  const file = join(work, `${name}.lab.yaml`);
  writeFileSync(file, text);
  return { file, lines };
}

/** Each step refused at its line: what is wrong with each, or nothing. */
function wrongOnes(result: LabResult, refusals: Refusal[], lines: number[], parseTime: boolean): string[] {
  const setup = result.steps[0] as CommandResult;
  assert.equal(setup.state, "met", `${setup.stderr}`);
  const steps = result.steps.slice(1) as CommandResult[];
  assert.equal(steps.length, refusals.length);
  return steps.flatMap((s, i) => {
    const [cmd, what] = refusals[i]!;
    const f = s.failures[0];
    const diags = result.diagnostics.filter((d) => d.step === i + 1);
    const ok =
      s.state === "error" &&
      !s.met &&
      s.failures.length === 1 &&
      f?.kind === "refused" &&
      f.line === 2 &&
      f.message.startsWith(what) &&
      s.stderr.includes("the real engines (--engine uml or --engine host) run it") &&
      s.stdout === (parseTime ? "" : "before\n") &&
      diags.length === 1 &&
      diags[0]!.line === lines[i] &&
      diags[0]!.severity === "error";
    return ok ? [] : [`${cmd}: state ${s.state}, exit ${s.exitCode}, failures ${JSON.stringify(s.failures)}, stdout ${JSON.stringify(s.stdout)}, stderr ${JSON.stringify(s.stderr)}`];
  });
}

function expectRefused(name: string, ipv6: boolean, refusals: Refusal[], parseTime = false) {
  test(`${name}: ${refusals.length} refused at their line, errors, exit 1`, async () => {
    const { file, lines } = writeLab(name, ipv6, refusals);
    // Named: without it a lab with ipvtap would go to uml.
    const cli = await runCli(["run", file, "--engine", "sim", "--json", "-q"]);
    assert.equal(cli.code, 1, cli.stderr);
    assert.deepEqual(wrongOnes(JSON.parse(cli.stdout) as LabResult, refusals, lines, parseTime), []);
  });
}

function expectLabRefused(name: string, ipv6: boolean, refusals: Refusal[]) {
  test(`${name}: the lab is refused before it runs; inside, each line is refused`, async () => {
    const { file, lines } = writeLab(name, ipv6, refusals);
    const cli = await runCli(["run", file, "--engine", "sim", "-q"]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /--engine sim does not simulate .* yet; run this lab with --engine uml/);
    const { result } = await runLabInSim(loadLabFile(file).lab);
    assert.deepEqual(wrongOnes(result, refusals, lines, false), []);
  });
}

describe("what --engine sim refuses", () => {
  expectRefused("commands", false, COMMANDS);
  expectRefused("shell", false, SHELL);
  expectRefused("shell-parse", false, SHELL_PARSE, true);
  expectRefused("text-tools", false, TEXT_TOOLS);
  expectRefused("sysctl", false, SYSCTL);
  expectRefused("ping", false, PING);
  expectRefused("ip-global", false, IP_GLOBAL);
  expectRefused("ip-link", false, IP_LINK);
  expectRefused("ip-addr", false, IP_ADDR);
  expectRefused("ip-route", false, IP_ROUTE);
  expectRefused("ip-neigh-netns", false, IP_NEIGH_NETNS);
  expectRefused("bridge", false, BRIDGE);
  expectRefused("ipv6-off", false, IPV6_OFF);
  expectLabRefused("tap-devices", false, WHOLE_LAB);
  expectRefused("ipv6-on", true, IPV6_ON);
});
