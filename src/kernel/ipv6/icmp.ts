// net/ipv6/icmp.c: icmpv6_rcv (echo replies, neighbour discovery, handing
// echo replies and errors to raw sockets) and icmp6_send for errors.

import { encodeIpv6, IPV6_MIN_MTU, IPV6_HLEN, type Ipv6Repr } from "../../wire/ipv6.js";
import { icmp6IsError, type Icmp6Repr } from "../../wire/icmpv6.js";
import { ipv6IsMulticast, type Ipv6 } from "../../wire/ipv6-addr.js";
import type { NetDevice } from "../devices/net-device.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import { raw6LocalDeliver } from "../sockets.js";
import { ipv6GetIfaddr } from "./addrconf.js";
import { ip6LocalOut } from "./ip6-output.js";
import { ndiscRcv } from "./ndisc.js";
import { ip6RouteLookup, ipv6DevGetSaddr } from "./route.js";

const ICMP6_NAMES: Record<string, string> = {
  "echo-request": "Icmp6OutEchos",
  "echo-reply": "Icmp6OutEchoReplies",
  ns: "Icmp6OutNeighborSolicits",
  na: "Icmp6OutNeighborAdvertisements",
  rs: "Icmp6OutRouterSolicits",
  "mld2-report": "Icmp6OutMLDv2Reports",
  "dest-unreach": "Icmp6OutDestUnreachs",
  "packet-too-big": "Icmp6OutPktTooBigs",
  "time-exceeded": "Icmp6OutTimeExcds",
};

/** ICMP6MSGOUT_INC_STATS: one more of this type sent. */
export function icmp6OutCount(net: Net, icmp: Icmp6Repr): void {
  const name = ICMP6_NAMES[icmp.type];
  if (name) net.mibInc(name);
}

/** The hop limit of packets this host originates on dev (ip6_dst_hoplimit). */
export const hopLimitOf = (dev: NetDevice): number => dev.in6Dev?.cnf.hop_limit ?? 64;

/** icmpv6_rcv: raw sockets get a copy first (rawv6_rcv), then the kernel's own handling. */
export function icmpv6Rcv(skb: SkBuff, ip6: Ipv6Repr, icmp: Icmp6Repr): void {
  const net = skb.dev.net;
  net.mibInc("Icmp6InMsgs");
  raw6LocalDeliver(skb, ip6);
  switch (icmp.type) {
    case "echo-request":
      icmpv6EchoReply(skb, ip6, icmp);
      return;
    case "ns":
    case "na":
    case "rs":
      ndiscRcv(skb, ip6, icmp);
      return;
    default:
      return;
  }
}

/** icmpv6_echo_reply: from the address asked (or a chosen one for a multicast request), back the way the request's source routes. */
function icmpv6EchoReply(skb: SkBuff, ip6: Ipv6Repr, req: Extract<Icmp6Repr, { type: "echo-request" | "echo-reply" }>): void {
  const dev = skb.dev;
  const net = dev.net;
  const oif = ipv6IsMulticast(ip6.dst) || ip6.src.startsWith("fe8") ? (skb.iif ?? dev) : null;
  const route = ip6RouteLookup(net, { daddr: ip6.src, oif: oif === net.loopback ? null : oif });
  if (!route.ok) {
    if (net.tracing) net.trace(dev, "icmpv6_echo_reply", `no reply to ${ip6.src}`, `no route back: ${route.errno}`);
    return;
  }
  const src = ipv6IsMulticast(ip6.dst) ? ipv6DevGetSaddr(net, route.value.fib.dev, ip6.src) : ip6.dst;
  if (src === null) return;
  const out: Ipv6Repr = { tclass: ip6.tclass, flowLabel: 0, hopLimit: hopLimitOf(route.value.fib.dev), src, dst: ip6.src, payload: { kind: "icmpv6", icmp: { type: "echo-reply", id: req.id, seq: req.seq, data: req.data } } };
  if (net.tracing) net.trace(dev, "icmpv6_echo_reply", `${src} > ${ip6.src} echo reply seq ${req.seq}`);
  ip6LocalOut(net, out, route.value);
}

/**
 * icmp6_send: never about an ICMPv6 error or a packet to a multicast
 * address (except packet too big); from the packet's destination when it is
 * ours, else a chosen source; quoting as much as fits the minimum MTU.
 */
export function icmp6Send(net: Net, orig: Ipv6Repr, err: { type: "dest-unreach" | "time-exceeded"; code: number } | { type: "packet-too-big"; mtu: number }, iif: NetDevice | null): void {
  const why = (w: string) => {
    if (net.tracing) net.trace(iif ?? net.loopback, "icmp6_send", `no ICMPv6 ${err.type} to ${orig.src}`, w);
  };
  if (orig.payload.kind === "icmpv6" && icmp6IsError(orig.payload.icmp)) return why("never an error about an ICMPv6 error");
  if (ipv6IsMulticast(orig.dst) && err.type !== "packet-too-big") return why("the packet went to a multicast address");
  if (orig.src === "::") return why("the packet has no source");
  const local = ipv6GetIfaddr(net, orig.dst, null);
  const strictOif = orig.src.startsWith("fe8") ? iif : null;
  const route = ip6RouteLookup(net, { daddr: orig.src, oif: strictOif === net.loopback ? null : strictOif });
  if (!route.ok) return why(`no route back: ${route.errno}`);
  const src: Ipv6 | null = local ? orig.dst : ipv6DevGetSaddr(net, route.value.fib.dev, orig.src);
  if (src === null) return why("no source address");
  const quoted = encodeIpv6(orig);
  const original = quoted.subarray(0, Math.min(quoted.length, IPV6_MIN_MTU - IPV6_HLEN - 8));
  const icmp: Icmp6Repr = err.type === "packet-too-big" ? { type: "packet-too-big", mtu: err.mtu, original } : { type: err.type, code: err.code, original };
  const out: Ipv6Repr = { tclass: 0, flowLabel: 0, hopLimit: hopLimitOf(route.value.fib.dev), src, dst: orig.src, payload: { kind: "icmpv6", icmp } };
  if (net.tracing) net.trace(route.value.dev, "icmp6_send", `ICMPv6 ${err.type} ${src} > ${orig.src}`);
  ip6LocalOut(net, out, route.value);
}
