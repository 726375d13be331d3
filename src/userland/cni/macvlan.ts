// plugins/main/macvlan (plugins v1.1.1): a macvlan of `master` in the
// container's namespace; without IPAM it is only brought up.

import { linkAddMacvlan, linkSetUp, MacvlanDevice, type MacvlanMode } from "../../kernel/index.js";
import { parseMac } from "../../wire/mac.js";
import { NotSimulated } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { field, GoError, str } from "./gojson.js";
import { prevContainerLink } from "./check.js";
import { execIpam } from "./ipam.js";
import { netlinkLinkAttrs, configureIface, defaultRouteInterface, delLinkByName, goErrno, linkByName, lookupMaster, randomVethName, renameLink, setArpNotify, validateExpectedInterfaceIps, validateExpectedRoutes } from "./link.js";
import { loadNetConf, type NetConf } from "./netconf.js";
import { delContainerLink, getNs } from "./ns.js";
import { emptyResult, printResult, type CniInterface } from "./result.js";
import type { CmdArgs, CniPlugin } from "./skel.js";

interface MacvlanConf extends NetConf {
  master: string;
  mode: string;
  mtu: number;
  mac: string;
}

function loadConf(args: CmdArgs, ctx: ToolContext): MacvlanConf {
  const n = loadNetConf(args.stdin, "NetConf", "failed to load netconf: ");
  let c: MacvlanConf;
  try {
    const rc = field(n.raw, "runtimeConfig", "object", "NetConf", "struct { Mac string \"json:\\\"mac,omitempty\\\"\" }") as Record<string, unknown> | undefined;
    c = { ...n, master: str(n.raw, "master", "NetConf"), mode: str(n.raw, "mode", "NetConf"), mtu: (field(n.raw, "mtu", "number", "NetConf") as number | undefined) ?? 0, mac: str(n.raw, "mac", "NetConf") };
    if (rc) {
      const m = str(rc, "mac", "NetConf.runtimeConfig");
      if (m) c.mac = m;
    }
  } catch (e) {
    if (e instanceof GoError) throw new GoError(`failed to load netconf: ${e.message}`);
    throw e;
  }
  if (c.master === "") c.master = defaultRouteInterface(ctx.net);
  const masterMtu = linkByName(ctx.net, c.master).mtu;
  if (c.mtu < 0 || c.mtu > masterMtu) throw new GoError(`invalid MTU ${c.mtu}, must be [0, master MTU(${masterMtu})]`);
  if (args.args !== "") {
    const mac = cniArgs(args.args).MAC;
    if (mac) c.mac = mac;
  }
  const rc = n.raw.runtimeConfig as Record<string, unknown> | undefined;
  if (rc && typeof rc.mac === "string" && rc.mac !== "") c.mac = rc.mac;
  return c;
}

/** types.LoadArgs for the keys the plugins here read (IgnoreUnknown, IP, MAC). */
export function cniArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(";")) {
    const kv = pair.split("=");
    if (kv.length !== 2) throw new GoError(`ARGS: invalid pair ${JSON.stringify(pair)}`);
    out[kv[0]!] = kv[1]!;
  }
  const ignore = /^(1|true)$/i.test(out.IgnoreUnknown ?? "");
  for (const k of Object.keys(out)) {
    if (!["IgnoreUnknown", "IP", "MAC", "K8S_POD_NAME", "K8S_POD_NAMESPACE", "K8S_POD_INFRA_CONTAINER_ID", "K8S_POD_UID"].includes(k) && !ignore) throw new GoError(`ARGS: unknown args ${JSON.stringify(k)}`);
  }
  return out;
}

function modeFromString(s: string): MacvlanMode {
  if (s === "" || s === "bridge") return "bridge";
  if (s === "private" || s === "vepa" || s === "passthru") return s;
  throw new GoError(`unknown macvlan mode: ${JSON.stringify(s)}`);
}

function createMacvlan(conf: MacvlanConf, args: CmdArgs, ctx: ToolContext): CniInterface {
  const mode = modeFromString(conf.mode);
  const m = lookupMaster(ctx.net, conf.master);
  const target = getNs(args.netns, ctx);
  const tmp = randomVethName(ctx.net);
  let mac: string | null = null;
  if (conf.mac !== "") {
    mac = parseMac(conf.mac);
    if (mac === null) throw NotSimulated.what(`a macvlan "mac" Go's net.ParseMAC would judge (${conf.mac})`);
  }
  const r = linkAddMacvlan(target, tmp, m, { mode, flags: null, macaddr: null, bcQueueLen: null, mtu: conf.mtu === 0 ? null : conf.mtu, mac });
  if (!r.ok) throw new GoError(`failed to create macvlan: ${goErrno(r.errno)}`);
  netlinkLinkAttrs(r.value);
  const err = renameLink(target, tmp, args.ifName);
  if (err) {
    delLinkByName(target, tmp);
    throw new GoError(`failed to rename macvlan to ${JSON.stringify(args.ifName)}: ${err}`);
  }
  return { name: args.ifName, mac: r.value.mac, sandbox: args.netns };
}

async function cmdAdd(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx);
  let target;
  try {
    target = getNs(args.netns, ctx);
  } catch (e) {
    // The plugin prints the nil namespace it failed to open, not the path.
    if (e instanceof GoError) throw new GoError(`failed to open netns %!q(<nil>): ${e.message}`);
    throw e;
  }
  const iface = createMacvlan(n, args, ctx);
  const result = emptyResult();
  result.interfaces = [iface];
  if (n.ipamType !== "") {
    const ipam = (await execIpam(n.ipamType, "ADD", args, ctx))!;
    if (ipam.ips.length === 0) throw new GoError("IPAM plugin returned missing IP config");
    result.ips = ipam.ips;
    result.routes = ipam.routes;
    for (const ip of result.ips) ip.interface = 0;
    setArpNotify(target, args.ifName);
    try {
      configureIface(target, args.ifName, result);
    } catch (e) {
      if (e instanceof GoError) await execIpam(n.ipamType, "DEL", args, ctx).catch(() => null);
      throw e;
    }
  } else {
    const link = target.devByName(args.ifName);
    if (!link) throw new GoError(`failed to find interface name ${JSON.stringify(iface.name)}: Link not found`);
    const up = linkSetUp(link);
    if (!up.ok) throw new GoError(`failed to set ${JSON.stringify(args.ifName)} UP: ${goErrno(up.errno)}`);
  }
  result.dns = n.dns;
  return printResult(result, n.cniVersion);
}

async function cmdDel(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx);
  if (n.ipamType !== "") await execIpam(n.ipamType, "DEL", args, ctx);
  return delContainerLink(args, ctx);
}

async function cmdCheck(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx);
  const { target, result, cont, link } = await prevContainerLink(n, args, ctx);
  if (!(link instanceof MacvlanDevice)) throw new GoError(`Error: Container interface ${link.name} not of type macvlan`);
  const want = modeFromString(n.mode);
  if (link.mode !== want) throw new GoError(`Container macvlan mode ${link.mode} does not match expected value: ${want}`);
  if (cont.mac && cont.mac !== link.mac) throw new GoError(`Interface ${cont.name} Mac ${cont.mac} doesn't match container Mac: ${link.mac}`);
  validateExpectedInterfaceIps(target, args.ifName, result.ips);
  validateExpectedRoutes(target, result.routes);
  return "";
}

export const macvlanPlugin: CniPlugin = { name: "macvlan", add: cmdAdd, check: cmdCheck, del: cmdDel };
