// net/ipv4/route.c: output route resolution (ip_route_output_key_hash_rcu,
// with source selection) and input routing (ip_route_input_slow), producing
// the rtable a packet carries as its dst.

import { ipv4IsLbcast, ipv4IsLocalMulticast, ipv4IsLoopback, ipv4IsMulticast, ipv4IsZeronet, INADDR_LOOPBACK, type Ipv4 } from "../../wire/ipv4-addr.js";
import { IFF_LOOPBACK, type NetDevice } from "../devices/net-device.js";
import { fail, ok, type KResult } from "../errno.js";
import type { Net } from "../net.js";
import { IN_DEV_BFORWARD, IN_DEV_FORWARD, IN_DEV_ROUTE_LOCALNET, IN_DEV_TX_REDIRECTS, inetSelectAddr, ipDevFind, type InDevice } from "./devinet.js";
import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, type FibResult, type RouteType } from "./fib.js";
import { fibValidateSource } from "./fib-frontend.js";

export type DstError = "EHOSTUNREACH" | "ENETUNREACH" | "EINVAL" | "EACCES";

export interface Rtable {
  readonly type: RouteType;
  /** dst.dev: where the packet leaves (lo for local delivery). */
  readonly dev: NetDevice;
  /** rt_gw4: 0 when the destination itself is the next hop. */
  readonly gw: Ipv4;
  /** fl4.saddr after selection (output routes only). */
  readonly src: Ipv4;
  readonly local: boolean;
  readonly broadcast: boolean;
  readonly input: boolean;
  /** The incoming device of an input route. */
  readonly iif: NetDevice | null;
  /** For ip_error: why this input route cannot deliver. */
  readonly error: DstError | null;
  /** IPSKB_DOREDIRECT: forwarded back out the ingress device to an on-link source. */
  readonly doRedirect: boolean;
  readonly fib: FibResult | null;
  readonly table: number;
}

export interface RouteOutputRequest {
  daddr: Ipv4;
  saddr?: Ipv4;
  oif?: number;
  /** RTO_ONLINK in the tos: only routes of scope link or narrower. */
  onlink?: boolean;
  /** FLOWI_FLAG_ANYSRC: the source need not be a local address (ipvlan's L3 egress). */
  anySrc?: boolean;
}

function rtable(p: Partial<Rtable> & Pick<Rtable, "type" | "dev">): Rtable {
  // Every field written out: one object shape for all routes (a spread would make each call site its own).
  return {
    type: p.type,
    dev: p.dev,
    gw: p.gw ?? 0,
    src: p.src ?? 0,
    local: p.local ?? false,
    broadcast: p.broadcast ?? false,
    input: p.input ?? false,
    iif: p.iif ?? null,
    error: p.error ?? null,
    doRedirect: p.doRedirect ?? false,
    fib: p.fib ?? null,
    table: p.table ?? 0,
  };
}

/**
 * The input routes made for each (route, ingress device), as the kernel keeps one per nexthop
 * (nhc_rth_input) instead of allocating a dst per packet. An Rtable never changes and says
 * nothing a later packet could see differently but doRedirect, which is compared.
 */
const INPUT_ROUTES = new WeakMap<FibResult, Map<NetDevice, RouteInput>>();

/** The rth of ip_route_input_slow's local_input and of __mkroute_input, for a packet in on IIF. */
function inputRoute(res: FibResult, iif: NetDevice, doRedirect: boolean): RouteInput {
  let byDev = INPUT_ROUTES.get(res);
  if (!byDev) INPUT_ROUTES.set(res, (byDev = new Map()));
  let r = byDev.get(iif);
  if (!r || (r.ok && r.rt.doRedirect !== doRedirect)) {
    const rt =
      res.type === "local"
        ? rtable({ type: "local", dev: iif.net.loopback, local: true, input: true, iif, fib: res, table: res.route.table })
        : rtable({ type: "unicast", dev: res.dev!, gw: res.gw && res.route.nh.scope === RT_SCOPE_LINK ? res.gw : 0, input: true, iif, doRedirect, fib: res, table: res.route.table });
    byDev.set(iif, (r = { ok: true, rt }));
  }
  return r;
}

/** fib_result_prefsrc: the route's src, else inet_select_addr on its device towards its gateway. */
function fibResultPrefsrc(res: FibResult): Ipv4 {
  if (res.route.prefsrc) return res.route.prefsrc;
  return res.dev ? inetSelectAddr(res.dev, res.gw, res.route.scope) : 0;
}

/** __mkroute_output, for the source and destination ip_route_output_key_hash_rcu has settled on. */
function mkrouteOutput(saddr: Ipv4, daddr: Ipv4, type: RouteType, dev: NetDevice, res: FibResult | null): KResult<Rtable> {
  if (ipv4IsLoopback(saddr) && !(dev.flags & IFF_LOOPBACK)) return fail("EINVAL");
  let t = type;
  if (ipv4IsLbcast(daddr)) t = "broadcast";
  else if (ipv4IsMulticast(daddr)) t = "multicast";
  else if (ipv4IsZeronet(daddr)) return fail("EINVAL");
  const local = t === "local" || t === "broadcast" || (dev.flags & IFF_LOOPBACK) !== 0;
  const gw = res && res.gw && res.route.nh.scope === RT_SCOPE_LINK ? res.gw : 0;
  return ok(rtable({ type: t, dev, gw, src: saddr, local, broadcast: t === "broadcast", fib: res, table: res?.route.table ?? 0 }));
}

/** ip_route_output_key_hash_rcu. */
export function ipRouteOutput(net: Net, req: RouteOutputRequest): KResult<Rtable> {
  let daddr = req.daddr;
  let saddr = req.saddr ?? 0;
  let oif = req.oif ?? 0;
  const scope = req.onlink ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  let devOut: NetDevice | null = null;

  if (saddr) {
    if (ipv4IsMulticast(saddr) || ipv4IsLbcast(saddr) || ipv4IsZeronet(saddr)) return fail("EINVAL");
    if (oif === 0 && (ipv4IsMulticast(daddr) || ipv4IsLbcast(daddr))) {
      devOut = ipDevFind(net, saddr);
      if (!devOut) return fail("ENETUNREACH");
      return mkrouteOutput(saddr, daddr, "unicast", devOut, null);
    }
    if (!req.anySrc && !ipDevFind(net, saddr)) return fail("ENETUNREACH");
  }
  if (oif) {
    devOut = net.devByIndex(oif) ?? null;
    if (!devOut) return fail("ENODEV");
    if (!devOut.isUp || !devOut.inDev) return fail("ENETUNREACH");
    if (ipv4IsLocalMulticast(daddr) || ipv4IsLbcast(daddr)) {
      if (!saddr) saddr = inetSelectAddr(devOut, 0, RT_SCOPE_LINK);
      return mkrouteOutput(saddr, daddr, "unicast", devOut, null);
    }
    if (!saddr) {
      if (ipv4IsMulticast(daddr)) saddr = inetSelectAddr(devOut, 0, scope);
      else if (!daddr) saddr = inetSelectAddr(devOut, 0, RT_SCOPE_HOST);
    }
  }
  if (!daddr) {
    daddr = saddr || INADDR_LOOPBACK;
    if (!saddr) saddr = INADDR_LOOPBACK;
    oif = net.loopback.ifindex;
    return mkrouteOutput(saddr, daddr, "local", net.loopback, null);
  }
  const lookup = net.fib.lookup({ daddr, saddr, oif, scope });
  if (!lookup.ok) {
    if (oif && devOut && lookup.errno === "ENETUNREACH") {
      // "Apparently, routing tables are wrong. Assume, that the destination is on link."
      if (!saddr) saddr = inetSelectAddr(devOut, 0, RT_SCOPE_LINK);
      return mkrouteOutput(saddr, daddr, "unicast", devOut, null);
    }
    return fail(lookup.errno);
  }
  const res = lookup.res;
  if (res.type === "local") {
    if (!saddr) saddr = res.route.prefsrc || daddr;
    return mkrouteOutput(saddr, daddr, "local", net.loopback, res);
  }
  if (!saddr) saddr = fibResultPrefsrc(res);
  if (!res.dev) return fail("ENETUNREACH");
  return mkrouteOutput(saddr, daddr, res.type, res.dev, res);
}

export type RouteInput = { readonly ok: true; readonly rt: Rtable } | { readonly ok: false; readonly errno: "EINVAL" | "EXDEV"; readonly why: string };

function martianInput(net: Net, why: string): RouteInput {
  net.mibInc("IpInAddrErrors");
  return { ok: false, errno: "EINVAL", why };
}

/**
 * The no_route routes made for each route (or, with none, each ingress device), by ingress
 * device and error: made once, as inputRoute's are, since every namespace on a segment that
 * does not forward makes one for each broadcast ARP request it hears.
 */
const NO_ROUTE_INPUTS = new WeakMap<object, Map<NetDevice, Partial<Record<DstError, RouteInput & { ok: true }>>>>();

/** The no_route label: an input route whose input is ip_error. */
function noRouteInput(dev: NetDevice, error: DstError, res: FibResult | null): RouteInput {
  const owner: object = res ?? dev;
  let byDev = NO_ROUTE_INPUTS.get(owner);
  if (!byDev) NO_ROUTE_INPUTS.set(owner, (byDev = new Map()));
  let byError = byDev.get(dev);
  if (!byError) byDev.set(dev, (byError = {}));
  const r = byError[error];
  // A device moved to another namespace delivers to that one's loopback.
  if (r && r.rt.dev === dev.net.loopback) return r;
  return (byError[error] = { ok: true, rt: rtable({ type: "unreachable", dev: dev.net.loopback, input: true, iif: dev, error, fib: res }) });
}

/** The brd_input label of ip_route_input_slow. */
function brdRouteInput(saddr: Ipv4, dev: NetDevice, inDev: InDevice, isIp: boolean): RouteInput {
  if (!isIp) return { ok: false, errno: "EINVAL", why: "broadcast target in a non-IP packet" };
  if (!ipv4IsZeronet(saddr)) {
    const v = fibValidateSource(dev.net, saddr, 0, 0, dev, inDev);
    if (!v.ok) return { ok: false, errno: v.errno, why: v.why };
  }
  return { ok: true, rt: rtable({ type: "broadcast", dev: dev.net.loopback, local: true, broadcast: true, input: true, iif: dev }) };
}

/**
 * ip_route_input_slow for a packet (or ARP request) from saddr to daddr
 * arriving on dev. Martians and failed source validation are errors; "no
 * route" and "not forwarding" are routes whose input is ip_error.
 */
export function ipRouteInputSlow(daddr: Ipv4, saddr: Ipv4, dev: NetDevice, isIp: boolean): RouteInput {
  const net = dev.net;
  const inDev = dev.inDev;
  if (!inDev) return { ok: false, errno: "EINVAL", why: "no IPv4 on the device" };
  if (ipv4IsMulticast(saddr) || ipv4IsLbcast(saddr)) return martianInput(net, "martian source (multicast or broadcast)");
  if (ipv4IsLbcast(daddr) || (saddr === 0 && daddr === 0)) return brdRouteInput(saddr, dev, inDev, isIp);
  if (ipv4IsZeronet(saddr)) return martianInput(net, "martian source (0.0.0.0/8)");
  if (ipv4IsZeronet(daddr)) return martianInput(net, "martian destination (0.0.0.0/8)");
  if (ipv4IsLoopback(daddr)) {
    if (!IN_DEV_ROUTE_LOCALNET(inDev)) return martianInput(net, "martian destination (127.0.0.0/8, route_localnet=0)");
  } else if (ipv4IsLoopback(saddr)) {
    if (!IN_DEV_ROUTE_LOCALNET(inDev)) return martianInput(net, "martian source (127.0.0.0/8, route_localnet=0)");
  }
  const lookup = net.fib.lookup({ daddr, saddr, oif: 0, scope: RT_SCOPE_UNIVERSE });
  if (!lookup.ok) return noRouteInput(dev, IN_DEV_FORWARD(inDev) ? (lookup.errno === "ENETUNREACH" ? "ENETUNREACH" : lookup.errno) : "EHOSTUNREACH", null);
  const res = lookup.res;
  if (res.type === "broadcast") {
    if (!IN_DEV_BFORWARD(inDev)) return brdRouteInput(saddr, dev, inDev, isIp);
  }
  if (res.type === "local") {
    const v = fibValidateSource(net, saddr, daddr, 0, dev, inDev);
    if (!v.ok) return { ok: false, errno: v.errno, why: v.why };
    return inputRoute(res, dev, false);
  }
  if (!IN_DEV_FORWARD(inDev)) return noRouteInput(dev, "EHOSTUNREACH", res);
  if (res.type !== "unicast") return martianInput(net, `martian destination (route type ${res.type})`);
  // __mkroute_input
  const outDev = res.dev;
  if (!outDev || !outDev.inDev) return { ok: false, errno: "EINVAL", why: "output device has no IPv4" };
  const v = fibValidateSource(net, saddr, daddr, outDev.ifindex, dev, inDev);
  if (!v.ok) return { ok: false, errno: v.errno, why: v.why };
  const doRedirect = outDev === dev && v.onlink && IN_DEV_TX_REDIRECTS(outDev.inDev) && isIp;
  return inputRoute(res, dev, doRedirect);
}

/** The next hop a packet on this route is resolved to (rt_nexthop). */
export const rtNexthop = (rt: Rtable, daddr: Ipv4): Ipv4 => rt.gw || daddr;

export const isHostScope = (scope: number): boolean => scope >= RT_SCOPE_HOST;
