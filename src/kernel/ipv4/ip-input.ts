// net/ipv4/ip_input.c: ip_rcv, input routing, and local delivery to raw
// sockets and ICMP.

import { IPPROTO_ICMP, ipv4TotalLength, protocolOf, type Ipv4Repr } from "../../wire/ipv4.js";
import { formatIpv4 } from "../../wire/ipv4-addr.js";
import { rawLocalDeliver } from "../sockets.js";
import type { SkBuff } from "../skb.js";
import { IN_DEV_FORWARD } from "./devinet.js";
import { icmpRcv, icmpSend } from "./icmp.js";
import { ipForward } from "./ip-forward.js";
import { ipRouteInputSlow, type Rtable } from "./route.js";
import { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ICMP_NET_UNREACH, ICMP_PKT_FILTERED } from "../../wire/icmp.js";

/** IPSTATS_MIB_NOECTPKTS + (tos & INET_ECN_MASK). */
const IPSTATS_MIB_ECN = ["IpInNoECTPkts", "IpInECT1Pkts", "IpInECT0Pkts", "IpInCEPkts"];

/** ip_rcv + ip_rcv_finish. */
export function ipRcv(skb: SkBuff): void {
  const dev = skb.dev;
  const net = dev.net;
  if (skb.frame.payload.kind !== "ipv4") return;
  const ip = skb.frame.payload.ip;
  if (skb.pktType === "otherhost") {
    if (net.tracing) net.trace(dev, "ip_rcv_core", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, `destination MAC ${skb.frame.dst} is not ${dev.mac} (PACKET_OTHERHOST)`);
    return;
  }
  net.mibInc("IpInReceives");
  net.mibAdd("IpInOctets", ipv4TotalLength(ip));
  net.mibInc(IPSTATS_MIB_ECN[ip.tos & 3]!);
  if (!dev.inDev) return;
  // ip_rcv_finish: l3mdev_ip_rcv first (ipvlan l3s may route the packet as its slave's).
  dev.l3mdevL3Rcv?.(skb);
  let rt = skb.rt;
  if (!rt) {
    const r = ipRouteInputSlow(ip.dst, ip.src, dev, true);
    if (!r.ok) {
      if (r.errno === "EXDEV") net.mibInc("TcpExtIPReversePathFilter");
      if (net.tracing) net.trace(dev, r.errno === "EXDEV" ? "fib_validate_source" : "ip_route_input_slow", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, r.why);
      return;
    }
    rt = r.rt;
    skb.rt = rt;
  }
  if (rt.error) {
    ipError(skb, ip, rt);
  } else if (rt.local) {
    ipLocalDeliver(skb, ip, rt);
  } else {
    ipForward(skb, ip, rt);
  }
}

/**
 * The protocols inet_init registers (inet_add_protocol): a packet for one of
 * them is delivered even where the simulator has no socket layer behind it.
 */
const INET_PROTOS = new Set([IPPROTO_ICMP, 2 /* IGMP */, 6 /* TCP */, 17 /* UDP */, 136 /* UDP-Lite */]);

/** ip_local_deliver -> ip_local_deliver_finish -> ip_protocol_deliver_rcu: raw sockets first, then the protocol. */
export function ipLocalDeliver(skb: SkBuff, ip: Ipv4Repr, rt: Rtable): void {
  // NF_INET_LOCAL_IN in the namespace the packet arrived in; a hook may hand it to a device elsewhere.
  for (const hook of skb.dev.net.nfLocalIn) hook(skb);
  const net = skb.dev.net;
  if (net.tracing) net.trace(skb.dev, "ip_local_deliver", `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`);
  const raw = rawLocalDeliver(skb, ip);
  if (ip.payload.kind === "icmp") icmpRcv(skb, ip, ip.payload.icmp, rt);
  // No protocol and no raw socket: Linux also answers ICMP protocol unreachable, which the simulator does not send.
  net.mibInc(raw || INET_PROTOS.has(protocolOf(ip.payload)) ? "IpInDelivers" : "IpInUnknownProtos");
}

/** ip_error: silent unless the incoming device forwards. */
function ipError(skb: SkBuff, ip: Ipv4Repr, rt: Rtable): void {
  const dev = skb.dev;
  const net = dev.net;
  const inDev = dev.inDev!;
  if (!IN_DEV_FORWARD(inDev)) {
    if (rt.error === "EHOSTUNREACH") net.mibInc("IpInAddrErrors");
    else if (rt.error === "ENETUNREACH") net.mibInc("IpInNoRoutes");
    if (net.tracing) net.trace(dev, "ip_error", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, "not a local address and forwarding is off on this device (no ICMP)");
    return;
  }
  let code: number;
  switch (rt.error) {
    case "EHOSTUNREACH":
      code = ICMP_HOST_UNREACH;
      break;
    case "ENETUNREACH":
      code = ICMP_NET_UNREACH;
      net.mibInc("IpInNoRoutes");
      break;
    case "EACCES":
      code = ICMP_PKT_FILTERED;
      break;
    default:
      return;
  }
  if (net.tracing) net.trace(dev, "ip_error", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, `${rt.error}: no route`);
  icmpSend(net, { ip, rt, pktType: skb.pktType, iif: dev }, ICMP_DEST_UNREACH, code, 0);
}
