// drivers/net/macvlan.c, the data plane. A macvlan's transmit
// (macvlan_queue_xmit) delivers locally only in bridge mode; everything else
// leaves through the lower device. Frames the lower device receives are
// steered by its rx_handler (macvlan_handle_frame): unicast by destination
// MAC to the macvlan that is up with it, broadcast and multicast through the
// port's queue (macvlan_process_broadcast), which runs later, as the kernel's
// workqueue does.

import { ETH_HLEN, type EthernetFrame } from "../../../wire/ethernet.js";
import { isBroadcastMac, isMulticastMac, type Mac } from "../../../wire/mac.js";
import { devForwardSkb, devQueueXmit, netifRx } from "../../core/dev.js";
import { kernelFn } from "../../fork.js";
import type { SkBuff } from "../../skb.js";
import { frameWhat } from "../../trace.js";
import { IFF_ALLMULTI, IFF_PROMISC, skbLen, type NetdevTx, type RxHandlerResult } from "../net-device.js";
import type { MacvlanDevice, MacvlanMode, MacvlanPort } from "./macvlan.js";

/** macvlan_hash_lookup: the macvlan that is up with this MAC. */
export function macvlanHashLookup(port: MacvlanPort, addr: Mac): MacvlanDevice | null {
  for (const vlan of port.vlanHash.bucket(addr)) if (vlan.mac === addr) return vlan;
  return null;
}

/** macvlan_count_rx; macvlan_dev_get_stats64 reports rx_errors as rx_dropped as well. */
function macvlanCountRx(vlan: MacvlanDevice, len: number, success: boolean, multicast: boolean): void {
  if (success) {
    vlan.stats.rxPackets++;
    vlan.stats.rxBytes += len;
    if (multicast) vlan.stats.multicast++;
  } else {
    vlan.stats.rxErrors++;
    vlan.stats.rxDropped++;
  }
}

/**
 * vlan->mc_filter (macvlan_compute_filter): everything for a promiscuous or
 * allmulti macvlan, else its multicast list and broadcast. The kernel keeps
 * a 256-bit hash of them; exact addresses stand in for it.
 */
function macvlanMcFilter(vlan: MacvlanDevice, addr: Mac): boolean {
  if (isBroadcastMac(addr) || vlan.flags & (IFF_PROMISC | IFF_ALLMULTI)) return true;
  return vlan.mcList().includes(addr);
}

/**
 * port->mc_filter: the lower device's filter, which holds every macvlan's
 * multicast list (dev_mc_sync), or everything while the lower device is
 * promiscuous -- which it is as soon as a macvlan is open, since no
 * simulated lower device filters unicast (dev_uc_add falls back to
 * promiscuity).
 */
function macvlanPortMcFilter(port: MacvlanPort, addr: Mac): boolean {
  const lower = port.dev;
  if (isBroadcastMac(addr) || lower.flags & (IFF_PROMISC | IFF_ALLMULTI) || port.lowerUc.size > 0 || port.dev.promiscuity > 0) return true;
  if (lower.mcList().includes(addr)) return true;
  return port.vlans.some((v) => v.isUp && v.mcList().includes(addr));
}

/**
 * macvlan_broadcast: a copy to every macvlan that is up, in one of `modes`,
 * not the sender, and whose filter takes the address. From a bridge-mode
 * sender (local) the copy goes through __dev_forward_skb; from the queue it
 * simply becomes the macvlan's (macvlan_broadcast_one) and is received later.
 */
function macvlanBroadcast(skb: SkBuff, port: MacvlanPort, src: MacvlanDevice | null, modes: readonly MacvlanMode[], local: boolean): void {
  const f = skb.frame;
  // Transmitted, skb->len still holds the Ethernet header; received, it does not.
  const len = skbLen(f) + (local ? ETH_HLEN : 0);
  if (port.dev.net.tracing) macvlanTraceDown(port, f, src, modes);
  for (const vlan of port.vlanHash) {
    if (vlan === src || !modes.includes(vlan.mode)) continue;
    if (!macvlanMcFilter(vlan, f.dst)) continue;
    let success = true;
    if (local) success = devForwardSkb(vlan, f);
    else netifRx({ frame: f, dev: vlan, pktType: isBroadcastMac(f.dst) ? "broadcast" : "multicast", rt: null, iif: null });
    macvlanCountRx(vlan, len, success, true);
  }
}

/** What macvlan_broadcast never considers: a macvlan that is down, which macvlan_stop took out of the port's hash. */
function macvlanTraceDown(port: MacvlanPort, f: EthernetFrame, src: MacvlanDevice | null, modes: readonly MacvlanMode[]): void {
  for (const vlan of port.vlans)
    if (vlan !== src && !vlan.isUp && modes.includes(vlan.mode) && vlan.net.tracing) vlan.net.trace(vlan, "macvlan_broadcast", `drop ${frameWhat(f)}`, `${vlan.name} is down, so not in the port's hash: no copy for it`);
}

/**
 * macvlan_process_broadcast, the port's work item: a frame from outside goes
 * to every mode; one a VEPA macvlan sent (and a hairpin switch sent back) to
 * the VEPA and bridge macvlans but its sender; one a bridge macvlan sent only
 * to the VEPA ones, since the bridge ones had it on the way out.
 */
function macvlanProcessBroadcast(port: MacvlanPort): void {
  port.bcWorkScheduled = false;
  if (port.destroyed) return;
  const net = port.dev.net;
  for (const { skb, src, cause } of port.bcQueue.splice(0))
    net.kernel.sim.queue.within(cause, () => {
      if (net.tracing) net.trace(port.dev, "macvlan_process_broadcast", `${isBroadcastMac(skb.frame.dst) ? "broadcast" : "multicast"} from ${skb.frame.src}`, src ? `sent by ${src.name} (${src.mode})` : "from outside: every mode");
      if (!src) macvlanBroadcast(skb, port, null, ["private", "vepa", "passthru", "bridge"], false);
      else if (src.mode === "vepa") macvlanBroadcast(skb, port, src, ["vepa", "bridge"], false);
      else macvlanBroadcast(skb, port, src, ["vepa"], false);
    });
}
kernelFn(macvlanProcessBroadcast);

/**
 * macvlan_broadcast_enqueue: queued up to the port's bc_queue_len_used;
 * beyond it the frame is dropped and counted on the device it arrived on.
 * The work is queued either way.
 */
function macvlanBroadcastEnqueue(port: MacvlanPort, src: MacvlanDevice | null, skb: SkBuff): void {
  const queued = port.bcQueue.length < port.bcQueueLenUsed;
  if (queued) port.bcQueue.push({ skb: { ...skb }, src, cause: port.dev.net.kernel.sim.queue.cause });
  if (!port.bcWorkScheduled) {
    port.bcWorkScheduled = true;
    port.dev.net.kernel.sim.queueWork(macvlanProcessBroadcast, port);
  }
  if (!queued) {
    skb.dev.stats.rxDropped++;
    const net = port.dev.net;
    if (net.tracing) net.trace(skb.dev, "macvlan_broadcast_enqueue", "drop", `bc_queue is full (${port.bcQueueLenUsed})`);
  }
}

/**
 * macvlan_forward_source_one: a clone for a source-mode macvlan that is up;
 * it is for the macvlan's host only if addressed to the macvlan's own MAC.
 */
function macvlanForwardSourceOne(skb: SkBuff, vlan: MacvlanDevice): void {
  if (!vlan.isUp) return;
  const f = skb.frame;
  netifRx({ frame: f, dev: vlan, pktType: f.dst === vlan.mac ? "host" : skb.pktType, rt: null, iif: null });
  macvlanCountRx(vlan, skbLen(f), true, false);
}

/** macvlan_forward_source: every source-mode macvlan that lists the frame's source MAC gets it; true if one of them is nodst. */
function macvlanForwardSource(skb: SkBuff, port: MacvlanPort, addr: Mac): boolean {
  let consume = false;
  for (const entry of [...port.vlanSourceHash.bucket(addr)]) {
    if (entry.addr !== addr) continue;
    if (entry.vlan.macvlanFlags.nodst) consume = true;
    macvlanForwardSourceOne(skb, entry.vlan);
  }
  return consume;
}

/** macvlan_handle_frame: the lower device's rx_handler. */
export function macvlanHandleFrame(port: MacvlanPort, skb: SkBuff): RxHandlerResult {
  // Packets from dev_loopback_xmit() carry no Ethernet header.
  if (skb.pktType === "loopback") return "pass";
  const f = skb.frame;
  const net = port.dev.net;
  if (isMulticastMac(f.dst)) {
    if (macvlanForwardSource(skb, port, f.src)) return "consumed";
    const src = macvlanHashLookup(port, f.src);
    if (src && src.mode !== "vepa" && src.mode !== "bridge") {
      // A frame of a private (or passthru, or source) macvlan that the switch sent back: only its sender gets it.
      if (net.tracing) net.trace(port.dev, "macvlan_handle_frame", `back to ${src.name} only`, `its own ${isBroadcastMac(f.dst) ? "broadcast" : "multicast"} came back, and it is ${src.mode}`);
      netifRx({ frame: f, dev: src, pktType: isBroadcastMac(f.dst) ? "broadcast" : "multicast", rt: null, iif: null });
      // len is never set on this path: the packet counts, its bytes do not.
      macvlanCountRx(src, 0, true, false);
      return "consumed";
    }
    if (macvlanPortMcFilter(port, f.dst)) macvlanBroadcastEnqueue(port, src, skb);
    return "pass";
  }
  if (macvlanForwardSource(skb, port, f.src)) return "consumed";
  const vlan = port.passthru ? (port.vlans[0] ?? null) : macvlanHashLookup(port, f.dst);
  if (!vlan || vlan.mode === "source") return "pass";
  if (!vlan.isUp) {
    if (net.tracing) net.trace(port.dev, "macvlan_handle_frame", `drop ${frameWhat(f)}`, `${vlan.name} is down`);
    return "consumed";
  }
  if (net.tracing) net.trace(port.dev, "macvlan_handle_frame", `steered to ${vlan.name}`, port.passthru ? "passthru: the one macvlan takes all unicast" : `${f.dst} is ${vlan.name}'s MAC`);
  macvlanCountRx(vlan, skbLen(f), true, false);
  skb.dev = vlan;
  skb.pktType = "host";
  return "another";
}

/** dev_queue_xmit on the lower device; its error is the macvlan's. */
function xmitOnLower(vlan: MacvlanDevice, frame: EthernetFrame): NetdevTx {
  const r = devQueueXmit({ frame, dev: vlan.lowerdev, pktType: "outgoing", rt: null, iif: null });
  return r === "ok" ? "NET_XMIT_SUCCESS" : r === "ENETDOWN" ? "ENETDOWN" : "NET_XMIT_DROP";
}

/**
 * macvlan_queue_xmit. Only bridge mode switches locally: broadcast and
 * multicast are copied to the other bridge-mode macvlans and still leave
 * through the lower device; unicast to another bridge-mode macvlan is handed
 * to the lower device's receive path (dev_forward_skb, "send to lowerdev
 * first for its network taps"), whose rx_handler delivers it. Everything
 * else, the lower device's own MAC included, leaves through the lower device.
 */
function macvlanQueueXmit(vlan: MacvlanDevice, skb: SkBuff): NetdevTx {
  const f = skb.frame;
  const net = vlan.net;
  if (vlan.mode === "bridge") {
    if (isMulticastMac(f.dst)) {
      macvlanBroadcast(skb, vlan.port, vlan, ["bridge"], true);
    } else {
      const dest = macvlanHashLookup(vlan.port, f.dst);
      if (dest && dest.mode === "bridge") {
        if (net.tracing) net.trace(vlan, "macvlan_queue_xmit", `to ${dest.name} through ${vlan.lowerdev.name}'s receive path (dev_forward_skb)`, `${f.dst} is a bridge-mode sibling`);
        devForwardSkb(vlan.lowerdev, f);
        return "NET_XMIT_SUCCESS";
      }
    }
  }
  if (net.tracing) net.trace(vlan, "macvlan_queue_xmit", `out of ${vlan.lowerdev.name}`, vlan.mode === "bridge" ? `${f.dst} is no bridge-mode sibling's` : `${vlan.mode}: nothing is switched locally`);
  return xmitOnLower(vlan, f);
}

/** macvlan_start_xmit: what macvlan_queue_xmit accepted counts as sent, the rest as tx_dropped. */
export function macvlanStartXmit(vlan: MacvlanDevice, skb: SkBuff): NetdevTx {
  const len = skbLen(skb.frame);
  const ret = macvlanQueueXmit(vlan, skb);
  if (ret === "NET_XMIT_SUCCESS") {
    vlan.stats.txPackets++;
    vlan.stats.txBytes += len;
  } else vlan.stats.txDropped++;
  return ret;
}
