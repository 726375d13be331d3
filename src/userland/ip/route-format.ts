// print_route for IPv4 FIB entries and for `ip route get` answers.

import { RT_SCOPE_NOWHERE, RT_TABLE_LOCAL, RT_TABLE_MAIN, type FibRoute, type Rtable } from "../../kernel/index.js";
import { formatIpv4 } from "../../wire/ipv4-addr.js";
import { scopeName } from "./addr-format.js";

export function tableName(id: number): string {
  return id === RT_TABLE_MAIN ? "main" : id === RT_TABLE_LOCAL ? "local" : id === 253 ? "default" : String(id);
}

export function dstText(dst: number, len: number): string {
  if (len === 0) return "default";
  return len === 32 ? formatIpv4(dst) : `${formatIpv4(dst)}/${len}`;
}

export interface RouteFormat {
  /** `ip route show dev X` leaves out the device it filtered on. */
  hideDev: boolean;
  /** Only a listing of every table names the table of a route outside main. */
  showTable: boolean;
}

/** fib_sync_down_dev never marks nexthops of scope NOWHERE (local routes) dead or linkdown. */
function routeFlags(r: FibRoute): string[] {
  const f: string[] = [];
  const local = r.nh.scope === RT_SCOPE_NOWHERE;
  if (r.nh.dead && !local) f.push("dead");
  if (r.nh.onlink) f.push("onlink");
  if (r.nh.linkdown && !local) f.push("linkdown");
  return f;
}

export function routeText(r: FibRoute, f: RouteFormat): string {
  let s = r.type !== "unicast" ? `${r.type} ` : "";
  s += `${dstText(r.dst, r.len)} `;
  if (r.nh.gw) s += `via ${formatIpv4(r.nh.gw)} `;
  if (r.nh.dev && !f.hideDev) s += `dev ${r.nh.dev.name} `;
  if (f.showTable && r.table !== RT_TABLE_MAIN) s += `table ${tableName(r.table)} `;
  if (r.protocol !== "boot") s += `proto ${r.protocol} `;
  if (r.scope !== 0) s += `scope ${scopeName(r.scope)} `;
  if (r.prefsrc) s += `src ${formatIpv4(r.prefsrc)} `;
  if (r.priority) s += `metric ${r.priority} `;
  for (const fl of routeFlags(r)) s += `${fl} `;
  return `${s}\n`;
}

export function routeJson(r: FibRoute, f: RouteFormat): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (r.type !== "unicast") o.type = r.type;
  o.dst = dstText(r.dst, r.len);
  if (r.nh.gw) o.gateway = formatIpv4(r.nh.gw);
  if (r.nh.dev && !f.hideDev) o.dev = r.nh.dev.name;
  if (f.showTable && r.table !== RT_TABLE_MAIN) o.table = tableName(r.table);
  if (r.protocol !== "boot") o.protocol = r.protocol;
  if (r.scope !== 0) o.scope = scopeName(r.scope);
  if (r.prefsrc) o.prefsrc = formatIpv4(r.prefsrc);
  if (r.priority) o.metric = r.priority;
  o.flags = routeFlags(r);
  return o;
}

function cacheFlags(rt: Rtable): string[] {
  const f: string[] = [];
  if (rt.local) f.push("local");
  if (rt.type === "multicast") f.push("mc");
  if (rt.broadcast) f.push("brd");
  if (rt.doRedirect) f.push("redirect");
  return f;
}

/**
 * rt_fill_info: RTA_SRC only when asked for; for an output route RTA_PREFSRC
 * when it differs and the uid; for an input route (`iif`) RTA_IIF instead.
 */
export function routeGetText(daddr: number, saddr: number, rt: Rtable): string {
  let s = rt.type !== "unicast" ? `${rt.type} ` : "";
  s += `${formatIpv4(daddr)} `;
  if (saddr) s += `from ${formatIpv4(saddr)} `;
  if (rt.gw) s += `via ${formatIpv4(rt.gw)} `;
  s += `dev ${rt.dev.name} `;
  if (!rt.input && rt.src && rt.src !== saddr) s += `src ${formatIpv4(rt.src)} `;
  if (!rt.input) s += "uid 0 ";
  s += "\n    cache ";
  const cf = cacheFlags(rt);
  if (cf.length) s += `<${cf.join(",")}> `;
  if (rt.input && rt.iif) s += `iif ${rt.iif.name} `;
  return `${s}\n`;
}

export function routeGetJson(daddr: number, saddr: number, rt: Rtable): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (rt.type !== "unicast") o.type = rt.type;
  o.dst = formatIpv4(daddr);
  if (saddr) o.from = formatIpv4(saddr);
  if (rt.gw) o.gateway = formatIpv4(rt.gw);
  o.dev = rt.dev.name;
  if (!rt.input && rt.src && rt.src !== saddr) o.prefsrc = formatIpv4(rt.src);
  o.flags = [];
  if (!rt.input) o.uid = 0;
  o.cache = cacheFlags(rt);
  if (rt.input && rt.iif) o.iif = rt.iif.name;
  return o;
}
