// plugins/main/vlan (plugins v1.1.1): an 802.1Q device of `master` with
// `vlanId`, made in the container's namespace; IPAM is required.

import { linkAddVlan, VlanDevice } from "../../kernel/index.js";
import type { ToolContext } from "../tool.js";
import { field, GoError, str } from "./gojson.js";
import { prevContainerLink } from "./check.js";
import { execIpam } from "./ipam.js";
import { netlinkLinkAttrs, configureIface, goErrno, linkByName, lookupMaster, randomVethName, renameLink, validateExpectedInterfaceIps, validateExpectedRoutes } from "./link.js";
import { loadNetConf, type NetConf } from "./netconf.js";
import { delContainerLink, getNs, openNetns } from "./ns.js";
import { printResult, type CniInterface } from "./result.js";
import { CniError, type CmdArgs, type CniPlugin } from "./skel.js";

interface VlanConf extends NetConf {
  master: string;
  vlanId: number;
  mtu: number;
}

function parseConf(args: CmdArgs): VlanConf {
  const n = loadNetConf(args.stdin, "NetConf", "failed to load netconf: ");
  try {
    return { ...n, master: str(n.raw, "master", "NetConf"), vlanId: (field(n.raw, "vlanId", "number", "NetConf") as number | undefined) ?? 0, mtu: (field(n.raw, "mtu", "number", "NetConf") as number | undefined) ?? 0 };
  } catch (e) {
    if (e instanceof GoError) throw new GoError(`failed to load netconf: ${e.message}`);
    throw e;
  }
}

function loadConf(args: CmdArgs, ctx: ToolContext): VlanConf {
  const c = parseConf(args);
  if (c.master === "") throw new GoError('"master" field is required. It specifies the host interface name to create the VLAN for.');
  if (c.vlanId < 0 || c.vlanId > 4094) throw new GoError(`invalid VLAN ID ${c.vlanId} (must be between 0 and 4095 inclusive)`);
  const masterMtu = linkByName(ctx.net, c.master).mtu;
  if (c.mtu < 0 || c.mtu > masterMtu) throw new GoError(`invalid MTU ${c.mtu}, must be [0, master MTU(${masterMtu})]`);
  return c;
}

function createVlan(conf: VlanConf, args: CmdArgs, ctx: ToolContext): CniInterface {
  const m = lookupMaster(ctx.net, conf.master);
  const target = getNs(args.netns, ctx);
  const tmp = randomVethName(ctx.net);
  const r = linkAddVlan(target, tmp, m, { data: true, id: conf.vlanId, protocol: null, flags: null, egressQos: null, mtu: conf.mtu === 0 ? null : conf.mtu, mac: null });
  if (!r.ok) throw new GoError(`failed to create vlan: ${goErrno(r.errno)}`);
  netlinkLinkAttrs(r.value);
  const err = renameLink(target, tmp, args.ifName);
  if (err) throw new GoError(`failed to rename vlan to ${JSON.stringify(args.ifName)}: ${err}`);
  return { name: args.ifName, mac: r.value.mac, sandbox: args.netns };
}

async function cmdAdd(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx);
  const target = openNetns(args, ctx);
  const iface = createVlan(n, args, ctx);
  let result;
  try {
    result = (await execIpam(n.ipamType, "ADD", args, ctx))!;
  } catch (e) {
    if (e instanceof GoError || e instanceof CniError) throw new GoError(`failed to execute IPAM delegate: ${e.message}`);
    throw e;
  }
  if (result.ips.length === 0) throw new GoError("IPAM plugin returned missing IP config");
  for (const ip of result.ips) ip.interface = 0;
  result.interfaces = [iface];
  try {
    configureIface(target, args.ifName, result);
  } catch (e) {
    if (e instanceof GoError) await execIpam(n.ipamType, "DEL", args, ctx).catch(() => null);
    throw e;
  }
  result.dns = n.dns;
  return printResult(result, n.cniVersion);
}

async function cmdDel(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = loadConf(args, ctx);
  await execIpam(n.ipamType, "DEL", args, ctx);
  return delContainerLink(args, ctx);
}

async function cmdCheck(args: CmdArgs, ctx: ToolContext): Promise<string> {
  const n = parseConf(args);
  const { target, result, cont, link } = await prevContainerLink(n, args, ctx, { ipamRequired: true, prefix: "vlan: " });
  if (!(link instanceof VlanDevice)) throw new GoError(`Error: Container interface ${link.name} not of type vlan`);
  if (cont.mac && cont.mac !== link.mac) throw new GoError(`vlan: Interface ${cont.name} Mac ${cont.mac} doesn't match container Mac: ${link.mac}`);
  // The plugin's own text (it names promisc for a VLAN id).
  if (n.vlanId !== link.vlanId) throw new GoError(`Error: Tuning link ${cont.name} configured promisc is ${n.vlanId}, current value is ${link.vlanId}`);
  if (n.mtu !== 0 && n.mtu !== link.mtu) throw new GoError(`Error: Tuning configured MTU of ${cont.name} is ${n.mtu}, current value is ${link.mtu}`);
  validateExpectedInterfaceIps(target, args.ifName, result.ips);
  validateExpectedRoutes(target, result.routes);
  return "";
}

export const vlanPlugin: CniPlugin = { name: "vlan", add: cmdAdd, check: cmdCheck, del: cmdDel };
