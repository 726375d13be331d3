// plugins/main/ipvlan (plugins v1.1.1): an ipvlan slave of `master` in the
// container's namespace, addressed by the IPAM plugin or the previous
// plugin's result.

import { linkAddIpvlan, IpvlanDevice, type IpvlanMode } from "../../kernel/index.js";
import type { ToolContext } from "../tool.js";
import { field, GoError, str } from "./gojson.js";
import { prevContainerLink } from "./check.js";
import { execIpam } from "./ipam.js";
import { netlinkLinkAttrs, configureIface, defaultRouteInterface, goErrno, lookupMaster, randomVethName, renameLink, setArpNotify, validateExpectedInterfaceIps, validateExpectedRoutes } from "./link.js";
import { loadNetConf, type NetConf } from "./netconf.js";
import { delContainerLink, getNs, openNetns } from "./ns.js";
import { printResult, resultFrom, type CniInterface, type CniResult } from "./result.js";
import type { CmdArgs, CniPlugin } from "./skel.js";

interface IpvlanConf extends NetConf {
  master: string;
  mode: string;
  mtu: number;
  prev: CniResult | null;
}

function loadConf(args: CmdArgs, ctx: ToolContext, cmdCheck: boolean): IpvlanConf {
  const n = loadNetConf(args.stdin, "NetConf", "failed to load netconf: ");
  let master: string;
  let mode: string;
  let mtu: number;
  try {
    master = str(n.raw, "master", "NetConf");
    mode = str(n.raw, "mode", "NetConf");
    mtu = (field(n.raw, "mtu", "number", "NetConf") as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof GoError) throw new GoError(`failed to load netconf: ${e.message}`);
    throw e;
  }
  const c: IpvlanConf = { ...n, master, mode, mtu, prev: null };
  if (cmdCheck) return c;
  if (n.raw.prevResult !== undefined && n.raw.prevResult !== null) {
    c.prev = resultFrom(n.cniVersion || "0.1.0", n.raw.prevResult as Record<string, unknown>);
  }
  if (c.master === "") {
    if (!c.prev) c.master = defaultRouteInterface(ctx.net);
    else if (c.prev.interfaces.length === 1 && c.prev.interfaces[0]!.name !== "") c.master = c.prev.interfaces[0]!.name;
    else throw new GoError("chained master failure. PrevResult lacks a single named interface");
  }
  return c;
}

function modeFromString(s: string): IpvlanMode {
  if (s === "" || s === "l2") return "l2";
  if (s === "l3" || s === "l3s") return s;
  throw new GoError(`unknown ipvlan mode: ${JSON.stringify(s)}`);
}

function createIpvlan(conf: IpvlanConf, args: CmdArgs, ctx: ToolContext): CniInterface {
  const mode = modeFromString(conf.mode);
  const m = lookupMaster(ctx.net, conf.master);
  const target = getNs(args.netns, ctx);
  // Made under a temporary name: the container's name may be taken in the host's namespace.
  const tmp = randomVethName(ctx.net);
  const r = linkAddIpvlan(target, tmp, m, { mode, flags: "bridge", mtu: conf.mtu === 0 ? null : conf.mtu });
  if (!r.ok) throw new GoError(`failed to create ipvlan: ${goErrno(r.errno)}`);
  netlinkLinkAttrs(r.value);
  const err = renameLink(target, tmp, args.ifName);
  if (err) throw new GoError(`failed to rename ipvlan to ${JSON.stringify(args.ifName)}: ${err}`);
  return { name: args.ifName, mac: r.value.mac, sandbox: args.netns };
}

async function cmdAdd(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx, false);
  const target = openNetns(args, ctx);
  const iface = createIpvlan(n, args, ctx);
  let result: CniResult | null = null;
  if (n.ipamType === "" && n.prev && n.prev.ips.length > 0) result = n.prev;
  if (!result) {
    result = (await execIpam(n.ipamType, "ADD", args, ctx))!;
    if (result.ips.length === 0) throw new GoError("IPAM plugin returned missing IP config");
  }
  for (const ip of result.ips) ip.interface = 0;
  result.interfaces = [iface];
  setArpNotify(target, args.ifName);
  configureIface(target, args.ifName, result);
  result.dns = n.dns;
  return printResult(result, n.cniVersion);
}

async function cmdDel(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx, false);
  if (n.ipamType !== "") await execIpam(n.ipamType, "DEL", args, ctx);
  return delContainerLink(args, ctx);
}

async function cmdCheck(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx, true);
  const { target, result, cont, link } = await prevContainerLink(n, args, ctx);
  if (!(link instanceof IpvlanDevice)) throw new GoError(`Error: Container interface ${link.name} not of type ipvlan`);
  const mode = link.port.mode;
  let want: IpvlanMode | null = null;
  try {
    want = modeFromString(n.mode);
  } catch {
    want = null;
  }
  if (mode !== want) {
    if (want === null) throw new GoError(`unknown ipvlan mode: 0`);
    throw new GoError(`Container IPVlan mode ${mode} does not match expected value: ${want}`);
  }
  if (cont.mac && cont.mac !== link.mac) throw new GoError(`Interface ${cont.name} Mac ${cont.mac} doesn't match container Mac: ${link.mac}`);
  validateExpectedInterfaceIps(target, args.ifName, result.ips);
  validateExpectedRoutes(target, result.routes);
  return "";
}

export const ipvlanPlugin: CniPlugin = { name: "ipvlan", add: cmdAdd, check: cmdCheck, del: cmdDel };
