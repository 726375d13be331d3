// `ip addr add/change/replace/del/flush`: RTM_NEWADDR / RTM_DELADDR.

import { addrAdd, addrDel, addrList, ipv6AddAddr, ipv6DelAddr, releaseAtLeast, type AddrAddRequest, type NetDevice } from "../../kernel/index.js";
import { parseIpv6 } from "../../wire/ipv6-addr.js";
import type { ExecResult, IpCommand } from "../../shell/index.js";
import { IFA_F_MCAUTOJOIN, IFA_F_NOPREFIXROUTE } from "../../shell/index.js";

const IFA_F_NODAD = 0x02;
import { broadcastOf, ipv4IsMulticast, networkOf, parseIpv4 } from "../../wire/ipv4-addr.js";
import { done, failWith, noDevice, notSimulated, rtnlError, type IpCtx, llNameToDev } from "./common.js";
import { selectAddrs, selectAddrs6 } from "./addr-show.js";
import { selectLinks } from "./link-show.js";

type ModifyCmd = Extract<IpCommand, { object: "address"; command: "add" | "change" | "replace" | "delete" }>;
type FlushCmd = Extract<IpCommand, { object: "address"; command: "show" | "flush" }>;

const SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export function scopeNumber(s: string): number {
  return SCOPES[s] ?? Number(s);
}

const wildcardWarning = (addr: string): string =>
  "Warning: Executing wildcard deletion to stay compatible with old scripts.\n" +
  `         Explicitly specify the prefix length (${addr}/32) to avoid this warning.\n` +
  "         This special behaviour is likely to disappear in further releases,\n" +
  "         fix your scripts!\n";

/** What iproute2 warned about while parsing comes first on stderr, whatever happens next. */
export function addrModify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const r = addrModify1(ctx, cmd);
  return cmd.warnings ? { ...r, stderr: cmd.warnings + r.stderr } : r;
}

function addrModify1(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  if (cmd.peer) return notSimulated("ip addr ... peer");
  const dev = llNameToDev(ctx.net, cmd.dev);
  if (!dev) return noDevice(cmd.dev);
  if (cmd.local?.family === "inet6" || ctx.g.family === "inet6") {
    if (ctx.kernel.ipv6) return addr6Modify(dev, cmd);
    // disable_ipv6: ipv6_add_addr refuses (a change is an add when the address is not there); there is none to delete.
    // From 6.6 ("ipv6: add extack info for IPv6 address add/delete") each refusal says why.
    const why = releaseAtLeast(ctx.kernel.sim.release, 6, 6);
    if (cmd.command === "delete") return rtnlError(why ? { errno: "EADDRNOTAVAIL", msg: "ipv6: address not found" } : { errno: "EADDRNOTAVAIL" });
    return rtnlError(why ? { errno: "EACCES", msg: "ipv6: IPv6 is disabled on this device" } : { errno: "EACCES" });
  }
  if (cmd.command === "delete") return addrDelete(dev, cmd);
  if (cmd.flags & IFA_F_MCAUTOJOIN) {
    if (cmd.local && !cmd.local.special && ipv4IsMulticast(parseIpv4(cmd.local.address)!)) return notSimulated("ip addr ... autojoin");
    return failWith("autojoin needs multicast address\n", 1);
  }
  if (!cmd.local || cmd.local.special) return rtnlError({ errno: "EINVAL" });
  const local = parseIpv4(cmd.local.address)!;
  const prefixlen = cmd.local.bits ?? 32;
  const req: AddrAddRequest = { local, prefixlen };
  if (cmd.broadcast === "+") req.broadcast = broadcastOf(local, prefixlen);
  else if (cmd.broadcast === "-") req.broadcast = networkOf(local, prefixlen);
  else if (cmd.broadcast !== null) req.broadcast = parseIpv4(cmd.broadcast)!;
  // default_scope(): iproute2 asks for host scope on 127/8 unless told otherwise.
  req.scope = cmd.scope !== null ? scopeNumber(cmd.scope) : local >>> 24 === 127 ? 254 : 0;
  if (cmd.label !== null) req.label = cmd.label;
  if (cmd.metric !== null) req.metric = cmd.metric;
  if (cmd.flags & IFA_F_NOPREFIXROUTE) req.noprefixroute = true;
  const existing = addrList(dev).find((a) => a.local === local && a.prefixlen === prefixlen);
  if (cmd.command === "change" && !existing) return rtnlError({ errno: "ENOENT" });
  if (cmd.command !== "add" && existing) {
    // inet_rtm_newaddr on an existing address: only the metric (fib_modify_prefix_metric) and the lifetimes change.
    if ((cmd.metric ?? 0) !== existing.rtPriority) return notSimulated(`ip addr ${cmd.command} with a new metric`);
    return done();
  }
  const r = addrAdd(dev, req);
  return r.ok ? done() : rtnlError(r);
}

/** inet6_rtm_newaddr / inet6_rtm_deladdr: ipv6_add_addr with nodad and noprefixroute, inet6_addr_del. */
function addr6Modify(dev: NetDevice, cmd: ModifyCmd): ExecResult {
  if (cmd.broadcast !== null || cmd.label !== null || cmd.metric !== null || cmd.scope !== null) return notSimulated("ip -6 addr with broadcast, label, metric or scope");
  if (cmd.flags & ~(IFA_F_NODAD | IFA_F_NOPREFIXROUTE)) return notSimulated("ip -6 addr flags other than nodad and noprefixroute");
  if (cmd.command === "delete") {
    if (!cmd.local) return notSimulated("ip -6 addr del without an address");
    const r = ipv6DelAddr(dev, parseIpv6(cmd.local.address)!, cmd.local.bits);
    return r.ok ? done() : rtnlError(r);
  }
  if (!cmd.local || cmd.local.special || cmd.local.family !== "inet6") return rtnlError({ errno: "EINVAL" });
  const addr = parseIpv6(cmd.local.address)!;
  const existing = dev.in6Dev?.addrList.find((a) => a.addr === addr);
  if (cmd.command === "change" && !existing) return rtnlError({ errno: "ENOENT" });
  if (cmd.command !== "add" && existing) return done();
  const r = ipv6AddAddr(dev, { addr, prefixlen: cmd.local.bits ?? 128, nodad: (cmd.flags & IFA_F_NODAD) !== 0, noprefixroute: (cmd.flags & IFA_F_NOPREFIXROUTE) !== 0 });
  return r.ok ? done() : rtnlError(r);
}

function addrDelete(dev: NetDevice, cmd: ModifyCmd): ExecResult {
  if (!cmd.local) {
    const first = addrList(dev)[0];
    if (!first) return rtnlError({ errno: "EADDRNOTAVAIL" });
    const r = addrDel(dev, first.local, first.prefixlen);
    return r.ok ? done() : rtnlError(r);
  }
  const local = parseIpv4(cmd.local.address)!;
  const warn = cmd.local.bits === null ? wildcardWarning(cmd.local.address) : "";
  const r = addrDel(dev, local, cmd.local.bits ?? undefined);
  if (!r.ok) return { ...rtnlError(r), stderr: warn + rtnlError(r).stderr };
  return failWith(warn, 0);
}

/** ip addr flush: the selected addresses go one by one (a deleted primary may take its secondaries with it). */
export function addrFlush(ctx: IpCtx, cmd: FlushCmd): ExecResult {
  const sel = selectLinks(ctx, cmd.filter);
  if (!Array.isArray(sel)) return sel;
  // Without -4 a flush takes the IPv6 addresses too (inet6_rtm_deladdr for each, link-locals included).
  if (ctx.g.family !== "inet" && ctx.kernel.ipv6) {
    for (const d of sel) for (const a of selectAddrs6(d, cmd.filter)) ipv6DelAddr(d, a.addr, a.prefixlen);
  }
  if (ctx.g.family === "inet6") return done();
  for (const d of sel) {
    for (const a of selectAddrs(d, cmd.filter)) {
      if (addrList(d).includes(a)) addrDel(d, a.local, a.prefixlen);
    }
  }
  return done();
}
