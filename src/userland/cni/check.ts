// The opening both main plugins' CHECK share (plugins/main/ipvlan and
// macvlan, cmdCheck): IPAM's CHECK, the previous result, its sandbox, the
// master, then the container's link the result names.

import type { Net, NetDevice } from "../../kernel/index.js";
import type { ToolContext } from "../tool.js";
import { GoError } from "./gojson.js";
import { execIpam } from "./ipam.js";
import { lookupMaster, prevResult } from "./link.js";
import type { NetConf } from "./netconf.js";
import { openNetns } from "./ns.js";
import type { CniInterface, CniResult } from "./result.js";
import type { CmdArgs } from "./skel.js";

export interface PrevContainerLink {
  target: Net;
  result: CniResult;
  cont: CniInterface;
  link: NetDevice;
}

/**
 * The vlan plugin runs IPAM's CHECK even without an IPAM type (`ipamRequired`),
 * and starts two of its messages with "vlan: " (`prefix`).
 */
export async function prevContainerLink(n: NetConf & { master: string }, args: CmdArgs, ctx: ToolContext, o: { ipamRequired?: boolean; prefix?: string } = {}): Promise<PrevContainerLink> {
  const prefix = o.prefix ?? "";
  const target = openNetns(args, ctx);
  if (o.ipamRequired || n.ipamType !== "") await execIpam(n.ipamType, "CHECK", args, ctx);
  const result = prevResult(n.raw, n.cniVersion || "0.1.0", `${prefix}Required prevResult missing`);
  const cont = result.interfaces.find((i) => i.name === args.ifName && i.sandbox === args.netns) ?? { name: "" };
  if (args.netns !== (cont.sandbox ?? "")) throw new GoError(`Sandbox in prevResult ${cont.sandbox ?? ""} doesn't match configured netns: ${args.netns}`);
  lookupMaster(ctx.net, n.master);
  if (cont.name === "") throw new GoError(`Container interface name missing in prevResult: ${cont.name}`);
  const link = target.devByName(cont.name);
  if (!link) throw new GoError(`${prefix}Container Interface name in prevResult: ${cont.name} not found`);
  return { target, result, cont, link };
}
