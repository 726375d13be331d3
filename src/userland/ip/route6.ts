// `ip -6 route add/del/replace/show/flush/get` over the simulated fib6 (net/ipv6/route.c).

import { fib6Add, fib6Del, fib6Dump, ip6RouteLookup, ipv6DevGetSaddr, type Fib6Info, type NetDevice } from "../../kernel/index.js";
import type { ExecResult, IpCommand } from "../../shell/index.js";
import { ipv6InPrefix, ipv6IsLinkLocal, ipv6Network, parseIpv6 } from "../../wire/ipv6-addr.js";
import { done, failWith, noDevice, notSimulated, rtnlError, type IpCtx, llNameToDev } from "./common.js";

type ModifyCmd = Extract<IpCommand, { object: "route"; command: "add" | "delete" | "replace" | "change" | "append" | "prepend" }>;
type ListCmd = Extract<IpCommand, { object: "route"; command: "show" | "flush" }>;
type GetCmd = Extract<IpCommand, { object: "route"; command: "get" }>;

/** IP6_RT_PRIO_USER: the metric of a route added by hand. */
const IP6_RT_PRIO_USER = 1024;

/** The prefix as print_route writes it: default, a bare address for /128, else ADDR/LEN. */
const dstText = (r: Fib6Info): string => (r.plen === 0 ? "default" : r.plen === 128 ? r.dst : `${r.dst}/${r.plen}`);

/** print_route for one fib6 entry; `table` when the listing spans tables. */
export function route6Text(r: Fib6Info, o: { hideDev?: boolean; table?: boolean } = {}): string {
  let s = r.type === "unicast" ? "" : `${r.type} `;
  s += `${dstText(r)} `;
  if (r.gateway) s += `via ${r.gateway} `;
  if (!o.hideDev) s += `dev ${r.type === "unreachable" || r.type === "blackhole" || r.type === "prohibit" ? "lo" : r.dev.name} `;
  if (o.table && r.table !== "main") s += `table ${r.table} `;
  if (r.proto !== "boot") s += `proto ${r.proto} `;
  s += `metric ${r.metric} `;
  if (r.type === "unicast" && !r.dev.operUp) s += "linkdown ";
  return `${s}pref medium\n`;
}

export function route6Modify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const s = cmd.route;
  if (s.src || s.scope !== null || s.onlink || (s.proto !== null && s.proto !== "boot" && s.proto !== "static")) return notSimulated("ip -6 route with src, scope, onlink or this protocol");
  if (cmd.command !== "add" && cmd.command !== "delete" && cmd.command !== "replace") return notSimulated(`ip -6 route ${cmd.command}`);
  const type = (s.type ?? "unicast") as Fib6Info["type"];
  if (!["unicast", "unreachable", "blackhole", "prohibit"].includes(type)) return notSimulated(`ip -6 route ${cmd.command} ${type}`);
  const table = s.table === null || s.table === "main" ? "main" : s.table === "local" ? "local" : null;
  if (table === null) return notSimulated("IPv6 routing tables other than main and local");
  if (s.to?.special === "any") return notSimulated("ip -6 route all|any");
  const plen = s.to && !s.to.special ? (s.to.bits ?? 128) : 0;
  const dst = s.to && !s.to.special ? ipv6Network(parseIpv6(s.to.address)!, plen) : "::";
  const metric = s.metric ?? IP6_RT_PRIO_USER;
  let dev: NetDevice | null = null;
  if (s.dev !== null) {
    dev = llNameToDev(ctx.net, s.dev) ?? null;
    if (!dev) return noDevice(s.dev);
  }
  const gw = s.via ? parseIpv6(s.via.address) : null;
  if (s.via && (s.via.family !== "inet6" || gw === null)) return notSimulated("ip -6 route via a non-IPv6 gateway");
  if (cmd.command === "delete") {
    const hit = fib6Del(ctx.net, (r) => r.table === table && r.dst === dst && r.plen === plen && (s.metric === null || r.metric === metric) && (dev === null || r.dev === dev) && (gw === null || r.gateway === gw));
    return hit ? done() : rtnlError({ errno: "ESRCH" });
  }
  if (type !== "unicast") {
    const r = fib6Add(ctx.net, { table, type, dst, plen, dev: dev ?? ctx.net.loopback, gateway: null, metric, proto: "boot" });
    return r.ok ? done() : rtnlError(r);
  }
  if (gw !== null && !ipv6IsLinkLocal(gw) && dev === null) {
    // ip6_route_check_nh: the gateway must be on a link a route without a gateway reaches.
    const nh = ctx.net.fib6.filter((r) => r.table === "main" && r.type === "unicast" && r.gateway === null && ipv6InPrefix(gw, r.dst, r.plen)).sort((a, b) => b.plen - a.plen)[0];
    if (!nh) return notSimulated("ip -6 route via a gateway no on-link route reaches");
    dev = nh.dev;
  }
  if (dev === null) return notSimulated(gw ? "ip -6 route via a link-local gateway without dev" : "ip -6 route without a device");
  if (!dev.in6Dev || dev.in6Dev.cnf.disable_ipv6) return failWith("Error: IPv6 is disabled on nexthop device.\n", 2);
  if (!dev.isUp) return failWith("Error: Nexthop device is not up.\n", 2);
  if (cmd.command === "replace") fib6Del(ctx.net, (r) => r.table === table && r.dst === dst && r.plen === plen && r.metric === metric);
  const r = fib6Add(ctx.net, { table, type, dst, plen, dev, gateway: gw, metric, proto: s.proto === "static" ? "static" : "boot" });
  return r.ok ? done() : rtnlError(r);
}

export function route6Show(ctx: IpCtx, cmd: ListCmd): ExecResult {
  const s = cmd.route;
  if (cmd.command === "flush" || s.via || s.src || s.type || s.scope || s.proto || s.metric !== null || ctx.g.json) return notSimulated("ip -6 route flush, or a listing filtered by via, src, type, scope, proto or metric, or as JSON");
  const all = s.table === "all" || s.table === "0" || s.table === "unspec";
  if (s.table !== null && !all && s.table !== "main" && s.table !== "local") return notSimulated("IPv6 routing tables other than main and local");
  let routes = all ? [...fib6Dump(ctx.net, "main"), ...fib6Dump(ctx.net, "local")] : fib6Dump(ctx.net, s.table === "local" ? "local" : "main");
  let dev: NetDevice | null = null;
  if (s.dev !== null) {
    dev = llNameToDev(ctx.net, s.dev) ?? null;
    if (!dev) return noDevice(s.dev);
    routes = routes.filter((r) => r.dev === dev);
  }
  if (s.to && !s.to.special) {
    const plen = s.to.bits ?? 128;
    const dst = ipv6Network(parseIpv6(s.to.address)!, plen);
    routes = routes.filter((r) => r.dst === dst && r.plen === plen);
  } else if (s.to?.special === "default") routes = routes.filter((r) => r.plen === 0);
  else if (s.to) return notSimulated(`ip -6 route show ${s.to.special}`);
  return done(routes.map((r) => route6Text(r, { hideDev: dev !== null, table: all })).join(""));
}

/** `ip -6 route get`: the route and the source an output lookup gives (RTM_F_LOOKUP_TABLE is not asked). */
export function route6Get(ctx: IpCtx, cmd: GetCmd): ExecResult {
  if (cmd.iif !== null || (cmd.from && !cmd.from.special) || ctx.g.json) return notSimulated("ip -6 route get with iif, from, or as JSON");
  if (cmd.to.special) return notSimulated("ip -6 route get of a special address");
  const daddr = parseIpv6(cmd.to.address)!;
  let oif: NetDevice | null = null;
  if (cmd.oif !== null) {
    oif = llNameToDev(ctx.net, cmd.oif) ?? null;
    if (!oif) return noDevice(cmd.oif);
  }
  const r = ip6RouteLookup(ctx.net, { daddr, oif });
  if (!r.ok) return rtnlError(r);
  const f = r.value.fib;
  const src = ipv6DevGetSaddr(ctx.net, f.type === "local" ? null : f.dev, daddr);
  let s = f.type === "unicast" ? "" : `${f.type} `;
  s += `${daddr} from :: `;
  if (f.gateway) s += `via ${f.gateway} `;
  s += `dev ${r.value.dev.name} `;
  if (f.table !== "main") s += `table ${f.table} `;
  if (f.proto !== "boot") s += `proto ${f.proto} `;
  if (src) s += `src ${src} `;
  s += `metric ${f.metric} pref medium\n`;
  return done(s);
}
