// pkg/ns (plugins v1.1.1): a plugin opens CNI_NETNS by path. In a lab host
// the paths are /run/netns/NAME (what `ip netns add` made) and the
// namespace the plugin runs in under /proc.

import type { Net } from "../../kernel/index.js";
import { NotSimulated } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { GoError } from "./gojson.js";
import { delLinkByName } from "./link.js";
import type { CmdArgs } from "./skel.js";

/** ns.NSPathNotExistErr: DEL takes it as "already gone". */
export class NsPathNotExist extends GoError {}

/** ns.GetNS(path): the namespace, or the error Go's Statfs gives. */
export function getNs(path: string, ctx: ToolContext): Net {
  const m = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(path);
  if (m) {
    const net = ctx.kernel.netns.get(m[1]!);
    if (!net) throw new NsPathNotExist(`failed to Statfs ${JSON.stringify(path)}: no such file or directory`);
    return net;
  }
  if (/^\/proc\/(self|thread-self)\/ns\/net$/.test(path)) return ctx.net;
  if (!path.startsWith("/")) throw new NsPathNotExist(`failed to Statfs ${JSON.stringify(path)}: no such file or directory`);
  throw NotSimulated.what(`CNI_NETNS=${path} (a namespace path other than /run/netns/NAME)`);
}

/** ns.GetNS(args.Netns) as the plugins' ADD and CHECK call it: its error wrapped in theirs. */
export function openNetns(args: CmdArgs, ctx: ToolContext): Net {
  try {
    return getNs(args.netns, ctx);
  } catch (e) {
    if (e instanceof GoError) throw new GoError(`failed to open netns ${JSON.stringify(args.netns)}: ${e.message}`);
    throw e;
  }
}

/** The end of the plugins' DEL: the container's interface deleted; a namespace already gone is no error. */
export function delContainerLink(args: CmdArgs, ctx: ToolContext): string {
  if (args.netns === "") return "";
  try {
    delLinkByName(getNs(args.netns, ctx), args.ifName);
  } catch (e) {
    if (e instanceof NsPathNotExist) return "";
    throw e;
  }
  return "";
}
