// `ip addr show`: each link's header, then its IPv4 addresses (primary ones
// first, as the kernel keeps them); -4 drops links without any.

import type { ExecResult, IpCommand, ListFilter } from "../../shell/index.js";
import { addrList, type Inet6Ifaddr, type InIfaddr, type NetDevice } from "../../kernel/index.js";
import { inet4Passes, inet6Passes } from "./addr-filter.js";
import { done, type IpCtx } from "./common.js";
import { addr6Brief, addr6Json, addr6Oneline, addr6Text, addrBrief, addrJson, addrOneline, addrText } from "./addr-format.js";
import { jsonOut } from "./json.js";
import { briefPrefix, linkJson, linkStatsText, linkText } from "./link-format.js";
import { flagNames, operstate } from "./link-info.js";
import { printStats64Json } from "./link-stats.js";
import { selectLinks } from "./link-show.js";

type ShowCmd = Extract<IpCommand, { object: "address"; command: "show" | "flush" }>;

/** The IPv4 addresses of a device that the listing's filters keep, in the kernel's order. */
export function selectAddrs(dev: NetDevice, f: ListFilter): InIfaddr[] {
  return addrList(dev).filter((a) => inet4Passes(f, a));
}

export function selectAddrs6(dev: NetDevice, f: ListFilter): Inet6Ifaddr[] {
  return (dev.in6Dev?.addrList ?? []).filter((a) => inet6Passes(f, dev, a));
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
  return `${d.ifindex}: ${name}: <${flagNames(d).join(",")}> mtu ${d.mtu} state ${operstate(d)} ${d.txQueueLen ? `qlen ${d.txQueueLen}` : ""}\n`;
}

export function addrShow(ctx: IpCtx, cmd: ShowCmd): ExecResult {
  const f = cmd.filter;
  const sel = selectLinks(ctx, f);
  if (!Array.isArray(sel)) return sel;
  const { g } = ctx;
  // filter.family: -4/-6/-0, else the family of a `to` prefix; the dump itself asks for -4/-6/-0 only.
  const fam = g.family ?? f.to?.family ?? null;
  const inetOnly = fam === "inet";
  const hideLink = fam === "inet6";
  // print_linkinfo prints nothing of a link when a label is asked for (and so no statistics).
  const noLink = f.label !== null;
  // -0 (AF_PACKET): the links alone, no address dump.
  const rows = sel.map((d) => ({ d, addrs: fam === "inet6" || fam === "link" ? [] : selectAddrs(d, f), addrs6: inetOnly || fam === "link" ? [] : selectAddrs6(d, f) }));
  // ipaddr_filter: a link stays if one of its addresses passes, or if the dump had none of it and no family was asked for.
  const dumped = (d: NetDevice) => (g.family === "inet6" ? 0 : addrList(d).length) + (g.family === "inet" ? 0 : (d.in6Dev?.addrList.length ?? 0));
  const shown = fam === "link" ? rows : rows.filter((r) => r.addrs.length + r.addrs6.length > 0 || (dumped(r.d) === 0 && fam === null));
  if (g.json) {
    const items = shown.map(({ d, addrs, addrs6 }) => ({
      ...(noLink ? {} : linkJson(d, { linkmode: false, noLinkLine: false, details: g.details > 0 })),
      addr_info: [...addrs.map(addrJson), ...addrs6.map(addr6Json)],
      ...(g.stats && !noLink ? printStats64Json(d, g.stats) : {}),
    }));
    return done(jsonOut(items, g.pretty));
  }
  if (g.brief) {
    return done(shown.map(({ d, addrs, addrs6 }) => `${noLink ? "" : briefPrefix(d)}${addrs.map(addrBrief).join("")}${addrs6.map(addr6Brief).join("")}\n`).join(""));
  }
  if (g.oneline) return done(shown.flatMap(({ d, addrs, addrs6 }) => [...addrs.map((a) => addrOneline(d, a)), ...addrs6.map((a) => addr6Oneline(d, a))]).join(""));
  let out = "";
  for (const { d, addrs, addrs6 } of shown) {
    // With -6 a listing takes its links from the AF_INET6 dump (inet6_fill_ifinfo: no qdisc, no group);
    // `dev X` asks for that one link in full. Neither has a link line.
    if (noLink) void 0;
    else if (g.family === "inet6") out += f.dev === null ? inet6LinkHeader(d) : linkText(d, { linkmode: false, noLinkLine: true, details: false });
    else if (!hideLink || addrs.length > 0) out += linkText(d, { linkmode: false, noLinkLine: inetOnly, details: g.details > 0 });
    out += addrs.map(addrText).join("");
    out += addrs6.map(addr6Text).join("");
    if (g.stats && !noLink) out += linkStatsText(d, g.stats);
  }
  return done(out);
}
