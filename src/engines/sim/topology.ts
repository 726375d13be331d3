// The lab as it stands in the simulator at some point, reduced to what a
// diagram shows: each network and who is plugged into it, each host's
// namespaces with their devices, addresses and what each device is stacked on.

import { formatIpv4 } from "../../wire/ipv4-addr.js";
import { IFF_NOARP, IpvlanDevice, MacvlanDevice, VethDevice, VlanDevice, type Inet6Ifaddr, type NetDevice } from "../../kernel/index.js";
import { ETH_P_8021AD } from "../../wire/vlan.js";
import type { Lab } from "../../lab/types.js";
import type { World } from "./world.js";
import { naturalCompare } from "../../natural.js";

export interface TopoDevice {
  name: string;
  kind: string;
  up: boolean;
  addrs: string[];
  /**
   * Its IPv6 addresses in `ip -6 addr`'s order, "ADDR/LEN", marked " tentative" while
   * duplicate address detection runs and " dadfailed" once it failed. Link-locals are
   * left out (every device with IPv6 up makes one from its MAC) unless DAD failed on one.
   */
  addrs6: string[];
  /** It has an IPv6 link-local (fe80::), drawn or not. */
  linkLocal6: boolean;
  /** For ipvlan/macvlan: "ipvlan l2", "macvlan bridge"; for a VLAN: "vlan 10" ("vlan 802.1ad 10"); for a lab NIC: "on NETWORK". */
  role: string | null;
  /** The device it is stacked on (an ipvlan's, macvlan's or VLAN's), as "dev" or "dev (netns X)" when elsewhere. */
  parent: string | null;
  /** The same, as a namespace (null: the host's own) and a device name. */
  parentRef: { netns: string | null; name: string } | null;
  /** A veth's other end in the same host. */
  peerRef: { netns: string | null; name: string } | null;
}

export interface TopoNamespace {
  /** null: the host's own (initial) namespace. */
  name: string | null;
  devices: TopoDevice[];
}

export interface Topology {
  lab: string;
  networks: { name: string; hairpin: boolean; members: string[] }[];
  hosts: { name: string; namespaces: TopoNamespace[] }[];
}

function role(dev: NetDevice, nics: Map<string, string>): string | null {
  if (dev instanceof IpvlanDevice) return `ipvlan ${dev.port.mode}${dev.port.flags !== "bridge" ? ` ${dev.port.flags}` : ""}`;
  if (dev instanceof MacvlanDevice) return `macvlan ${dev.mode}`;
  if (dev instanceof VlanDevice) return `vlan ${dev.vlanProto === ETH_P_8021AD ? "802.1ad " : ""}${dev.vlanId}`;
  const net = nics.get(dev.name);
  if (net) return `on ${net}`;
  const peer = hostPeer(dev);
  if (peer) return `veth to ${peer.name}${peer.net === dev.net ? "" : ` (${peer.net.name ? `netns ${peer.net.name}` : "root namespace"})`}`;
  return dev.kind === "veth" || dev.kind === "loopback" ? null : dev.kind;
}

/** An IPv6 address as a diagram shows it: what `ip -6 addr` prints of it, with its DAD state (IFA_F_DADFAILED leaves IFA_F_TENTATIVE set: one word says both). */
function addr6Label(a: Inet6Ifaddr): string {
  return `${a.addr}/${a.prefixlen}${a.dadfailed ? " dadfailed" : a.tentative ? " tentative" : ""}`;
}

/** A veth's other end when it is in the same host (a lab NIC's peer is the network's switch port). */
function hostPeer(dev: NetDevice): VethDevice | null {
  return dev instanceof VethDevice && dev.peer && dev.peer.net.kernel === dev.net.kernel ? dev.peer : null;
}

export function topologyOf(lab: Lab, world: World): Topology {
  const hosts = lab.hosts.map((h) => {
    const k = world.kernels.get(h.name)!;
    const nics = new Map(h.interfaces.map((i) => [i.name, i.network]));
    const namespaces: TopoNamespace[] = [];
    const nets = [[null, k.initNet] as const, ...[...k.netns.entries()].sort(([a], [b]) => naturalCompare(a, b))];
    for (const [name, net] of nets) {
      const devices: TopoDevice[] = [...net.devices.values()]
        .filter((d) => d !== net.loopback)
        .sort((a, b) => a.ifindex - b.ifindex)
        .map((d) => {
          const lower = d instanceof IpvlanDevice || d instanceof MacvlanDevice || d instanceof VlanDevice ? d.ndoGetIflink() : null;
          const parent = lower ? (lower.net === d.net ? lower.name : `${lower.name} (${lower.net.name ? `netns ${lower.net.name}` : "root namespace"})`) : null;
          return {
            name: d.name,
            kind: d.kind,
            up: d.isUp,
            addrs: (d.inDev?.ifaList ?? []).map((a) => `${formatIpv4(a.local)}/${a.prefixlen}`),
            addrs6: (d.in6Dev?.addrList ?? []).filter((a) => a.scope !== "link" || a.dadfailed).map(addr6Label),
            linkLocal6: (d.in6Dev?.addrList ?? []).some((a) => a.scope === "link"),
            role: name === null ? role(d, nics) : role(d, new Map()),
            parent,
            parentRef: lower ? { netns: lower.net.name || null, name: lower.name } : null,
            peerRef: ((p) => (p ? { netns: p.net.name || null, name: p.name } : null))(hostPeer(d)),
          };
        });
      if (name === null || devices.length > 0) namespaces.push({ name, devices });
    }
    return { name: h.name, namespaces };
  });
  const networks = lab.networks.map((n) => ({
    name: n.name,
    hairpin: n.hairpin,
    members: lab.hosts.flatMap((h) => h.interfaces.filter((i) => i.network === n.name).map((i) => `${h.name}:${i.name}`)),
  }));
  return { lab: lab.name, networks, hosts };
}

/**
 * Every device of every host, flat, with what a verdict needs to name it:
 * who holds an address, what a device is stacked on, which network a lab
 * NIC is plugged into. netns "" is the host's own, as in trace steps.
 */
export interface PlacedDevice {
  host: string;
  netns: string;
  dev: string;
  mac: string;
  addrs: string[];
  role: string | null;
  parent: { netns: string; dev: string } | null;
  network: string | null;
  /** IFF_UP, and the carrier that lets it move frames (a slave's follows its parent's, a veth's needs its peer up). */
  up: boolean;
  carrier: boolean;
  /** IFF_NOARP: it never asks or answers ARP. */
  noarp: boolean;
  /** The prefix length of each address, in the order of addrs. */
  prefixlens: number[];
  /** A veth's other end in the same host. */
  peer: { netns: string; dev: string } | null;
  /** Its IPv6 addresses, in any state. */
  addrs6?: string[];
  /** Where each of addrs6 stands in duplicate address detection: "dadfailed" (a duplicate answered), "tentative" (still checking), or "ok". */
  dad6?: Dad6State[];
}

export type Dad6State = "ok" | "tentative" | "dadfailed";

export function placesOf(lab: Lab, world: World): PlacedDevice[] {
  return topologyOf(lab, world).hosts.flatMap((h) => {
    const k = world.kernels.get(h.name)!;
    const nics = new Map(lab.hosts.find((l) => l.name === h.name)!.interfaces.map((i) => [i.name, i.network]));
    return h.namespaces.flatMap((ns) =>
      ns.devices.map((d) => {
        const dev = k.net(ns.name ?? undefined)!.devByName(d.name)!;
        return {
          host: h.name,
          netns: ns.name ?? "",
          dev: d.name,
          mac: dev.mac,
          addrs: d.addrs.map((a) => a.slice(0, a.indexOf("/"))),
          role: d.role,
          parent: d.parentRef && { netns: d.parentRef.netns ?? "", dev: d.parentRef.name },
          network: ns.name === null ? (nics.get(d.name) ?? null) : null,
          up: dev.isUp,
          carrier: dev.carrier,
          noarp: (dev.flags & IFF_NOARP) !== 0,
          prefixlens: d.addrs.map((a) => Number(a.slice(a.indexOf("/") + 1))),
          peer: d.peerRef && { netns: d.peerRef.netns ?? "", dev: d.peerRef.name },
          addrs6: (dev.in6Dev?.addrList ?? []).map((a) => a.addr),
          dad6: (dev.in6Dev?.addrList ?? []).map((a): Dad6State => (a.dadfailed ? "dadfailed" : a.tentative ? "tentative" : "ok")),
        };
      }),
    );
  });
}
