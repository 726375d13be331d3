// net/ipv6/ndisc.c: neighbour discovery over ICMPv6. nd_tbl's constructor,
// solicit and error_report (the NUD state machine itself is neighbour.ts),
// sending NS/NA/RS (ndisc_send_ns/na/rs) and receiving NS and NA
// (ndisc_recv_ns/na), including duplicate address detection's side of them.

import type { Icmp6Repr, NdOpt } from "../../wire/icmpv6.js";
import { ICMPV6_ADDR_UNREACH } from "../../wire/icmpv6.js";
import type { Ipv6Repr } from "../../wire/ipv6.js";
import { IN6ADDR_ANY, IN6ADDR_LINKLOCAL_ALLNODES, ipv6IsAny, ipv6IsMulticast, ipv6McastMac, solicitedNode, type Ipv6 } from "../../wire/ipv6-addr.js";
import { IFF_LOOPBACK, IFF_NOARP, type NetDevice } from "../devices/net-device.js";
import { neighLookup, neighUpdate, type Neighbour } from "../neigh/neighbour.js";
import type { SkBuff } from "../skb.js";
import { addrconfDadFailure, ipv6GetIfaddr, ipv6GetLladdr } from "./addrconf.js";
import { icmp6Send } from "./icmp.js";
import { ip6FinishOutput2 } from "./ip6-output.js";
import { pndiscAnswers, pneighLookup6 } from "./pndisc.js";
import { ipv6DevGetSaddr } from "./route.js";
import { kernelFn } from "../fork.js";
import { rngBelow } from "../rng.js";

/** ndisc_constructor: multicast addresses map to 33:33:..., NOARP and loopback devices need no resolution. */
export function ndiscConstructor(n: Neighbour): void {
  const dev = n.dev;
  const key = n.key as Ipv6;
  if (ipv6IsMulticast(key)) {
    n.state = "noarp";
    n.ha = ipv6McastMac(key);
  } else if (dev.flags & (IFF_NOARP | IFF_LOOPBACK)) {
    n.state = "noarp";
    n.ha = dev.mac;
  }
}

/** ndisc_send_skb: an ND message out of dev, hop limit 255, through the neighbour of its destination. */
function ndiscSendSkb(dev: NetDevice, src: Ipv6, dst: Ipv6, icmp: Icmp6Repr): void {
  const net = dev.net;
  net.mibInc("Icmp6OutMsgs");
  const ip6: Ipv6Repr = { tclass: 0, flowLabel: 0, hopLimit: 255, src, dst, payload: { kind: "icmpv6", icmp } };
  ip6FinishOutput2(ip6, dev, dst);
}

/** ndisc_send_ns: a source link-layer option unless the source is :: (DAD), and the DAD nonce. */
export function ndiscSendNs(dev: NetDevice, target: Ipv6, daddr: Ipv6, saddr: Ipv6 | null, nonce: Uint8Array | null): void {
  let src = saddr;
  if (src === null) {
    src = ipv6GetLladdr(dev);
    if (src === null) return;
  }
  const opts: NdOpt[] = [];
  if (!ipv6IsAny(src)) opts.push({ type: "source-lladdr", mac: dev.mac });
  if (nonce) opts.push({ type: "nonce", nonce });
  const net = dev.net;
  if (net.tracing) net.trace(dev, "ndisc_send_ns", `who has ${target} (to ${daddr}, from ${src})`, ipv6IsAny(src) ? "duplicate address detection" : undefined);
  ndiscSendSkb(dev, src, daddr, { type: "ns", target, opts });
}

/**
 * ndisc_send_na: from the target itself when it is ours; an answer to a DAD
 * probe (daddr ::) goes to all nodes, unsolicited.
 */
export function ndiscSendNa(dev: NetDevice, daddr: Ipv6, target: Ipv6, router: boolean, solicited: boolean, override: boolean, incOpt: boolean): void {
  let dst = daddr;
  if (ipv6IsAny(dst)) {
    dst = IN6ADDR_LINKLOCAL_ALLNODES;
    solicited = false;
  }
  const ifp = ipv6GetIfaddr(dev.net, target, dev);
  // For a proxied target (solicited_addr != src_addr) the source is chosen for the destination.
  const src = ifp ? target : ipv6DevGetSaddr(dev.net, dev, dst);
  if (src === null) return;
  const net = dev.net;
  if (net.tracing) net.trace(dev, "ndisc_send_na", `${target} is at ${dev.mac} (to ${dst})`);
  ndiscSendSkb(dev, src, dst, { type: "na", router, solicited, override, target, opts: incOpt ? [{ type: "target-lladdr", mac: dev.mac }] : [] });
}

/** ndisc_send_rs: to all routers, with the source link-layer option when the source is an address. */
export function ndiscSendRs(dev: NetDevice, saddr: Ipv6, daddr: Ipv6): void {
  const net = dev.net;
  if (net.tracing) net.trace(dev, "ndisc_send_rs", `router solicitation from ${saddr}`);
  ndiscSendSkb(dev, saddr, daddr, { type: "rs", opts: ipv6IsAny(saddr) ? [] : [{ type: "source-lladdr", mac: dev.mac }] });
}

/**
 * ndisc_solicit: the waiting packet's source when it is ours (else the
 * device's link-local), unicast to the known address while probing a
 * STALE entry, multicast to the solicited-node group otherwise.
 */
export function ndiscSolicit(n: Neighbour, last: Ipv6Repr | null): void {
  const dev = n.dev;
  const target = n.key as Ipv6;
  const p = dev.in6Dev!.ndParms;
  let saddr: Ipv6 | null = null;
  if (last) {
    const ifp = ipv6GetIfaddr(dev.net, last.src, dev);
    if (ifp && !ifp.tentative) saddr = last.src;
  }
  let probes = n.probes - p.ucast_solicit;
  if (probes < 0) {
    if (n.ha) ndiscSendNs(dev, target, target, saddr, null);
    return;
  }
  probes -= p.app_solicit;
  if (probes < 0) return;
  ndiscSendNs(dev, target, solicitedNode(target), saddr, null);
}

/** ndisc_error_report -> ip6_link_failure: address unreachable for each packet that waited in vain. */
export function ndiscErrorReport(n: Neighbour, ip6: Ipv6Repr): void {
  icmp6Send(n.dev.net, ip6, { type: "dest-unreach", code: ICMPV6_ADDR_UNREACH }, null);
}

const lladdrOpt = (opts: readonly NdOpt[], type: "source-lladdr" | "target-lladdr"): string | null => {
  for (const o of opts) if (o.type === type) return o.mac;
  return null;
};

const nonceOf = (opts: readonly NdOpt[]): string | null => {
  for (const o of opts) if (o.type === "nonce") return [...o.nonce].join(",");
  return null;
};

/** ndisc_rcv: hop limit 255 or nothing, then by type. */
export function ndiscRcv(skb: SkBuff, ip6: Ipv6Repr, icmp: Icmp6Repr): void {
  if (ip6.hopLimit !== 255) return;
  if (icmp.type === "ns") ndiscRecvNs(skb, ip6, icmp);
  else if (icmp.type === "na") ndiscRecvNa(skb, ip6, icmp);
  else if (icmp.type === "rs") ndiscRecvRs(skb, ip6, icmp);
}

function ndiscRecvNs(skb: SkBuff, ip6: Ipv6Repr, ns: Extract<Icmp6Repr, { type: "ns" }>): void {
  const dev = skb.dev;
  const net = dev.net;
  const idev = dev.in6Dev;
  if (!idev || ipv6IsMulticast(ns.target)) return;
  const dad = ipv6IsAny(ip6.src);
  const lladdr = lladdrOpt(ns.opts, "source-lladdr");
  // RFC 4861 7.1.1: a DAD probe goes to a solicited-node group and carries no source link-layer address.
  if (dad && (!ip6.dst.startsWith("ff02::1:ff") || lladdr)) return;
  const ifp = ipv6GetIfaddr(net, ns.target, dev);
  const inc = ipv6IsMulticast(ip6.dst);
  if (!ifp) {
    const proxied = pneighLookup6(net, ns.target, dev) !== null;
    if (!proxied || !pndiscAnswers(dev)) {
      const why = !proxied ? `not an address of ${dev.name}` : `a proxy entry, but ${dev.name} does not forward with proxy_ndp on (forwarding ${idev.cnf.forwarding}, proxy_ndp all ${net.ipv6ConfAll.proxy_ndp}, ${dev.name} ${idev.cnf.proxy_ndp})`;
      if (net.tracing) net.trace(dev, "ndisc_recv_ns", `ignore who has ${ns.target}`, why);
      return;
    }
    const proxyDelayMs = idev.ndParms.proxy_delay * 10;
    if (!skb.locallyEnqueued && skb.pktType !== "host" && inc && proxyDelayMs !== 0) {
      // pneigh_enqueue: a multicast solicitation for a proxied address waits a random time below proxy_delay.
      const delay = rngBelow(net.kernel.sim.rng6, proxyDelayMs);
      if (net.tracing) net.trace(dev, "pneigh_enqueue", `who has ${ns.target}`, `a proxied address: answered after ${delay} ms`);
      net.kernel.sim.queue.schedule(delay, pndiscRedo, "timer", { skb: { ...skb, locallyEnqueued: true }, ip6, ns });
      return;
    }
    // pndisc_is_router: an entry added without `router` answers with the router flag clear.
    if (dad) {
      ndiscSendNa(dev, IN6ADDR_ANY, ns.target, false, false, false, true);
      return;
    }
    const n = neighLookup(dev, ip6.src, !inc || lladdr !== null);
    if (n) neighUpdate(n, lladdr, "stale", { override: true, weakOverride: true });
    if (net.tracing) net.trace(dev, "ndisc_recv_ns", `proxy answer who has ${ns.target} from ${ip6.src}`, "proxy_ndp and a proxy entry for the target");
    ndiscSendNa(dev, ip6.src, ns.target, false, true, false, inc);
    return;
  }
  if (ifp.tentative) {
    if (!dad) {
      if (net.tracing) net.trace(dev, "ndisc_recv_ns", `ignore who has ${ns.target}`, `${ns.target} is ${ifp.dadfailed ? "dadfailed (duplicate address detection found it in use)" : "tentative (duplicate address detection has not ended)"}`);
      return;
    }
    // Enhanced DAD: our own probe looped back carries our nonce.
    const nonce = nonceOf(ns.opts);
    if (nonce !== null && ifp.dadNonce !== null && nonce === [...ifp.dadNonce].join(",")) return;
    if (!ifp.dadfailed) addrconfDadFailure(ifp, `another node probes for ${ns.target} (DAD NS)`);
    return;
  }
  const isRouter = idev.cnf.forwarding !== 0;
  if (dad) {
    if (net.tracing) net.trace(dev, "ndisc_recv_ns", `defend ${ns.target}`, "a duplicate address detection probe for one of our addresses");
    ndiscSendNa(dev, IN6ADDR_ANY, ns.target, isRouter, false, true, true);
    return;
  }
  const n = neighLookup(dev, ip6.src, !inc || lladdr !== null);
  if (n) neighUpdate(n, lladdr, "stale", { override: true, weakOverride: true });
  if (net.tracing) net.trace(dev, "ndisc_recv_ns", `answer who has ${ns.target} from ${ip6.src}`, "the target is an address of this device");
  ndiscSendNa(dev, ip6.src, ns.target, isRouter, true, true, inc);
}

/** pndisc_redo: a delayed solicitation is processed again, as if enqueued locally. */
function pndiscRedo(q: { skb: SkBuff; ip6: Ipv6Repr; ns: Extract<Icmp6Repr, { type: "ns" }> }): void {
  ndiscRecvNs(q.skb, q.ip6, q.ns);
}
kernelFn(pndiscRedo);

function ndiscRecvNa(skb: SkBuff, ip6: Ipv6Repr, na: Extract<Icmp6Repr, { type: "na" }>): void {
  const dev = skb.dev;
  const net = dev.net;
  if (!dev.in6Dev || ipv6IsMulticast(na.target)) return;
  if (ipv6IsMulticast(ip6.dst) && na.solicited) return;
  const lladdr = lladdrOpt(na.opts, "target-lladdr");
  const ifp = ipv6GetIfaddr(net, na.target, dev);
  if (ifp) {
    if (skb.pktType !== "loopback" && ifp.tentative && !ifp.dadfailed) addrconfDadFailure(ifp, `${na.target} is advertised by ${lladdr ?? "another node"} (NA)`);
    return;
  }
  const n = neighLookup(dev, na.target, false);
  if (!n) {
    if (net.tracing) net.trace(dev, "ndisc_recv_na", `ignore ${na.target} is at ${lladdr ?? "?"}`, "no neighbour entry waits for it");
    return;
  }
  const state = na.solicited ? "reachable" : "stale";
  if (net.tracing) net.trace(dev, "ndisc_recv_na", `${na.target} is at ${lladdr ?? n.ha ?? "?"}: neigh_update ${state}`);
  neighUpdate(n, lladdr, state, { override: na.override, weakOverride: true, isRouter: na.router });
}

/** ndisc_recv_rs: only a router (forwarding) learns the soliciting host as STALE. */
function ndiscRecvRs(skb: SkBuff, ip6: Ipv6Repr, rs: Extract<Icmp6Repr, { type: "rs" }>): void {
  const dev = skb.dev;
  if (!dev.in6Dev?.cnf.forwarding || ipv6IsAny(ip6.src)) return;
  const lladdr = lladdrOpt(rs.opts, "source-lladdr");
  const n = neighLookup(dev, ip6.src, true);
  if (n) neighUpdate(n, lladdr, "stale", { override: true, weakOverride: true, isRouter: false });
}
