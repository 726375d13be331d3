// plugins/main/loopback (plugins v1.1.1): brings lo up in the namespace,
// whatever CNI_IFNAME says, and reports its addresses.

import { addrList, linkSetDown, linkSetUp } from "../../kernel/index.js";
import { formatIpv4, ipv4IsLoopback } from "../../wire/ipv4-addr.js";
import type { ToolContext } from "../tool.js";
import { GoError } from "./gojson.js";
import { goErrno } from "./link.js";
import { loadNetConf } from "./netconf.js";
import { getNs, NsPathNotExist } from "./ns.js";
import { emptyResult, printResult, resultFrom } from "./result.js";
import type { CmdArgs, CniPlugin } from "./skel.js";

function lo(args: CmdArgs, ctx: ToolContext) {
  const net = getNs(args.netns, ctx);
  const dev = net.devByName("lo");
  if (!dev) throw new GoError("Link not found");
  return dev;
}

function cmdAdd(args: CmdArgs, ctx: ToolContext): string {
  const conf = loadNetConf(args.stdin, "NetConf", "failed to parse network config: ");
  const dev = lo(args, ctx);
  const up = linkSetUp(dev);
  if (!up.ok) throw new GoError(goErrno(up.errno));
  const v4 = addrList(dev);
  for (const a of v4) if (!ipv4IsLoopback(a.local)) throw new GoError(`loopback interface found with non-loopback address "${formatIpv4(a.local)}"`);
  if (conf.raw.prevResult) return printResult(resultFrom(conf.cniVersion || "0.1.0", conf.raw.prevResult as Record<string, unknown>), conf.cniVersion);
  const r = emptyResult();
  r.interfaces = [{ name: "lo", mac: "00:00:00:00:00:00", sandbox: args.netns }];
  if (v4.length) r.ips.push({ interface: 0, address: `${formatIpv4(v4[0]!.local)}/${v4[0]!.prefixlen}` });
  // With IPv6 on, lo has ::1/128 once up (addrconf's init_loopback).
  if (ctx.kernel.ipv6) r.ips.push({ interface: 0, address: "::1/128" });
  return printResult(r, conf.cniVersion);
}

function cmdDel(args: CmdArgs, ctx: ToolContext): string {
  if (args.netns === "") return "";
  try {
    linkSetDown(lo(args, ctx));
  } catch (e) {
    if (e instanceof NsPathNotExist) return "";
    throw e;
  }
  return "";
}

function cmdCheck(args: CmdArgs, ctx: ToolContext): string {
  const dev = lo(args, ctx);
  if (!dev.isUp) throw new GoError("loopback interface is down");
  return "";
}

export const loopbackPlugin: CniPlugin = { name: "loopback", add: cmdAdd, check: cmdCheck, del: cmdDel };
