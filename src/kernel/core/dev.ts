// net/core/dev.c and net/ethernet/eth.c: the transmit entry every device
// shares (dev_queue_xmit, with the capture taps), the receive path
// (__netif_receive_skb_core: taps, rx_handler, protocol dispatch) and the
// helpers drivers use to hand a frame to a device (dev_forward_skb,
// eth_type_trans).

import { isBroadcastMac, isMulticastMac } from "../../wire/mac.js";
import { ETH_HLEN, vlanCount, vlanPop, type EthernetFrame } from "../../wire/ethernet.js";
import { vlanId } from "../../wire/vlan.js";
import { vlanDoReceive } from "../devices/vlan/vlan-core.js";
import { skbLen, type NetDevice } from "../devices/net-device.js";
import { kernelFn } from "../fork.js";
import { arpRcv } from "../ipv4/arp.js";
import { ipRcv } from "../ipv4/ip-input.js";
import { ipv6Rcv } from "../ipv6/ip6-input.js";
import type { PacketType, SkBuff } from "../skb.js";
import { packetRcv } from "../sockets.js";
import { frameWhat } from "../trace.js";

export type XmitResult = "ok" | "ENETDOWN" | "ENOBUFS" | "EINVAL";

function runTaps(dev: NetDevice, direction: "in" | "out", pktType: PacketType, frame: EthernetFrame): void {
  if (dev.taps.size === 0) return;
  const ev = { time: dev.net.now, dev, direction, pktType, frame };
  for (const tap of dev.taps) tap(ev);
}

/**
 * __dev_queue_xmit. A device that is down, or up without carrier, has the
 * noop qdisc: it drops the frame, counted in the qdisc's statistics, not the
 * device's. The taps (dev_queue_xmit_nit) see what is actually handed to the
 * driver, and the driver counts what it sends.
 */
export function devQueueXmit(skb: SkBuff): XmitResult {
  const dev = skb.dev;
  const net = dev.net;
  if (!dev.isUp) {
    if (net.tracing) net.trace(dev, "__dev_queue_xmit", `drop ${frameWhat(skb.frame)}`, "device is down");
    return "ENETDOWN";
  }
  if (!dev.carrier) {
    // noop_enqueue answers NET_XMIT_CN, which net_xmit_errno does not count as an error.
    if (net.tracing) net.trace(dev, "__dev_queue_xmit", `drop ${frameWhat(skb.frame)}`, "no carrier (noop qdisc)");
    return "ok";
  }
  runTaps(dev, "out", "outgoing", skb.frame);
  const rc = dev.ndoStartXmit(skb);
  return rc === "NET_XMIT_SUCCESS" ? "ok" : rc === "ENETDOWN" ? "ENETDOWN" : "ENOBUFS";
}

/** eth_type_trans: pkt_type from the destination MAC as seen by dev. */
export function ethTypeTrans(frame: EthernetFrame, dev: NetDevice): PacketType {
  if (isMulticastMac(frame.dst)) return isBroadcastMac(frame.dst) ? "broadcast" : "multicast";
  return frame.dst === dev.mac ? "host" : "otherhost";
}

/**
 * netif_rx: the frame is processed later, as the softirq would, so one
 * device's transmit never recurses into another's receive. Every such hop
 * counts against the simulation's frame budget.
 */
export function netifRx(skb: SkBuff): void {
  skb.dev.net.kernel.sim.deliverFrame(netifReceiveSkb, skb);
}

/**
 * dev_forward_skb (veth, ipvlan): the receiving device must be up and the
 * frame must fit its MTU (is_skb_forwardable); false means dropped, counted
 * in the receiver's rx_dropped.
 */
export function devForwardSkb(dev: NetDevice, frame: EthernetFrame, rt: null = null): boolean {
  const net = dev.net;
  if (!dev.isUp || skbLen(frame) > dev.mtu + ETH_HLEN + 4) {
    dev.stats.rxDropped++;
    if (net.tracing) net.trace(dev, "dev_forward_skb", `drop ${frameWhat(frame)}`, dev.isUp ? `frame longer than the MTU ${dev.mtu}` : "receiving device is down");
    return false;
  }
  netifRx({ frame, dev, pktType: ethTypeTrans(frame, dev), rt, iif: null });
  return true;
}

/**
 * __netif_receive_skb_core. Each round (another_round) the taps see the
 * frame, a tag is offered to the VLAN devices of the device (vlan_do_receive),
 * then the rx_handler. A tag nobody took makes the frame someone else's
 * (check_vlan_id), except a priority tag (VLAN 0), which is just dropped.
 */
export function netifReceiveSkb(skb: SkBuff): void {
  // orig_dev: the device the frame came in on, whatever rounds hand it on to.
  const origDev = skb.dev;
  for (;;) {
    const dev = skb.dev;
    // another_round: skb_iif is the device of each round (an rx_handler may hand the frame on).
    skb.iif = dev;
    runTaps(dev, "in", skb.pktType, skb.frame);
    if (vlanCount(skb.frame) > 0) {
      const v = vlanDoReceive(skb);
      if (v === "another") continue;
      if (v === "drop") return;
    }
    const handler = dev.rxHandler;
    if (handler) {
      const r = handler(skb);
      if (r === "consumed") return;
      if (r === "another") continue;
    }
    if (vlanCount(skb.frame) > 0) {
      const c = checkVlanId(skb);
      if (c === "another") continue;
      if (c === "drop") return;
    }
    break;
  }
  // No protocol handler takes a frame still tagged (ETH_P_8021Q/8021AD have none in ptype_base).
  if (vlanCount(skb.frame) > 0) return;
  packetRcv(skb, origDev);
  switch (skb.frame.payload.kind) {
    case "arp":
      arpRcv(skb);
      return;
    case "ipv4":
      ipRcv(skb);
      return;
    case "ipv6":
      ipv6Rcv(skb);
      return;
    case "raw":
      return;
  }
}
kernelFn(netifReceiveSkb);

/**
 * check_vlan_id: a tag with a VLAN id no VLAN device took makes the frame
 * PACKET_OTHERHOST (dropped by ARP and IP); a priority tag (id 0) comes off,
 * and a tag under it is offered to the VLAN devices ("another" round). The
 * tag itself is cleared either way (__vlan_hwaccel_clear_tag): what is left
 * are the frame's inner tags, if any.
 */
function checkVlanId(skb: SkBuff): "another" | "drop" | "pass" {
  for (;;) {
    const tag = skb.frame.vlans![0]!;
    const net = skb.dev.net;
    skb.frame = vlanPop(skb.frame);
    if (vlanId(tag) !== 0) {
      if (net.tracing) net.trace(skb.dev, "__netif_receive_skb_core", "not for this host", `no VLAN device for vlan ${vlanId(tag)} on ${skb.dev.name}: PACKET_OTHERHOST`);
      skb.pktType = "otherhost";
      return "pass";
    }
    if (vlanCount(skb.frame) === 0) return "pass";
    const v = vlanDoReceive(skb);
    if (v !== "none") return v;
  }
}
