// /proc/sys/net/ipv6 for one namespace: conf/{all,default,DEV}/KEY and
// neigh/DEV/KEY, with addrconf.c's handlers for the keys whose writes do
// something at once (forwarding, disable_ipv6), the unit each key is
// written in, and the names Linux 6.1 has that are not modelled.

import { fail, ok, okVoid, type KResult } from "../errno.js";
import type { Net } from "../net.js";
import { isNeighParmKey, type NeighParmKey } from "../sysctl-defaults.js";
import { addrconfDevUp, addrconfForwardChange, addrconfIfdown } from "./addrconf.js";
import { IN6_ADDR_GEN_MODE_STABLE_PRIVACY, type Inet6Dev, type Ipv6ConfKey } from "./inet6-dev.js";
import { stableSecretOf } from "./stable-address.js";
import { ipv6ToBytes } from "../../wire/ipv6-addr.js";

/** The sysctl name of each modelled key, and the factor from its unit to the stored ms. */
const CONF_NAMES: Record<string, { key: Ipv6ConfKey; scale: number; stored?: boolean }> = {
  forwarding: { key: "forwarding", scale: 1 },
  disable_ipv6: { key: "disable_ipv6", scale: 1 },
  accept_dad: { key: "accept_dad", scale: 1 },
  dad_transmits: { key: "dad_transmits", scale: 1 },
  keep_addr_on_down: { key: "keep_addr_on_down", scale: 1 },
  accept_ra: { key: "accept_ra", scale: 1 },
  addr_gen_mode: { key: "addr_gen_mode", scale: 1 },
  enhanced_dad: { key: "enhanced_dad", scale: 1 },
  hop_limit: { key: "hop_limit", scale: 1 },
  router_solicitations: { key: "rtr_solicits", scale: 1 },
  router_solicitation_interval: { key: "rtr_solicit_interval", scale: 1000 },
  router_solicitation_max_interval: { key: "rtr_solicit_max_interval", scale: 1000 },
  router_solicitation_delay: { key: "rtr_solicit_delay", scale: 1000 },
  mldv2_unsolicited_report_interval: { key: "mldv2_unsolicited_report_interval", scale: 1 },
  proxy_ndp: { key: "proxy_ndp", scale: 1 },
  // Kept at their defaults only: nothing here reads another value (temporary addresses, unsolicited NA, MLDv1, RA handling).
  use_tempaddr: { key: "use_tempaddr", scale: 1, stored: true },
  ndisc_notify: { key: "ndisc_notify", scale: 1, stored: true },
  force_mld_version: { key: "force_mld_version", scale: 1, stored: true },
  accept_redirects: { key: "accept_redirects", scale: 1, stored: true },
  autoconf: { key: "autoconf", scale: 1, stored: true },
  mldv1_unsolicited_report_interval: { key: "mldv1_unsolicited_report_interval", scale: 1, stored: true },
};

/** net/ipv6/conf/X/ in 6.1 (what is not above is not modelled). */
const KERNEL_CONF6 = new Set([
  "accept_dad", "accept_ra", "accept_ra_defrtr", "accept_ra_from_local", "accept_ra_min_hop_limit", "accept_ra_min_lft", "accept_ra_mtu", "accept_ra_pinfo",
  "accept_ra_rt_info_max_plen", "accept_ra_rt_info_min_plen", "accept_ra_rt_table", "accept_ra_rtr_pref", "accept_redirects", "accept_source_route",
  "accept_untracked_na", "addr_gen_mode", "autoconf", "dad_transmits", "disable_ipv6", "disable_policy", "drop_unicast_in_l2_multicast",
  "drop_unsolicited_na", "enhanced_dad", "force_mld_version", "force_tllao", "forwarding", "hop_limit", "ignore_routes_with_linkdown",
  "ioam6_enabled", "ioam6_id", "ioam6_id_wide", "keep_addr_on_down", "max_addresses", "max_desync_factor", "mc_forwarding",
  "mldv1_unsolicited_report_interval", "mldv2_unsolicited_report_interval", "mtu", "ndisc_evict_nocarrier", "ndisc_notify", "ndisc_tclass",
  "proxy_ndp", "ra_defrtr_metric", "regen_max_retry", "router_probe_interval", "router_solicitation_delay", "router_solicitation_interval",
  "router_solicitation_max_interval", "router_solicitations", "rpl_seg_enabled", "seg6_enabled", "seg6_require_hmac", "stable_secret",
  "suppress_frag_ndisc", "temp_prefered_lft", "temp_valid_lft", "use_oif_addrs_only", "use_optimistic", "use_tempaddr",
]);

type Target6 = { kind: "conf"; which: "all" | "default" | Inet6Dev; name: string } | { kind: "neigh"; which: Inet6Dev; key: NeighParmKey };

function resolve6(net: Net, p: string[]): Target6 | null {
  if (p.length !== 5 || p[0] !== "net" || p[1] !== "ipv6") return null;
  const [, , section, who, key] = p as [string, string, string, string, string];
  const idev = who === "all" || who === "default" ? null : (net.devByName(who)?.in6Dev ?? null);
  if (section === "conf" && CONF_NAMES[key]) {
    if (who === "all" || who === "default") return { kind: "conf", which: who, name: key };
    return idev ? { kind: "conf", which: idev, name: key } : null;
  }
  if (section === "neigh" && isNeighParmKey(key) && idev) return { kind: "neigh", which: idev, key };
  return null;
}

export type Sysctl6Status = "modelled" | "stored" | "dir" | "unmodelled" | "absent";

export function sysctl6Status(net: Net, p: string[]): Sysctl6Status {
  if (p.length === 2) return "dir";
  const section = p[2]!;
  if (section !== "conf" && section !== "neigh") return "unmodelled";
  if (p.length === 3) return "dir";
  const who = p[3]!;
  const has = !!net.devByName(who)?.in6Dev || (section === "conf" && (who === "all" || who === "default"));
  if (!has) return section === "neigh" && who === "default" ? "unmodelled" : "absent";
  if (p.length === 4) return "dir";
  if (p.length > 5) return "absent";
  const key = p[4]!;
  if (section === "conf" && key === "stable_secret") return "modelled";
  const t = resolve6(net, p);
  if (t) return t.kind === "conf" && CONF_NAMES[t.name]!.stored ? "stored" : "modelled";
  return section === "conf" ? (KERNEL_CONF6.has(key) ? "unmodelled" : "absent") : "unmodelled";
}

export function sysctl6Read(net: Net, p: string[]): KResult<number> {
  const t = resolve6(net, p);
  if (!t) return fail("ENOENT");
  if (t.kind === "neigh") return ok(t.which.ndParms[t.key]);
  const { key, scale } = CONF_NAMES[t.name]!;
  const cnf = t.which === "all" ? net.ipv6ConfAll : t.which === "default" ? net.ipv6ConfDflt : t.which.cnf;
  return ok(Math.trunc(cnf[key] / scale));
}

export function sysctl6Write(net: Net, p: string[], value: number): KResult {
  const t = resolve6(net, p);
  if (!t) return fail("ENOENT");
  if (t.kind === "neigh") {
    t.which.ndParms[t.key] = value;
    return okVoid;
  }
  const { key, scale } = CONF_NAMES[t.name]!;
  if (key === "addr_gen_mode" && (value < 0 || value > 3)) return fail("EINVAL");
  // check_stable_privacy: a device may use stable_privacy only with a secret, its own or default's.
  if (key === "addr_gen_mode" && typeof t.which !== "string" && value === IN6_ADDR_GEN_MODE_STABLE_PRIVACY && !stableSecretOf(t.which)) return fail("EINVAL");
  const v = value * scale;
  if (key === "forwarding") {
    // addrconf_fixup_forwarding: all rewrites default and every device; a device changes alone.
    if (t.which === "all") {
      net.ipv6ConfAll.forwarding = v;
      net.ipv6ConfDflt.forwarding = v;
      for (const d of net.devices.values()) if (d.in6Dev) addrconfForwardChange(d.in6Dev, v);
    } else if (t.which === "default") net.ipv6ConfDflt.forwarding = v;
    else addrconfForwardChange(t.which, v);
    return okVoid;
  }
  if (key === "disable_ipv6") {
    // addrconf_disable_ipv6: all rewrites default and every device; each change takes addresses away or configures again.
    const devs = t.which === "all" ? [...net.devices.values()].flatMap((d) => (d.in6Dev ? [d.in6Dev] : [])) : t.which === "default" ? [] : [t.which];
    if (t.which === "all") {
      net.ipv6ConfAll.disable_ipv6 = v;
      net.ipv6ConfDflt.disable_ipv6 = v;
    } else if (t.which === "default") net.ipv6ConfDflt.disable_ipv6 = v;
    for (const idev of devs) {
      if (!!idev.cnf.disable_ipv6 === !!v) {
        idev.cnf.disable_ipv6 = v;
        continue;
      }
      idev.cnf.disable_ipv6 = v;
      if (v) addrconfIfdown(idev.dev);
      else addrconfDevUp(idev.dev);
    }
    return okVoid;
  }
  if (t.which === "all") net.ipv6ConfAll[key] = v;
  else if (t.which === "default") net.ipv6ConfDflt[key] = v;
  else t.which.cnf[key] = v;
  return okVoid;
}

/**
 * A value the model cannot honour: conf/all's addr_gen_mode (which devices
 * it rewrites), and a device's while it is up (6.1 regenerates its
 * addresses then).
 */
export function sysctl6Unmodelled(net: Net, p: string[], value: number): boolean {
  const t = resolve6(net, p);
  if (!t || t.kind !== "conf" || t.name !== "addr_gen_mode") return false;
  const now = t.which === "all" ? net.ipv6ConfAll : t.which === "default" ? net.ipv6ConfDflt : t.which.cnf;
  if (now.addr_gen_mode === value) return false;
  return t.which === "all" || (typeof t.which !== "string" && t.which.dev.isUp);
}

/** conf/WHO/stable_secret: the one IPv6 key whose value is an address, not a number. */
function secretTarget(net: Net, p: string[]): "all" | "default" | Inet6Dev | null {
  if (p.length !== 5 || p[0] !== "net" || p[1] !== "ipv6" || p[2] !== "conf" || p[4] !== "stable_secret") return null;
  if (p[3] === "all" || p[3] === "default") return p[3];
  return net.devByName(p[3]!)?.in6Dev ?? null;
}

export const isStableSecretPath = (p: string[]): boolean => p.length === 5 && p[1] === "ipv6" && p[2] === "conf" && p[4] === "stable_secret";

/** addrconf_sysctl_stable_secret, read: EIO for conf/all and for a secret never set; else %pI6 (every group, four digits). */
export function sysctl6ReadSecret(net: Net, p: string[]): KResult<string> {
  const t = secretTarget(net, p);
  if (!t) return fail("ENOENT");
  const secret = t === "all" ? null : t === "default" ? net.ipv6StableSecretDflt : t.stableSecret;
  if (!secret) return fail("EIO");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((secret[i]! << 8) | secret[i + 1]!).toString(16).padStart(4, "0"));
  return ok(groups.join(":"));
}

/**
 * addrconf_sysctl_stable_secret, write: an IPv6 address (in6_pton) or EIO;
 * default's secret switches every device of the namespace to stable_privacy,
 * a device's its own (neither makes new addresses until the next link-local).
 */
export function sysctl6WriteSecret(net: Net, p: string[], text: string): KResult {
  const t = secretTarget(net, p);
  if (!t) return fail("ENOENT");
  if (t === "all") return fail("EIO");
  const bytes = /^[0-9a-fA-F:.]+$/.test(text) ? ipv6ToBytes(text) : null;
  if (!bytes) return fail("EIO");
  if (t === "default") {
    net.ipv6StableSecretDflt = bytes;
    for (const d of net.devices.values()) if (d.in6Dev) d.in6Dev.cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_STABLE_PRIVACY;
  } else {
    t.stableSecret = bytes;
    t.cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_STABLE_PRIVACY;
  }
  return okVoid;
}
