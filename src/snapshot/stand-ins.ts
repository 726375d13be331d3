// The machines the snapshot did not read: the gateway and the neighbours the
// machine knows on each NIC's network. Each becomes a lab host on that network
// with the MAC the machine saw and the addresses it saw behind that MAC, so
// what the machine could reach answers in the lab too.

import { inPrefix, ipv4Addrs } from "./commands.js";
import { nicOf, vlanPath, type Dev, type Machine } from "./machine.js";

export interface StandInIface {
  /** eth0, or eth0.10 for a VLAN the machine reached it on. */
  name: string;
  vlans: number[];
  addrs: { addr: string; prefixlen: number; from: string }[];
}

export interface StandIn {
  name: string;
  nic: Dev;
  /** null: the machine never resolved it (a gateway it has not talked to yet); the lab derives one. */
  mac: string | null;
  ifaces: StandInIface[];
}

export function standIns(m: Machine, hostName: string): StandIn[] {
  const ours = new Set<string>();
  const ourMacs = new Set<string>();
  for (const ns of m.namespaces) {
    for (const a of ns.raw.addr) for (const i of a.addr_info) if (i.family === "inet") ours.add(i.local);
  }
  for (const d of m.devices) if (d.raw.address) ourMacs.add(d.raw.address.toLowerCase());
  const gateways = new Set<string>();
  for (const ns of m.namespaces) for (const r of ns.raw.route) if (r.gateway && r.dst === "default") gateways.add(r.gateway);

  const byKey = new Map<string, StandIn>();
  const add = (dev: Dev, addr: string, mac: string | null, from: string) => {
    if (ours.has(addr)) return;
    if (mac && ourMacs.has(mac.toLowerCase())) return;
    const nic = nicOf(dev);
    if (!nic) return;
    const key = `${nic.ns.raw.id}/${nic.name}/${mac ?? addr}`;
    let s = byKey.get(key);
    if (!s) {
      s = { name: "", nic, mac, ifaces: [] };
      byKey.set(key, s);
    }
    const vlans = vlanPath(dev).reverse();
    const ifname = ["eth0", ...vlans].join(".");
    let i = s.ifaces.find((x) => x.name === ifname);
    if (!i) s.ifaces.push((i = { name: ifname, vlans, addrs: [] }));
    if (i.addrs.some((a) => a.addr === addr)) return;
    // The prefix of the machine's own address that covers it on that device: the subnet both are on.
    const own = ipv4Addrs(dev.ns, dev.name).find((a) => a.prefixlen < 32 && inPrefix(addr, a.local, a.prefixlen));
    i.addrs.push({ addr, prefixlen: own?.prefixlen ?? 32, from });
  };
  const place = (ns: Machine["namespaces"][number]) => (ns.name === null ? "" : ` in ${ns.name}`);
  for (const ns of m.namespaces) {
    for (const n of ns.raw.neigh) {
      const dev = ns.devices.find((d) => d.name === n.dev && !d.skipped);
      if (!dev || !n.lladdr || (n.state ?? []).some((s) => s === "NOARP" || s === "FAILED" || s === "INCOMPLETE")) continue;
      add(dev, n.dst, n.lladdr, `ip neigh${place(ns)}: ${n.dst} lladdr ${n.lladdr} dev ${n.dev} ${(n.state ?? []).join(",").toLowerCase()}`);
    }
  }
  // A gateway the machine routes through but has not resolved yet (no neighbour entry at all).
  for (const ns of m.namespaces) {
    for (const r of ns.raw.route) {
      if (!r.gateway || !r.dev || ns.raw.neigh.some((n) => n.dst === r.gateway)) continue;
      const dev = ns.devices.find((d) => d.name === r.dev && !d.skipped);
      if (dev) add(dev, r.gateway, null, `ip route${place(ns)}: ${r.dst} via ${r.gateway} dev ${r.dev}, not resolved yet`);
    }
  }
  const used = new Set([hostName]);
  const list = [...byKey.values()];
  for (const s of list) {
    const first = s.ifaces[0]!.addrs[0]!.addr;
    const gw = s.ifaces.some((i) => i.addrs.some((a) => gateways.has(a.addr)));
    const base = gw ? "gateway" : `host-${first.replace(/\./g, "-")}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}-${k}`;
    used.add(name);
    s.name = name;
  }
  return list;
}

export function standInScript(s: StandIn): string[] {
  const lines = ["ip link set eth0 up"];
  for (const i of s.ifaces) {
    let lower = "eth0";
    for (let k = 0; k < i.vlans.length; k++) {
      const name = ["eth0", ...i.vlans.slice(0, k + 1)].join(".");
      if (!lines.includes(`ip link set ${name} up`)) {
        lines.push(`ip link add link ${lower} name ${name} type vlan id ${i.vlans[k]}`, `ip link set ${name} up`);
      }
      lower = name;
    }
    for (const a of i.addrs) lines.push(`ip addr add ${a.addr}/${a.prefixlen} dev ${i.name}   # ${a.from}`);
  }
  return lines;
}
