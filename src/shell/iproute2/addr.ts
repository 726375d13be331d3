import { NotSimulated } from "../errors.js";
import type { IpCommand } from "./ast.js";
import { dispatchModifyList } from "./dispatch.js";
import { Args, duparg, duparg2, fail1, fail255, invarg, matches } from "./errors.js";
import { getAddr, getPrefix, type Family, type InetPrefix } from "./inet.js";
import { ifaFlagData, parseListFilter } from "./list-filter.js";

const USAGE = "Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n";
const SCOPES = ["global", "site", "link", "host", "nowhere", "universe"];

function modify(a: Args, command: "add" | "change" | "replace" | "delete", family: Family): IpCommand {
  let dev: string | null = null;
  let local: InetPrefix | null = null;
  let peer: InetPrefix | null = null;
  let broadcast: string | null = null;
  let scope: string | null = null;
  let label: string | null = null;
  let metric: number | null = null;
  let flags = 0;
  let warnings = "";
  const lifetimes = new Set<string>();
  // req.ifa.ifa_family: -4/-6, else the family of the first address given.
  let fam: Family = family;
  const seen = (f: "inet" | "inet6") => {
    if (fam === "any") fam = f;
  };
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "peer" || arg === "remote") {
      const v = a.next();
      if (peer) throw duparg("peer", v);
      peer = getPrefix(v, fam);
      seen(peer.family);
    } else if (matches(arg, "broadcast") || arg === "brd") {
      const v = a.next();
      if (broadcast !== null) throw duparg("broadcast", v);
      if (v === "+" || v === "-") broadcast = v;
      else {
        const b = getAddr(v, fam);
        seen(b.family);
        broadcast = b.address;
      }
    } else if (arg === "anycast") throw NotSimulated.what("ip addr ... anycast");
    else if (arg === "scope") {
      const v = a.next();
      if (!SCOPES.includes(v) && !/^\d+$/.test(v)) throw invarg("invalid scope value.", v);
      scope = v;
    } else if (arg === "dev") dev = a.next();
    else if (arg === "label") label = a.next();
    else if (matches(arg, "metric") || matches(arg, "priority") || matches(arg, "preference")) {
      const v = a.next();
      if (!/^\d+$/.test(v)) throw invarg('"metric" value is invalid\n', v);
      metric = Number(v);
    } else if (matches(arg, "valid_lft") || matches(arg, "preferred_lft")) {
      const key = matches(arg, "valid_lft") ? "valid_lft" : "preferred_lft";
      const v = a.next();
      if (lifetimes.has(key)) throw duparg(key, v);
      lifetimes.add(key);
      if (v !== "forever" && !(/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) && Number(v) <= 0xffffffff)) throw invarg(`${key} value`, v);
      // Only forever, every IPv4 address's lifetime, is modelled.
      if (v !== "forever") throw NotSimulated.what(`ip addr ... ${key} ${v}`);
    } else if (ifaFlagData(arg)) {
      const d = ifaFlagData(arg)!;
      if (d.readonly) warnings += `Warning: ${d.name} option is not mutable from userspace\n`;
      else if (d.v6only && fam !== "inet6") warnings += `Warning: ${d.name} option can be set only for IPv6 addresses\n`;
      else flags |= d.mask;
    } else {
      const v = arg === "local" ? a.next() : arg;
      if (matches(v, "help")) throw fail255(USAGE);
      if (local) throw duparg2("local", v);
      local = getPrefix(v, fam);
      seen(local.family);
    }
  }
  if (dev === null) throw fail1('Not enough information: "dev" argument is required.\n');
  if (label !== null && !label.startsWith(dev)) {
    throw fail1(`"dev" (${dev}) must match "label" (${label}).\n`);
  }
  return { object: "address", command, dev, local, peer, broadcast, scope, label, metric, flags, warnings };
}

function list(a: Args, command: "show" | "flush", family: Family): IpCommand {
  if (command === "flush" && !a.more) throw fail1("Flush requires arguments.\n");
  return { object: "address", command, filter: parseListFilter(a, family, USAGE) };
}

export function parseAddr(argv: string[], family: Family): IpCommand {
  return dispatchModifyList(argv, family, modify, list, "address", ["save", "showdump", "restore"]);
}
