// ipaddr_list_flush_or_save()'s arguments, which `ip addr show|flush` and
// `ip link show` share: the links to list (dev, up, master, type, group)
// and, for addresses, which of them (to, scope, label, flags).

import { NotSimulated } from "../errors.js";
import { Args, duparg2, fail255, invarg, matches } from "./errors.js";
import { getPrefix, type Family, type InetPrefix } from "./inet.js";

export interface ListFilter {
  dev: string | null;
  up: boolean;
  master: string | null;
  nomaster: boolean;
  /** `type KIND`: the link's kind; `type KIND_slave`: its master's kind. */
  kind: string | null;
  slaveKind: string | null;
  /** `group G`: the link group (only "default", 0, exists in the simulator). */
  group: number | null;
  to: InetPrefix | null;
  /** A scope name or number as typed; "all" matches every scope. */
  scope: string | null;
  /** fnmatch() pattern of the address label (an IPv6 address's is its device's name). */
  label: string | null;
  /** IFA_F_* bits an address must have (flags) among those the filter looks at (flagmask). */
  flags: number;
  flagmask: number;
}

export const IFA_F_SECONDARY = 0x01;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_NOPREFIXROUTE = 0x200;
export const IFA_F_MCAUTOJOIN = 0x400;

/** ifa_flag_data[], in its order (print_ifa_flags prints in it): name, mask, read-only, IPv6 only. */
export const IFA_FLAG_DATA: ReadonlyArray<{ name: string; mask: number; readonly: boolean; v6only: boolean }> = [
  { name: "secondary", mask: IFA_F_SECONDARY, readonly: true, v6only: false },
  { name: "temporary", mask: IFA_F_SECONDARY, readonly: true, v6only: false },
  { name: "nodad", mask: 0x02, readonly: false, v6only: true },
  { name: "optimistic", mask: 0x04, readonly: false, v6only: true },
  { name: "dadfailed", mask: 0x08, readonly: true, v6only: true },
  { name: "home", mask: 0x10, readonly: false, v6only: true },
  { name: "deprecated", mask: 0x20, readonly: true, v6only: true },
  { name: "tentative", mask: IFA_F_TENTATIVE, readonly: true, v6only: true },
  { name: "permanent", mask: IFA_F_PERMANENT, readonly: true, v6only: true },
  { name: "mngtmpaddr", mask: 0x100, readonly: false, v6only: true },
  { name: "noprefixroute", mask: IFA_F_NOPREFIXROUTE, readonly: false, v6only: false },
  { name: "autojoin", mask: IFA_F_MCAUTOJOIN, readonly: false, v6only: false },
  { name: "stable-privacy", mask: 0x800, readonly: true, v6only: true },
];

export const ifaFlagData = (name: string) => IFA_FLAG_DATA.find((f) => f.name === name);

/** get_filter(): a flag name, `-NAME` for its absence; dynamic is -permanent, primary -secondary. */
function flagFilter(f: ListFilter, arg: string): boolean {
  let inv = arg.startsWith("-");
  let name = inv ? arg.slice(1) : arg;
  if (name === "dynamic") {
    inv = !inv;
    name = "permanent";
  } else if (name === "primary") {
    inv = !inv;
    name = "secondary";
  }
  const d = ifaFlagData(name);
  if (!d) return false;
  f.flags = inv ? f.flags & ~d.mask : f.flags | d.mask;
  f.flagmask |= d.mask;
  return true;
}

const SCOPES = ["global", "site", "link", "host", "nowhere"];

export function parseListFilter(a: Args, family: Family, usage: string): ListFilter {
  const f: ListFilter = { dev: null, up: false, master: null, nomaster: false, kind: null, slaveKind: null, group: null, to: null, scope: null, label: null, flags: 0, flagmask: 0 };
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "to") f.to = getPrefix(a.next(), family);
    else if (arg === "scope") {
      const v = a.next();
      if (!SCOPES.includes(v) && v !== "all" && !/^\d+$/.test(v)) throw invarg('invalid "scope"\n', v);
      f.scope = v;
    } else if (arg === "up") f.up = true;
    else if (flagFilter(f, arg)) continue;
    else if (arg === "label") f.label = a.next();
    else if (arg === "group") {
      const v = a.next();
      const n = v === "default" ? 0 : /^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) && Number(v) <= 0xffffffff ? Number(v) : null;
      if (n === null) throw invarg('Invalid "group" value\n', v);
      f.group = n;
    } else if (arg === "master") f.master = a.next();
    else if (arg === "vrf") throw NotSimulated.what("ip link|addr show vrf");
    else if (arg === "nomaster") f.nomaster = true;
    else if (arg === "type") {
      const v = a.next();
      if (v.endsWith("_slave")) f.slaveKind = v.slice(0, -"_slave".length);
      else f.kind = v;
    } else {
      const v = arg === "dev" ? a.next() : arg;
      if (arg !== "dev" && matches(v, "help")) throw fail255(usage);
      if (f.dev !== null) throw duparg2("dev", v);
      f.dev = v;
    }
  }
  return f;
}
