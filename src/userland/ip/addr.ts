// `ip addr add/change/replace/del/flush`: RTM_NEWADDR / RTM_DELADDR.

import { addrAdd, addrDel, addrList, type AddrAddRequest, type NetDevice } from "../../kernel/index.js";
import type { ExecResult, IpCommand } from "../../shell/index.js";
import { broadcastOf, networkOf, parseIpv4 } from "../../wire/ipv4-addr.js";
import { devices, done, failWith, noDevice, noDeviceShow, notSimulated, rtnlError, type IpCtx } from "./common.js";
import { selectAddrs } from "./addr-show.js";

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

export function addrModify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  if (cmd.local?.family === "inet6" || cmd.peer) return notSimulated(cmd.peer ? "ip addr ... peer" : "IPv6");
  const dev = ctx.net.devByName(cmd.dev);
  if (!dev) return noDevice(cmd.dev);
  if (cmd.command === "delete") return addrDelete(dev, cmd);
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
  if (cmd.noprefixroute) req.noprefixroute = true;
  const exists = addrList(dev).some((a) => a.local === local && a.prefixlen === prefixlen);
  if (cmd.command === "change" && !exists) return rtnlError({ errno: "ENOENT" });
  if (cmd.command !== "add" && exists) return done();
  const r = addrAdd(dev, req);
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
  let devs = devices(ctx.net);
  if (cmd.dev !== null) {
    const d = ctx.net.devByName(cmd.dev);
    if (!d) return noDeviceShow(cmd.dev);
    devs = [d];
  }
  if (cmd.up) devs = devs.filter((d) => d.isUp);
  if (ctx.g.family === "inet6") return done();
  for (const d of devs) {
    for (const a of selectAddrs(d, cmd)) {
      if (cmd.to && !matchesTo(a.local, cmd.to)) continue;
      if (addrList(d).includes(a)) addrDel(d, a.local, a.prefixlen);
    }
  }
  return done();
}

function matchesTo(local: number, to: NonNullable<FlushCmd["to"]>): boolean {
  if (to.special) return true;
  const p = parseIpv4(to.address)!;
  const bits = to.bits ?? 32;
  return networkOf(local, bits) === networkOf(p, bits);
}
