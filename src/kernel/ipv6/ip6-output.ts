// net/ipv6/ip6_output.c: from a routed packet to its neighbour
// (ip6_local_out -> ip6_output -> ip6_finish_output2), and what a device's
// MTU refuses on the way.

import { IPV6_HLEN, ipv6PayloadLength, type Ipv6Repr } from "../../wire/ipv6.js";
import type { Ipv6 } from "../../wire/ipv6-addr.js";
import type { XmitResult } from "../core/dev.js";
import type { NetDevice } from "../devices/net-device.js";
import { neighLookup, neighOutput6 } from "../neigh/neighbour.js";
import type { Net } from "../net.js";
import { icmp6OutCount } from "./icmp.js";
import type { Rt6Info } from "./route.js";

/** ip6_finish_output2: the neighbour of nexthop on dev (made by ndisc_constructor if new) sends or queues. */
export function ip6FinishOutput2(ip6: Ipv6Repr, dev: NetDevice, nexthop: Ipv6): XmitResult {
  const net = dev.net;
  const idev = dev.in6Dev;
  if (!idev || idev.cnf.disable_ipv6) {
    if (net.tracing) net.trace(dev, "ip6_output", `drop ${ip6.src} > ${ip6.dst}`, "IPv6 is disabled on the device");
    return "ENETDOWN";
  }
  net.mibInc("Ip6OutRequests");
  const n = neighLookup(dev, nexthop, true);
  if (!n) {
    if (net.tracing) net.trace(dev, "ip6_finish_output2", `drop ${ip6.src} > ${ip6.dst}`, `no neighbour entry for ${nexthop} could be made: the neighbour table is full`);
    return "EINVAL";
  }
  if (net.tracing) net.trace(dev, "ip6_finish_output2", `${ip6.src} > ${ip6.dst} via neighbour ${nexthop} (${n.state})`);
  return neighOutput6(n, ip6, IPV6_HLEN + ipv6PayloadLength(ip6));
}

/** ip6_local_out for a packet whose route is chosen: the next hop is the gateway, else the destination (rt6_nexthop). */
export function ip6LocalOut(net: Net, ip6: Ipv6Repr, rt: Rt6Info): XmitResult {
  if (ip6.payload.kind === "icmpv6") icmp6OutCount(net, ip6.payload.icmp);
  return ip6FinishOutput2(ip6, rt.dev, rt.gateway ?? ip6.dst);
}
