// struct sk_buff, reduced to what the IPv4/ARP paths read. Frames inside are
// immutable values: a path that changes a header builds a new frame.

import type { EthernetFrame } from "../wire/ethernet.js";
import type { NetDevice } from "./devices/net-device.js";
import type { KResult } from "./errno.js";
import type { Rtable } from "./ipv4/route.js";
import type { Rt6Info } from "./ipv6/route.js";

/** skb->pkt_type, named as tcpdump's -e/-L output and linux/if_packet.h name them. */
export type PacketType = "host" | "broadcast" | "multicast" | "otherhost" | "outgoing" | "loopback";

export interface SkBuff {
  frame: EthernetFrame;
  dev: NetDevice;
  pktType: PacketType;
  /** skb_dst: set for locally generated packets and kept across lo, so ip_rcv skips input routing. */
  rt: Rtable | null;
  /** The device the packet first arrived on (skb_iif), before any rx_handler moved it. */
  iif: NetDevice | null;
  /** skb_dst for IPv6 when an l3mdev hook (ipvlan l3s) routed the packet before ip6_rcv_finish: the route, or the errno of none. */
  rt6?: KResult<Rt6Info>;
  /** NEIGH_CB(skb)->flags & LOCALLY_ENQUEUED: an ARP request replayed from the proxy queue. */
  locallyEnqueued?: boolean;
}

export function newSkb(frame: EthernetFrame, dev: NetDevice, pktType: PacketType = "host"): SkBuff {
  return { frame, dev, pktType, rt: null, iif: null };
}
