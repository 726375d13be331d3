// drivers/net/ipvlan/ipvlan_l3s.c: l3s receives through the parent's stack.
// The parent's rx_handler passes everything; in ip_rcv_finish the l3mdev hook
// (ipvlan_l3_rcv) routes a packet for a slave's address as if it had arrived
// on the slave, in the slave's namespace; the LOCAL_IN hook of the parent's
// namespace (ipvlan_nf_input) then hands it to the slave for delivery. The
// slave's taps are never run on the way in.

import type { Net } from "../../net.js";
import { ipRouteInputSlow } from "../../ipv4/route.js";
import type { SkBuff } from "../../skb.js";
import { skbLen } from "../net-device.js";
import { bound, kernelFn, sideTable } from "../../fork.js";
import type { IpvlPort } from "./ipvlan.js";
import { ipvlanPortGet } from "./ipvlan-main.js";

/** ipvl_nf_hook_refcnt: one LOCAL_IN hook per namespace, however many l3s ports it has. */
const hookRefs = sideTable<Net, number>();

/** ipvlan_nf_input: a packet for a slave's address is delivered as the slave's (and counted there). */
function ipvlanNfInput(skb: SkBuff): void {
  const port = ipvlanPortGet(skb.dev);
  if (!port || port.mode !== "l3s" || skb.frame.payload.kind !== "ipv4") return;
  const sdev = port.hlhead.get(skb.frame.payload.ip.dst);
  if (!sdev) return;
  skb.dev = sdev;
  skb.iif = sdev;
  sdev.stats.rxPackets++;
  sdev.stats.rxBytes += skbLen(skb.frame);
}
kernelFn(ipvlanNfInput);

/** ipvlan_l3_rcv: the input route of a packet for a slave's address is looked up on the slave. */
function ipvlanL3Rcv(port: IpvlPort, skb: SkBuff): void {
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
