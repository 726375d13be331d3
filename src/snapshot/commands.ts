// The machine's run script: the iproute2 and sysctl commands that rebuild,
// inside one lab host, every namespace, device, address, route, rule,
// neighbour entry, FDB entry and forwarding sysctl the snapshot read; each
// part under a comment saying where it was read.

import { DEVCONF_DEFAULTS, isConfKey } from "../kernel/sysctl-defaults.js";
import type { RawAddrInfo, RawRoute } from "./capture.js";
import { REBUILT, STACKED, type Dev, type Machine, type Ns } from "./machine.js";

export interface MachineScript {
  lines: string[];
  /** Whether the script gives any device an IPv6 address or route (the lab then needs ipv6: true). */
  ipv6: boolean;
  /** Lab interface name of each NIC (its own name unless two namespaces' NICs share one). */
  nicNames: Map<Dev, string>;
  /** What the script leaves out, one sentence each. */
  notRebuilt: string[];
}

const where = (ns: Ns) => (ns.name === null ? "the root namespace" : `namespace ${ns.name}`);
const ip = (ns: Ns) => (ns.name === null ? "ip" : `ip -n ${ns.name}`);
const inNs = (ns: Ns, cmd: string) => (ns.name === null ? cmd : `ip netns exec ${ns.name} ${cmd}`);
const up = (d: Dev) => d.raw.flags.includes("UP");

/** Whether an IPv4 address lies in prefix/len. */
export function inPrefix(addr: string, prefix: string, len: number): boolean {
  const n = (a: string) => a.split(".").reduce((x, o) => x * 256 + Number(o), 0);
  if (len === 0) return true;
  const m = 2 ** 32 - 2 ** (32 - len);
  return (n(addr) & m) >>> 0 === (n(prefix) & m) >>> 0;
}

function network(addr: string, len: number): string {
  const v = addr.split(".").reduce((x, o) => x * 256 + Number(o), 0);
  const m = len === 0 ? 0 : 2 ** 32 - 2 ** (32 - len);
  const k = (v & m) >>> 0;
  return `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;
}

export function ipv4Addrs(ns: Ns, dev: string): RawAddrInfo[] {
  return ns.raw.addr.find((a) => a.ifname === dev)?.addr_info.filter((i) => i.family === "inet") ?? [];
}

/** Devices in an order in which each one's lower device and veth peer come first. */
function creationOrder(m: Machine): Dev[] {
  const out: Dev[] = [];
  const placed = new Set<Dev>();
  const visit = (d: Dev) => {
    if (placed.has(d)) return;
    placed.add(d);
    if (d.parent) visit(d.parent);
    out.push(d);
  };
  for (const d of m.devices) if (d.nic) visit(d);
  for (const d of m.devices) if (!d.skipped && REBUILT.has(d.kind)) visit(d);
  return out.filter((d) => !d.skipped && (d.nic || REBUILT.has(d.kind)));
}

function typeArgs(d: Dev): string {
  const data = d.raw.linkinfo?.info_data ?? {};
  switch (d.kind) {
    case "ipvlan":
    case "ipvtap": {
      const flag = data.private ? " private" : data.vepa ? " vepa" : "";
      return `type ${d.kind} mode ${String(data.mode ?? "l3")}${flag}`;
    }
    case "macvlan":
    case "macvtap":
      return `type ${d.kind} mode ${String(data.mode ?? "vepa")}`;
    case "vlan":
      return `type vlan${data.protocol && data.protocol !== "802.1Q" ? ` protocol ${String(data.protocol)}` : ""} id ${String(data.id)}`;
    case "bridge":
      return `type bridge${data.vlan_filtering ? " vlan_filtering 1" : ""}`;
    default:
      return `type ${d.kind}`;
  }
}

/** A MAC the kernel would not give the device by itself. */
function ownMac(d: Dev): string | null {
  const mac = d.raw.address;
  if (!mac || d.kind === "ipvlan" || d.kind === "ipvtap") return null;
  if (d.kind === "vlan" && d.parent && d.parent.raw.address === mac) return null;
  return mac;
}

/** The value a namespace's new devices take: its conf/default, else the kernel's. */
function confDefault(ns: Ns, key: string): string | undefined {
  return ns.raw.sysctl[`net/ipv4/conf/default/${key}`];
}

function sysctlLines(ns: Ns, root: Ns | null, out: string[]): void {
  const s = ns.raw.sysctl;
  const w = (k: string, v: string) => out.push(inNs(ns, `sysctl -qw ${k}=${v}`));
  // In a new namespace IPv4 conf/{all,default} start as the namespace that made it has them (the lab's
  // engines all do so); the root namespace starts at the kernel's defaults.
  const base = (k: string, key: string): string => (root ? root.raw.sysctl[k] ?? "" : String(DEVCONF_DEFAULTS[key as keyof typeof DEVCONF_DEFAULTS]));
  const fwd = s["net/ipv4/ip_forward"];
  if (fwd !== undefined && fwd !== (root ? root.raw.sysctl["net/ipv4/ip_forward"] : "0")) w("net/ipv4/ip_forward", fwd);
  for (const which of ["all", "default"]) {
    for (const key of Object.keys(DEVCONF_DEFAULTS)) {
      const k = `net/ipv4/conf/${which}/${key}`;
      const v = s[k];
      // ip_forward has written all/forwarding (and every device's) already.
      if (v === undefined || (key === "forwarding" && which === "all")) continue;
      if (v !== base(k, key)) w(k, v);
    }
  }
}

function devSysctlLines(d: Dev, out: string[]): void {
  const ns = d.ns;
  for (const key of Object.keys(DEVCONF_DEFAULTS)) {
    if (!isConfKey(key)) continue;
    const v = ns.raw.sysctl[`net/ipv4/conf/${d.name}/${key}`];
    if (v === undefined) continue;
    // A device takes conf/default when it is made (or moved), or all/forwarding when ip_forward was written later;
    // a NIC was made before the script ran, at the kernel's defaults. Written when it may differ.
    const kernel = String(DEVCONF_DEFAULTS[key]);
    const dflt = key === "forwarding" ? ns.raw.sysctl["net/ipv4/conf/all/forwarding"] : confDefault(ns, key);
    if (v !== kernel || dflt !== kernel) out.push(inNs(ns, `sysctl -qw net/ipv4/conf/${d.name}/${key}=${v}`));
  }
}

function addrArgs(a: RawAddrInfo): string {
  const parts = [`${a.local}/${a.prefixlen}`];
  if (a.broadcast) parts.push(`brd ${a.broadcast}`);
  if (a.scope && a.scope !== "global") parts.push(`scope ${a.scope}`);
  if (a.noprefixroute) parts.push("noprefixroute");
  return parts.join(" ");
}

/** The prefix routes the kernel adds for an address itself (fib_add_ifaddr), which the script must not add again. */
function prefixRoute(ns: Ns, r: RawRoute): boolean {
  if (r.protocol !== "kernel" || (r.table ?? "main") !== "main" || r.gateway || !r.dev) return false;
  const [dst, len] = r.dst.split("/") as [string, string | undefined];
  return ipv4Addrs(ns, r.dev).some((a) => len !== undefined && Number(len) === a.prefixlen && network(a.local, a.prefixlen) === dst);
}

function routeArgs(r: RawRoute, v6 = false): string {
  const p: string[] = [];
  if (r.type && r.type !== "unicast") p.push(r.type);
  p.push(r.dst);
  if (r.nexthops?.length) {
    for (const h of r.nexthops) p.push(`nexthop${h.gateway ? ` via ${h.gateway}` : ""}${h.dev ? ` dev ${h.dev}` : ""}${h.weight && h.weight !== 1 ? ` weight ${h.weight}` : ""}${h.flags?.includes("onlink") ? " onlink" : ""}`);
  } else {
    if (r.gateway) p.push(`via ${r.gateway}`);
    if (r.dev) p.push(`dev ${r.dev}`);
  }
  if (r.protocol && !["boot", "kernel"].includes(r.protocol)) p.push(`proto ${r.protocol}`);
  // `ip route add` picks scope link for a route without a gateway, global with one, host for local.
  const scope = r.type === "local" ? "host" : r.gateway || r.nexthops?.length || (r.type && r.type !== "unicast") ? "global" : "link";
  // IPv6 routes have no scope of their own to give; their default metric is 1024.
  if (!v6 && r.scope && r.scope !== scope) p.push(`scope ${r.scope}`);
  if (r.prefsrc) p.push(`src ${r.prefsrc}`);
  if (r.metric && !(v6 && r.metric === 1024)) p.push(`metric ${r.metric}`);
  if (r.table && r.table !== "main") p.push(`table ${r.table}`);
  if (r.flags?.includes("onlink") && !r.nexthops?.length) p.push("onlink");
  return p.join(" ");
}

export function machineScript(m: Machine, opts: { ipv6?: boolean } = {}): MachineScript {
  const lines: string[] = [];
  const notRebuilt: string[] = [];
  const root = m.namespaces.find((n) => n.name === null)!;
  const others = m.namespaces.filter((n) => n.name !== null);
  const say = (s: string) => lines.push(`# ${s}`);
  // A section's heading, dropped when nothing follows it.
  const HEADING = "\u0000";
  const section = (s: string) => lines.push(`${HEADING}# ${s}`);

  // Lab interfaces live in the lab host's root namespace under unique names.
  const nicNames = new Map<Dev, string>();
  const taken = new Set(root.devices.map((d) => d.name));
  for (const d of m.devices.filter((x) => x.nic)) {
    let name = d.name;
    if (d.ns !== root) for (let i = 1; taken.has(name); i++) name = `${d.name.slice(0, 12)}-${i}`;
    taken.add(name);
    nicNames.set(d, name);
  }

  section(`Forwarding sysctls of ${where(root)} (/proc/sys/net/ipv4: ip_forward, conf/all, conf/default), those not at the kernel's default`);
  sysctlLines(root, null, lines);

  for (const ns of others) {
    say(`${ns.name}: ${ns.origin}`);
    lines.push(`ip netns add ${ns.name}`);
    sysctlLines(ns, root, lines);
    const lo = ns.devices.find((d) => d.kind === "loopback");
    if (lo && up(lo)) lines.push(`${ip(ns)} link set lo up`);
  }

  section("Devices (ip -j -d link of each namespace): the lower device first, made where it is and moved where the snapshot found it");
  const name = new Map<Dev, string>();
  let tmp = 0;
  const order = creationOrder(m);
  for (const d of order) {
    if (d.nic) {
      const lab = nicNames.get(d)!;
      const what = d.kind === "veth" ? "a veth whose peer is in no namespace the snapshot read (a link to another machine)" : "a network card";
      say(`${d.name} in ${where(d.ns)}: ${what}; here a lab interface${lab !== d.name ? ` (${lab})` : ""}`);
      if (d.ns !== root) {
        lines.push(`ip link set ${lab} netns ${d.ns.name}`);
        if (lab !== d.name) lines.push(`${ip(d.ns)} link set ${lab} name ${d.name}`);
      }
      if (d.raw.mtu !== 1500) lines.push(`${ip(d.ns)} link set ${d.name} mtu ${d.raw.mtu}`);
      name.set(d, d.name);
      continue;
    }
    if (d.kind === "veth") {
      const peer = d.peer!;
      if (name.has(peer)) continue;
      // Made in the root namespace when one end is there: a named namespace has no name for the root to move a device to.
      const [a, b] = peer.ns === root && d.ns !== root ? [peer, d] : [d, peer];
      const clash = (x: Dev, at: Ns) => x.ns !== at && at.devices.some((y) => y.name === x.name);
      const an = clash(a, a.ns) ? `snap${tmp++}` : a.name;
      const bn = a.ns !== b.ns && a.ns.devices.some((y) => y.name === b.name) ? `snap${tmp++}` : b.name;
      say(`${a.name} (${where(a.ns)}) and ${b.name} (${where(b.ns)}): a veth pair`);
      const macA = a.raw.address ? ` address ${a.raw.address}` : "";
      const macB = b.raw.address ? ` address ${b.raw.address}` : "";
      lines.push(`${ip(a.ns)} link add ${an}${macA} type veth peer name ${bn}${macB}${a.ns !== b.ns ? ` netns ${b.ns.name}` : ""}`);
      if (bn !== b.name) lines.push(`${ip(b.ns)} link set ${bn} name ${b.name}`);
      for (const x of [a, b]) if (x.raw.mtu !== 1500) lines.push(`${ip(x.ns)} link set ${x.name} mtu ${x.raw.mtu}`);
      name.set(a, a.name).set(b, b.name);
      continue;
    }
    const at = d.parent ? d.parent.ns : d.ns;
    const moved = at !== d.ns;
    const made = moved && at.devices.some((y) => y.name === d.name) ? `snap${tmp++}` : d.name;
    const mac = ownMac(d);
    say(`${d.name} (${where(d.ns)}): ${d.kind}${d.parent ? ` on ${d.parent.name} (${where(d.parent.ns)})` : ""}`);
    lines.push(`${ip(at)} link add ${d.parent ? `link ${d.parent.name} ` : ""}${made}${mac ? ` address ${mac}` : ""} ${typeArgs(d)}`);
    if (moved) {
      lines.push(d.ns === root ? `${ip(at)} link set ${made} netns $$` : `${ip(at)} link set ${made} netns ${d.ns.name}`);
      if (made !== d.name) lines.push(`${ip(d.ns)} link set ${made} name ${d.name}`);
    }
    const mtu = d.kind === "bridge" ? d.raw.mtu : d.parent ? d.parent.raw.mtu : 1500;
    if (d.raw.mtu !== mtu) lines.push(`${ip(d.ns)} link set ${d.name} mtu ${d.raw.mtu}`);
    name.set(d, d.name);
  }
  for (const d of m.devices.filter((x) => x.skipped)) {
    notRebuilt.push(`${d.name} (${where(d.ns)}): ${d.skipped}`);
  }

  const ports = order.filter((d) => d.raw.master && order.some((b) => b.ns === d.ns && b.name === d.raw.master && b.kind === "bridge"));
  if (ports.length) say("Bridge ports (master in ip -d link, options from its bridge_slave data), those not at their defaults");
  for (const d of ports) {
    lines.push(`${ip(d.ns)} link set ${d.name} master ${d.raw.master}`);
    const s = d.raw.linkinfo?.info_slave_data ?? {};
    const opts: string[] = [];
    for (const [k, dflt] of [["hairpin", false], ["learning", true], ["flood", true], ["mcast_flood", true], ["bcast_flood", true], ["isolated", false]] as const) {
      if (k in s && Boolean(s[k]) !== dflt) opts.push(`${k} ${s[k] ? "on" : "off"}`);
    }
    if (opts.length) lines.push(`${ip(d.ns)} link set ${d.name} type bridge_slave ${opts.join(" ")}`);
  }
  for (const d of order) {
    if (d.raw.master && !ports.includes(d)) notRebuilt.push(`${d.name} (${where(d.ns)}) is enslaved to ${d.raw.master}, which is not rebuilt`);
  }

  section("Per-device forwarding sysctls (/proc/sys/net/ipv4/conf/DEV), and NOARP devices");
  for (const d of order) {
    devSysctlLines(d, lines);
    const noarpByItself = d.kind === "ipvlan" || d.kind === "ipvtap" ? ["l3", "l3s"].includes(String(d.raw.linkinfo?.info_data?.mode)) : false;
    if (d.raw.flags.includes("NOARP") && !noarpByItself) lines.push(`${ip(d.ns)} link set ${d.name} arp off`);
  }

  section("Links up, as their flags say (lower devices first)");
  const root_lo = root.devices.find((d) => d.kind === "loopback");
  if (root_lo && !up(root_lo)) lines.push("ip link set lo down");
  for (const d of order) if (up(d)) lines.push(`${ip(d.ns)} link set ${d.name} up`);

  for (const ns of m.namespaces) {
    const addrs: string[] = [];
    for (const a of ns.raw.addr) {
      const d = ns.devices.find((x) => x.name === a.ifname);
      if (!d || (d.skipped && d.kind !== "loopback")) continue;
      for (const i of a.addr_info) {
        if (i.family !== "inet") continue;
        if (d.kind === "loopback" && i.local === "127.0.0.1" && i.prefixlen === 8) continue;
        addrs.push(`${ip(ns)} addr add ${addrArgs(i)} dev ${a.ifname}${i.dynamic ? "   # dynamic (DHCP) on the machine: static here" : ""}`);
      }
    }
    if (addrs.length) {
      say(`IPv4 addresses of ${where(ns)} (ip -j -d addr)`);
      lines.push(...addrs);
    }
  }

  for (const ns of m.namespaces) {
    const rebuilt = (dev: string | undefined) => !dev || ns.devices.some((d) => d.name === dev && (!d.skipped || d.kind === "loopback"));
    const adds: string[] = [];
    const dels: string[] = [];
    for (const r of ns.raw.route) {
      if ((r.table ?? "main") === "local" && r.protocol === "kernel") continue;
      if (r.type === "broadcast" || r.type === "multicast") continue;
      if (prefixRoute(ns, r)) continue;
      const devs = r.nexthops?.length ? r.nexthops.map((h) => h.dev) : [r.dev];
      if (!devs.every(rebuilt)) {
        notRebuilt.push(`the route ${routeArgs(r)} (${where(ns)}): its device is not rebuilt`);
        continue;
      }
      adds.push(`${ip(ns)} route add ${routeArgs(r)}`);
    }
    // A prefix route the address made that the machine no longer has was deleted by hand.
    for (const a of ns.raw.addr) {
      for (const i of a.addr_info) {
        if (i.family !== "inet" || i.prefixlen >= 32 || i.noprefixroute || a.ifname === "lo") continue;
        if (!rebuilt(a.ifname)) continue;
        const dst = `${network(i.local, i.prefixlen)}/${i.prefixlen}`;
        if (!ns.raw.route.some((r) => r.dst === dst && r.dev === a.ifname && r.protocol === "kernel" && (r.table ?? "main") === "main")) {
          dels.push(`${ip(ns)} route del ${dst} dev ${a.ifname}   # the kernel's prefix route for ${i.local}/${i.prefixlen}, absent on the machine`);
        }
      }
    }
    if (adds.length || dels.length) {
      say(`IPv4 routes of ${where(ns)}, every table (ip -j -d route show table all), but those the kernel makes for addresses`);
      lines.push(...dels, ...adds);
    }
    const rules = ns.raw.rule.filter((r) => !((r.priority === 0 && r.table === "local") || (r.priority === 32766 && r.table === "main") || (r.priority === 32767 && r.table === "default")));
    if (rules.length) {
      say(`Policy routing rules of ${where(ns)} (ip -j rule), but the three every namespace starts with`);
      for (const r of rules) {
        const p = [`priority ${r.priority}`];
        if (r.not) p.push("not");
        if (r.src && r.src !== "all") p.push(`from ${r.src}${r.srclen !== undefined ? `/${r.srclen}` : ""}`);
        if (r.dst) p.push(`to ${r.dst}${r.dstlen !== undefined ? `/${r.dstlen}` : ""}`);
        if (r.iifname) p.push(`iif ${r.iifname}`);
        if (r.oifname) p.push(`oif ${r.oifname}`);
        if (r.fwmark) p.push(`fwmark ${r.fwmark}`);
        p.push(r.table ? `table ${r.table}` : r.action ?? "");
        lines.push(`${ip(ns)} rule add ${p.join(" ").trim()}`);
      }
    }
  }

  for (const ns of m.namespaces) {
    const neigh: string[] = [];
    let unresolved = 0;
    for (const n of ns.raw.neigh) {
      if (!ns.devices.some((d) => d.name === n.dev && !d.skipped)) continue;
      const state = n.state ?? [];
      if (state.includes("NOARP")) continue;
      if (!n.lladdr) {
        unresolved++;
        continue;
      }
      // What the kernel remembers, but unconfirmed: it asks again before trusting an entry it did not make permanent.
      const nud = state.includes("PERMANENT") ? "permanent" : "stale";
      neigh.push(`${ip(ns)} neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud ${nud}${nud === "stale" ? `   # ${state.join(",").toLowerCase()} on the machine` : ""}`);
    }
    for (const n of ns.raw.neighProxy) neigh.push(`${ip(ns)} neigh add proxy ${n.dst} dev ${n.dev}`);
    if (neigh.length || unresolved) {
      say(`Neighbour entries of ${where(ns)} (ip -j neigh)${unresolved ? `; ${unresolved} unresolved (incomplete or failed) left out` : ""}`);
      lines.push(...neigh);
    }
    const fdb = ns.raw.fdb.filter((f) => f.master && f.state === "static" && !(f.flags ?? []).includes("self"));
    if (fdb.length) {
      say(`Static FDB entries of ${where(ns)} (bridge -j fdb); learned ones are learned again`);
      for (const f of fdb) lines.push(`bridge${ns.name ? ` -n ${ns.name}` : ""} fdb add ${f.mac} dev ${f.ifname} master static${f.vlan ? ` vlan ${f.vlan}` : ""}`);
    }
  }
  let v6 = false;
  for (const ns of opts.ipv6 ? m.namespaces : []) {
    const rebuilt = (dev: string | undefined) => !dev || ns.devices.some((d) => d.name === dev && (!d.skipped || d.kind === "loopback"));
    const out: string[] = [];
    for (const a of ns.raw.addr) {
      if (!rebuilt(a.ifname)) continue;
      for (const i of a.addr_info) {
        // Link-local and loopback addresses come by themselves once IPv6 is on.
        if (i.family !== "inet6" || i.scope === "link" || i.scope === "host") continue;
        const how = i.dynamic ? "   # from a router advertisement (or DHCPv6) on the machine: static here" : "";
        out.push(`${ip(ns)} -6 addr add ${i.local}/${i.prefixlen}${i.nodad ? " nodad" : ""} dev ${a.ifname}${how}`);
      }
    }
    for (const r of ns.raw.route6) {
      if ((r.table ?? "main") === "local" || r.protocol === "kernel" || r.type === "multicast") continue;
      const devs = r.nexthops?.length ? r.nexthops.map((h) => h.dev) : [r.dev];
      if (!devs.every(rebuilt)) {
        notRebuilt.push(`the IPv6 route ${routeArgs(r, true)} (${where(ns)}): its device is not rebuilt`);
        continue;
      }
      out.push(`${ip(ns)} -6 route add ${routeArgs(r, true)}${r.protocol === "ra" ? "   # from a router advertisement on the machine" : ""}`);
    }
    if (out.length) {
      say(`IPv6 addresses and routes of ${where(ns)} (ip -j -d addr, ip -j -d -6 route show table all), but link-local ones and those the kernel makes`);
      lines.push(...out);
      v6 = true;
    }
  }
  const kept = lines.filter((l, i) => !l.startsWith(HEADING) || (i + 1 < lines.length && !lines[i + 1]!.startsWith(HEADING)));
  return { lines: kept.map((l) => l.replace(HEADING, "")), ipv6: v6, nicNames, notRebuilt };
}

/** Kinds the lab rebuilds, for the closing report. */
export const REBUILT_KINDS = [...REBUILT].sort();
export { STACKED };
