// `ip neigh add/replace/change/del/show/flush` over the simulated arp_tbl
// and nd_tbl (IPv4 entries are dumped first, as neigh_tables[] orders them).

import { neighDelete, neighLookup, neighUpdate, pneighDelete6, pneighLookup6, type Neighbour, type NetDevice, type NudState } from "../../kernel/index.js";
import type { ExecResult, IpCommand } from "../../shell/index.js";
import { formatIpv4, networkOf, parseIpv4 } from "../../wire/ipv4-addr.js";
import { ipv6InPrefix, parseIpv6 } from "../../wire/ipv6-addr.js";
import { devices, done, failWith, noDevice, notSimulated, rtnlError, type IpCtx, llNameToDev } from "./common.js";
import { jsonOut } from "./json.js";

type ModifyCmd = Extract<IpCommand, { object: "neigh"; command: "add" | "delete" | "replace" | "change" }>;
type ListCmd = Extract<IpCommand, { object: "neigh"; command: "show" | "flush" }>;

const VALID: ReadonlySet<NudState> = new Set(["permanent", "noarp", "reachable", "probe", "stale", "delay"]);

export function neighModify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const dev = llNameToDev(ctx.net, cmd.dev);
  if (!dev) return noDevice(cmd.dev);
  if (cmd.proxy) return proxyModify(ctx, cmd, dev);
  if (cmd.to.family === "inet6" || ctx.g.family === "inet6") {
    // ndisc_constructor refuses with disable_ipv6, so there is never an entry to delete.
    if (!dev.in6Dev || dev.in6Dev.cnf.disable_ipv6) {
      if (cmd.command === "delete") return rtnlError({ errno: "ENOENT" });
      return failWith("Error: IPv6 is disabled on this device.\n", 2);
    }
    if (cmd.to.special || cmd.to.family !== "inet6") return notSimulated("ip -6 neigh with this address");
  }
  const key = cmd.to.family === "inet6" ? parseIpv6(cmd.to.address)! : parseIpv4(cmd.to.address)!;
  if (cmd.command === "delete") return neighDelete(dev, key) ? done() : rtnlError({ errno: "ENOENT" });
  const existing = neighLookup(dev, key, false);
  if (cmd.command === "add" && existing) return rtnlError({ errno: "EEXIST" });
  if (cmd.command === "change" && !existing) return rtnlError({ errno: "ENOENT" });
  const state = (cmd.nud ?? "permanent") as NudState;
  const lladdr = cmd.lladdr ? cmd.lladdr : null;
  // __neigh_update: a valid state needs an address, given or already known.
  if (VALID.has(state) && !lladdr && !(existing && VALID.has(existing.state))) return rtnlError({ errno: "EINVAL" });
  // neigh_add: a PERMANENT entry is exempt from gc, any other may find the table full.
  const n = existing ?? neighLookup(dev, key, true, state === "permanent");
  if (!n) return rtnlError({ errno: "ENOBUFS" });
  neighUpdate(n, lladdr, state, { override: true, admin: true });
  return done();
}

interface Entry {
  dev: NetDevice;
  n: Neighbour;
}

/** The entries a listing selects: by default neither NOARP nor never-resolved (NONE) ones. */
function select(ctx: IpCtx, cmd: ListCmd): Entry[] | ExecResult {
  let devs = devices(ctx.net);
  if (cmd.dev !== null) {
    const d = llNameToDev(ctx.net, cmd.dev);
    if (!d) return noDevice(cmd.dev);
    devs = [d];
  }
  const out: Entry[] = [];
  const fam = ctx.g.family ?? cmd.to?.family ?? null;
  const tables: Array<"inet" | "inet6"> = fam === "inet" ? ["inet"] : fam === "inet6" ? ["inet6"] : ["inet", "inet6"];
  for (const t of tables)
  for (const dev of devs) {
    for (const n of (t === "inet" ? dev.neigh : dev.neigh6).values()) {
      if (cmd.to && !cmd.to.special) {
        if (cmd.to.family !== t) continue;
        if (typeof n.key === "string") {
          if (!ipv6InPrefix(n.key, parseIpv6(cmd.to.address)!, cmd.to.bits ?? 128)) continue;
        } else {
          const bits = cmd.to.bits ?? 32;
          if (networkOf(n.key, bits) !== networkOf(parseIpv4(cmd.to.address)!, bits)) continue;
        }
      }
      if (cmd.nud === "all") {
        if (n.state === "none") continue;
      } else if (cmd.nud !== null) {
        if (n.state !== cmd.nud) continue;
      } else if (n.state === "noarp" || n.state === "none" || (cmd.command === "flush" && n.state === "permanent")) continue;
      out.push({ dev, n });
    }
  }
  return out;
}

const keyText = (n: Neighbour): string => (typeof n.key === "string" ? n.key : formatIpv4(n.key));

function entryText({ dev, n }: Entry, showDev: boolean): string {
  let s = `${keyText(n)} `;
  if (showDev) s += `dev ${dev.name} `;
  if (VALID.has(n.state) && n.ha) s += `lladdr ${n.ha} `;
  if (n.isRouter) s += "router ";
  return `${s}${n.state.toUpperCase()} \n`;
}

function entryJson({ dev, n }: Entry, showDev: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { dst: keyText(n) };
  if (showDev) o.dev = dev.name;
  if (VALID.has(n.state) && n.ha) o.lladdr = n.ha;
  o.state = [n.state.toUpperCase()];
  return o;
}

export function neighList(ctx: IpCtx, cmd: ListCmd): ExecResult {
  if (cmd.command === "flush" && cmd.dev === null && cmd.to === null && cmd.nud === null && !cmd.proxy) return failWith("Flush requires arguments.\n", 1);
  if (cmd.proxy) {
    if (cmd.command === "flush") return notSimulated("ip neigh flush proxy");
    return proxyList(ctx, cmd);
  }
  const sel = select(ctx, cmd);
  if (!Array.isArray(sel)) return sel;
  if (cmd.command === "flush") {
    for (const e of sel) neighDelete(e.dev, e.n.key);
    return done();
  }
  const showDev = cmd.dev === null;
  if (ctx.g.json) return done(sel.length ? jsonOut(sel.map((e) => entryJson(e, showDev)), ctx.g.pretty) : "[]\n");
  return done(sel.map((e) => entryText(e, showDev)).join(""));
}

/**
 * neigh_add / neigh_delete with NTF_PROXY: nd_tbl's proxy entries (IPv6
 * only here: arp_tbl's are answered by a forwarding branch of arp_process
 * the simulator does not take). Adding one that exists is no error.
 */
function proxyModify(ctx: IpCtx, cmd: ModifyCmd, dev: NetDevice): ExecResult {
  if (cmd.to.family !== "inet6" || cmd.to.special) return notSimulated("ip neigh ... proxy with an IPv4 address");
  if (cmd.command === "replace" || cmd.command === "change" || cmd.lladdr !== null || cmd.nud !== null) return notSimulated(`ip neigh ${cmd.command} proxy with lladdr or nud`);
  const key = parseIpv6(cmd.to.address)!;
  if (cmd.command === "delete") return pneighDelete6(ctx.net, key, dev) ? done() : rtnlError({ errno: "ENOENT" });
  pneighLookup6(ctx.net, key, dev, true);
  return done();
}

/** pneigh_dump_table: `ADDR dev DEV proxy`, IPv6 entries (the IPv4 table stays empty). */
function proxyList(ctx: IpCtx, cmd: ListCmd): ExecResult {
  if (cmd.command === "flush") return notSimulated("ip neigh flush proxy");
  const dev = cmd.dev === null ? null : llNameToDev(ctx.net, cmd.dev);
  if (cmd.dev !== null && !dev) return noDevice(cmd.dev);
  if (cmd.to !== null || (cmd.nud !== null && cmd.nud !== "all")) return notSimulated("ip neigh show proxy with an address or nud filter");
  const rows = ctx.g.family === "inet" ? [] : ctx.net.pneigh6.filter((p) => dev === null || p.dev === dev);
  if (ctx.g.json && cmd.command === "show") return done(jsonOut(rows.map((p) => ({ dst: p.key, ...(dev === null ? { dev: p.dev.name } : {}), proxy: null })), ctx.g.pretty) || "[]\n");
  return done(rows.map((p) => `${p.key} ${dev === null ? `dev ${p.dev.name} ` : ""}proxy \n`).join(""));
}
