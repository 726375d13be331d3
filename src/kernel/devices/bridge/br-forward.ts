// net/bridge/br_forward.c: delivering to one port or flooding to all.

import type { SkBuff } from "../../skb.js";
import { devQueueXmit } from "../../core/dev.js";
import type { BridgeDevice, BridgePort } from "./bridge.js";

/** should_deliver: never back out the ingress port, unless that port is in hairpin mode. */
export function shouldDeliver(p: BridgePort, skb: SkBuff): boolean {
  return (p.hairpin || skb.dev !== p.dev) && p.forwarding;
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
  if (br.net.tracing) br.net.trace(br, "br_forward", `drop ${skb.frame.src} > ${skb.frame.dst}`, to.forwarding ? `destination is behind ingress port ${to.dev.name} (no hairpin)` : notForwarding(to));
}

/** Why a port that is not the ingress one takes nothing: what a reader needs to find the cable that is down. */
function notForwarding(p: BridgePort): string {
  const other = p.dev.ndoGetIflink();
  const link = other && !other.isUp ? `its link is down: the other end, ${other.net.kernel.hostname}${other.net.name ? `/${other.net.name}` : ""}:${other.name}, is down` : "its link is down (no carrier)";
  return `${p.dev.name} is not forwarding: ${!p.dev.isUp ? "it is down" : !p.dev.carrier ? link : "the bridge is down"}`;
}

/** br_flood: br_add_if puts each new port at the head of port_list (list_add_rcu), so the newest port hears a flood first. */
export function brFlood(br: BridgeDevice, skb: SkBuff, why: string): void {
  if (br.net.tracing) {
    const ingress = br.ports.get(skb.dev);
    const back = ingress && !ingress.hairpin ? `; not back out ${skb.dev.name}, where it came in` : "";
    br.net.trace(br, "br_flood", `flood ${skb.frame.src} > ${skb.frame.dst}`, `${why}${back}`);
  }
  const ports = [...br.ports.values()];
  for (let i = ports.length - 1; i >= 0; i--) {
    const p = ports[i]!;
    if (shouldDeliver(p, skb)) brDeliver(p, skb);
    else if (br.net.tracing && !p.forwarding && p.dev !== skb.dev) br.net.trace(br, "br_flood", `not out ${p.dev.name}`, notForwarding(p));
  }
}
