// net/ipv4/fib_frontend.c and the device/address event handling of
// fib_semantics.c: the routes that addresses create and remove
// (fib_add_ifaddr / fib_del_ifaddr), what a device going down or away does to
// the FIB, and fib_validate_source (rp_filter, accept_local).

import { broadcastOf, ipv4IsZeronet, networkOf, type Ipv4 } from "../../wire/ipv4-addr.js";
import { IFF_LOOPBACK, type NetDevice } from "../devices/net-device.js";
import type { Net } from "../net.js";
import { confSources, IN_DEV_ACCEPT_LOCAL, IN_DEV_RPFILTER, IN_DEV_TX_REDIRECTS, inetIfaByprefix, inetIfaMatch, ipDevFind, type InDevice, type InIfaddr } from "./devinet.js";
import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, type FibRoute, type RouteType } from "./fib.js";

/** fib_magic: the kernel's own routes, proto kernel, appended; a duplicate is silently ignored. */
function fibMagic(cmd: "add" | "del", type: RouteType, dst: Ipv4, len: number, prim: InIfaddr, dev: NetDevice, priority: number): void {
  const table = type === "unicast" ? RT_TABLE_MAIN : RT_TABLE_LOCAL;
  const scope = type === "local" ? RT_SCOPE_HOST : RT_SCOPE_LINK;
  const tb = dev.net.fib.table(table);
  if (cmd === "del") {
    tb.delete({ dst, len, type, prefsrc: prim.local, dev, protocol: "kernel" });
    return;
  }
  const r: FibRoute = {
    table,
    dst,
    len,
    type,
    scope,
    protocol: "kernel",
    priority,
    prefsrc: prim.local,
    nh: { dev, gw: 0, scope: type === "local" ? RT_SCOPE_NOWHERE : RT_SCOPE_HOST, onlink: false, dead: false, linkdown: !dev.carrier },
  };
  tb.insert(r, { excl: false, append: true });
}

/** fib_add_ifaddr: the local route always; broadcast and prefix routes only while the device is up. */
export function fibAddIfaddr(inDev: InDevice, ifa: InIfaddr): void {
  const dev = inDev.dev;
  const prefix = networkOf(ifa.local, ifa.prefixlen);
  const prim = ifa.secondary ? inetIfaByprefix(inDev, prefix, ifa.mask) : ifa;
  if (!prim) return;
  fibMagic("add", "local", ifa.local, 32, prim, dev, 0);
  if (!dev.isUp) return;
  if (ifa.broadcast && ifa.broadcast !== 0xffffffff) fibMagic("add", "broadcast", ifa.broadcast, 32, prim, dev, 0);
  if (!ipv4IsZeronet(prefix) && !ifa.secondary && (prefix !== ifa.local || ifa.prefixlen < 32)) {
    if (!ifa.noprefixroute) fibMagic("add", dev.flags & IFF_LOOPBACK ? "local" : "unicast", prefix, ifa.prefixlen, prim, dev, ifa.rtPriority);
    if (ifa.prefixlen < 31) fibMagic("add", "broadcast", broadcastOf(ifa.local, ifa.prefixlen), 32, prim, dev, 0);
  }
}

const LOCAL_OK = 1;
const BRD_OK = 2;
const BRD0_OK = 4;
const BRD1_OK = 8;

/**
 * fib_del_ifaddr, for an address already unlinked from the device (or, on
 * promotion, a secondary about to change its primary: `iprim`). Routes that
 * another address still needs are kept: the scan sets LOCAL_OK/BRD_OK for
 * them. Addresses of the subnet being promoted are ignored, so their routes
 * go and come back with the new prefsrc.
 */
export function fibDelIfaddr(inDev: InDevice, ifa: InIfaddr, iprim: InIfaddr | null): void {
  const dev = inDev.dev;
  const brd = (ifa.local | ~ifa.mask) >>> 0;
  const any = (ifa.local & ifa.mask) >>> 0;
  let prim: InIfaddr = ifa;
  let prim1: InIfaddr | null = null;
  let ok = 0;
  let subnet = false;
  let gone = true;
  let samePrefsrc = false;
  if (ifa.secondary) {
    const p = inetIfaByprefix(inDev, any, ifa.mask);
    if (!p || (iprim && iprim !== p)) return; // the kernel warns "bug: prim == NULL" / "iprim != prim"
    prim = p;
  } else if (!ipv4IsZeronet(any) && (any !== ifa.local || ifa.prefixlen < 32)) {
    if (!ifa.noprefixroute) fibMagic("del", dev.flags & IFF_LOOPBACK ? "local" : "unicast", any, ifa.prefixlen, prim, dev, 0);
    subnet = true;
  }
  if (!inDev.dead) {
    for (const ifa1 of inDev.ifaList) {
      if (ifa1 === ifa) {
        gone = false; // promotion keeps the address
        continue;
      }
      if (iprim && ifa1.mask === iprim.mask && inetIfaMatch(ifa1.local, iprim)) continue;
      if (ifa1.secondary) {
        if (ifa1.mask === prim.mask && inetIfaMatch(ifa1.local, prim)) prim1 = prim;
        else {
          if (!samePrefsrc) continue;
          if (!prim1 || ifa1.mask !== prim1.mask || !inetIfaMatch(ifa1.local, prim1)) prim1 = inetIfaByprefix(inDev, ifa1.local, ifa1.mask);
          if (!prim1 || prim1.local !== prim.local) continue;
        }
      } else {
        if (prim.local !== ifa1.local) continue;
        prim1 = ifa1;
        if (prim !== prim1) samePrefsrc = true;
      }
      if (ifa.local === ifa1.local) ok |= LOCAL_OK;
      if (ifa.broadcast === ifa1.broadcast) ok |= BRD_OK;
      if (brd === ifa1.broadcast) ok |= BRD1_OK;
      if (any === ifa1.broadcast) ok |= BRD0_OK;
      // A primary has network-specific broadcasts.
      if (prim1 === ifa1 && ifa1.prefixlen < 31) {
        const brd1 = (ifa1.local | ~ifa1.mask) >>> 0;
        const any1 = (ifa1.local & ifa1.mask) >>> 0;
        if (!ipv4IsZeronet(any1)) {
          if (ifa.broadcast === brd1 || ifa.broadcast === any1) ok |= BRD_OK;
          if (brd === brd1 || brd === any1) ok |= BRD1_OK;
          if (any === brd1 || any === any1) ok |= BRD0_OK;
        }
      }
    }
  }
  if (!(ok & BRD_OK)) fibMagic("del", "broadcast", ifa.broadcast, 32, prim, dev, 0);
  if (subnet && ifa.prefixlen < 31) {
    if (!(ok & BRD1_OK)) fibMagic("del", "broadcast", brd, 32, prim, dev, 0);
    if (!(ok & BRD0_OK)) fibMagic("del", "broadcast", any, 32, prim, dev, 0);
  }
  if (!(ok & LOCAL_OK)) {
    fibMagic("del", "local", ifa.local, 32, prim, dev, 0);
    // The address finally gone: routes that used it as prefsrc die (fib_sync_down_addr + fib_flush).
    // inet_addr_type_dev_table takes the device only for its l3mdev table: the address is gone
    // when no device of the netns holds it any more, and only then go the routes using it as src.
    if (gone && dev.net.fib.addrType(ifa.local) !== "local") dev.net.fib.flush((r) => r.prefsrc === ifa.local);
  }
}

/**
 * fib_sync_down_dev + fib_flush. Without `force` (link down), nexthops of
 * scope NOWHERE survive: that keeps the local routes, so a local address on
 * a down device still answers. With `force` (unregister, last address gone)
 * every route through the device goes.
 */
export function fibDisableIp(dev: NetDevice, force: boolean): FibRoute[] {
  return dev.net.fib.flush((r) => r.nh.dev === dev && (force || r.nh.scope !== RT_SCOPE_NOWHERE));
}

/** NETDEV_UP: fib_add_ifaddr for every address (the local routes are already there). */
export function fibNetdevUp(dev: NetDevice): void {
  const inDev = dev.inDev;
  if (!inDev) return;
  for (const ifa of inDev.ifaList) fibAddIfaddr(inDev, ifa);
}

/** NETDEV_CHANGE (carrier): mark or clear RTNH_F_LINKDOWN on the device's nexthops. */
export function fibSyncCarrier(dev: NetDevice): void {
  for (const t of dev.net.fib.tables.values()) for (const r of t.routes()) if (r.nh.dev === dev && r.nh.scope !== RT_SCOPE_NOWHERE) r.nh.linkdown = !dev.carrier;
}

export type ValidateSource = { readonly ok: true; readonly onlink: boolean } | { readonly ok: false; readonly errno: "EINVAL" | "EXDEV"; readonly why: string };

// The two passing answers, shared: every packet routed in is validated, and these are most of them.
const VALID: ValidateSource = { ok: true, onlink: false };
const VALID_ONLINK: ValidateSource = { ok: true, onlink: true };

/**
 * fib_validate_source. `oif` is the output interface of a forwarded packet
 * (0 for local delivery). Returns onlink=true when the source is directly
 * connected (the caller uses it to decide on a redirect).
 */
export function fibValidateSource(net: Net, src: Ipv4, dst: Ipv4, oif: number, dev: NetDevice, inDev: InDevice): ValidateSource {
  const r = IN_DEV_RPFILTER(inDev);
  if (!r && (dev.ifindex !== oif || !IN_DEV_TX_REDIRECTS(inDev))) {
    if (IN_DEV_ACCEPT_LOCAL(inDev)) return VALID;
    if (!net.fib.hasCustomLocalRoutes && !net.fib.hasCustomRules) {
      // Within one netns its own address as a source is a martian.
      if (ipDevFind(net, src)) return { ok: false, errno: "EINVAL", why: "source is a local address of this netns (accept_local=0)" };
      return VALID;
    }
  }
  return fullValidateSource(net, src, dst, oif, dev, r, inDev);
}

/** __fib_validate_source: the reverse lookup. */
function fullValidateSource(net: Net, src: Ipv4, dst: Ipv4, _oif: number, dev: NetDevice, rpf: number, inDev: InDevice): ValidateSource {
  const noAddr = inDev.ifaList.length === 0;
  const lastResort = (): ValidateSource =>
    rpf ? { ok: false, errno: "EXDEV", why: `rp_filter=${rpf}: no route back to the source (${confSources(inDev, "rp_filter")})` } : VALID;
  const res = net.fib.lookup({ daddr: src, saddr: dst, oif: 0, scope: RT_SCOPE_UNIVERSE });
  if (!res.ok) return lastResort();
  if (res.res.type !== "unicast" && (res.res.type !== "local" || !IN_DEV_ACCEPT_LOCAL(inDev)))
    return { ok: false, errno: "EINVAL", why: `the route back to the source is ${res.res.type}` };
  const devMatch = res.res.dev === dev || (res.res.type === "local" && dev === net.loopback);
  if (devMatch) return res.res.route.nh.scope >= RT_SCOPE_HOST ? VALID_ONLINK : VALID;
  if (noAddr) return lastResort();
  if (rpf === 1) return { ok: false, errno: "EXDEV", why: `rp_filter=1: the route back to the source leaves by ${res.res.dev?.name ?? "?"}, not ${dev.name} (${confSources(inDev, "rp_filter")})` };
  const again = net.fib.lookup({ daddr: src, saddr: dst, oif: dev.ifindex, scope: RT_SCOPE_UNIVERSE }, true);
  return again.ok && again.res.type === "unicast" && again.res.route.nh.scope >= RT_SCOPE_HOST ? VALID_ONLINK : VALID;
}
