// net/ipv4/icmp.c: receiving (echo, and handing errors to raw sockets
// already happened in ip_local_deliver), icmp_send for errors with its
// source-address choice and rate limit, and icmp_reply for echo.

import { encodeIpv4, IPV4_HLEN, type Ipv4Repr } from "../../wire/ipv4.js";
import { formatIpv4, ipv4IsZeronet, type Ipv4 } from "../../wire/ipv4-addr.js";
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_REDIRECT, ICMP_TIME_EXCEEDED, icmpIsError, type IcmpRepr } from "../../wire/icmp.js";
import { IFF_LOOPBACK } from "../devices/net-device.js";
import type { Net } from "../net.js";
import type { PacketType, SkBuff } from "../skb.js";
import { inetSelectAddr } from "./devinet.js";
import { RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from "./fib.js";
import { ipLocalOut, ipSelectIdent } from "./ip-output.js";
import { ipRouteOutput, type Rtable } from "./route.js";

/** The packet an error is about: its header, its dst, how it arrived. */
export interface IcmpSkbIn {
  readonly ip: Ipv4Repr;
  readonly rt: Rtable;
  readonly pktType: PacketType;
  readonly iif: SkBuff["dev"] | null;
}

// 576 (the minimum reassembly size) minus the new IP and ICMP headers.
const ICMP_ERROR_ROOM = 576 - IPV4_HLEN - 8;
const XRLIM_BURST_FACTOR = 6;

/** icmp_send (__icmp_send). `info` is the MTU for FRAG_NEEDED and the gateway for redirects. */
export function icmpSend(net: Net, skbIn: IcmpSkbIn, type: number, code: number, info: number): void {
  const iph = skbIn.ip;
  const rt = skbIn.rt;
  const why = (w: string) => {
    if (net.tracing) net.trace(skbIn.iif ?? rt.dev, "icmp_send", `no ICMP ${type}/${code} to ${formatIpv4(iph.src)}`, w);
  };
  if (skbIn.pktType !== "host") return why("packet was not addressed to this host at layer 2");
  if (rt.broadcast || rt.type === "multicast") return why("packet was broadcast or multicast");
  if (iph.payload.kind === "icmp" && icmpIsError(iph.payload.icmp)) return why("never an error about an ICMP error");
  let saddr = iph.dst;
  if (!rt.local) {
    const dev = rt.input && net.scalars.icmp_errors_use_inbound_ifaddr ? skbIn.iif : null;
    saddr = dev ? inetSelectAddr(dev, iph.src, RT_SCOPE_LINK) : 0;
  }
  const route = ipRouteOutput(net, { daddr: iph.src, saddr });
  if (!route.ok) return why(`no route back: ${route.errno}`);
  if (!icmpv4XrlimAllow(net, route.value, type, iph.src)) return why("icmp_ratelimit");
  const quoted = encodeIpv4(iph);
  const original = quoted.subarray(0, Math.min(quoted.length, ICMP_ERROR_ROOM));
  let icmp: IcmpRepr;
  if (type === ICMP_DEST_UNREACH) icmp = { type: "dest-unreach", code, mtu: info, original };
  else if (type === ICMP_TIME_EXCEEDED) icmp = { type: "time-exceeded", code, original };
  else if (type === ICMP_REDIRECT) icmp = { type: "redirect", code, gateway: info, original };
  else icmp = { type: "other", icmpType: type, code, rest: new Uint8Array(4 + original.length) };
  const out: Ipv4Repr = {
    tos: (iph.tos & 0x1e) | 0xc0,
    id: ipSelectIdent(net, false),
    df: false,
    ttl: net.scalars.ip_default_ttl,
    src: route.value.src,
    dst: iph.src,
    payload: { kind: "icmp", icmp },
  };
  if (net.tracing) net.trace(route.value.dev, "icmp_send", `ICMP ${type}/${code} ${formatIpv4(out.src)} > ${formatIpv4(out.dst)}`);
  ipLocalOut(net, out, route.value);
}

/** icmpv4_xrlim_allow: errors in icmp_ratemask to non-local destinations go through a per-peer token bucket. */
function icmpv4XrlimAllow(net: Net, rt: Rtable, type: number, daddr: Ipv4): boolean {
  if (type > 31 || !(net.scalars.icmp_ratemask & (1 << type))) return true;
  if (rt.dev.flags & IFF_LOOPBACK) return true;
  const timeout = net.scalars.icmp_ratelimit;
  if (!timeout) return true;
  const now = net.now;
  let peer = net.icmpPeers.get(daddr);
  if (!peer) {
    peer = { tokens: XRLIM_BURST_FACTOR * timeout, last: now };
    net.icmpPeers.set(daddr, peer);
  }
  peer.tokens = Math.min(peer.tokens + now - peer.last, XRLIM_BURST_FACTOR * timeout);
  peer.last = now;
  if (peer.tokens >= timeout) {
    peer.tokens -= timeout;
    return true;
  }
  net.mibInc("IcmpOutRateLimitHost");
  return false;
}

/** The type field of a message, as the MIB counts it. */
export function icmpType(icmp: IcmpRepr): number {
  switch (icmp.type) {
    case "echo-request":
      return ICMP_ECHO;
    case "echo-reply":
      return ICMP_ECHOREPLY;
    case "dest-unreach":
      return ICMP_DEST_UNREACH;
    case "time-exceeded":
      return ICMP_TIME_EXCEEDED;
    case "redirect":
      return ICMP_REDIRECT;
    case "other":
      return icmp.icmpType;
  }
}

// NR_ICMP_TYPES, and the types icmp_rcv accepts when sent to a broadcast or multicast address.
const NR_ICMP_TYPES = 18;
const ICMP_TIMESTAMP = 13;
const ICMP_ADDRESS = 17;
const ICMP_ADDRESSREPLY = 18;

// The IcmpMsg counter names, made once: a name built per packet would be hashed per packet.
const ICMPMSG_OUT = Array.from({ length: 256 }, (_, t) => `IcmpMsgOutType${t}`);
const ICMPMSG_IN = Array.from({ length: 256 }, (_, t) => `IcmpMsgInType${t}`);

/**
 * icmp_out_count: every ICMP message the host builds (__ip_make_skb,
 * raw_send_hdrinc) counts in OutMsgs and in its type's IcmpMsg counter, once
 * made, whether or not it then leaves (a neighbour that never resolves).
 */
export function icmpOutCount(net: Net, type: number): void {
  net.mibInc(ICMPMSG_OUT[type & 0xff]!);
  net.mibInc("IcmpOutMsgs");
}

/** icmp_rcv: InMsgs and the type's IcmpMsg counter for every message; InErrors for what it refuses. */
export function icmpRcv(skb: SkBuff, ip: Ipv4Repr, icmp: IcmpRepr, rt: Rtable): void {
  const net = skb.dev.net;
  const type = icmpType(icmp);
  net.mibInc("IcmpInMsgs");
  net.mibInc(ICMPMSG_IN[type & 0xff]!);
  if (type > NR_ICMP_TYPES) {
    net.mibInc("IcmpInErrors");
    return;
  }
  if (rt.broadcast || rt.type === "multicast") {
    if ((type === ICMP_ECHO || type === ICMP_TIMESTAMP) && net.scalars.icmp_echo_ignore_broadcasts) {
      net.mibInc("IcmpInErrors");
      if (net.tracing) net.trace(skb.dev, "icmp_rcv", "ignore broadcast echo request", "icmp_echo_ignore_broadcasts=1");
      return;
    }
    if (type !== ICMP_ECHO && type !== ICMP_TIMESTAMP && type !== ICMP_ADDRESS && type !== ICMP_ADDRESSREPLY) {
      net.mibInc("IcmpInErrors");
      return;
    }
  }
  if (icmp.type === "echo-request") icmpEcho(skb, ip, icmp, rt);
}

/** icmp_echo -> icmp_reply. */
function icmpEcho(skb: SkBuff, ip: Ipv4Repr, icmp: { id: number; seq: number; data: Uint8Array }, rt: Rtable): void {
  const net = skb.dev.net;
  if (net.scalars.icmp_echo_ignore_all) {
    if (net.tracing) net.trace(skb.dev, "icmp_echo", "ignore echo request", "icmp_echo_ignore_all=1");
    return;
  }
  const saddr = fibComputeSpecDst(skb, ip, rt);
  const route = ipRouteOutput(net, { daddr: ip.src, saddr });
  if (!route.ok) {
    if (net.tracing) net.trace(skb.dev, "icmp_reply", `no echo reply to ${formatIpv4(ip.src)}`, `no route: ${route.errno}`);
    return;
  }
  const reply: Ipv4Repr = {
    tos: ip.tos,
    id: ipSelectIdent(net, false),
    df: false,
    ttl: net.scalars.ip_default_ttl,
    src: route.value.src,
    dst: ip.src,
    payload: { kind: "icmp", icmp: { type: "echo-reply", id: icmp.id, seq: icmp.seq, data: icmp.data } },
  };
  if (net.tracing) net.trace(skb.dev, "icmp_echo", `echo reply ${formatIpv4(reply.src)} > ${formatIpv4(reply.dst)} id ${icmp.id} seq ${icmp.seq}`, `out ${route.value.dev.name}`);
  ipLocalOut(net, reply, route.value);
}

/** fib_compute_spec_dst: the reply's source, the address pinged unless it was a broadcast. */
function fibComputeSpecDst(skb: SkBuff, ip: Ipv4Repr, rt: Rtable): Ipv4 {
  if (rt.local && !rt.broadcast && rt.type !== "multicast") return ip.dst;
  const net = skb.dev.net;
  let scope = RT_SCOPE_UNIVERSE;
  if (!ipv4IsZeronet(ip.src)) {
    const r = net.fib.lookup({ daddr: ip.src, saddr: 0, oif: 0, scope });
    if (r.ok) return r.res.route.prefsrc || (r.res.dev ? inetSelectAddr(r.res.dev, r.res.gw, r.res.route.scope) : 0);
  } else {
    scope = RT_SCOPE_LINK;
  }
  return inetSelectAddr(skb.dev, ip.src, scope);
}

