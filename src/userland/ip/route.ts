// `ip route add/del/replace/append/prepend/change/show/flush/get` for IPv4.

import {
  RT_TABLE_LOCAL,
  RT_TABLE_MAIN,
  routeAdd,
  routeDel,
  routeGet,
  routeGetInput,
  routeList,
  type FibRoute,
  type RouteAddMode,
  type RouteRequest,
  type RouteType,
} from "../../kernel/index.js";
import type { ExecResult, IpCommand, RouteSpec } from "../../shell/index.js";
import { ipv4IsMulticast, parseIpv4 } from "../../wire/ipv4-addr.js";
import { done, failWith, noDevice, notSimulated, rtnlError, type IpCtx, llNameToDev } from "./common.js";
import { scopeNumber } from "./addr.js";
import { jsonOut } from "./json.js";
import { route6Get, route6Modify, route6Show } from "./route6.js";
import { routeGetJson, routeGetText, routeJson, routeText, type RouteFormat } from "./route-format.js";

type ModifyCmd = Extract<IpCommand, { object: "route"; command: "add" | "delete" | "replace" | "change" | "append" | "prepend" }>;
type ListCmd = Extract<IpCommand, { object: "route"; command: "show" | "flush" }>;
type GetCmd = Extract<IpCommand, { object: "route"; command: "get" }>;

const KERNEL_TYPES: ReadonlySet<string> = new Set(["unicast", "local", "broadcast", "multicast", "blackhole", "unreachable", "prohibit", "throw"]);

export function tableId(name: string): number {
  return name === "main" ? RT_TABLE_MAIN : name === "local" ? RT_TABLE_LOCAL : name === "default" ? 253 : name === "unspec" ? 0 : Number(name);
}

function isInet6(s: RouteSpec): boolean {
  return s.to?.family === "inet6" || s.via?.family === "inet6" || s.src?.family === "inet6";
}

/** The request iproute2 builds: a missing destination is the default route, a bare address a /32. */
function request(ctx: IpCtx, s: RouteSpec): RouteRequest | ExecResult {
  const dst = s.to && !s.to.special ? parseIpv4(s.to.address)! : 0;
  const len = s.to ? (s.to.special ? 0 : (s.to.bits ?? 32)) : 0;
  const req: RouteRequest = { dst, len };
  if (s.type !== null) req.type = s.type as RouteType;
  if (s.table !== null) req.table = tableId(s.table);
  if (s.dev !== null) {
    const d = llNameToDev(ctx.net, s.dev);
    if (!d) return noDevice(s.dev);
    req.dev = d;
  }
  if (s.via) req.gw = parseIpv4(s.via.address)!;
  if (s.src) req.src = parseIpv4(s.src.address)!;
  if (s.metric !== null) req.metric = s.metric;
  if (s.scope !== null) req.scope = scopeNumber(s.scope);
  if (s.proto !== null) req.protocol = s.proto;
  if (s.onlink) req.onlink = true;
  return req;
}

const MODES: Record<ModifyCmd["command"], RouteAddMode> = { add: "add", replace: "replace", change: "replace", append: "append", prepend: "prepend", delete: "add" };

export function routeModify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const s = cmd.route;
  if (isInet6(s) || ctx.g.family === "inet6") return ctx.kernel.ipv6 ? route6Modify(ctx, cmd) : route6Disabled(ctx, cmd);
  if (s.type !== null && !KERNEL_TYPES.has(s.type)) return notSimulated(`ip route ${cmd.command} ${s.type}`);
  const req = request(ctx, s);
  if (!("dst" in req)) return req;
  if (cmd.command === "delete") {
    const r = routeDel(ctx.net, req);
    return r.ok ? done() : rtnlError(r);
  }
  const r = routeAdd(ctx.net, req, MODES[cmd.command]);
  return r.ok ? done() : rtnlError(r);
}

/**
 * An IPv6 route with IPv6 off (disable_ipv6): none is ever in the table, a
 * gateway off-link is unreachable (ip6_validate_gw), and a device route
 * stops at the device (ip6_route_info_create). Other kinds (unreachable,
 * blackhole, a route with no device) do go in the table: refused.
 */
function route6Disabled(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const s = cmd.route;
  if (s.dev !== null && !llNameToDev(ctx.net, s.dev)) return noDevice(s.dev);
  if (cmd.command === "delete") return rtnlError({ errno: "ESRCH" });
  if (s.type !== null && s.type !== "unicast") return notSimulated(`ip -6 route ${cmd.command} ${s.type}`);
  if (s.via) {
    if (/^fe[89ab]/i.test(s.via.address)) return notSimulated("ip -6 route via a link-local gateway");
    return rtnlError({ errno: "EHOSTUNREACH" });
  }
  if (s.dev === null) return notSimulated("ip -6 route without a device");
  return failWith("Error: IPv6 is disabled on nexthop device.\n", 2);
}

/** The routes a listing selects: one table (main by default, every table for `table all`), then the filters. */
function select(ctx: IpCtx, s: RouteSpec): { routes: FibRoute[]; fmt: RouteFormat } | ExecResult {
  const all = s.table === "all" || s.table === "0" || s.table === "unspec";
  const ids = all ? [...ctx.net.fib.tables.keys()].sort((a, b) => a - b) : [tableId(s.table ?? "main")];
  let routes = ids.flatMap((id) => routeList(ctx.net, id));
  let hideDev = false;
  if (s.dev !== null) {
    const d = llNameToDev(ctx.net, s.dev);
    if (!d) return noDevice(s.dev);
    routes = routes.filter((r) => r.nh.dev === d);
    hideDev = true;
  }
  if (s.to && !s.to.special) {
    const dst = parseIpv4(s.to.address)!;
    const len = s.to.bits ?? 32;
    routes = routes.filter((r) => r.dst === dst && r.len === len);
  } else if (s.to?.special === "default") routes = routes.filter((r) => r.len === 0);
  if (s.via) routes = routes.filter((r) => r.nh.gw === parseIpv4(s.via!.address));
  if (s.src) routes = routes.filter((r) => r.prefsrc === parseIpv4(s.src!.address));
  if (s.type !== null) routes = routes.filter((r) => r.type === s.type);
  if (s.scope !== null) routes = routes.filter((r) => r.scope === scopeNumber(s.scope!));
  if (s.proto !== null) routes = routes.filter((r) => r.protocol === s.proto);
  if (s.metric !== null) routes = routes.filter((r) => r.priority === s.metric);
  return { routes, fmt: { hideDev, showTable: all } };
}

/**
 * A dump of one table that fib_get_table does not find (made only by its first route, see
 * bind-before-local-table): inet_dump_fib answers ENOENT with its extack. Measured on Linux 6.1:
 * a listing of main (asked or not) passes, a flush of main and any other table do not.
 */
function missingTable(ctx: IpCtx, cmd: ListCmd): ExecResult | null {
  const t = cmd.route.table;
  if (t === null || t === "all" || t === "0" || t === "unspec") return null;
  const id = tableId(t);
  if (ctx.net.fib.tables.get(id)?.created || (id === RT_TABLE_MAIN && cmd.command !== "flush")) return null;
  return failWith(`Error: ipv4: FIB table does not exist.\n${cmd.command === "flush" ? "Flush" : "Dump"} terminated\n`, 2);
}

export function routeShow(ctx: IpCtx, cmd: ListCmd): ExecResult {
  if (ctx.g.family === "inet6" || isInet6(cmd.route)) {
    if (ctx.kernel.ipv6) return route6Show(ctx, cmd);
    // IPv6 off: there is no IPv6 route to list or flush.
    if (cmd.route.dev !== null && !llNameToDev(ctx.net, cmd.route.dev)) return noDevice(cmd.route.dev);
    return done(ctx.g.json && cmd.command === "show" ? "[]\n" : "");
  }
  const missing = missingTable(ctx, cmd);
  if (missing) return missing;
  const sel = select(ctx, cmd.route);
  if (!("routes" in sel)) return sel;
  if (cmd.command === "flush") {
    for (const r of sel.routes) routeDel(ctx.net, { dst: r.dst, len: r.len, table: r.table, type: r.type, ...(r.nh.dev ? { dev: r.nh.dev } : {}), ...(r.nh.gw ? { gw: r.nh.gw } : {}), ...(r.priority ? { metric: r.priority } : {}) });
    return done();
  }
  if (ctx.g.json) return done(jsonOut(sel.routes.map((r) => routeJson(r, sel.fmt)), ctx.g.pretty));
  return done(sel.routes.map((r) => routeText(r, sel.fmt)).join(""));
}

export function routeGetCmd(ctx: IpCtx, cmd: GetCmd): ExecResult {
  if (cmd.to.family === "inet6") {
    if (ctx.kernel.ipv6) return route6Get(ctx, cmd);
    for (const d of [cmd.iif, cmd.oif]) if (d !== null && !llNameToDev(ctx.net, d)) return noDevice(d);
    return rtnlError({ errno: "ENETUNREACH" });
  }
  const daddr = cmd.to.special ? 0 : parseIpv4(cmd.to.address)!;
  const saddr = cmd.from && !cmd.from.special ? parseIpv4(cmd.from.address)! : 0;
  if (cmd.iif !== null) {
    const iif = ctx.net.devByName(cmd.iif);
    if (!iif) return noDevice(cmd.iif);
    if (ipv4IsMulticast(daddr)) return notSimulated("ip route get MULTICAST iif");
    const r = routeGetInput({ daddr, saddr, iif });
    if (!r.ok) return rtnlError(r);
    if (ctx.g.json) return done(jsonOut([routeGetJson(daddr, saddr, r.value)], ctx.g.pretty));
    return done(routeGetText(daddr, saddr, r.value));
  }
  const q: Parameters<typeof routeGet>[1] = { daddr };
  if (saddr) q.saddr = saddr;
  if (cmd.oif !== null) {
    const d = ctx.net.devByName(cmd.oif);
    if (!d) return noDevice(cmd.oif);
    q.oif = d;
  }
  const r = routeGet(ctx.net, q);
  if (!r.ok) return rtnlError(r);
  if (ctx.g.json) return done(jsonOut([routeGetJson(daddr, saddr, r.value)], ctx.g.pretty));
  return done(routeGetText(daddr, saddr, r.value));
}
