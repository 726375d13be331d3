// The per-link facts rtnl_fill_ifinfo reports, derived from the simulated
// device the way the kernel derives them (dev_get_flags, rfc2863 operstate,
// the qdisc attached at first open, IFLA_LINK and its netnsid).

import { defaultOperstateNoCarrier, IFF_ALLMULTI, IFF_LOWER_UP, IFF_MASTER, IFF_PROMISC, IFF_SLAVE, IFF_UP, type NetDevice } from "../../kernel/index.js";
import { peernet2idAlloc } from "./netnsid.js";

const IFF_RUNNING = 0x40;

/** Drivers that never touch the carrier: their operstate stays UNKNOWN while up. */
const NO_CARRIER_MGMT = new Set(["loopback", "dummy"]);
/**
 * ipvlan sets no carrier of its own, it only copies its parent's
 * (netif_stacked_transfer_operstate): a slave whose carrier never changed
 * (made on a parent with carrier) is UNKNOWN; once it changed (made on a
 * veth that is down, or the parent's carrier came or went since), linkwatch
 * has set what rfc2863 says: LOWERLAYERDOWN, then UP.
 */
const CARRIER_FROM_PARENT = new Set(["ipvlan", "ipvtap"]);

export function operstate(dev: NetDevice): string {
  if (!dev.isUp) return "DOWN";
  if (NO_CARRIER_MGMT.has(dev.kind) || (CARRIER_FROM_PARENT.has(dev.kind) && dev.carrierChanges === 0)) return "UNKNOWN";
  if (dev.carrier) return "UP";
  return defaultOperstateNoCarrier(dev);
}

/**
 * dev_get_flags: PROMISC only as the user set it, RUNNING and LOWER_UP from
 * the link state. A Linux bridge and its ports are marked by priv_flags, not
 * IFF_MASTER/IFF_SLAVE (those are bonding's), so they never show.
 */
export function linkFlags(dev: NetDevice): number {
  let f = dev.flags & ~(IFF_PROMISC | IFF_RUNNING | IFF_LOWER_UP | IFF_MASTER | IFF_SLAVE);
  if (dev.isUp) {
    const op = operstate(dev);
    if (op === "UP" || op === "UNKNOWN") f |= IFF_RUNNING;
    if (dev.carrier) f |= IFF_LOWER_UP;
  }
  return f;
}

const FLAG_NAMES: [number, string][] = [
  [0x8, "LOOPBACK"],
  [0x2, "BROADCAST"],
  [0x10, "POINTOPOINT"],
  [0x1000, "MULTICAST"],
  [0x80, "NOARP"],
  [IFF_ALLMULTI, "ALLMULTI"],
  [IFF_PROMISC, "PROMISC"],
  [IFF_MASTER, "MASTER"],
  [0x800, "SLAVE"],
  [IFF_UP, "UP"],
  [IFF_LOWER_UP, "LOWER_UP"],
];

/** print_link_flags: NO-CARRIER first, M-DOWN last (the lower device, in this namespace, is down). */
export function flagNames(dev: NetDevice): string[] {
  const f = linkFlags(dev);
  const out: string[] = [];
  if (f & IFF_UP && !(f & IFF_RUNNING)) out.push("NO-CARRIER");
  for (const [bit, name] of FLAG_NAMES) if (f & bit) out.push(name);
  const link = dev.ndoGetIflink();
  if (link && link.net === dev.net && !link.isUp) out.push("M-DOWN");
  return out;
}



export function linkType(dev: NetDevice): string {
  return dev.kind === "loopback" ? "loopback" : "ether";
}

export function broadcastMac(dev: NetDevice): string {
  return dev.kind === "loopback" ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff";
}

export interface LinkRef {
  /** "veth1" when the link is in the same namespace, "if4" when elsewhere. */
  suffix: string;
  /** link_index in JSON when elsewhere, link name otherwise. */
  json: { link: string } | { link_index: number };
  netnsid: number | null;
}

export function linkRef(dev: NetDevice): LinkRef | null {
  const link = dev.ndoGetIflink();
  if (!link) return null;
  if (link.net === dev.net) return { suffix: link.name, json: { link: link.name }, netnsid: null };
  return { suffix: `if${link.ifindex}`, json: { link_index: link.ifindex }, netnsid: peernet2idAlloc(dev.net, link.net) };
}

/** The netns name iproute2 finds for a netnsid (a named namespace of this host with that id), if any. */
export function netnsNameOf(dev: NetDevice): string | null {
  const link = dev.ndoGetIflink();
  if (!link || link.net === dev.net) return null;
  return link.net.name || null;
}
