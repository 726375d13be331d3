import type { IpCommand } from "./ast.js";
import { dispatchModifyList } from "./dispatch.js";
import { Args, duparg, duparg2, fail1, fail255, invarg, matches } from "./errors.js";
import { getAddr, getPrefix, type Family, type InetPrefix } from "./inet.js";

const SCOPES = ["global", "site", "link", "host", "nowhere", "universe"];

function modify(a: Args, command: "add" | "change" | "replace" | "delete", family: Family): IpCommand {
  let dev: string | null = null;
  let local: InetPrefix | null = null;
  let peer: InetPrefix | null = null;
  let broadcast: string | null = null;
  let scope: string | null = null;
  let label: string | null = null;
  let metric: number | null = null;
  let noprefixroute = false;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "peer" || arg === "remote") {
      const v = a.next();
      if (peer) throw duparg("peer", v);
      peer = getPrefix(v, family);
    } else if (matches(arg, "broadcast") || arg === "brd") {
      const v = a.next();
      if (broadcast !== null) throw duparg("broadcast", v);
      broadcast = v === "+" || v === "-" ? v : getAddr(v, family).address;
    } else if (arg === "scope") {
      const v = a.next();
      if (!SCOPES.includes(v) && !/^\d+$/.test(v)) throw invarg("invalid scope value.", v);
      scope = v;
    } else if (arg === "dev") dev = a.next();
    else if (arg === "label") label = a.next();
    else if (matches(arg, "metric") || matches(arg, "priority") || matches(arg, "preference")) {
      const v = a.next();
      if (!/^\d+$/.test(v)) throw invarg('"metric" value is invalid\n', v);
      metric = Number(v);
    } else if (arg === "noprefixroute") {
      noprefixroute = true;
    } else if (["home", "nodad", "autojoin", "mngtmpaddr", "optimistic"].includes(arg)) {
      continue;
    } else {
      const v = arg === "local" ? a.next() : arg;
      if (matches(v, "help")) throw fail255("Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n");
      if (local) throw duparg2("local", v);
      local = getPrefix(v, family);
    }
  }
  if (dev === null) throw fail1('Not enough information: "dev" argument is required.\n');
  if (label !== null && !label.startsWith(dev)) {
    throw fail1(`"dev" (${dev}) must match "label" (${label}).\n`);
  }
  return { object: "address", command, dev, local, peer, broadcast, scope, label, metric, noprefixroute };
}

function list(a: Args, command: "show" | "flush", family: Family): IpCommand {
  let dev: string | null = null;
  let up = false;
  let scope: string | null = null;
  let label: string | null = null;
  let to: InetPrefix | null = null;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "to") to = getPrefix(a.next(), family);
    else if (arg === "scope") scope = a.next();
    else if (arg === "up") up = true;
    else if (arg === "label") label = a.next();
    else if (["dynamic", "permanent", "primary", "secondary", "temporary", "tentative", "deprecated", "dadfailed"].includes(arg)) continue;
    else {
      const v = arg === "dev" ? a.next() : arg;
      if (dev !== null) throw duparg2("dev", v);
      dev = v;
    }
  }
  if (command === "flush" && dev === null && to === null && scope === null && label === null) {
    throw fail1("Flush requires arguments.\n");
  }
  return { object: "address", command, dev, up, scope, label, to };
}

export function parseAddr(argv: string[], family: Family): IpCommand {
  return dispatchModifyList(argv, family, modify, list, "address");
}
