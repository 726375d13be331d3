// net/bridge/br_forward.c: delivering to one port or flooding to all.

import type { SkBuff } from "../../skb.js";
import { devQueueXmit } from "../../core/dev.js";
import type { BridgeDevice, BridgePort } from "./bridge.js";

/**
 * br_skb_isolated: a frame that came in on an isolated port never leaves by
 * another isolated port (what the bridge itself sends came in on none).
 */
function brSkbIsolated(to: BridgePort, skb: SkBuff): boolean {
  return to.isolated && (to.br.ports.get(skb.dev)?.isolated ?? false);
}

/** should_deliver: never back out the ingress port, unless that port is in hairpin mode; never between isolated ports. */
export function shouldDeliver(p: BridgePort, skb: SkBuff): boolean {
  return (p.hairpin || skb.dev !== p.dev) && p.forwarding && !brSkbIsolated(p, skb);
}

/** __br_forward -> br_dev_queue_push_xmit (with is_skb_forwardable's up check). */
function brDeliver(p: BridgePort, skb: SkBuff): void {
  const br = p.br;
  if (br.net.tracing) br.net.trace(br, "br_forward", `${skb.frame.src} > ${skb.frame.dst} out ${p.dev.name}`);
  devQueueXmit({ frame: skb.frame, dev: p.dev, pktType: "outgoing", rt: null, iif: null });
}

export function brForward(to: BridgePort, skb: SkBuff): void {
  if (shouldDeliver(to, skb)) {
    brDeliver(to, skb);
    return;
  }
  const br = to.br;
  if (br.net.tracing) {
    const why = !to.forwarding ? notForwarding(to) : brSkbIsolated(to, skb) ? `it came in on an isolated port and ${to.dev.name} is isolated` : `destination is behind ingress port ${to.dev.name} (no hairpin)`;
    br.net.trace(br, "br_forward", `drop ${skb.frame.src} > ${skb.frame.dst}`, why);
  }
}

/** Why a port that is not the ingress one takes nothing: what a reader needs to find the cable that is down. */
function notForwarding(p: BridgePort): string {
  const other = p.dev.ndoGetIflink();
  const link = other && !other.isUp ? `its link is down: the other end, ${other.net.kernel.hostname}${other.net.name ? `/${other.net.name}` : ""}:${other.name}, is down` : "its link is down (no carrier)";
  return `${p.dev.name} is not forwarding: ${!p.dev.isUp ? "it is down" : !p.dev.carrier ? link : "the bridge is down"}`;
}

/** enum br_pkt_type. */
export type BrPktType = "unicast" | "multicast" | "broadcast";

/**
 * The port flags br_flood checks: unknown unicast only to BR_FLOOD ports;
 * multicast and broadcast only to BR_MCAST_FLOOD / BR_BCAST_FLOOD ports,
 * except what the bridge itself sends.
 */
function brFloodAllowed(p: BridgePort, skb: SkBuff, pktType: BrPktType): boolean {
  const localOrig = skb.dev === p.br;
  if (pktType === "unicast") return p.flood;
  if (pktType === "multicast") return p.mcastFlood || localOrig;
  return p.bcastFlood || localOrig;
}

/** br_flood: br_add_if puts each new port at the head of port_list (list_add_rcu), so the newest port hears a flood first. */
export function brFlood(br: BridgeDevice, skb: SkBuff, why: string, pktType: BrPktType): void {
  const ports = br.portList;
  if (br.net.tracing) {
    const ingress = br.ports.get(skb.dev);
    const back = ingress && !ingress.hairpin ? `; not back out ${skb.dev.name}, where it came in` : "";
    // Named oldest port first, as they were added.
    const held = ports.filter((p) => !brFloodAllowed(p, skb, pktType)).map((p) => p.dev.name).reverse();
    const off = held.length ? `; not to ${held.join(", ")}, where ${pktType === "unicast" ? "flood" : pktType === "multicast" ? "mcast_flood" : "bcast_flood"} is off` : "";
    br.net.trace(br, "br_flood", `flood ${skb.frame.src} > ${skb.frame.dst}`, `${why}${back}${off}`);
  }
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (brFloodAllowed(p, skb, pktType) && shouldDeliver(p, skb)) brDeliver(p, skb);
    else if (br.net.tracing && !p.forwarding && p.dev !== skb.dev) br.net.trace(br, "br_flood", `not out ${p.dev.name}`, notForwarding(p));
  }
}
