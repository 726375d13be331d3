// net/ipv6/ip6_input.c and ip6_output.c's ip6_forward: ipv6_rcv, input
// routing (local table, then main), local delivery to ICMPv6, multicast
// delivery for the groups the device joined, and forwarding.

import { ICMPV6_NOROUTE } from "../../wire/icmpv6.js";
import { IPV6_HLEN, ipv6PayloadLength, type Ipv6Repr } from "../../wire/ipv6.js";
import { ipv6IsMulticast } from "../../wire/ipv6-addr.js";
import type { SkBuff } from "../skb.js";
import { icmp6Send, icmpv6Rcv } from "./icmp.js";
import { ip6FinishOutput2 } from "./ip6-output.js";
import { ipv6ChkMcastAddr } from "./mcast.js";
import { ip6RouteLookup, type Rt6Info } from "./route.js";

/** A packet ipv6_rcv drops, said to a trace (a function, not a closure per packet). */
function ip6RcvDrop(skb: SkBuff, ip6: Ipv6Repr, func: string, why: string): void {
  const net = skb.dev.net;
  if (net.tracing) net.trace(skb.dev, func, `drop ${ip6.src} > ${ip6.dst}`, why);
}

/** ipv6_rcv + ip6_rcv_finish. */
export function ipv6Rcv(skb: SkBuff): void {
  const dev = skb.dev;
  const net = dev.net;
  if (skb.frame.payload.kind !== "ipv6") return;
  const ip6 = skb.frame.payload.ip6;
  // The drops every flood brings build their words only for a trace.
  if (skb.pktType === "otherhost") {
    if (net.tracing) net.trace(dev, "ipv6_rcv", `drop ${ip6.src} > ${ip6.dst}`, `destination MAC ${skb.frame.dst} is not ${dev.mac} (PACKET_OTHERHOST)`);
    return;
  }
  const idev = dev.in6Dev;
  if (!idev || idev.cnf.disable_ipv6) {
    net.mibInc("Ip6InDiscards");
    return ip6RcvDrop(skb, ip6, "ipv6_rcv", "IPv6 is disabled on the device (disable_ipv6)");
  }
  net.mibInc("Ip6InReceives");
  net.mibAdd("Ip6InOctets", IPV6_HLEN + ipv6PayloadLength(ip6));
  // ip6_rcv_finish: l3mdev_ip6_rcv first (ipvlan l3s may route the packet as its slave's).
  dev.l3mdevL3Rcv?.(skb);
  const pre = skb.rt6;
  if (pre !== undefined) {
    skb.rt6 = undefined;
    if (!pre.ok) {
      net.mibInc("Ip6InNoRoutes");
      ip6RcvDrop(skb, ip6, "ip6_route_input", `no route: ${pre.errno}`);
      if (skb.pktType === "host") ip6PktNoroute(skb, ip6);
      return;
    }
    if (pre.value.fib.type === "multicast") {
      // ip6_mc_input checks the groups of the device the packet is on (the parent).
      if (!ipv6ChkMcastAddr(dev, ip6.dst)) {
        if (net.tracing) net.trace(dev, "ip6_mc_input", `drop ${ip6.src} > ${ip6.dst}`, `${dev.name} has not joined ${ip6.dst}`);
        return;
      }
      net.mibInc("Ip6InMcastPkts");
      ip6InputFinish(skb, ip6);
      return;
    }
    if (pre.value.fib.type === "local") {
      ip6InputFinish(skb, ip6);
      return;
    }
    ip6Forward(skb, ip6, pre.value);
    return;
  }
  if (ipv6IsMulticast(ip6.dst)) {
    if (!ipv6ChkMcastAddr(dev, ip6.dst)) {
      if (net.tracing) net.trace(dev, "ip6_mc_input", `drop ${ip6.src} > ${ip6.dst}`, `${dev.name} has not joined ${ip6.dst}`);
      return;
    }
    net.mibInc("Ip6InMcastPkts");
    ip6InputFinish(skb, ip6);
    return;
  }
  const r = ip6RouteLookup(net, { daddr: ip6.dst, iif: skb.iif ?? dev });
  if (!r.ok) {
    net.mibInc("Ip6InNoRoutes");
    ip6RcvDrop(skb, ip6, "ip6_route_input", `no route: ${r.errno}`);
    // ip6_pkt_drop: the null entry answers no route, forwarding on or off (icmp6_send only for PACKET_HOST).
    if (skb.pktType === "host") ip6PktNoroute(skb, ip6);
    return;
  }
  if (r.value.fib.type === "local") {
    ip6InputFinish(skb, ip6);
    return;
  }
  ip6Forward(skb, ip6, r.value);
}

/** ip6_input + ip6_input_finish: the LOCAL_IN hooks, then the upper protocol; only ICMPv6 is modelled. */
function ip6InputFinish(skb: SkBuff, ip6: Ipv6Repr): void {
  // ip6_input: NF_INET_LOCAL_IN in the namespace the packet arrived in; a hook may hand it to a device elsewhere.
  for (const hook of skb.dev.net.nfLocalIn) hook(skb);
  const net = skb.dev.net;
  net.mibInc("Ip6InDelivers");
  if (net.tracing) net.trace(skb.dev, "ip6_input", `${ip6.src} > ${ip6.dst}`);
  if (ip6.payload.kind === "icmpv6") icmpv6Rcv(skb, ip6, ip6.payload.icmp);
}

/**
 * ip6_forward: only with forwarding on (conf/all, as 6.1 reads it); hop
 * limit exhausted gives time exceeded; a packet larger than the next
 * device's MTU gives packet too big (IPv6 routers never fragment).
 */
function ip6Forward(skb: SkBuff, ip6: Ipv6Repr, rt: Rt6Info): void {
  const dev = skb.dev;
  const net = dev.net;
  if (!net.ipv6ConfAll.forwarding) {
    net.mibInc("Ip6InAddrErrors");
    if (net.tracing) net.trace(dev, "ip6_forward", `drop ${ip6.src} > ${ip6.dst}`, "not a local address and forwarding is off (net.ipv6.conf.all.forwarding=0)");
    return;
  }
  if (skb.pktType !== "host") return;
  if (ip6.hopLimit <= 1) {
    if (net.tracing) net.trace(dev, "ip6_forward", `drop ${ip6.src} > ${ip6.dst}`, "hop limit exceeded");
    icmp6Send(net, ip6, { type: "time-exceeded", code: 0 }, dev);
    return;
  }
  const len = IPV6_HLEN + ipv6PayloadLength(ip6);
  if (len > rt.dev.mtu) {
    if (net.tracing) net.trace(dev, "ip6_forward", `drop ${ip6.src} > ${ip6.dst}`, `${len} bytes do not fit ${rt.dev.name}'s MTU ${rt.dev.mtu}`);
    icmp6Send(net, ip6, { type: "packet-too-big", mtu: rt.dev.mtu }, dev);
    return;
  }
  net.mibInc("Ip6OutForwDatagrams");
  if (net.tracing) net.trace(dev, "ip6_forward", `${ip6.src} > ${ip6.dst} to ${rt.dev.name}`);
  ip6FinishOutput2({ ...ip6, hopLimit: ip6.hopLimit - 1 }, rt.dev, rt.gateway ?? ip6.dst);
}

/** The error for a packet no route takes (ip6_pkt_noroute on a router). */
export function ip6PktNoroute(skb: SkBuff, ip6: Ipv6Repr): void {
  icmp6Send(skb.dev.net, ip6, { type: "dest-unreach", code: ICMPV6_NOROUTE }, skb.dev);
}
