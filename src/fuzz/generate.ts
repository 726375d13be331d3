// A grammar of the labs people build with ipvlan and macvlan: 1-4 hosts on a
// switch (sometimes a second one behind a router), slaves of random modes and
// flags in the root namespace or moved into namespaces, VLANs, veths, bridges,
// addresses in one or several subnets, host routes, the sysctls that change
// ARP and routing; then links going down and up, moves between namespaces,
// pings, arpings, `ip` listings and captures. Lab N of seed S is always the
// same lab, whatever the count or shard.
//
// Left out on purpose, as answers that depend on timing rather than on the
// kernel's logic: neighbour states (REACHABLE turns STALE after a random
// 15-45 s), proxy ARP (the reply waits a random part of proxy_delay), and
// bridges that snoop multicast (IGMP reports at random times), captures after
// the first packets (see generateSteps).

import { rngBelow, seededRng, type Rng } from "../kernel/rng.js";
import type { FuzzHost, FuzzLab, FuzzStep } from "./lab.js";

/** The random numbers of lab INDEX of SEED: a stream of its own per lab. */
export function labRng(seed: number, index: number): Rng {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  const rng = seededRng(h ^ (h >>> 15));
  rng.u32();
  return rng;
}

class Pick {
  constructor(private readonly rng: Rng) {}
  below(n: number): number {
    return rngBelow(this.rng, n);
  }
  chance(p: number): boolean {
    return this.rng.u32() / 0x1_0000_0000 < p;
  }
  one<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  weighted<T>(xs: readonly [T, number][]): T {
    const total = xs.reduce((n, [, w]) => n + w, 0);
    let r = this.below(total);
    for (const [x, w] of xs) {
      if (r < w) return x;
      r -= w;
    }
    return xs[0]![0];
  }
}

/** An address the lab gives a device, where it lives. */
interface Place {
  host: string;
  netns: string | null;
  dev: string;
  address: string;
  /** ARP runs on the device (not an ipvlan l3/l3s slave, not a veth end in a namespace only for routing). */
  arp: boolean;
}

/** A device in a host's root namespace that may be set down and up, moved, or captured on. */
interface RootDev {
  dev: string;
  kind: "nic" | "slave" | "vlan" | "veth" | "bridge";
  /** For a slave: the address it had and its prefix, to be added again after a move. */
  address?: string;
  prefix?: number;
}

interface HostState {
  host: FuzzHost;
  index: number;
  places: Place[];
  roots: RootDev[];
  namespaces: string[];
  nextSlave: number;
}

const nsExec = (ns: string | null, cmd: string) => (ns ? `ip netns exec ${ns} ${cmd}` : cmd);

const SYSCTLS: [string, string[]][] = [
  ["arp_ignore", ["1", "2", "8"]],
  ["arp_announce", ["1", "2"]],
  ["rp_filter", ["1", "2"]],
  ["arp_filter", ["1"]],
  ["accept_local", ["1"]],
];

export function generateLab(seed: number, index: number): FuzzLab {
  const p = new Pick(labRng(seed, index));
  const nHosts = 1 + p.below(4);
  const routed = nHosts >= 2 && p.chance(0.2);
  const networks = routed ? ["lan", "lan2"] : ["lan"];
  const states: HostState[] = [];
  for (let i = 1; i <= nHosts; i++) {
    const behindRouter = routed && i === nHosts;
    const host: FuzzHost = { name: `h${i}`, interfaces: [{ name: "eth0", network: behindRouter ? "lan2" : "lan", mac: `02:00:00:00:0${i}:01` }], lines: [] };
    if (routed && i === 1) host.interfaces.push({ name: "eth1", network: "lan2", mac: "02:00:00:00:01:02" });
    states.push({ host, index: i, places: [], roots: [{ dev: "eth0", kind: "nic" }], namespaces: [], nextSlave: 0 });
  }
  for (const s of states) baseSetup(p, s, routed, nHosts);
  // A few features in all, each on some host: a lab that shows one thing is a lab a person reads.
  const features = 1 + p.below(4);
  for (let f = 0; f < features; f++) feature(p, p.one(states), states);
  const steps = generateSteps(p, states);
  // A macvlan or VLAN is created with a carrier event, and a bridge gets one when its first
  // port comes up, that linkwatch runs up to a second later (linkwatch_schedule_work: not
  // urgent for a device that is down or has no lower link), and until then `ip link` and
  // `ip addr` show it `state UNKNOWN`. When that second ends depends on the machine's speed,
  // so the first listing of links or addresses waits it out. So does a routed lab's: the
  // router's eth1 (ifindex 3) has its veth peer's ifindex (the first port on lan2), and
  // linkwatch_urgent_event takes it for a device stacked on none.
  const firstListing = steps.findIndex((st) => st.kind === "check" && / (link|addr)\b/.test(st.run));
  if (firstListing >= 0 && (routed || states.some((s) => s.host.lines.some((l) => / type (macvlan|vlan|bridge) /.test(`${l} `))))) {
    steps.splice(firstListing, 0, { kind: "action", on: states[0]!.host.name, run: "sleep 1.1" });
  }
  return { name: `fuzz-${seed}-${index}`, networks, hosts: states.map((s) => s.host), steps };
}

function baseSetup(p: Pick, s: HostState, routed: boolean, nHosts: number): void {
  const { host, index: i } = s;
  const behindRouter = routed && i === nHosts;
  const subnet = behindRouter ? "10.1.0" : "10.0.0";
  const add = (line: string) => host.lines.push(line);
  if (p.chance(0.95)) add("ip link set eth0 up");
  if (p.chance(0.9)) {
    const prefix = p.weighted<number>([[24, 8], [16, 1], [32, 1]]);
    add(`ip addr add ${subnet}.${i * 10}/${prefix} dev eth0`);
    s.places.push({ host: host.name, netns: null, dev: "eth0", address: `${subnet}.${i * 10}`, arp: true });
  }
  if (!behindRouter && p.chance(0.15)) {
    add(`ip addr add 10.0.1.${i * 10}/24 dev eth0`);
    s.places.push({ host: host.name, netns: null, dev: "eth0", address: `10.0.1.${i * 10}`, arp: true });
  }
  if (!routed) return;
  if (i === 1) {
    s.roots.push({ dev: "eth1", kind: "nic" });
    add("ip link set eth1 up");
    add("ip addr add 10.1.0.1/24 dev eth1");
    s.places.push({ host: host.name, netns: null, dev: "eth1", address: "10.1.0.1", arp: true });
    if (p.chance(0.8)) add("sysctl -w net.ipv4.ip_forward=1");
  } else if (behindRouter) {
    if (p.chance(0.8)) add("ip route add 10.0.0.0/24 via 10.1.0.1");
  } else if (p.chance(0.6)) {
    add("ip route add 10.1.0.0/24 via 10.0.0.10");
  }
}

function feature(p: Pick, s: HostState, all: HostState[]): void {
  const kind = p.weighted<string>([
    ["ipvlan", 4],
    ["macvlan", 3],
    ["vlan", 1],
    ["veth", 1],
    ["bridge", 1],
    ["sysctl", 3],
    ["route", 2],
  ]);
  switch (kind) {
    case "ipvlan":
    case "macvlan":
      return slave(p, s, kind);
    case "vlan":
      return vlan(p, s);
    case "veth":
      return veth(p, s);
    case "bridge":
      return bridge(p, s);
    case "sysctl":
      return sysctl(p, s);
    default:
      return route(p, s, all);
  }
}

function slave(p: Pick, s: HostState, type: "ipvlan" | "macvlan"): void {
  const { host } = s;
  const k = s.nextSlave++;
  if (k > 8) return;
  const dev = `${type === "ipvlan" ? "ipvl" : "mvl"}${k}`;
  const parent = s.roots.find((r) => r.dev === "eth0")!.dev;
  let arp = true;
  if (type === "ipvlan") {
    const mode = p.weighted<string>([["l2", 5], ["l3", 3], ["l3s", 1]]);
    const flag = p.weighted<string>([["", 6], [" bridge", 1], [" private", 2], [" vepa", 2]]);
    arp = mode === "l2";
    host.lines.push(`ip link add link ${parent} name ${dev} type ipvlan mode ${mode}${flag}`);
  } else {
    const mode = p.weighted<string>([["bridge", 5], ["private", 2], ["vepa", 2], ["passthru", 1]]);
    host.lines.push(`ip link add link ${parent} name ${dev} type macvlan mode ${mode}`);
  }
  const subnet = p.chance(0.85) ? "10.0.0" : "10.0.1";
  const address = `${subnet}.${s.index * 10 + k + 1}`;
  if (p.chance(0.6)) {
    const ns = `ns${k}`;
    const before = p.chance(0.1);
    host.lines.push(`ip netns add ${ns}`);
    if (before) host.lines.push(`ip addr add ${address}/24 dev ${dev}`);
    host.lines.push(`ip link set ${dev} netns ${ns}`);
    const inNs = p.chance(0.5) ? (cmd: string) => `ip -n ${ns} ${cmd}` : (cmd: string) => `ip netns exec ${ns} ip ${cmd}`;
    if (!before) host.lines.push(inNs(`addr add ${address}/24 dev ${dev}`));
    host.lines.push(inNs(`link set ${dev} up`));
    if (p.chance(0.3)) host.lines.push(inNs(p.chance(0.5) ? `route add default dev ${dev}` : `route add default via ${subnet}.${p.one([1, 2, 3, 4]) * 10}`));
    s.namespaces.push(ns);
    if (!before) s.places.push({ host: host.name, netns: ns, dev, address, arp });
  } else {
    const prefix = p.chance(0.5) ? 32 : 24;
    host.lines.push(`ip addr add ${address}/${prefix} dev ${dev}`, `ip link set ${dev} up`);
    s.roots.push({ dev, kind: "slave", address, prefix });
    s.places.push({ host: host.name, netns: null, dev, address, arp });
  }
}

function vlan(p: Pick, s: HostState): void {
  const vid = p.one([10, 20]);
  const dev = `eth0.${vid}`;
  if (s.roots.some((r) => r.dev === dev)) return;
  const address = `10.2.${vid}.${s.index * 10}`;
  s.host.lines.push(`ip link add link eth0 name ${dev} type vlan id ${vid}`, `ip addr add ${address}/24 dev ${dev}`, `ip link set ${dev} up`);
  s.roots.push({ dev, kind: "vlan" });
  s.places.push({ host: s.host.name, netns: null, dev, address, arp: true });
}

function veth(p: Pick, s: HostState): void {
  const k = s.nextSlave++;
  if (k > 8) return;
  const ns = `vn${k}`;
  const subnet = `10.${10 + s.index}.${k}`;
  const lines = [
    `ip netns add ${ns}`,
    `ip link add ve${k} type veth peer name vp${k}`,
    `ip link set vp${k} netns ${ns}`,
    `ip addr add ${subnet}.1/24 dev ve${k}`,
    `ip link set ve${k} up`,
    `ip -n ${ns} addr add ${subnet}.2/24 dev vp${k}`,
    `ip -n ${ns} link set vp${k} up`,
  ];
  if (p.chance(0.7)) lines.push(`ip -n ${ns} route add default via ${subnet}.1`);
  if (p.chance(0.5)) lines.push("sysctl -w net.ipv4.ip_forward=1");
  s.host.lines.push(...lines);
  s.namespaces.push(ns);
  s.roots.push({ dev: `ve${k}`, kind: "veth" });
  s.places.push({ host: s.host.name, netns: null, dev: `ve${k}`, address: `${subnet}.1`, arp: true }, { host: s.host.name, netns: ns, dev: `vp${k}`, address: `${subnet}.2`, arp: true });
}

function bridge(p: Pick, s: HostState): void {
  if (s.roots.some((r) => r.dev === "br0")) return;
  const lines = ["ip link add br0 type bridge mcast_snooping 0", "ip link set br0 up"];
  s.roots.push({ dev: "br0", kind: "bridge" });
  const ports = 1 + p.below(2);
  for (let j = 0; j < ports; j++) {
    const k = s.nextSlave++;
    const ns = `bn${k}`;
    const address = `10.8.${s.index}.${k + 1}`;
    lines.push(
      `ip netns add ${ns}`,
      // Fixed MACs: a bridge takes the lowest of its ports' MACs, and with random ones which is lowest is chance.
      `ip link add bv${k} address 02:00:00:0${s.index}:0b:0${k % 10} type veth peer name bp${k}`,
      `ip link set bp${k} netns ${ns}`,
      `ip link set bv${k} master br0`,
      `ip link set bv${k} up`,
      `ip -n ${ns} addr add ${address}/24 dev bp${k}`,
      `ip -n ${ns} link set bp${k} up`,
    );
    s.namespaces.push(ns);
    s.places.push({ host: s.host.name, netns: ns, dev: `bp${k}`, address, arp: true });
  }
  if (p.chance(0.6)) {
    lines.push(`ip addr add 10.8.${s.index}.254/24 dev br0`);
    s.places.push({ host: s.host.name, netns: null, dev: "br0", address: `10.8.${s.index}.254`, arp: true });
  }
  s.host.lines.push(...lines);
}

function sysctlLine(p: Pick, s: HostState): string {
  if (p.chance(0.15)) return `sysctl -w net.ipv4.ip_forward=${p.one(["0", "1"])}`;
  const [key, values] = p.one(SYSCTLS);
  const where = p.weighted<string>([["all", 3], ["default", 1], [p.one(s.roots).dev, 3]]);
  return `sysctl -w net.ipv4.conf.${where.replace(/\./g, "/")}.${key}=${p.one(values)}`;
}

function sysctl(p: Pick, s: HostState): void {
  s.host.lines.push(sysctlLine(p, s));
}

function route(p: Pick, s: HostState, all: HostState[]): void {
  const others = all.flatMap((o) => o.places).filter((pl) => pl.host !== s.host.name || pl.netns !== null);
  const dev = p.one(s.roots.filter((r) => r.kind !== "bridge" || s.places.some((pl) => pl.dev === "br0"))).dev;
  if (others.length && p.chance(0.7)) {
    // The seed's fix: a host route to a namespace's address through a root-namespace slave.
    s.host.lines.push(`ip route add ${p.one(others).address} dev ${dev}`);
  } else {
    const gw = p.one(all).index * 10;
    s.host.lines.push(`ip route add 10.${10 + p.one(all).index}.0.0/16 via 10.0.0.${gw}`);
  }
}

/** Where a command may run in HOST: its root namespace or a namespace the lab made. */
function pickWhere(p: Pick, s: HostState): string | null {
  return s.namespaces.length && p.chance(0.5) ? p.one(s.namespaces) : null;
}

function generateSteps(p: Pick, states: HostState[]): FuzzStep[] {
  const steps: FuzzStep[] = [];
  const places = states.flatMap((s) => s.places);
  const n = 2 + p.below(6);
  let checks = 0;
  let traffic = false;
  for (let k = 0; k < n; k++) {
    const s = p.one(states);
    const kind = p.weighted<string>([["ping", 6], ["arping", 2], ["list", 3], ["action", 3], ["matrix", 1]]);
    if (kind === "matrix") {
      traffic = true;
      steps.push({ kind: "matrix", name: `m${k + 1}` });
      continue;
    }
    if (kind === "action") {
      steps.push({ kind: "action", on: s.host.name, run: action(p, s) });
      continue;
    }
    checks++;
    if (kind === "list") {
      steps.push({ kind: "check", name: `c${checks}`, on: s.host.name, run: listing(p, s), capture: [] });
      continue;
    }
    // Only the lab's first packets are captured: an ARP resolution a failed ping left behind
    // retransmits for 3 s of wall-clock time, and which later step's capture its probes fall
    // into depends on how fast the machine runs the steps in between.
    const capture = !traffic && p.chance(0.5) ? [captureOn(p, states)] : [];
    traffic = true;
    if (kind === "ping" || !places.length) {
      const ns = pickWhere(p, s);
      const target = places.length && p.chance(0.9) ? p.one(places).address : "10.0.0.99";
      const mine = s.places.filter((pl) => pl.netns === ns);
      const from = mine.length && p.chance(0.3) ? `-I ${p.one(mine).address} ` : "";
      steps.push({ kind: "check", name: `c${checks}`, on: s.host.name, run: nsExec(ns, `ping -c 1 -W 1 ${from}${target}`), capture });
      continue;
    }
    const mine = s.places.filter((pl) => pl.arp);
    const src = mine.length ? p.one(mine) : null;
    const dev = src?.dev ?? "eth0";
    const target = p.one(places).address;
    steps.push({ kind: "check", name: `c${checks}`, on: s.host.name, run: nsExec(src?.netns ?? null, `arping -c 1 -w 1 -I ${dev} ${target}`), capture });
  }
  if (p.chance(0.4)) steps.push({ kind: "matrix", name: "end" });
  return steps;
}

function captureOn(p: Pick, states: HostState[]): string {
  const s = p.one(states);
  const dev = p.one(s.host.interfaces).name;
  return `${s.host.name}:${dev}`;
}

function listing(p: Pick, s: HostState): string {
  const ns = pickWhere(p, s);
  const inNs = (cmd: string) => (ns ? `ip -n ${ns} ${cmd}` : `ip ${cmd}`);
  return p.weighted<string>([
    [inNs("-br addr"), 3],
    [inNs("route"), 3],
    [inNs("-4 addr show"), 2],
    [inNs("link show"), 2],
    [inNs("route show table local"), 1],
    // Not a bridge's: its details carry running timers (gc_timer).
    [`ip -d link show dev ${p.one(s.roots.filter((r) => r.kind !== "bridge")).dev}`, 1],
    [`ip route get ${s.places.length ? p.one(s.places).address : "10.0.0.99"}`, 1],
  ]);
}

function action(p: Pick, s: HostState): string {
  const kind = p.weighted<string>([["down", 3], ["up", 2], ["sysctl", 3], ["move", 2], ["route", 1]]);
  const dev = p.one(s.roots);
  if (kind === "down" || kind === "up") return `ip link set ${dev.dev} ${kind}`;
  if (kind === "sysctl") return sysctlLine(p, s);
  const slaves = s.roots.filter((r) => r.kind === "slave");
  if (kind === "move" && slaves.length) {
    // Moved into a namespace of its own: the move flushes the address, so it is added again there.
    const sl = p.one(slaves);
    const ns = `mv${s.nextSlave++}`;
    s.roots = s.roots.filter((r) => r !== sl);
    s.namespaces.push(ns);
    return [`ip netns add ${ns}`, `ip link set ${sl.dev} netns ${ns}`, `ip -n ${ns} addr add ${sl.address}/${sl.prefix} dev ${sl.dev}`, `ip -n ${ns} link set ${sl.dev} up`].join("\n");
  }
  const target = s.places.length ? p.one(s.places) : null;
  return target && target.netns ? `ip route add ${target.address} dev ${dev.dev}` : `ip route add 10.0.1.0/24 dev ${dev.dev}`;
}
