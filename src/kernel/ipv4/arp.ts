// net/ipv4/arp.c: neighbour construction for IPv4, sending requests
// (arp_solicit with arp_announce), and arp_rcv/arp_process with arp_ignore,
// arp_filter, proxy_arp and the source validation that ARP shares with IP.

import { ARPOP_REPLY, ARPOP_REQUEST, type ArpRepr } from "../../wire/arp.js";
import type { Ipv4Repr } from "../../wire/ipv4.js";
import { formatIpv4, inPrefix, ipv4IsLoopback, ipv4IsMulticast, type Ipv4 } from "../../wire/ipv4-addr.js";
import { BROADCAST_MAC, ZERO_MAC, type Mac } from "../../wire/mac.js";
import { devQueueXmit } from "../core/dev.js";
import { IFF_LOOPBACK, IFF_NOARP, type NetDevice } from "../devices/net-device.js";
import { neighEventNs, neighLookup, neighUpdate, parms, type Neighbour, type NudState, type QueuedPacket } from "../neigh/neighbour.js";
import { kernelFn } from "../fork.js";
import { rngBelow } from "../rng.js";
import type { SkBuff } from "../skb.js";
import {
  confSources,
  IN_DEV_ARP_ACCEPT,
  IN_DEV_ARP_ANNOUNCE,
  IN_DEV_ARP_IGNORE,
  IN_DEV_ARPFILTER,
  IN_DEV_DROP_GRATUITOUS_ARP,
  IN_DEV_FORWARD,
  IN_DEV_MEDIUM_ID,
  IN_DEV_PROXY_ARP,
  IN_DEV_ROUTE_LOCALNET,
  inetConfirmAddr,
  inetSelectAddr,
  type InDevice,
} from "./devinet.js";
import { RT_SCOPE_HOST, RT_SCOPE_LINK } from "./fib.js";
import { icmpSend } from "./icmp.js";
import { ipRouteInputSlow, ipRouteOutput, type Rtable } from "./route.js";
import { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH } from "../../wire/icmp.js";

/**
 * arp_constructor: NOARP entries for multicast addresses (their mapped MAC),
 * for devices without ARP (their own MAC: an L3 ipvlan addresses every frame
 * to itself, broadcasts too) and for broadcast addresses, in that order.
 */
export function arpConstructor(n: Neighbour): void {
  const dev = n.dev;
  const type = dev.net.fib.addrType((n.key as Ipv4));
  if (type === "multicast") {
    n.state = "noarp";
    const k = (n.key as Ipv4);
    n.ha = `01:00:5e:${((k >>> 16) & 0x7f).toString(16).padStart(2, "0")}:${((k >>> 8) & 0xff).toString(16).padStart(2, "0")}:${(k & 0xff).toString(16).padStart(2, "0")}`;
  } else if (dev.flags & (IFF_NOARP | IFF_LOOPBACK)) {
    n.state = "noarp";
    n.ha = dev.mac;
  } else if (type === "broadcast") {
    n.state = "noarp";
    n.ha = BROADCAST_MAC;
  }
}

/** arp_send_dst / arp_create: an ARP frame out of dev, straight to dev_queue_xmit. */
export function arpSend(op: number, destIp: Ipv4, dev: NetDevice, srcIp: Ipv4, destHw: Mac | null, srcHw: Mac, targetHw: Mac | null): void {
  const arp: ArpRepr = { op, sha: srcHw, spa: srcIp, tha: targetHw ?? ZERO_MAC, tpa: destIp };
  devQueueXmit({ frame: { dst: destHw ?? BROADCAST_MAC, src: srcHw, payload: { kind: "arp", arp } }, dev, pktType: "outgoing", rt: null, iif: null });
}

/** arp_solicit: which source address to announce, and broadcast vs unicast probe. */
export function arpSolicit(n: Neighbour, last: Ipv4Repr | null): void {
  const dev = n.dev;
  const inDev = dev.inDev;
  const target = (n.key as Ipv4);
  const p = parms(dev);
  let saddr = 0;
  if (inDev) {
    const announce = IN_DEV_ARP_ANNOUNCE(inDev);
    if (announce === 0 || announce > 2) {
      if (last && dev.net.fib.addrType(last.src) === "local") saddr = last.src;
    } else if (announce === 1 && last) {
      if (dev.net.fib.addrType(last.src) === "local" && inetAddrOnlink(inDev, target, last.src)) saddr = last.src;
    }
  }
  if (!saddr) saddr = inetSelectAddr(dev, target, RT_SCOPE_LINK);
  let probes = n.probes - p.ucast_solicit;
  let dstHw: Mac | null = null;
  if (probes < 0) {
    dstHw = n.ha;
  } else {
    probes -= p.app_solicit;
    if (probes < 0) return;
  }
  const net = dev.net;
  if (net.tracing) {
    // The classic surprise: a parent's own frames never pass its slaves' rx_handler.
    const upper = dev.rxHandlerOwner === "ipvlan" || dev.rxHandlerOwner === "macvlan" ? dev.rxHandlerOwner : null;
    const why = upper ? `sent by ${dev.name} itself: its ${upper} slaves never see it (the ${upper} rx_handler hooks only what ${dev.name} receives)` : undefined;
    net.trace(dev, "arp_solicit", `who-has ${formatIpv4(target)} tell ${formatIpv4(saddr)}${dstHw ? ` (unicast to ${dstHw})` : ""}`, why);
  }
  // The target hardware address stays zero even in a unicast probe (arp_send_dst gets target_hw NULL).
  arpSend(ARPOP_REQUEST, target, dev, saddr, dstHw, dev.mac, null);
}

/** inet_addr_onlink: both addresses inside one prefix of the device. */
function inetAddrOnlink(inDev: InDevice, a: Ipv4, b: Ipv4): boolean {
  return inDev.ifaList.some((ifa) => inPrefix(a, ifa.local, ifa.prefixlen) && (!b || inPrefix(b, ifa.local, ifa.prefixlen)));
}

/** arp_error_report -> ipv4_link_failure: host unreachable for each packet that waited in vain. */
export function arpErrorReport(n: Neighbour, pkt: QueuedPacket): void {
  if (!("ip" in pkt)) return;
  icmpSend(n.dev.net, { ip: pkt.ip, rt: pkt.rt, pktType: "host", iif: null }, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
}

/** arp_rcv: the checks before arp_process. */
export function arpRcv(skb: SkBuff): void {
  const dev = skb.dev;
  const net = dev.net;
  if (skb.frame.payload.kind !== "arp") return;
  if (dev.flags & IFF_NOARP || skb.pktType === "otherhost" || skb.pktType === "loopback") {
    if (net.tracing) {
      const a = skb.frame.payload.arp;
      const what = a.op === ARPOP_REQUEST ? `who-has ${formatIpv4(a.tpa)} tell ${formatIpv4(a.spa)}` : `${formatIpv4(a.spa)} is-at ${a.sha}`;
      net.trace(dev, "arp_rcv", `drop ARP ${what}`, dev.flags & IFF_NOARP ? "device is NOARP" : `pkt_type ${skb.pktType}`);
    }
    return;
  }
  arpProcess(skb, skb.frame.payload.arp);
}

/** arp_ignore: true means "do not answer". */
function arpIgnore(inDev: InDevice, sip: Ipv4, tip: Ipv4): boolean {
  const mode = IN_DEV_ARP_IGNORE(inDev);
  switch (mode) {
    case 0:
      return false;
    case 1:
      return !inetConfirmAddr(inDev.net, inDev, 0, tip, RT_SCOPE_HOST);
    case 2:
      return !inetConfirmAddr(inDev.net, inDev, sip, tip, RT_SCOPE_HOST);
    case 3:
      return !inetConfirmAddr(inDev.net, null, 0, tip, RT_SCOPE_LINK);
    case 8:
      return true;
    default:
      return false;
  }
}

/** arp_filter: true means "do not answer": the route back to the sender does not leave by dev. */
function arpFilter(sip: Ipv4, tip: Ipv4, dev: NetDevice): boolean {
  const rt = ipRouteOutput(dev.net, { daddr: sip, saddr: tip });
  if (!rt.ok) return true;
  if (rt.value.dev !== dev) {
    dev.net.mibInc("TcpExtArpFilter");
    return true;
  }
  return false;
}

/** arp_fwd_proxy. */
function arpFwdProxy(inDev: InDevice, dev: NetDevice, rt: Rtable): boolean {
  if (rt.dev === dev) return false;
  if (!IN_DEV_PROXY_ARP(inDev)) return false;
  const imi = IN_DEV_MEDIUM_ID(inDev);
  if (imi === 0) return true;
  if (imi === -1) return false;
  const omi = rt.dev.inDev ? IN_DEV_MEDIUM_ID(rt.dev.inDev) : -1;
  return omi !== imi && omi !== -1;
}

function arpProcess(skb: SkBuff, arp: ArpRepr): void {
  const dev = skb.dev;
  const net = dev.net;
  const inDev = dev.inDev;
  const trace = net.tracing;
  if (!inDev) return;
  if (arp.op !== ARPOP_REQUEST && arp.op !== ARPOP_REPLY) return;
  const { sha, spa: sip, tha, tpa: tip } = arp;
  if (ipv4IsMulticast(tip) || (!IN_DEV_ROUTE_LOCALNET(inDev) && ipv4IsLoopback(tip))) {
    if (trace) net.trace(dev, "arp_process", "drop", "target is multicast or loopback");
    return;
  }
  if (sip === tip && IN_DEV_DROP_GRATUITOUS_ARP(inDev)) return;
  // RFC 2131 duplicate address detection probe.
  if (sip === 0) {
    if (arp.op === ARPOP_REQUEST && net.fib.addrType(tip) === "local" && !arpIgnore(inDev, sip, tip)) {
      if (trace) net.trace(dev, "arp_process", `reply to DAD probe for ${formatIpv4(tip)}`);
      arpSend(ARPOP_REPLY, sip, dev, tip, sha, dev.mac, sha);
    }
    return;
  }
  if (arp.op === ARPOP_REQUEST) {
    const route = ipRouteInputSlow(tip, sip, dev, false);
    if (!route.ok) {
      // arp_process only tests ip_route_input_noref for 0: unlike ip_rcv_finish it counts no IPReversePathFilter.
      if (trace) net.trace(dev, "ip_route_input_noref", `no answer to who-has ${formatIpv4(tip)} tell ${formatIpv4(sip)}`, route.why);
    } else if (route.rt.type === "local") {
      let dontSend = arpIgnore(inDev, sip, tip);
      if (dontSend && trace) net.trace(dev, "arp_ignore", `no answer to who-has ${formatIpv4(tip)} tell ${formatIpv4(sip)}`, `arp_ignore=${IN_DEV_ARP_IGNORE(inDev)} (${confSources(inDev, "arp_ignore")})`);
      if (!dontSend && IN_DEV_ARPFILTER(inDev)) {
        dontSend = arpFilter(sip, tip, dev);
        if (dontSend && trace) net.trace(dev, "arp_filter", `no answer to who-has ${formatIpv4(tip)} tell ${formatIpv4(sip)}`, `arp_filter=1 (${confSources(inDev, "arp_filter")}) and the route back does not leave by this device`);
      }
      if (!dontSend && neighEventNs(dev, sip, sha)) {
        if (trace) net.trace(dev, "arp_process", `reply ${formatIpv4(tip)} is-at ${dev.mac} to ${formatIpv4(sip)}`, "target is a local address");
        arpSend(ARPOP_REPLY, sip, dev, tip, sha, dev.mac, sha);
      } else if (!dontSend && trace) {
        net.trace(dev, "arp_process", `no answer to who-has ${formatIpv4(tip)} tell ${formatIpv4(sip)}`, `no neighbour entry for ${formatIpv4(sip)} could be made (neigh_event_ns): the neighbour table is full`);
      }
      return;
    } else if (IN_DEV_FORWARD(inDev) && route.rt.type === "unicast" && arpFwdProxy(inDev, dev, route.rt)) {
      neighEventNs(dev, sip, sha);
      const proxyDelayMs = parms(dev).proxy_delay * 10;
      if (skb.locallyEnqueued || skb.pktType === "host" || proxyDelayMs === 0) {
        if (trace) net.trace(dev, "arp_process", `proxy reply ${formatIpv4(tip)} is-at ${dev.mac} to ${formatIpv4(sip)}`, "proxy_arp and a route to the target through another device");
        arpSend(ARPOP_REPLY, sip, dev, tip, sha, dev.mac, sha);
      } else {
        // pneigh_enqueue: a broadcast request is answered after a random delay below proxy_delay.
        const delay = rngBelow(net.kernel.sim.rng, proxyDelayMs);
        net.kernel.sim.queue.schedule(delay, pneighProxyProcess, "timer", { skb: { ...skb, locallyEnqueued: true }, arp });
      }
      return;
    }
  }
  updateArpTable(skb, arp, inDev, sha, sip, tip, tha);
}

/** neigh_proxy_process: a delayed proxy request is processed again, as if enqueued locally. */
function pneighProxyProcess(q: { skb: SkBuff; arp: ArpRepr }): void {
  arpProcess(q.skb, q.arp);
}
kernelFn(pneighProxyProcess);

/** The tail of arp_process: refresh an existing entry (or create one when arp_accept allows). */
function updateArpTable(skb: SkBuff, arp: ArpRepr, inDev: InDevice, sha: Mac, sip: Ipv4, tip: Ipv4, tha: Mac): void {
  const dev = skb.dev;
  const net = dev.net;
  let n = neighLookup(dev, sip, false);
  const accept = arpAccept(inDev, sip);
  let isGarp = false;
  // arp_is_garp: a gratuitous reply must also carry tha == sha.
  if (n || accept) isGarp = tip === sip && (arp.op !== ARPOP_REPLY || tha === sha) && net.fib.addrType(sip) === "unicast";
  if (accept && !n && (isGarp || (arp.op === ARPOP_REPLY && net.fib.addrType(sip) === "unicast"))) n = neighLookup(dev, sip, true);
  if (!n) return;
  const override = net.now > n.updated + parms(dev).locktime * 10 || isGarp;
  const state: NudState = arp.op !== ARPOP_REPLY || skb.pktType !== "host" ? "stale" : "reachable";
  if (net.tracing) net.trace(dev, "arp_process", `${formatIpv4(sip)} is-at ${sha}: neigh_update ${state}${override ? "" : " (within locktime, no override)"}`);
  neighUpdate(n, sha, state, { override });
}

/** arp_accept: 0 never, 1 always, 2 only for senders in one of the device's subnets. */
function arpAccept(inDev: InDevice, sip: Ipv4): boolean {
  const v = IN_DEV_ARP_ACCEPT(inDev);
  if (v === 1) return true;
  if (v === 2) return inDev.ifaList.some((ifa) => inPrefix(sip, ifa.local, ifa.prefixlen));
  return false;
}

