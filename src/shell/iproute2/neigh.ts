import { NotSimulated } from "../errors.js";
import type { IpCommand } from "./ast.js";
import { dispatchModifyList } from "./dispatch.js";
import { Args, duparg, duparg2, fail1, fail255, matches } from "./errors.js";
import { getPrefix, llAddr, type Family, type InetPrefix } from "./inet.js";

/** nud_state_a2n(): permanent, reachable and failed by any abbreviation, the others in full; a number is a NUD_* bit. */
function nudState(v: string): string {
  for (const k of ["permanent", "reachable"]) if (matches(v, k)) return k;
  if (["noarp", "none", "stale", "incomplete", "delay", "probe"].includes(v)) return v;
  if (matches(v, "failed")) return "failed";
  if (/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v)) throw NotSimulated.what(`ip neigh ... nud ${v}`);
  throw fail255(`Error: argument "${v}" is wrong: nud state is bad\n`);
}

function modify(a: Args, command: "add" | "delete" | "replace" | "change", family: Family): IpCommand {
  let to: InetPrefix | null = null;
  let dev: string | null = null;
  let lladdr: string | null = null;
  let nud: string | null = null;
  let proxy = false;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (matches(arg, "lladdr")) {
      const v = a.next();
      if (lladdr !== null) throw duparg("lladdr", v);
      lladdr = v === "null" ? "" : llAddr(v);
    } else if (arg === "nud") {
      const v = a.next();
      nud = nudState(v);
    } else if (matches(arg, "proxy")) {
      proxy = true;
      const v = a.next();
      if (to) throw duparg("address", v);
      to = getPrefix(v, family);
    } else if (arg === "router" || arg === "use" || arg === "managed" || matches(arg, "extern_learn")) {
      throw NotSimulated.what(`ip neigh ... ${matches(arg, "extern_learn") ? "extern_learn" : arg}`);
    } else if (arg === "dev") dev = a.next();
    else if (matches(arg, "protocol")) throw NotSimulated.what("ip neigh ... protocol");
    else {
      const v = arg === "to" ? a.next() : arg;
      if (matches(v, "help")) throw fail255("Usage: ip neigh { add | del | change | replace }\n");
      if (to) throw duparg2("to", v);
      to = getPrefix(v, family);
    }
  }
  if (!dev || !to) throw fail1("Device and destination are required arguments.\n");
  return { object: "neigh", command, to, dev, lladdr, nud, proxy };
}

function list(a: Args, command: "show" | "flush", family: Family): IpCommand {
  let proxy = false;
  let to: InetPrefix | null = null;
  let dev: string | null = null;
  let nud: string | null = null;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "dev") dev = a.next();
    else if (["master", "vrf", "nomaster", "unused"].includes(arg)) throw NotSimulated.what(`ip neigh show ${arg}`);
    else if (arg === "nud") {
      const v = a.next();
      // Several nud words add up (filter.state |= ...), which the listing does not model.
      if (nud !== null) throw NotSimulated.what("ip neigh show nud ... nud ...");
      nud = v === "all" ? "all" : nudState(v);
    }
    else if (arg === "proxy") proxy = true;
    else if (matches(arg, "protocol")) throw NotSimulated.what("ip neigh show protocol");
    else {
      const v = arg === "to" ? a.next() : arg;
      if (to) throw duparg2("to", v);
      to = getPrefix(v, family);
    }
  }
  return { object: "neigh", command, to, dev, nud, proxy };
}

export function parseNeigh(argv: string[], family: Family): IpCommand {
  return dispatchModifyList(argv, family, modify, list, "neigh", ["get"]);
}
