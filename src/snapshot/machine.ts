// The captured namespaces as one machine: each namespace's name in the lab,
// each device's role (a NIC of the machine, a veth pair's end, a device
// stacked on a lower one) and the device it hangs on, across namespaces.

import type { RawCapture, RawLink, RawNamespace } from "./capture.js";

export interface Ns {
  raw: RawNamespace;
  /** null for the root namespace; else the `ip netns` name the lab gives it. */
  name: string | null;
  /** Where it came from, for the lab's comments. */
  origin: string;
  devices: Dev[];
}

/** Kinds the lab rebuilds with `ip link add ... type KIND`. */
export const STACKED = new Set(["macvlan", "macvtap", "ipvlan", "ipvtap", "vlan"]);
export const REBUILT = new Set([...STACKED, "veth", "bridge", "dummy"]);

export interface Dev {
  ns: Ns;
  raw: RawLink;
  name: string;
  kind: string;
  /** A NIC: a device with no kind (hardware), or a veth whose peer is in no namespace captured. */
  nic: boolean;
  /** The lower device of a stacked kind. */
  parent: Dev | null;
  /** The other end of a veth pair. */
  peer: Dev | null;
  /** Why the lab cannot rebuild it; null when it can. */
  skipped: string | null;
}

const SKIP_REASON: Record<string, string> = {
  vxlan: "a VXLAN tunnel: its remote endpoints and FDB are outside what a lab's networks model",
  geneve: "a Geneve tunnel: its remote endpoint is outside the lab",
  gre: "a GRE tunnel: its remote endpoint is outside the lab",
  gretap: "a GRE tunnel: its remote endpoint is outside the lab",
  ipip: "an IP-in-IP tunnel: its remote endpoint is outside the lab",
  sit: "a SIT tunnel: its remote endpoint is outside the lab",
  wireguard: "a WireGuard tunnel: its keys and peers are not readable with ip",
  tun: "a tun/tap device: the program behind it is not part of the snapshot",
  bond: "a bond: its slaves' link states and the bonding mode's behaviour are not captured",
  team: "a team device: the teamd configuration is not captured",
  vrf: "a VRF: l3mdev routing is not rebuilt",
  ifb: "an IFB device: only tc redirects traffic to it, and tc is not captured",
  nlmon: "a netlink monitor device: it carries no network traffic",
  can: "a CAN device",
  ppp: "a PPP link: the peer is outside the lab",
  wwan: "a WWAN modem link",
  xfrm: "an xfrm interface: IPsec state is not captured",
};

function sanitize(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[-.]+|-+$/g, "");
  return t || "ns";
}

function nsOrigin(raw: RawNamespace): string {
  if (raw.kind === "root") return "the root namespace";
  if (raw.kind === "named") return `/run/netns/${raw.name}`;
  const c = raw.container ? `${raw.container.runtime} container ${raw.container.name} (${raw.container.id.slice(0, 12)}), ` : "";
  return `${c}process ${raw.pid} (${raw.comm}), /proc/${raw.pid}/ns/net ${raw.id}`;
}

/** The lab names of the namespaces: /run/netns names as they are, a container's name, else comm-pid; each unique. */
function nsNames(cap: RawCapture): (string | null)[] {
  const used = new Set(cap.namespaces.filter((n) => n.kind === "named").map((n) => n.name));
  return cap.namespaces.map((n) => {
    if (n.kind === "root") return null;
    if (n.kind === "named") return n.name;
    const base = sanitize(n.container?.name ?? `${n.comm ?? "pid"}-${n.pid}`);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    return name;
  });
}

export interface Machine {
  hostname: string;
  kernel: string;
  namespaces: Ns[];
  devices: Dev[];
}

export function buildMachine(cap: RawCapture): Machine {
  const names = nsNames(cap);
  const namespaces: Ns[] = cap.namespaces.map((raw, i) => ({ raw, name: names[i]!, origin: nsOrigin(raw), devices: [] }));
  const devices: Dev[] = [];
  for (const ns of namespaces) {
    for (const raw of ns.raw.link) {
      const kind = raw.linkinfo?.info_kind ?? (raw.link_type === "loopback" ? "loopback" : raw.link_type === "ether" ? "ether" : raw.link_type);
      const d: Dev = { ns, raw, name: raw.ifname, kind, nic: false, parent: null, peer: null, skipped: null };
      ns.devices.push(d);
      devices.push(d);
    }
  }
  // Devices of another namespace with this ifindex: the candidates for a lower device or a peer named by link_netnsid.
  const elsewhere = (ns: Ns, ifindex: number) => devices.filter((d) => d.ns !== ns && d.raw.ifindex === ifindex);
  const byName = (ns: Ns, name: string) => ns.devices.find((d) => d.name === name) ?? null;
  for (const d of devices) {
    const r = d.raw;
    if (d.kind === "loopback") continue;
    if (d.kind === "ether") {
      d.nic = true;
      continue;
    }
    if (d.kind === "veth") {
      if (r.link_netnsid === undefined) d.peer = r.link ? byName(d.ns, r.link) : null;
      else if (r.link_index !== undefined) {
        // Both ends name each other's ifindex; a namespace may hold several devices with one ifindex, not both ways.
        const c = elsewhere(d.ns, r.link_index).filter((p) => p.kind === "veth" && p.raw.link_index === r.ifindex && p.raw.link_netnsid !== undefined);
        d.peer = c[0] ?? null;
      }
      d.nic = d.peer === null;
      continue;
    }
    if (STACKED.has(d.kind)) {
      if (r.link_netnsid === undefined) d.parent = r.link ? byName(d.ns, r.link) : null;
      else if (r.link_index !== undefined) {
        const c = elsewhere(d.ns, r.link_index).filter((p) => p.kind !== "loopback");
        d.parent = c.find((p) => p.ns.name === null) ?? c[0] ?? null;
      }
      if (!d.parent) d.skipped = `a ${d.kind} device whose lower device is in no namespace the snapshot could read`;
      continue;
    }
    if (d.kind === "bridge" || d.kind === "dummy") continue;
    d.skipped = SKIP_REASON[d.kind] ?? `a device of kind ${d.kind}, which the lab does not rebuild`;
  }
  // A device stacked on one that is not rebuilt cannot be either.
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of devices) {
      if (!d.skipped && d.parent?.skipped) {
        d.skipped = `stacked on ${d.parent.name}, which is not rebuilt`;
        changed = true;
      }
    }
  }
  return { hostname: cap.hostname, kernel: cap.kernel, namespaces, devices };
}

/** The NIC (lab interface) a device's frames leave by: down its lower devices, or through the one NIC port of a bridge. */
export function nicOf(d: Dev, seen = new Set<Dev>()): Dev | null {
  if (seen.has(d)) return null;
  seen.add(d);
  if (d.nic) return d;
  if (d.parent) return nicOf(d.parent, seen);
  if (d.kind === "bridge") {
    for (const p of d.ns.devices) if (p.raw.master === d.name) {
      const n = nicOf(p, seen);
      if (n) return n;
    }
  }
  if (d.raw.master) {
    const m = d.ns.devices.find((x) => x.name === d.raw.master);
    if (m) return nicOf(m, seen);
  }
  return null;
}

/** The 802.1Q ids between a device and its NIC (outermost last), for a stand-in on the same VLAN. */
export function vlanPath(d: Dev): number[] {
  const ids: number[] = [];
  for (let x: Dev | null = d; x; x = x.parent) {
    if (x.kind === "vlan") ids.push(Number(x.raw.linkinfo?.info_data?.id));
  }
  return ids;
}
