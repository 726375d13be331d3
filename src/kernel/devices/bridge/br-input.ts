// net/bridge/br_input.c: the rx_handler every port gets.

import { isBroadcastMac, isMulticastMac, isValidEtherAddr } from "../../../wire/mac.js";
import { netifReceiveSkb } from "../../core/dev.js";
import type { SkBuff } from "../../skb.js";
import { skbLen, type RxHandlerResult } from "../net-device.js";
import { ETH_HLEN } from "../../../wire/ethernet.js";
import type { BridgeDevice, BridgePort } from "./bridge.js";
import { brFlood, brForward } from "./br-forward.js";

/** br_handle_frame. */
export function brHandleFrame(port: BridgePort, skb: SkBuff): RxHandlerResult {
  const br = port.br;
  if (skb.pktType === "loopback") return "pass";
  if (!isValidEtherAddr(skb.frame.src)) return "consumed";
  if (!port.forwarding) {
    if (br.net.tracing) br.net.trace(port.dev, "br_handle_frame", `drop ${skb.frame.src} > ${skb.frame.dst}`, "port is disabled (bridge or port down)");
    return "consumed";
  }
  if (skb.frame.dst === br.mac) skb.pktType = "host";
  brHandleFrameFinish(br, port, skb);
  return "consumed";
}

/** br_handle_frame_finish: learn, then deliver locally, forward or flood. */
function brHandleFrameFinish(br: BridgeDevice, port: BridgePort, skb: SkBuff): void {
  const now = br.net.now;
  if (port.learning) br.fdb.update(port, skb.frame.src, now);
  const dst = skb.frame.dst;
  let localRcv = br.promisc;
  if (isMulticastMac(dst)) {
    localRcv = true;
    brFlood(br, skb, isBroadcastMac(dst) ? "broadcast" : "multicast (no snooping state)", isBroadcastMac(dst) ? "broadcast" : "multicast");
  } else {
    const e = br.fdb.find(dst, now);
    if (e?.isLocal) {
      brPassFrameUp(br, skb);
      return;
    }
    if (e?.port) {
      e.used = now;
      brForward(e.port, skb);
    } else {
      brFlood(br, skb, "unknown unicast", "unicast");
    }
  }
  if (localRcv) brPassFrameUp(br, skb);
}

/** br_pass_frame_up: the frame is received again, this time by the bridge device, which counts it (without the Ethernet header eth_type_trans already pulled). */
export function brPassFrameUp(br: BridgeDevice, skb: SkBuff): void {
  br.stats.rxPackets++;
  br.stats.rxBytes += skbLen(skb.frame) - ETH_HLEN;
  if (br.net.tracing) br.net.trace(br, "br_pass_frame_up", `${skb.frame.src} > ${skb.frame.dst} to the bridge's own stack`);
  netifReceiveSkb({ frame: skb.frame, dev: br, pktType: skb.pktType, rt: null, iif: skb.iif });
}
