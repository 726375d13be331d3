// net/8021q, the data plane. A VLAN device's transmit tags the frame and
// hands it to its lower device (vlan_dev_hard_start_xmit); a tagged frame the
// lower device receives becomes the VLAN device's, untagged, before any
// rx_handler sees it (vlan_do_receive, called from __netif_receive_skb_core).
// A tag no VLAN device claims is left on the frame for the rx_handler (a
// bridge forwards it as it is) and for the core's check_vlan_id.

import { ETH_HLEN, vlanCount, vlanPop, vlanPush } from "../../../wire/ethernet.js";
import { VLAN_HLEN, vlanId, vlanProtoName, vlanTci, type VlanTag } from "../../../wire/vlan.js";
import { devQueueXmit } from "../../core/dev.js";
import type { SkBuff } from "../../skb.js";
import { payloadLen, type NetdevTx } from "../net-device.js";
import type { VlanDevice } from "./vlan.js";

/** vlan_dev_get_egress_qos_mask for skb->priority 0, the only priority simulated traffic has. */
function vlanDevGetEgressQosMask(vlan: VlanDevice): number {
  return vlan.egressMap.find((m) => m.priority === 0)?.pcp ?? 0;
}

/**
 * vlan_dev_hard_start_xmit: the tag (this VLAN's id, the PCP its egress map
 * gives) goes on as the outermost, and the frame leaves through the lower
 * device. A tag already there is pushed inside first (validate_xmit_vlan:
 * a VLAN device does not offload tags), so it counts in the bytes sent.
 */
export function vlanDevHardStartXmit(vlan: VlanDevice, skb: SkBuff): NetdevTx {
  const tag: VlanTag = { tpid: vlan.vlanProto, tci: vlanTci(vlan.vlanId, vlanDevGetEgressQosMask(vlan)) };
  const len = ETH_HLEN + vlanCount(skb.frame) * VLAN_HLEN + payloadLen(skb.frame);
  const frame = vlanPush(skb.frame, tag);
  const net = vlan.net;
  if (net.tracing) net.trace(vlan, "vlan_dev_hard_start_xmit", `tagged ${vlanProtoName(vlan.vlanProto)} vlan ${vlan.vlanId}, out of ${vlan.realDev.name}`);
  const r = devQueueXmit({ frame, dev: vlan.realDev, pktType: "outgoing", rt: null, iif: null });
  if (r === "ok") {
    vlan.stats.txPackets++;
    vlan.stats.txBytes += len;
    return "NET_XMIT_SUCCESS";
  }
  vlan.stats.txDropped++;
  return r === "ENETDOWN" ? "ENETDOWN" : "NET_XMIT_DROP";
}

/**
 * vlan_do_receive: the VLAN device for the outermost tag takes the frame
 * without it ("another" round, as that device); a VLAN device that is down
 * drops it ("drop"); with none the frame goes on tagged ("none"). A frame
 * addressed to the VLAN's own MAC is for this host even when the lower
 * device, with another MAC, thought it was not.
 */
export function vlanDoReceive(skb: SkBuff): "another" | "drop" | "none" {
  const tag = skb.frame.vlans?.[0];
  const info = skb.dev.vlanInfo;
  if (!tag || !info) return "none";
  const vlanDev = info.find(tag.tpid, vlanId(tag));
  if (!vlanDev) return "none";
  const net = vlanDev.net;
  if (!vlanDev.isUp) {
    if (net.tracing) net.trace(vlanDev, "vlan_do_receive", "drop", `${vlanProtoName(tag.tpid)} vlan ${vlanId(tag)} is ${vlanDev.name}'s, which is down`);
    return "drop";
  }
  const frame = vlanPop(skb.frame);
  if (net.tracing) net.trace(vlanDev, "vlan_do_receive", `${vlanProtoName(tag.tpid)} vlan ${vlanId(tag)} from ${skb.dev.name}: untagged, received as ${vlanDev.name}`);
  skb.dev = vlanDev;
  skb.frame = frame;
  if (skb.pktType === "otherhost" && frame.dst === vlanDev.mac) skb.pktType = "host";
  // skb->len: the packet and the tags still inside it, without the Ethernet header eth_type_trans pulled.
  vlanDev.stats.rxPackets++;
  vlanDev.stats.rxBytes += payloadLen(frame) + vlanCount(frame) * VLAN_HLEN;
  if (skb.pktType === "multicast") vlanDev.stats.multicast++;
  return "another";
}
