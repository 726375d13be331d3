// net/ipv4/ip_output.c: from a routed packet to a neighbour (ip_local_out ->
// ip_output -> ip_finish_output2 -> neigh_output).

import { ipv4TotalLength, type Ipv4Repr } from "../../wire/ipv4.js";
import { formatIpv4 } from "../../wire/ipv4-addr.js";
import { IFF_LOOPBACK, IFF_POINTOPOINT } from "../devices/net-device.js";
import type { XmitResult } from "../core/dev.js";
import { neighLookup, neighOutput } from "../neigh/neighbour.js";
import type { Net } from "../net.js";
import { rngBelow } from "../rng.js";
import { icmpOutCount, icmpType } from "./icmp.js";
import { rtNexthop, type Rtable } from "./route.js";

/**
 * ip_output -> ip_finish_output2: resolve the next hop on rt.dev and hand the
 * packet to the neighbour. In 6.1 ip_output counts OutRequests for every
 * packet it sends, forwarded ones too.
 */
export function ipFinishOutput2(ip: Ipv4Repr, rt: Rtable): XmitResult {
  const dev = rt.dev;
  const net = dev.net;
  net.mibInc("IpOutRequests");
  // __ipv4_neigh_lookup_noref: loopback and point-to-point devices have one neighbour, keyed 0.0.0.0.
  const nh = dev.flags & (IFF_LOOPBACK | IFF_POINTOPOINT) ? 0 : rtNexthop(rt, ip.dst);
  const n = neighLookup(dev, nh, true);
  if (!n) {
    // SKB_DROP_REASON_NEIGH_CREATEFAIL: the sender's sendmsg gets EINVAL.
    if (net.tracing) net.trace(dev, "ip_finish_output2", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, `no neighbour entry for ${formatIpv4(nh)} could be made: the neighbour table is full`);
    return "EINVAL";
  }
  if (net.tracing) net.trace(dev, "ip_finish_output2", `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} via neighbour ${formatIpv4(nh)} (${n.state})`);
  return neighOutput(n, ip, rt, ipv4TotalLength(ip));
}

/** __ip_make_skb (which counts the ICMP it builds) and ip_local_out, for a packet whose route is already chosen. */
export function ipLocalOut(net: Net, ip: Ipv4Repr, rt: Rtable): XmitResult {
  if (ip.payload.kind === "icmp") icmpOutCount(net, icmpType(ip.payload.icmp));
  return ipFinishOutput2(ip, rt);
}

/** ip_select_ident: DF packets of unconnected sockets get id 0, others a random-looking one. */
export function ipSelectIdent(net: Net, df: boolean): number {
  return df ? 0 : rngBelow(net.kernel.sim.rng, 0x10000);
}
