// drivers/net/ipvlan/ipvlan_core.c: the data plane. A slave's transmit
// (ipvlan_queue_xmit) is steered per port mode; frames the parent receives
// are steered by its rx_handler (ipvlan_handle_frame). Both find a slave by
// the packet's L3 address in the port's hash, never by MAC: every slave has
// the parent's MAC.

import { ETH_HLEN, type EthernetFrame } from "../../../wire/ethernet.js";
import { formatIpv4, type Ipv4 } from "../../../wire/ipv4-addr.js";
import type { Ipv6 } from "../../../wire/ipv6-addr.js";
import type { Ipv6Repr } from "../../../wire/ipv6.js";
import { ip6FinishOutput2 } from "../../ipv6/ip6-output.js";
import { ip6RouteLookup } from "../../ipv6/route.js";
import { isBroadcastMac, isMulticastMac, type Mac } from "../../../wire/mac.js";
import { devForwardSkb, devQueueXmit, netifRx } from "../../core/dev.js";
import { releaseAtLeast } from "../../release.js";
import { kernelFn } from "../../fork.js";
import { ipFinishOutput2 } from "../../ipv4/ip-output.js";
import { ipRouteOutput } from "../../ipv4/route.js";
import { frameWhat } from "../../trace.js";
import type { SkBuff } from "../../skb.js";
import { devStatsInc, IFF_ALLMULTI, IFF_PROMISC, skbLen, type NetDevice, type NetdevTx, type RxHandlerResult } from "../net-device.js";
import { IPVLAN_QBACKLOG_LIMIT, type IpvlanDevice, type IpvlPort } from "./ipvlan.js";

/**
 * ipvlan_get_L3_hdr + the key ipvlan_addr_lookup takes from it: for IPv4
 * and IPv6 the destination (or source) address, for ARP the target (or
 * sender) protocol address, for a DAD probe (a neighbour solicitation from
 * ::) its target either way; null for anything else, which no slave can claim.
 */
export function ipvlanL3Key(frame: EthernetFrame, useDest: boolean): Ipv4 | Ipv6 | null {
  const p = frame.payload;
  if (p.kind === "ipv4") return useDest ? p.ip.dst : p.ip.src;
  if (p.kind === "ipv6") {
    const ip6 = p.ip6;
    if (ip6.src === "::" && ip6.payload.kind === "icmpv6" && ip6.payload.icmp.type === "ns") return ip6.payload.icmp.target;
    return useDest ? ip6.dst : ip6.src;
  }
  if (p.kind === "arp") return useDest ? p.arp.tpa : p.arp.spa;
  return null;
}

/** ipvlan_addr_lookup: the up slave holding the packet's address. */
function ipvlanAddrLookup(port: IpvlPort, frame: EthernetFrame, useDest: boolean): IpvlanDevice | null {
  const key = ipvlanL3Key(frame, useDest);
  return key === null ? null : (port.hlhead.get(key) ?? null);
}

/** ipvlan_count_rx; ipvlan_get_stats64 reports rx_errs as rx_dropped. */
function ipvlanCountRx(ipvlan: IpvlanDevice, len: number, success: boolean, mcast = false): void {
  if (success) {
    ipvlan.stats.rxPackets++;
    ipvlan.stats.rxBytes += len;
    if (mcast) ipvlan.stats.multicast++;
  } else ipvlan.stats.rxDropped++;
}

/**
 * ipvlan_rcv_frame. From a slave's transmit (local) the frame is handed to
 * the other slave with dev_forward_skb, which needs it up; from the parent's
 * receive it simply continues as the slave (RX_HANDLER_ANOTHER). The length
 * counted is skb->len + ETH_HLEN, and on transmit skb->len already holds the
 * Ethernet header.
 */
function ipvlanRcvFrame(ipvlan: IpvlanDevice, skb: SkBuff, local: boolean): RxHandlerResult {
  const len = skbLen(skb.frame) + (local ? ETH_HLEN : 0);
  const net = ipvlan.net;
  if (local) {
    if (!ipvlan.isUp) {
      ipvlanCountRx(ipvlan, len, false);
      if (net.tracing) net.trace(ipvlan, "ipvlan_rcv_frame", `drop ${frameWhat(skb.frame)}`, "the slave holding the address is down");
      return "consumed";
    }
    if (net.tracing) net.trace(ipvlan, "ipvlan_rcv_frame", "delivered from a sibling slave (dev_forward_skb)");
    ipvlanCountRx(ipvlan, len, devForwardSkb(ipvlan, skb.frame));
    return "consumed";
  }
  if (net.tracing) {
    const key = ipvlanL3Key(skb.frame, true) ?? 0;
    net.trace(ipvlan, "ipvlan_rcv_frame", `steered from ${skb.dev.name} to the slave holding ${typeof key === "string" ? key : formatIpv4(key)}`);
  }
  skb.dev = ipvlan;
  ipvlanCountRx(ipvlan, len, true);
  return "another";
}

/** ipvlan_start_xmit: what ipvlan_queue_xmit accepted counts as sent, the rest as tx_dropped. */
export function ipvlanQueueXmit(dev: IpvlanDevice, skb: SkBuff): NetdevTx {
  const len = skbLen(skb.frame);
  const ret = dev.port.mode === "l2" ? ipvlanXmitModeL2(dev, skb) : ipvlanXmitModeL3(dev, skb);
  if (ret === "NET_XMIT_SUCCESS") {
    dev.stats.txPackets++;
    dev.stats.txBytes += len;
  } else dev.stats.txDropped++;
  return ret;
}

/**
 * ipvlan_xmit_mode_l2. A frame addressed to the shared MAC (destination ==
 * source) is for this machine: a slave holding its L3 address gets it
 * directly, or else the parent's own stack, injected into its receive path.
 * Broadcast and multicast are deferred to the port's work queue; any other
 * unicast (and, with vepa, everything) leaves through the parent unchanged.
 */
function ipvlanXmitModeL2(dev: IpvlanDevice, skb: SkBuff): NetdevTx {
  const port = dev.port;
  const f = skb.frame;
  const net = dev.net;
  if (port.flags !== "vepa" && f.dst === f.src) {
    const addr = ipvlanAddrLookup(port, f, true);
    if (addr) {
      if (port.flags === "private") {
        if (net.tracing) net.trace(dev, "ipvlan_xmit_mode_l2", `drop ${frameWhat(f)}`, `${addr.name} is a sibling slave and the port is private`);
        return "NET_XMIT_DROP";
      }
      ipvlanRcvFrame(addr, skb, true);
      return "NET_XMIT_SUCCESS";
    }
    if (net.tracing) net.trace(dev, "ipvlan_xmit_mode_l2", `to the parent ${dev.phyDev.name}'s own stack (dev_forward_skb)`, "addressed to the shared MAC, and no slave holds the address");
    devForwardSkb(dev.phyDev, f);
    return "NET_XMIT_SUCCESS";
  }
  if (isMulticastMac(f.dst)) {
    ipvlanMulticastEnqueue(port, { frame: f, dev, pktType: skb.pktType, rt: null, iif: null }, true);
    return "NET_XMIT_SUCCESS";
  }
  if (net.tracing) net.trace(dev, "ipvlan_xmit_mode_l2", `out of ${dev.phyDev.name}`, port.flags === "vepa" ? "vepa: every unicast leaves through the parent" : `${f.dst} is not the shared MAC`);
  return xmitOnParent(dev.phyDev, f);
}

/** dev_queue_xmit on the parent; its error is the slave's. */
function xmitOnParent(phy: NetDevice, frame: EthernetFrame): NetdevTx {
  const r = devQueueXmit({ frame, dev: phy, pktType: "outgoing", rt: null, iif: null });
  return r === "ok" ? "NET_XMIT_SUCCESS" : r === "ENETDOWN" ? "ENETDOWN" : "NET_XMIT_DROP";
}

/**
 * ipvlan_xmit_mode_l3 (l3 and l3s): a packet for a sibling's address goes
 * straight to it (not with vepa); everything else is routed in the parent's
 * namespace (ipvlan_process_outbound).
 */
function ipvlanXmitModeL3(dev: IpvlanDevice, skb: SkBuff): NetdevTx {
  const port = dev.port;
  if (port.flags !== "vepa") {
    const addr = ipvlanAddrLookup(port, skb.frame, true);
    if (addr) {
      if (port.flags === "private") {
        if (dev.net.tracing) dev.net.trace(dev, "ipvlan_xmit_mode_l3", `drop ${frameWhat(skb.frame)}`, `${addr.name} is a sibling slave and the port is private`);
        return "NET_XMIT_DROP";
      }
      ipvlanRcvFrame(addr, skb, true);
      return "NET_XMIT_SUCCESS";
    }
  }
  return ipvlanProcessOutbound(dev, skb.frame);
}

/** ipvlan_process_outbound: an L3 slave's broadcast and multicast never leave; the Ethernet header is dropped. */
function ipvlanProcessOutbound(dev: IpvlanDevice, f: EthernetFrame): NetdevTx {
  const net = dev.net;
  if (isMulticastMac(f.dst)) {
    if (net.tracing) net.trace(dev, "ipvlan_process_outbound", "drop", `Dropped ${isBroadcastMac(f.dst) ? "broad" : "multi"}cast: an L3 port sends no link-layer broadcast or multicast`);
    return "NET_XMIT_DROP";
  }
  if (f.payload.kind === "ipv6") return ipvlanProcessV6Outbound(dev, f.payload.ip6);
  if (f.payload.kind !== "ipv4") {
    if (net.tracing) net.trace(dev, "ipvlan_process_outbound", "drop", "not IP: an L3 port routes only IP");
    return "NET_XMIT_DROP";
  }
  return ipvlanProcessV4Outbound(dev, f.payload.ip);
}

/**
 * ipvlan_process_v6_outbound: routed in the parent's namespace through the
 * parent (ip6_route_output with its oif), then ip6_local_out; a failure
 * counts as the parent's tx_errors.
 */
function ipvlanProcessV6Outbound(dev: IpvlanDevice, ip6: Ipv6Repr): NetdevTx {
  const phy = dev.phyDev;
  const pnet = phy.net;
  const r = ip6RouteLookup(pnet, { daddr: ip6.dst, oif: phy });
  if (!r.ok) {
    if (pnet.tracing) pnet.trace(phy, "ipvlan_process_v6_outbound", `drop ${ip6.src} > ${ip6.dst}`, `no route through ${phy.name} (${r.errno})`);
    devStatsInc(phy, "txErrors");
    return "NET_XMIT_DROP";
  }
  if (pnet.tracing) pnet.trace(phy, "ipvlan_process_v6_outbound", `${ip6.src} > ${ip6.dst} routed in ${phy.name}'s namespace`);
  if (ip6FinishOutput2(ip6, r.value.dev, r.value.gateway ?? ip6.dst) !== "ok") {
    devStatsInc(phy, "txErrors");
    return "NET_XMIT_DROP";
  }
  return "NET_XMIT_SUCCESS";
}

/**
 * ipvlan_process_v4_outbound: routed in the parent's namespace as if sent
 * there (ip_local_out), restricted to routes through the parent (oif) and
 * from any source (FLOWI_FLAG_ANYSRC). A failure, or a route that is
 * neither unicast nor local, counts as the parent's tx_errors.
 */
function ipvlanProcessV4Outbound(dev: IpvlanDevice, ip: Extract<EthernetFrame["payload"], { kind: "ipv4" }>["ip"]): NetdevTx {
  const phy = dev.phyDev;
  const pnet = phy.net;
  const r = ipRouteOutput(pnet, { daddr: ip.dst, saddr: ip.src, oif: phy.ifindex, anySrc: true });
  if (!r.ok || (r.value.type !== "unicast" && r.value.type !== "local")) {
    if (pnet.tracing) pnet.trace(phy, "ipvlan_process_v4_outbound", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, r.ok ? `the route through ${phy.name} is ${r.value.type}` : `no route through ${phy.name} (${r.errno})`);
    devStatsInc(phy, "txErrors");
    return "NET_XMIT_DROP";
  }
  if (pnet.tracing) pnet.trace(phy, "ipvlan_process_v4_outbound", `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} routed in ${phy.name}'s namespace`, r.value.type === "local" ? "a local address: delivered there through lo" : `out of ${r.value.dev.name}`);
  if (ipFinishOutput2(ip, r.value) !== "ok") {
    devStatsInc(phy, "txErrors");
    return "NET_XMIT_DROP";
  }
  return "NET_XMIT_SUCCESS";
}

/**
 * ipvlan_multicast_enqueue: broadcast and multicast are handled later, by
 * the port's work item, up to IPVLAN_QBACKLOG_LIMIT frames; beyond that the
 * frame is dropped and counted on the device it came from.
 */
function ipvlanMulticastEnqueue(port: IpvlPort, skb: SkBuff, txPkt: boolean): void {
  if (port.backlog.length >= IPVLAN_QBACKLOG_LIMIT) {
    skb.dev.stats.rxDropped++;
    return;
  }
  port.backlog.push({ skb, txPkt, cause: port.dev.net.kernel.sim.queue.cause });
  if (!port.wqScheduled) {
    port.wqScheduled = true;
    port.dev.net.kernel.sim.queueWork(ipvlanProcessMulticast, port);
  }
}

/** The slave's multicast filter (ipvlan_set_multicast_mac_filter): its multicast list and broadcast, or everything when promiscuous or allmulti. */
function ipvlanMacFilter(ipvlan: IpvlanDevice, mac: Mac): boolean {
  if (isBroadcastMac(mac) || ipvlan.flags & (IFF_PROMISC | IFF_ALLMULTI)) return true;
  return ipvlan.mcList().includes(mac);
}

/**
 * ipvlan_process_multicast: each deferred frame is copied to every slave
 * that is up and whose filter takes it (not back to the slave that sent it),
 * whatever the port's private or vepa flag; a slave's own frame then leaves
 * through the parent, whose stack never sees it.
 */
function ipvlanProcessMulticast(port: IpvlPort): void {
  port.wqScheduled = false;
  const list = port.backlog.splice(0);
  for (const { skb, txPkt, cause } of list) port.dev.net.kernel.sim.queue.within(cause, () => ipvlanMulticastOne(port, skb, txPkt));
}
kernelFn(ipvlanProcessMulticast);

/** One deferred frame of ipvlan_process_multicast, under the cause that queued it. */
function ipvlanMulticastOne(port: IpvlPort, skb: SkBuff, txPkt: boolean): void {
  const f = skb.frame;
  const pktType = isBroadcastMac(f.dst) ? "broadcast" : "multicast";
  const len = skbLen(f) + (txPkt ? ETH_HLEN : 0);
  for (const ipvlan of [...port.ipvlans]) {
    if (txPkt && ipvlan === skb.dev) continue;
    if (!ipvlanMacFilter(ipvlan, f.dst)) continue;
    if (!ipvlan.isUp) {
      if (ipvlan.net.tracing) ipvlan.net.trace(ipvlan, "ipvlan_process_multicast", `drop ${frameWhat(f)}`, `${ipvlan.name} is down: copies go only to slaves that are up`);
      continue;
    }
    let success = true;
    if (txPkt) success = devForwardSkb(ipvlan, f);
    else netifRx({ frame: f, dev: ipvlan, pktType, rt: null, iif: null });
    ipvlanCountRx(ipvlan, len, success, true);
    // local_bh_enable() after each copy runs the softirq it raised. From 6.5
    // (d15121be7485, Revert "softirq: Let ksoftirqd do its job") it runs
    // there and then, so a sibling's answer, and all it leads to, comes
    // before the frame leaves the parent; on 6.1 it is left to ksoftirqd,
    // which runs it after. Measured: seed-ipvlan-l2 steps 5 and 7 (docs/kernel-releases.md).
    if (releaseAtLeast(port.dev.net.kernel.sim.release, 6, 5)) port.dev.net.kernel.sim.doSoftirq();
  }
  if (txPkt) {
    const net = port.dev.net;
    if (net.tracing) net.trace(port.dev, "ipvlan_process_multicast", `${skb.dev.name}'s ${pktType} out of ${port.dev.name}`, "copies went to the other slaves; the parent's own stack gets none");
    devQueueXmit({ frame: f, dev: port.dev, pktType: "outgoing", rt: null, iif: null });
  }
}

/**
 * ipvlan_external_frame: a broadcast the parent receives that one of the
 * slaves sent itself (its source MAC is the shared one and its source
 * address a slave's, reflected by a hairpin switch) is not fanned out again.
 */
function ipvlanExternalFrame(port: IpvlPort, skb: SkBuff): boolean {
  if (skb.frame.src !== skb.dev.mac) return true;
  const key = ipvlanL3Key(skb.frame, false);
  return key === null || !port.hlhead.has(key);
}

/** ipvlan_handle_mode_l3: steered by destination address alone (no look at the MAC or pkt_type). */
function ipvlanHandleModeL3(port: IpvlPort, skb: SkBuff): RxHandlerResult {
  const addr = ipvlanAddrLookup(port, skb.frame, true);
  return addr ? ipvlanRcvFrame(addr, skb, false) : "pass";
}

/**
 * ipvlan_handle_mode_l2: an external broadcast or multicast is queued for
 * the slaves and also passed to the parent; unicast is steered as in l3.
 */
function ipvlanHandleModeL2(port: IpvlPort, skb: SkBuff): RxHandlerResult {
  if (isMulticastMac(skb.frame.dst)) {
    if (ipvlanExternalFrame(port, skb)) ipvlanMulticastEnqueue(port, { frame: skb.frame, dev: skb.dev, pktType: skb.pktType, rt: null, iif: null }, false);
    return "pass";
  }
  return ipvlanHandleModeL3(port, skb);
}

/** ipvlan_handle_frame: the parent's rx_handler. In l3s everything passes to the parent's stack (see ipvlan-l3s.ts). */
export function ipvlanHandleFrame(port: IpvlPort, skb: SkBuff): RxHandlerResult {
  switch (port.mode) {
    case "l2":
      return ipvlanHandleModeL2(port, skb);
    case "l3":
      return ipvlanHandleModeL3(port, skb);
    case "l3s":
      return "pass";
  }
}
