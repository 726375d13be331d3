// drivers/net/ipvlan/ipvlan_l3s.c: l3s receives through the parent's stack.
// The parent's rx_handler passes everything; in ip_rcv_finish the l3mdev hook
// (ipvlan_l3_rcv) routes a packet for a slave's address as if it had arrived
// on the slave, in the slave's namespace; the LOCAL_IN hook of the parent's
// namespace (ipvlan_nf_input) then hands it to the slave for delivery. The
// slave's taps are never run on the way in. IPv6 takes the same two hooks
// (ip6_rcv_finish's l3mdev_ip6_rcv, the NFPROTO_IPV6 LOCAL_IN hook); a
// DAD probe is looked up by its target, as ipvlan_get_L3_hdr does.

import type { Net } from "../../net.js";
import { ipRouteInputSlow } from "../../ipv4/route.js";
import type { SkBuff } from "../../skb.js";
import { skbLen } from "../net-device.js";
import { bound, kernelFn, sideTable } from "../../fork.js";
import type { IpvlPort } from "./ipvlan.js";
import { ipvlanPortGet } from "./ipvlan-main.js";
import { ipvlanL3Key } from "./ipvlan-core.js";
import { ip6RouteLookup } from "../../ipv6/route.js";

/** ipvl_nf_hook_refcnt: one LOCAL_IN hook per namespace, however many l3s ports it has. */
const hookRefs = sideTable<Net, number>();

/** ipvlan_nf_input: a packet for a slave's address is delivered as the slave's (and counted there). */
function ipvlanNfInput(skb: SkBuff): void {
  const port = ipvlanPortGet(skb.dev);
  if (!port || port.mode !== "l3s") return;
  const key = ipvlanL3Key(skb.frame, true);
  const sdev = key === null ? undefined : port.hlhead.get(key);
  if (!sdev) return;
  skb.dev = sdev;
  skb.iif = sdev;
  sdev.stats.rxPackets++;
  sdev.stats.rxBytes += skbLen(skb.frame);
}
kernelFn(ipvlanNfInput);

/** ipvlan_l3_rcv: the input route of a packet for a slave's address is looked up on the slave. */
function ipvlanL3Rcv(port: IpvlPort, skb: SkBuff): void {
  if (skb.frame.payload.kind === "ipv6") {
    // ip6_route_input_lookup in the slave's namespace, as if the packet had come in on the slave.
    const key = ipvlanL3Key(skb.frame, true);
    const sdev = key === null ? undefined : port.hlhead.get(key);
    if (!sdev) return;
    const ip6 = skb.frame.payload.ip6;
    skb.rt6 = ip6RouteLookup(sdev.net, { daddr: ip6.dst, iif: sdev });
    const net = skb.dev.net;
    if (net.tracing) net.trace(skb.dev, "ipvlan_l3_rcv", `${ip6.src} > ${ip6.dst} routed on ${sdev.name}`, skb.rt6.ok ? `${skb.rt6.value.fib.type} route in ${sdev.name}'s namespace` : `no route in ${sdev.name}'s namespace`);
    return;
  }
  if (skb.frame.payload.kind !== "ipv4") return;
  const ip = skb.frame.payload.ip;
  const sdev = port.hlhead.get(ip.dst);
  if (!sdev) return;
  const r = ipRouteInputSlow(ip.dst, ip.src, sdev, true);
  if (r.ok) skb.rt = r.rt;
}
kernelFn(ipvlanL3Rcv);

/** ipvlan_l3s_register: the parent gets the l3mdev rx hook, its namespace the LOCAL_IN hook. */
export function ipvlanL3sRegister(port: IpvlPort): void {
  const phy = port.dev;
  phy.l3mdevL3Rcv = bound(ipvlanL3Rcv, port);
  const net = port.pnet;
  const n = hookRefs.get(net) ?? 0;
  if (n === 0) net.nfLocalIn.add(ipvlanNfInput);
  hookRefs.set(net, n + 1);
}

export function ipvlanL3sUnregister(port: IpvlPort): void {
  const phy = port.dev;
  phy.l3mdevL3Rcv = null;
  const net = port.pnet;
  const n = (hookRefs.get(net) ?? 1) - 1;
  if (n === 0) net.nfLocalIn.delete(ipvlanNfInput);
  hookRefs.set(net, n);
}
