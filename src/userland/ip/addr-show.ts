// `ip addr show`: each link's header, then its IPv4 addresses (primary ones
// first, as the kernel keeps them); -4 drops links without any.

import type { ExecResult, IpCommand } from "../../shell/index.js";
import { addrList, type NetDevice } from "../../kernel/index.js";
import { done, type IpCtx } from "./common.js";
import { addr6Brief, addr6Json, addr6Oneline, addr6Text, addrBrief, addrJson, addrOneline, addrText, scopeName } from "./addr-format.js";
import { jsonOut } from "./json.js";
import { briefPrefix, linkJson, linkStatsText, linkText } from "./link-format.js";
import { flagNames, operstate } from "./link-info.js";
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

/** The IPv6 addresses the listing's filters keep (lo's ::1 is scope host). */
function selectAddrs6(dev: NetDevice, cmd: ShowCmd) {
  return dev.in6Addrs.filter((a) => cmd.label === null && (cmd.scope === null || cmd.scope === "all" || cmd.scope === a.scope));
}

/**
 * The link as the AF_INET6 dump gives it (inet6_fill_ifinfo): no qdisc, no
 * group, and IFLA_LINK without a netnsid, so iproute2 names the link by its
 * ifindex in this namespace, whatever device has that index here.
 */
function inet6LinkHeader(d: NetDevice): string {
  const iflink = d.ndoGetIflink();
  const here = iflink ? d.net.devByIndex(iflink.ifindex) : undefined;
  const name = iflink ? `${d.name}@${here ? here.name : `if${iflink.ifindex}`}` : d.name;
  return `${d.ifindex}: ${name}: <${flagNames(d).join(",")}> mtu ${d.mtu} state ${operstate(d)} qlen 1000\n`;
}

export function addrShow(ctx: IpCtx, cmd: ShowCmd): ExecResult {
  const sel = selectLinks(ctx, { dev: cmd.dev, up: cmd.up });
  if (!Array.isArray(sel)) return sel;
  const { g } = ctx;
  const inetOnly = g.family === "inet";
  const hideLink = g.family === "inet6" || g.family === "link";
  const rows = sel.map((d) => ({ d, addrs: g.family === "inet6" ? [] : selectAddrs(d, cmd), addrs6: inetOnly || g.family === "link" ? [] : selectAddrs6(d, cmd) }));
  // With a family or an address filter, links without a matching address are left out.
  const shown = rows.filter((r) => !(inetOnly || g.family === "inet6" || cmd.scope !== null || cmd.label !== null) || r.addrs.length + r.addrs6.length > 0);
  if (g.json) {
    const items = shown.map(({ d, addrs, addrs6 }) => ({
      ...linkJson(d, { linkmode: false, noLinkLine: false, details: g.details > 0 }),
      addr_info: [...addrs.map(addrJson), ...addrs6.map(addr6Json)],
      ...(g.stats ? printStats64Json(d, g.stats) : {}),
    }));
    return done(jsonOut(items, g.pretty));
  }
  if (g.brief) {
    return done(shown.map(({ d, addrs, addrs6 }) => `${briefPrefix(d)}${addrs.map(addrBrief).join("")}${addrs6.map(addr6Brief).join("")}\n`).join(""));
  }
  if (g.oneline) return done(shown.flatMap(({ d, addrs, addrs6 }) => [...addrs.map((a) => addrOneline(d, a)), ...addrs6.map((a) => addr6Oneline(d, a))]).join(""));
  let out = "";
  for (const { d, addrs, addrs6 } of shown) {
    // With -6 a listing takes its links from the AF_INET6 dump (inet6_fill_ifinfo: no qdisc, no group);
    // `dev X` asks for that one link in full. Neither has a link line.
    if (g.family === "inet6") out += cmd.dev === null ? inet6LinkHeader(d) : linkText(d, { linkmode: false, noLinkLine: true, details: false });
    else if (!hideLink || addrs.length > 0) out += linkText(d, { linkmode: false, noLinkLine: inetOnly, details: g.details > 0 });
    out += addrs.map(addrText).join("");
    out += addrs6.map(addr6Text).join("");
    if (g.stats) out += linkStatsText(d, g.stats);
  }
  return done(out);
}
