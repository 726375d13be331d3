// `ip link show`: every link of the namespace (or one), in ifindex order.

import type { ExecResult, IpCommand, ListFilter } from "../../shell/index.js";
import type { NetDevice } from "../../kernel/index.js";
import { devices, done, failWith, noDeviceShow, type IpCtx } from "./common.js";
import { linkFilterPasses } from "./addr-filter.js";
import { jsonOut } from "./json.js";
import { linkBrief, linkBriefJson, linkJson, linkText, onelineText } from "./link-format.js";

type ShowCmd = Extract<IpCommand, { object: "link"; command: "show" }>;

/** The links a show filter selects, or the error iproute2 gives for its arguments. */
export function selectLinks(ctx: IpCtx, f: ListFilter): NetDevice[] | ExecResult {
  let list = devices(ctx.net);
  // The master is looked up while the arguments are read, the device after.
  if (f.master !== null) {
    const m = ctx.net.devByName(f.master);
    if (!m) return failWith(`Error: argument "${f.master}" is wrong: Device does not exist\n\n`, 255);
    list = list.filter((d) => d.master === m);
  }
  if (f.dev !== null) {
    const d = ctx.net.devByName(f.dev);
    if (!d) return noDeviceShow(f.dev);
    list = list.filter((x) => x === d);
  }
  return list.filter((d) => linkFilterPasses(f, d));
}

export function linkShow(ctx: IpCtx, cmd: ShowCmd): ExecResult {
  const sel = selectLinks(ctx, cmd.filter);
  if (!Array.isArray(sel)) return sel;
  const { g } = ctx;
  const fmt = { linkmode: true, noLinkLine: false, details: g.details > 0, stats: g.stats };
  if (g.json) return done(jsonOut(sel.map((d) => (g.brief ? linkBriefJson(d) : linkJson(d, fmt))), g.pretty));
  if (g.brief) return done(sel.map(linkBrief).join(""));
  const lines = sel.map((d) => {
    const t = linkText(d, fmt);
    return g.oneline ? onelineText(t) : t;
  });
  return done(lines.join(""));
}
