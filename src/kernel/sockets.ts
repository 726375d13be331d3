// The user-space endpoints the tools need: a raw IPPROTO_ICMP socket (ping)
// and an AF_PACKET socket bound to one device (arping). Both queue what they
// receive and can call back; neither blocks.

import type { EthernetFrame } from "../wire/ethernet.js";
import { ethertypeOf } from "../wire/ethernet.js";
import type { IcmpRepr } from "../wire/icmp.js";
import { IPPROTO_ICMP, protocolOf, type Ipv4Repr } from "../wire/ipv4.js";
import type { Ipv4 } from "../wire/ipv4-addr.js";
import { devQueueXmit, type XmitResult } from "./core/dev.js";
import type { NetDevice } from "./devices/net-device.js";
import { fail, type KResult } from "./errno.js";
import { ipLocalOut, ipSelectIdent } from "./ipv4/ip-output.js";
import { ipRouteOutput } from "./ipv4/route.js";
import type { Net } from "./net.js";
import type { Ipv6Repr } from "../wire/ipv6.js";
import type { Icmp6Repr } from "../wire/icmpv6.js";
import type { Ipv6 } from "../wire/ipv6-addr.js";
import { hopLimitOf } from "./ipv6/icmp.js";
import { ip6LocalOut } from "./ipv6/ip6-output.js";
import { ip6RouteLookup, ipv6DevGetSaddr, type Rt6Info } from "./ipv6/route.js";
import type { PacketType, SkBuff } from "./skb.js";
import { frameWhat } from "./trace.js";

export interface RawRecv {
  readonly time: number;
  readonly ip: Ipv4Repr;
  /** The device the packet was delivered on (lo for local traffic). */
  readonly dev: NetDevice;
}

export interface RawSendOptions {
  /** bind() to a local address: the packet's source. */
  saddr?: Ipv4;
  ttl?: number;
  tos?: number;
  /** IP_PMTUDISC: ping's default sets DF. */
  df?: boolean;
}

export class RawSocket {
  readonly rx: RawRecv[] = [];
  onRecv: ((r: RawRecv) => void) | null = null;
  /** SO_ATTACH_FILTER: packets it refuses are not queued (sk_filter in raw_rcv). */
  filter: ((ip: Ipv4Repr) => boolean) | null = null;

  /** `bindDev` is SO_BINDTODEVICE (ping -I dev). */
  constructor(
    readonly net: Net,
    readonly protocol: number = IPPROTO_ICMP,
    public bindDev: NetDevice | null = null,
  ) {
    net.rawSockets.add(this);
  }

  close(): void {
    this.net.rawSockets.delete(this);
  }

  /** sendto(): route, pick the source, and send. Routing errors come back as errno, as sendmsg returns them. */
  sendIcmp(daddr: Ipv4, icmp: IcmpRepr, o: RawSendOptions = {}): KResult<{ src: Ipv4 }> {
    const net = this.net;
    const rt = ipRouteOutput(net, { daddr, saddr: o.saddr ?? 0, oif: this.bindDev?.ifindex ?? 0 });
    if (!rt.ok) return rt;
    const df = o.df ?? true;
    const ip: Ipv4Repr = {
      tos: o.tos ?? 0,
      id: ipSelectIdent(net, df),
      df,
      ttl: o.ttl ?? net.scalars.ip_default_ttl,
      src: rt.value.src,
      dst: daddr,
      payload: { kind: "icmp", icmp },
    };
    if (rt.value.broadcast && !o.saddr) return fail("EACCES");
    // ip_send_skb: a driver's NET_XMIT_DROP comes back as ENOBUFS (net_xmit_errno).
    const x = ipLocalOut(net, ip, rt.value);
    if (x !== "ok") return fail(x);
    return { ok: true, value: { src: ip.src } };
  }
}

/**
 * inet_iif: the route's rt_iif, else skb_iif. A local output route's rt_iif
 * is the device holding the address (ip_route_output_key_hash_rcu: orig_oif =
 * FIB_RES_OIF), so a packet looped back through lo counts as arriving there;
 * route.ts does not record that yet, so it is read off the route's FIB result.
 */
function inetIif(skb: SkBuff): NetDevice {
  const rt = skb.rt;
  if (rt?.iif) return rt.iif;
  if (rt && !rt.input && rt.type === "local" && rt.fib?.dev) return rt.fib.dev;
  return skb.iif ?? skb.dev;
}

/**
 * A reader that takes each packet as it arrives (ping, arping) leaves
 * nothing queued: a queue nobody drains would keep every packet of a long
 * ping in memory.
 */
function deliver<T>(s: { rx: T[]; onRecv: ((r: T) => void) | null }, r: T): void {
  if (s.onRecv) s.onRecv(r);
  else s.rx.push(r);
}

/** raw_local_deliver: a copy to every raw socket of the protocol (and of the device, if bound); true if any took one. */
export function rawLocalDeliver(skb: SkBuff, ip: Ipv4Repr): boolean {
  const net = skb.dev.net;
  if (net.rawSockets.size === 0) return false;
  const proto = protocolOf(ip.payload);
  const dif = inetIif(skb);
  let delivered = false;
  for (const s of net.rawSockets) {
    if (s.protocol !== proto) continue;
    if (s.bindDev && s.bindDev !== dif && s.bindDev !== skb.dev) continue;
    delivered = true;
    if (s.filter && !s.filter(ip)) continue;
    const r = { time: net.now, ip, dev: skb.dev };
    deliver(s, r);
  }
  return delivered;
}

export interface PacketRecv {
  readonly time: number;
  readonly frame: EthernetFrame;
  readonly pktType: PacketType;
}

/** AF_PACKET bound to one device and one ethertype (arping binds ETH_P_ARP); it sees incoming frames only. */
export class PacketSocket {
  readonly rx: PacketRecv[] = [];
  onRecv: ((r: PacketRecv) => void) | null = null;

  constructor(
    readonly dev: NetDevice,
    readonly ethertype: number,
  ) {
    dev.net.packetSockets.add(this);
  }

  close(): void {
    this.dev.net.packetSockets.delete(this);
  }

  /** packet_snd: the frame goes to the device as the tool built it (arping's requests, unlike arp_solicit's, pass no neighbour). */
  send(frame: EthernetFrame): XmitResult {
    const net = this.dev.net;
    if (net.tracing) net.trace(this.dev, "packet_snd", frameWhat(frame));
    return devQueueXmit({ frame, dev: this.dev, pktType: "outgoing", rt: null, iif: null });
  }
}

/** packet_rcv for sockets bound to the device the frame came in on (orig_dev's ptype_specific) or the one an rx_handler handed it to (skb->dev's). */
export function packetRcv(skb: SkBuff, origDev: NetDevice): void {
  const net = skb.dev.net;
  if (net.packetSockets.size === 0) return;
  const et = ethertypeOf(skb.frame.payload);
  for (const s of net.packetSockets) {
    if ((s.dev !== skb.dev && s.dev !== origDev) || s.ethertype !== et) continue;
    const r = { time: net.now, frame: skb.frame, pktType: skb.pktType };
    deliver(s, r);
  }
}

/** The 16 bits at offset 4 of an ICMP message: the echo identifier, or whatever else sits there. */
function icmpWordAt4(icmp: IcmpRepr): number {
  switch (icmp.type) {
    case "echo-request":
    case "echo-reply":
      return icmp.id;
    case "redirect":
      return icmp.gateway >>> 16;
    case "other":
      return ((icmp.rest[0] ?? 0) << 8) | (icmp.rest[1] ?? 0);
    default:
      return 0;
  }
}

/**
 * iputils ping4_install_filter: a packet whose ICMP identifier is ours
 * passes; an echo reply with another identifier is refused; anything else
 * (errors, requests) passes. Without it every ping of a namespace would
 * queue every other ping's replies.
 */
export function pingEchoFilter(ident: number): (ip: Ipv4Repr) => boolean {
  return (ip) => {
    if (ip.payload.kind !== "icmp") return true;
    const icmp = ip.payload.icmp;
    return icmpWordAt4(icmp) === ident || icmp.type !== "echo-reply";
  };
}

export interface Raw6Recv {
  readonly time: number;
  readonly ip6: Ipv6Repr;
  readonly dev: NetDevice;
}

/**
 * A raw IPPROTO_ICMPV6 socket (ping -6): sendto routes the echo and picks
 * its source (ip6_route_output, ipv6_dev_get_saddr); every ICMPv6 packet
 * delivered locally is offered to it (rawv6_rcv), through its filter.
 */
export class Raw6Socket {
  readonly rx: Raw6Recv[] = [];
  onRecv: ((r: Raw6Recv) => void) | null = null;
  filter: ((ip6: Ipv6Repr) => boolean) | null = null;

  constructor(
    readonly net: Net,
    public bindDev: NetDevice | null = null,
  ) {
    net.raw6Sockets.add(this);
  }

  close(): void {
    this.net.raw6Sockets.delete(this);
  }

  /** The route and source a connect() to daddr would give (ping's probe socket). */
  route(daddr: Ipv6, oif: NetDevice | null): KResult<{ rt: Rt6Info; src: Ipv6 }> {
    const r = ip6RouteLookup(this.net, { daddr, oif: oif ?? this.bindDev });
    if (!r.ok) return r;
    const src = ipv6DevGetSaddr(this.net, r.value.fib.dev === this.net.loopback ? null : r.value.fib.type === "local" ? null : r.value.fib.dev, daddr);
    if (src === null) return fail("EADDRNOTAVAIL");
    return { ok: true, value: { rt: r.value, src } };
  }

  sendIcmp6(daddr: Ipv6, oif: NetDevice | null, saddr: Ipv6 | null, icmp: Icmp6Repr, hopLimit: number | null): KResult<{ src: Ipv6 }> {
    const r = this.route(daddr, oif);
    if (!r.ok) return r;
    const src = saddr ?? r.value.src;
    const ip6: Ipv6Repr = { tclass: 0, flowLabel: 0, hopLimit: hopLimit ?? hopLimitOf(r.value.rt.fib.dev), src, dst: daddr, payload: { kind: "icmpv6", icmp } };
    const x = ip6LocalOut(this.net, ip6, r.value.rt);
    if (x !== "ok") return fail(x);
    return { ok: true, value: { src } };
  }
}

/** rawv6 delivery: a copy of each ICMPv6 packet to every raw socket (of the device, if bound). */
export function raw6LocalDeliver(skb: SkBuff, ip6: Ipv6Repr): void {
  const net = skb.dev.net;
  for (const s of net.raw6Sockets) {
    if (s.bindDev && s.bindDev !== skb.dev && s.bindDev !== skb.iif && skb.dev !== net.loopback) continue;
    if (s.filter && !s.filter(ip6)) continue;
    deliver(s, { time: net.now, ip6, dev: skb.dev });
  }
}
