// RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE: `ip route add/del/get/show`,
// with the nexthop checks of fib_create_info / fib_check_nh.

import { networkOf, type Ipv4 } from "../wire/ipv4-addr.js";
import type { NetDevice } from "./devices/net-device.js";
import { fail, ok, type KResult } from "./errno.js";
import {
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RT_SCOPE_NOWHERE,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_LOCAL,
  RT_TABLE_MAIN,
  TYPE_MIN_SCOPE,
  type FibNh,
  type FibRoute,
  type RouteType,
} from "./ipv4/fib.js";
import { ipRouteInputSlow, ipRouteOutput, type Rtable } from "./ipv4/route.js";
import type { Net } from "./net.js";

export interface RouteRequest {
  dst: Ipv4;
  len: number;
  table?: number;
  type?: RouteType;
  dev?: NetDevice;
  gw?: Ipv4;
  src?: Ipv4;
  metric?: number;
  /** Default as iproute2 picks it: host for local, link for broadcast or a route without gateway, else universe. */
  scope?: number;
  protocol?: string;
  onlink?: boolean;
}

export type RouteAddMode = "add" | "append" | "prepend" | "replace";

const ERROR_TYPES: ReadonlySet<RouteType> = new Set(["blackhole", "unreachable", "prohibit", "throw"]);

function defaultScope(type: RouteType, gw: Ipv4 | undefined): number {
  if (type === "local") return RT_SCOPE_HOST;
  if (type === "broadcast" || type === "multicast") return RT_SCOPE_LINK;
  if (type === "unicast" && !gw) return RT_SCOPE_LINK;
  return RT_SCOPE_UNIVERSE;
}

/** fib_check_nh: resolve the nexthop's device and scope, or say why it is invalid. */
function fibCheckNh(net: Net, req: RouteRequest, scope: number, table: number): KResult<FibNh> {
  const dev = req.dev ?? null;
  const gw = req.gw ?? 0;
  const nh = (d: NetDevice | null, nhScope: number): FibNh => ({ dev: d, gw, scope: nhScope, onlink: req.onlink ?? false, dead: false, linkdown: d ? !d.carrier : false });
  if (!gw) {
    if (req.onlink) return fail("EINVAL", "Invalid flags for nexthop - PERVASIVE and ONLINK can not be set");
    if (!dev || !dev.inDev) return fail("ENODEV");
    if (!dev.isUp) return fail("ENETDOWN", "Device for nexthop is not up");
    return ok(nh(dev, RT_SCOPE_HOST));
  }
  if (req.onlink) {
    if (!dev) return fail("EINVAL", "Nexthop device required for onlink");
    if (!dev.isUp) return fail("ENETDOWN", "Nexthop device is not up");
    if (net.fib.addrType(gw) !== "unicast") return fail("EINVAL", "Nexthop has invalid gateway");
    return ok(nh(dev, RT_SCOPE_LINK));
  }
  const fl = { daddr: gw, saddr: 0, oif: dev?.ifindex ?? 0, scope: Math.max(scope + 1, RT_SCOPE_LINK) };
  let res = table !== RT_TABLE_MAIN ? net.fib.table(table).lookup(fl, true) : null;
  if (!res || !res.ok) res = net.fib.lookup(fl, true);
  // fib_check_nh_v4_gw: a failed lookup's own errno (ENETUNREACH for no route), EINVAL for a route of another type.
  if (!res.ok) return fail(res.errno, "Nexthop has invalid gateway");
  if (res.res.type !== "unicast" && res.res.type !== "local") return fail("EINVAL", "Nexthop has invalid gateway");
  const d = res.res.dev;
  if (!d) return fail("EINVAL", "No egress device for nexthop gateway");
  if (!d.isUp) return fail("ENETDOWN");
  return ok(nh(d, res.res.route.scope));
}

/** inet_rtm_newroute: `add` is NLM_F_EXCL, `append` NLM_F_APPEND, `replace` NLM_F_REPLACE. */
export function routeAdd(net: Net, req: RouteRequest, mode: RouteAddMode = "add"): KResult<FibRoute> {
  const type = req.type ?? "unicast";
  const table = req.table ?? (type === "local" || type === "broadcast" ? RT_TABLE_LOCAL : RT_TABLE_MAIN);
  const scope = req.scope ?? defaultScope(type, req.gw);
  if (req.len < 0 || req.len > 32) return fail("EINVAL");
  if (networkOf(req.dst, req.len) !== req.dst) return fail("EINVAL", "Invalid prefix for given prefix length");
  if (scope > RT_SCOPE_HOST || TYPE_MIN_SCOPE[type] > scope) return fail("EINVAL", "Invalid scope");
  if (req.src && !(type === "local" && req.src === req.dst) && net.fib.addrType(req.src) !== "local") return fail("EINVAL", "Invalid prefsrc address");
  let nh: FibNh;
  if (ERROR_TYPES.has(type)) {
    nh = { dev: req.dev ?? null, gw: 0, scope: RT_SCOPE_NOWHERE, onlink: false, dead: false, linkdown: false };
  } else if (scope === RT_SCOPE_HOST) {
    if (req.gw) return fail("EINVAL", "Route with host scope can not have a gateway");
    if (!req.dev) return fail("ENODEV");
    nh = { dev: req.dev, gw: 0, scope: RT_SCOPE_NOWHERE, onlink: false, dead: false, linkdown: false };
  } else {
    const c = fibCheckNh(net, req, scope, table);
    if (!c.ok) return c;
    nh = c.value;
  }
  const r: FibRoute = { table, dst: req.dst, len: req.len, type, scope, protocol: req.protocol ?? "boot", priority: req.metric ?? 0, prefsrc: req.src ?? 0, nh };
  const ins = net.fib.table(table).insert(r, { excl: mode === "add", append: mode === "append", replace: mode === "replace" });
  if (!ins.ok) return ins;
  if (type === "local" && r.protocol !== "kernel") net.fib.hasCustomLocalRoutes = true;
  return ok(r);
}

/** inet_rtm_delroute: the first route of the prefix that matches every field given. */
export function routeDel(net: Net, req: Partial<RouteRequest> & { dst: Ipv4; len: number }): KResult<FibRoute> {
  const table = req.table ?? (req.type === "local" || req.type === "broadcast" ? RT_TABLE_LOCAL : RT_TABLE_MAIN);
  const m: Parameters<ReturnType<typeof net.fib.table>["delete"]>[0] = { dst: networkOf(req.dst, req.len), len: req.len };
  if (req.type !== undefined) m.type = req.type;
  if (req.scope !== undefined && req.scope !== RT_SCOPE_NOWHERE) m.scope = req.scope;
  if (req.src) m.prefsrc = req.src;
  if (req.protocol !== undefined) m.protocol = req.protocol;
  if (req.metric) m.priority = req.metric;
  if (req.dev) m.dev = req.dev;
  if (req.gw) m.gw = req.gw;
  return net.fib.table(table).delete(m);
}

/** The routes of one table (main by default) in the fib_trie dump order `ip route show` prints: by address, longer prefix first. */
export function routeList(net: Net, table = RT_TABLE_MAIN): FibRoute[] {
  return net.fib
    .table(table)
    .routes()
    .sort((a, b) => a.dst - b.dst || b.len - a.len);
}

/** `ip route get ADDR [from SRC] [oif DEV]`: the output route, with the source it would pick. */
export function routeGet(net: Net, q: { daddr: Ipv4; saddr?: Ipv4; oif?: NetDevice }): KResult<Rtable> {
  const req: Parameters<typeof ipRouteOutput>[1] = { daddr: q.daddr };
  if (q.saddr) req.saddr = q.saddr;
  if (q.oif) req.oif = q.oif.ifindex;
  return ipRouteOutput(net, req);
}

/**
 * inet_rtm_getroute with iif: the input route a packet from `saddr` arriving
 * on `iif` would get (ip_route_input_rcu). A martian or a failed source check
 * is its error; a route whose input is ip_error answers with that error.
 */
export function routeGetInput(q: { daddr: Ipv4; saddr: Ipv4; iif: NetDevice }): KResult<Rtable> {
  const r = ipRouteInputSlow(q.daddr, q.saddr, q.iif, true);
  if (!r.ok) return fail(r.errno);
  if (r.rt.error) return fail(r.rt.error);
  return ok(r.rt);
}
