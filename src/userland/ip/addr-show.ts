// `ip addr show`: each link's header, then its IPv4 addresses (primary ones
// first, as the kernel keeps them); -4 drops links without any.

import type { ExecResult, IpCommand } from "../../shell/index.js";
import { addrList, type NetDevice } from "../../kernel/index.js";
import { done, type IpCtx } from "./common.js";
import { addrBrief, addrJson, addrOneline, addrText, scopeName } from "./addr-format.js";
import { jsonOut } from "./json.js";
import { briefPrefix, linkJson, linkStatsText, linkText } from "./link-format.js";
import { printStats64Json } from "./link-stats.js";
import { selectLinks } from "./link-show.js";

type ShowCmd = Extract<IpCommand, { object: "address"; command: "show" | "flush" }>;

/** The addresses of a device that the listing's filters keep, in the kernel's order. */
export function selectAddrs(dev: NetDevice, cmd: ShowCmd) {
  return addrList(dev).filter((a) => {
    if (cmd.scope !== null && scopeName(a.scope) !== cmd.scope && String(a.scope) !== cmd.scope && !(cmd.scope === "all")) return false;
    if (cmd.label !== null && a.label !== cmd.label) return false;
    return true;
  });
}

export function addrShow(ctx: IpCtx, cmd: ShowCmd): ExecResult {
  const sel = selectLinks(ctx, { dev: cmd.dev, up: cmd.up });
  if (!Array.isArray(sel)) return sel;
  const { g } = ctx;
  const inetOnly = g.family === "inet";
  const hideLink = g.family === "inet6" || g.family === "link";
  const rows = sel.map((d) => ({ d, addrs: g.family === "inet6" ? [] : selectAddrs(d, cmd) }));
  // With a family or an address filter, links without a matching address are left out.
  const shown = rows.filter((r) => !(inetOnly || g.family === "inet6" || cmd.scope !== null || cmd.label !== null) || r.addrs.length > 0);
  if (g.json) {
    const items = shown.map(({ d, addrs }) => ({
      ...linkJson(d, { linkmode: false, noLinkLine: false, details: g.details > 0 }),
      addr_info: addrs.map(addrJson),
      ...(g.stats ? printStats64Json(d, g.stats) : {}),
    }));
    return done(jsonOut(items, g.pretty));
  }
  if (g.brief) {
    return done(shown.map(({ d, addrs }) => `${briefPrefix(d)}${addrs.map(addrBrief).join("")}\n`).join(""));
  }
  if (g.oneline) return done(shown.flatMap(({ d, addrs }) => addrs.map((a) => addrOneline(d, a))).join(""));
  let out = "";
  for (const { d, addrs } of shown) {
    if (!hideLink || addrs.length > 0) out += linkText(d, { linkmode: false, noLinkLine: inetOnly, details: g.details > 0 });
    out += addrs.map(addrText).join("");
    if (g.stats) out += linkStatsText(d, g.stats);
  }
  return done(out);
}
