// Which addresses and links `ip addr show|flush` and `ip link show` select:
// ipaddr_filter() and print_selected_addrinfo() over the addresses the
// kernel reports, with the IFA_F_* flags it reports them with.

import type { Inet6Ifaddr, InIfaddr, NetDevice } from "../../kernel/index.js";
import { IFA_F_NOPREFIXROUTE, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_TENTATIVE, NotSimulated, type ListFilter } from "../../shell/index.js";
import { globToRegExpSource } from "../../shell/interp/pattern.js";
import { networkOf, parseIpv4 } from "../../wire/ipv4-addr.js";

/** An IPv4 address's flags: infinite lifetimes make it permanent (set_ifa_lifetime). */
export const ifaFlags4 = (a: InIfaddr): number => (a.secondary ? IFA_F_SECONDARY : 0) | IFA_F_PERMANENT | (a.noprefixroute ? IFA_F_NOPREFIXROUTE : 0);

/** The link-locals and ::1 addrconf makes are permanent; tentative until DAD ends. */
export const ifaFlags6 = (a: Inet6Ifaddr): number => IFA_F_PERMANENT | (a.tentative ? IFA_F_TENTATIVE : 0) | (a.dadfailed ? 0x08 : 0) | (a.nodad ? 0x02 : 0) | (a.noprefixroute ? 0x200 : 0) | (a.stablePrivacy ? 0x800 : 0);

const SCOPE_NUMBERS: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

function scopeOk(f: ListFilter, scope: number): boolean {
  if (f.scope === null || f.scope === "all") return true;
  return (SCOPE_NUMBERS[f.scope] ?? Number(f.scope)) === scope;
}

/** fnmatch(pattern, label, 0). */
const labelOk = (f: ListFilter, label: string): boolean => f.label === null || new RegExp(`^${globToRegExpSource(f.label)}$`).test(label);

const flagsOk = (f: ListFilter, flags: number): boolean => ((f.flags ^ flags) & f.flagmask) === 0;

export function inet4Passes(f: ListFilter, a: InIfaddr): boolean {
  if (!scopeOk(f, a.scope) || !flagsOk(f, ifaFlags4(a)) || !labelOk(f, a.label)) return false;
  if (f.to === null || f.to.special) return true;
  // inet_addr_match_rta: an address of the other family never matches.
  if (f.to.family !== "inet") return false;
  const bits = f.to.bits ?? 32;
  return bits <= 0 || networkOf(a.local, bits) === networkOf(parseIpv4(f.to.address)!, bits);
}

export function inet6Passes(f: ListFilter, dev: NetDevice, a: Inet6Ifaddr): boolean {
  if (!scopeOk(f, SCOPE_NUMBERS[a.scope]!) || !flagsOk(f, ifaFlags6(a)) || !labelOk(f, dev.name)) return false;
  if (f.to === null || f.to.special) return true;
  if (f.to.family !== "inet6") return false;
  throw NotSimulated.what("ip addr show to IPV6-PREFIX");
}

/** Whether a link passes a listing's link filters (up, nomaster, type, group); dev and master are looked up by the caller. */
export function linkFilterPasses(f: ListFilter, d: NetDevice): boolean {
  if (f.up && !d.isUp) return false;
  if (f.nomaster && d.master) return false;
  if (f.kind !== null && d.kind !== f.kind) return false;
  if (f.slaveKind !== null && d.master?.kind !== f.slaveKind) return false;
  // Every link is in group 0, "default": the simulator has no `ip link set group`.
  if (f.group !== null && f.group !== 0) return false;
  return true;
}
