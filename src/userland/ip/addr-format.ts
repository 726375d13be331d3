// print_addrinfo for IPv4: the `inet` lines under a link, their -o and -br
// forms, and the addr_info JSON objects.

import { formatIpv4 } from "../../wire/ipv4-addr.js";
import type { Inet6Ifaddr, InIfaddr, NetDevice } from "../../kernel/index.js";

const FOREVER = 4294967295;

export function scopeName(scope: number): string {
  switch (scope) {
    case 0:
      return "global";
    case 200:
      return "site";
    case 253:
      return "link";
    case 254:
      return "host";
    case 255:
      return "nowhere";
    default:
      return String(scope);
  }
}

/** The inet line after "    " (or after "N: dev    " with -o), without its lifetime line. */
function inetText(a: InIfaddr): string {
  const brd = a.broadcast ? ` brd ${formatIpv4(a.broadcast)}` : "";
  const flags = `${a.secondary ? " secondary" : ""}${a.noprefixroute ? " noprefixroute" : ""}`;
  return `inet ${formatIpv4(a.local)}/${a.prefixlen}${brd} scope ${scopeName(a.scope)}${flags} ${a.label}`;
}

const LIFETIME = "       valid_lft forever preferred_lft forever\n";

export function addrText(a: InIfaddr): string {
  return `    ${inetText(a)}\n${LIFETIME}`;
}

export function addrOneline(dev: NetDevice, a: InIfaddr): string {
  return `${dev.ifindex}: ${dev.name}    ${inetText(a)}\\${LIFETIME}`;
}

export function addrBrief(a: InIfaddr): string {
  return `${formatIpv4(a.local)}/${a.prefixlen} `;
}

export function addrJson(a: InIfaddr): Record<string, unknown> {
  const o: Record<string, unknown> = { family: "inet", local: formatIpv4(a.local), prefixlen: a.prefixlen };
  if (a.broadcast) o.broadcast = formatIpv4(a.broadcast);
  o.scope = scopeName(a.scope);
  if (a.secondary) o.secondary = true;
  if (a.noprefixroute) o.noprefixroute = true;
  o.label = a.label;
  o.valid_life_time = FOREVER;
  o.preferred_life_time = FOREVER;
  return o;
}

/** The IFA_F_* names print_ifa_flags writes for an IPv6 address, in ifa_flag_data's order (every address here is permanent: no "dynamic"). */
export function ifa6FlagNames(a: Inet6Ifaddr): string[] {
  const out: string[] = [];
  if (a.nodad) out.push("nodad");
  if (a.dadfailed) out.push("dadfailed");
  if (a.tentative) out.push("tentative");
  if (a.noprefixroute) out.push("noprefixroute");
  if (a.stablePrivacy) out.push("stable-privacy");
  return out;
}

/** print_addrinfo for IPv6: `inet6 ADDR/LEN scope S [flags] `, then the lifetimes. */
function inet6Text(a: Inet6Ifaddr): string {
  return `inet6 ${a.addr}/${a.prefixlen} scope ${a.scope} ${ifa6FlagNames(a).map((f) => `${f} `).join("")}`;
}

export function addr6Text(a: Inet6Ifaddr): string {
  return `    ${inet6Text(a)}\n${LIFETIME}`;
}

export function addr6Oneline(dev: NetDevice, a: Inet6Ifaddr): string {
  return `${dev.ifindex}: ${dev.name}    ${inet6Text(a)}\\${LIFETIME}`;
}

export function addr6Brief(a: Inet6Ifaddr): string {
  return `${a.addr}/${a.prefixlen} `;
}

export function addr6Json(a: Inet6Ifaddr): Record<string, unknown> {
  const o: Record<string, unknown> = { family: "inet6", local: a.addr, prefixlen: a.prefixlen, scope: a.scope };
  for (const f of ifa6FlagNames(a)) o[f] = true;
  o.valid_life_time = FOREVER;
  o.preferred_life_time = FOREVER;
  return o;
}
