// net/ipv6/route.c and ip6_fib.c: the IPv6 routing tables local and main
// (fib6_info entries), listed in fib6 tree order, looked up as
// fib6_table_lookup does (longest prefix, then metric, a device required by
// an oif or a link-local destination, backtracking to shorter prefixes),
// local table first as the default rules say; and source address selection
// (ipv6_dev_get_saddr, RFC 6724).

import { ipv6InPrefix, ipv6IsLinkLocal, ipv6IsLoopback, ipv6IsMulticast, ipv6ToBytes, type Ipv6 } from "../../wire/ipv6-addr.js";
import type { NetDevice } from "../devices/net-device.js";
import { fail, ok, type KResult } from "../errno.js";
import type { Net } from "../net.js";
import type { Inet6Ifaddr } from "./addrconf.js";

export type Rt6Type = "unicast" | "local" | "multicast" | "unreachable" | "blackhole" | "prohibit";
export type Rt6Table = "main" | "local";

/** struct fib6_info, with its one nexthop. */
export interface Fib6Info {
  readonly table: Rt6Table;
  readonly type: Rt6Type;
  readonly dst: Ipv6;
  readonly plen: number;
  /** The nexthop device (fib6_nh->fib_nh_dev): what `ip -6 route` prints after dev. */
  readonly dev: NetDevice;
  readonly gateway: Ipv6 | null;
  readonly metric: number;
  readonly proto: "kernel" | "boot" | "static";
}

/** The result of a lookup: the entry and where the packet goes. */
export interface Rt6Info {
  readonly fib: Fib6Info;
  /** dst.dev: a local route sends through lo. */
  readonly dev: NetDevice;
  readonly gateway: Ipv6 | null;
}

/** Bits of a against b on the first `len` bits: -1, 0 or 1. */
function cmpBits(a: Uint8Array, b: Uint8Array, len: number): number {
  for (let i = 0; i < 16 && len > 0; i++, len -= 8) {
    const mask = len >= 8 ? 0xff : (0xff << (8 - len)) & 0xff;
    const x = a[i]! & mask;
    const y = b[i]! & mask;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * fib6_walk's order: the tree is walked left (0 bits) before right, and a
 * node's own routes after its children's, so a prefix comes after the longer
 * prefixes inside it; routes of one prefix by metric, then as they were added.
 */
export function fib6Order(a: Fib6Info, b: Fib6Info): number {
  const c = cmpBits(ipv6ToBytes(a.dst)!, ipv6ToBytes(b.dst)!, Math.min(a.plen, b.plen));
  if (c !== 0) return c;
  if (a.plen !== b.plen) return b.plen - a.plen;
  return a.metric - b.metric;
}

/** The routes of a table in the order `ip -6 route` lists them. */
export function fib6Dump(net: Net, table: Rt6Table): Fib6Info[] {
  return net.fib6.filter((r) => r.table === table).sort(fib6Order);
}

/** fib6_add: EEXIST for the same prefix, metric and nexthop. */
export function fib6Add(net: Net, r: Fib6Info): KResult {
  if (net.fib6.some((x) => x.table === r.table && x.dst === r.dst && x.plen === r.plen && x.metric === r.metric && (x.type !== "unicast" || r.type !== "unicast" || (x.dev === r.dev && x.gateway === r.gateway)))) return fail("EEXIST");
  net.fib6.push(r);
  return ok(undefined);
}

export function fib6Del(net: Net, match: (r: Fib6Info) => boolean): boolean {
  const i = net.fib6.findIndex(match);
  if (i < 0) return false;
  net.fib6.splice(i, 1);
  return true;
}

/** rt6_sync_down_dev / rt6_disable_ip: every route through the device goes. */
export function rt6DelDev(net: Net, dev: NetDevice): void {
  for (let i = net.fib6.length - 1; i >= 0; i--) if (net.fib6[i]!.dev === dev) net.fib6.splice(i, 1);
}

/** rt6_need_strict: link-local and multicast destinations need their device. */
const needStrict = (a: Ipv6): boolean => ipv6IsLinkLocal(a) || ipv6IsMulticast(a);

/** fib6_table_lookup in one table: the longest prefix holding a usable route; null when none. */
function tableLookup(net: Net, table: Rt6Table, daddr: Ipv6, oif: NetDevice | null, strict: boolean): Fib6Info | null {
  const cands = net.fib6.filter((r) => r.table === table && ipv6InPrefix(daddr, r.dst, r.plen)).sort((a, b) => b.plen - a.plen || a.metric - b.metric);
  for (const r of cands) {
    if (!r.dev.isUp && r.type !== "unreachable" && r.type !== "blackhole" && r.type !== "prohibit") continue;
    if (oif && r.dev !== oif && strict) {
      // A local route matches an oif that is its device, or lo's.
      continue;
    }
    return r;
  }
  return null;
}

export interface Rt6Request {
  daddr: Ipv6;
  oif?: NetDevice | null;
  /** An input lookup: the device the packet came in on (strict for link-local destinations). */
  iif?: NetDevice | null;
}

/** ip6_route_output / ip6_route_input's lookup: the local table, then main. ENETUNREACH when nothing routes. */
export function ip6RouteLookup(net: Net, req: Rt6Request): KResult<Rt6Info> {
  const oif = req.oif ?? null;
  const strict = oif !== null || needStrict(req.daddr);
  const dev = oif ?? req.iif ?? null;
  for (const table of ["local", "main"] as const) {
    const r = tableLookup(net, table, req.daddr, dev, strict && dev !== null && dev !== net.loopback);
    if (!r) continue;
    // ip6_rt_init_dst_reject: an unreachable route's error is EHOSTUNREACH (only no route at all is ENETUNREACH).
    if (r.type === "unreachable" || r.type === "prohibit" || r.type === "blackhole") return fail(r.type === "prohibit" ? "EACCES" : r.type === "blackhole" ? "EINVAL" : "EHOSTUNREACH");
    return ok({ fib: r, dev: r.type === "local" ? net.loopback : r.dev, gateway: r.gateway });
  }
  return fail("ENETUNREACH");
}

/** IPV6_ADDR_SCOPE_*: the scope of an address for source selection (bigger is wider). */
export function ipv6AddrScope(a: Ipv6): number {
  if (ipv6IsMulticast(a)) return ipv6ToBytes(a)![1]! & 0x0f;
  if (ipv6IsLoopback(a) || ipv6IsLinkLocal(a)) return 0x02;
  return 0x0e;
}

/** Leading bits a and b share (RFC 6724 CommonPrefixLen). */
function commonPrefixLen(a: Ipv6, b: Ipv6): number {
  const x = ipv6ToBytes(a)!;
  const y = ipv6ToBytes(b)!;
  let n = 0;
  for (let i = 0; i < 16; i++) {
    const d = x[i]! ^ y[i]!;
    if (d === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(d) - 24;
  }
  return n;
}

/** Whether an address may be a source now: not tentative, not failed (IFA_F_TENTATIVE is skipped by ipv6_dev_get_saddr). */
export const ifaUsable = (a: Inet6Ifaddr): boolean => !a.tentative && !a.dadfailed;

/**
 * ipv6_dev_get_saddr: among the namespace's usable addresses, by RFC 6724's
 * rules as __ipv6_dev_get_saddr scores them: the destination itself, then
 * appropriate scope, then the outgoing device's own, then the longest
 * matching prefix. Link-local sources come only from the outgoing device.
 */
export function ipv6DevGetSaddr(net: Net, dstDev: NetDevice | null, daddr: Ipv6): Ipv6 | null {
  const dscope = ipv6AddrScope(daddr);
  let best: { a: Inet6Ifaddr; dev: NetDevice } | null = null;
  const better = (c: { a: Inet6Ifaddr; dev: NetDevice }, b: { a: Inet6Ifaddr; dev: NetDevice }): boolean => {
    if ((c.a.addr === daddr) !== (b.a.addr === daddr)) return c.a.addr === daddr;
    const cs = ipv6AddrScope(c.a.addr);
    const bs = ipv6AddrScope(b.a.addr);
    if (cs !== bs) return bs < cs ? bs < dscope : cs >= dscope;
    if ((c.dev === dstDev) !== (b.dev === dstDev)) return c.dev === dstDev;
    return commonPrefixLen(c.a.addr, daddr) > commonPrefixLen(b.a.addr, daddr);
  };
  for (const dev of net.devices.values()) {
    const idev = dev.in6Dev;
    if (!idev || !dev.isUp) continue;
    for (const a of idev.addrList) {
      if (!ifaUsable(a)) continue;
      // A link-local or loopback address is a source on its own link only.
      if (ipv6AddrScope(a.addr) <= 0x02 && dstDev && dev !== dstDev && !(dstDev === net.loopback)) continue;
      const c = { a, dev };
      if (!best || better(c, best)) best = c;
    }
  }
  return best?.a.addr ?? null;
}
