// /proc/sys/net/ipv4 for one namespace: reading and writing by sysctl name
// ("net.ipv4.conf.all.rp_filter" or "net/ipv4/conf/eth0.100/rp_filter"), with
// the propagation rules of devinet_conf_proc and devinet_sysctl_forward.

import { fail, ok, okVoid, type KResult } from "./errno.js";
import type { InDevice } from "./ipv4/devinet.js";
import type { Net } from "./net.js";
import { isStableSecretPath, sysctl6Read, sysctl6ReadSecret, sysctl6Status, sysctl6Unmodelled, sysctl6Write, sysctl6WriteSecret } from "./ipv6/sysctl6.js";
import { isConfKey, isNeighParmKey, isNetScalarKey, KERNEL_CONF_KEYS, KERNEL_IPV4_NAMES, KERNEL_NEIGH_KEYS, STORED_ONLY, type ConfKey } from "./sysctl-defaults.js";

type Target =
  | { kind: "forward" }
  | { kind: "scalar"; key: keyof Net["scalars"] }
  | { kind: "conf"; which: "all" | "default" | InDevice; key: ConfKey }
  | { kind: "neigh"; which: InDevice; key: keyof InDevice["arpParms"] };

function splitName(name: string): string[] {
  // With "/" a device name may contain dots; with "." the device is everything between the fixed parts.
  if (name.includes("/")) return name.split("/").filter(Boolean);
  const p = name.split(".");
  if (p.length > 5 && (p[2] === "conf" || p[2] === "neigh")) return [...p.slice(0, 3), p.slice(3, -1).join("."), p[p.length - 1]!];
  return p;
}

function resolve(net: Net, name: string): Target | null {
  const p = splitName(name);
  if (p[0] !== "net" || p[1] !== "ipv4") return null;
  if (p.length === 3) {
    if (p[2] === "ip_forward") return { kind: "forward" };
    return isNetScalarKey(p[2]!) ? { kind: "scalar", key: p[2] } : null;
  }
  if (p.length !== 5) return null;
  const [, , section, who, key] = p as [string, string, string, string, string];
  const inDev = who === "all" || who === "default" ? null : (net.devByName(who)?.inDev ?? null);
  if (section === "conf" && isConfKey(key)) {
    if (who === "all" || who === "default") return { kind: "conf", which: who, key };
    return inDev ? { kind: "conf", which: inDev, key } : null;
  }
  // No neigh/default: neigh_sysctl_register makes it for the first namespace only, never a lab host.
  if (section === "neigh" && isNeighParmKey(key)) return inDev ? { kind: "neigh", which: inDev, key } : null;
  return null;
}

/**
 * What a name under /proc/sys is to the simulator: a value it models, one
 * it keeps at its default only (STORED_ONLY), a directory, a name Linux 6.1
 * has that the simulator does not model, or nothing (ENOENT on Linux too).
 */
export type SysctlStatus = "modelled" | "stored" | "dir" | "unmodelled" | "absent";

const NET_DIRS = new Set(["core", "ipv4", "ipv6", "netfilter", "unix"]);
const ROUTE_KEYS = new Set(["flush", "min_adv_mss", "min_pmtu", "mtu_expires"]);

export function sysctlStatus(net: Net, name: string): SysctlStatus {
  const p = splitName(name).filter(Boolean);
  if (p.length === 0) return "dir";
  if (p[0] !== "net") return "unmodelled";
  if (p.length === 1) return "dir";
  if (!NET_DIRS.has(p[1]!)) return "absent";
  if (p[1] === "ipv6") return sysctl6Status(net, p);
  if (p[1] !== "ipv4") return "unmodelled";
  if (p.length === 2) return "dir";
  const section = p[2]!;
  if (p.length === 3) {
    if (section === "ip_forward" || isNetScalarKey(section)) return "modelled";
    if (section === "conf" || section === "neigh" || section === "route") return "dir";
    return KERNEL_IPV4_NAMES.has(section) ? "unmodelled" : "absent";
  }
  if (section === "route") return p.length === 4 && ROUTE_KEYS.has(p[3]!) ? "unmodelled" : "absent";
  if (section !== "conf" && section !== "neigh") return "absent";
  const who = p[3]!;
  const hasDev = !!net.devByName(who)?.inDev;
  if (!(hasDev || (section === "conf" && (who === "all" || who === "default")))) return "absent";
  if (p.length === 4) return "dir";
  if (p.length > 5) return "absent";
  const key = p[4]!;
  const modelled = section === "conf" ? isConfKey(key) : isNeighParmKey(key);
  if (modelled) return STORED_ONLY.has(key) ? "stored" : "modelled";
  return (section === "conf" ? KERNEL_CONF_KEYS : KERNEL_NEIGH_KEYS).has(key) ? "unmodelled" : "absent";
}

export function sysctlRead(net: Net, name: string): KResult<number> {
  const p6 = splitName(name);
  if (p6[0] === "net" && p6[1] === "ipv6") return sysctl6Read(net, p6);
  const t = resolve(net, name);
  if (!t) return fail("ENOENT");
  switch (t.kind) {
    case "forward":
      return ok(net.confAll.forwarding);
    case "scalar":
      return ok(net.scalars[t.key]);
    case "conf":
      return ok(t.which === "all" ? net.confAll[t.key] : t.which === "default" ? net.confDflt[t.key] : t.which.conf[t.key]);
    case "neigh":
      return ok(t.which.arpParms[t.key]);
  }
}

export function sysctlWrite(net: Net, name: string, value: number): KResult {
  const p6 = splitName(name);
  if (p6[0] === "net" && p6[1] === "ipv6") return Number.isInteger(value) ? sysctl6Write(net, p6, value) : fail("EINVAL");
  const t = resolve(net, name);
  if (!t) return fail("ENOENT");
  if (!Number.isInteger(value)) return fail("EINVAL");
  switch (t.kind) {
    case "forward":
      inetForwardChange(net, value);
      return okVoid;
    case "scalar":
      net.scalars[t.key] = value;
      return okVoid;
    case "conf":
      if (t.key === "forwarding" && t.which === "all") {
        inetForwardChange(net, value);
      } else if (t.which === "all") {
        net.confAll[t.key] = value;
      } else if (t.which === "default") {
        net.confDflt[t.key] = value;
        if (t.key !== "forwarding") net.confDfltSet.add(t.key);
        // devinet_copy_dflt_conf: devices that never had this key written follow default.
        if (t.key !== "forwarding") for (const d of net.devices.values()) if (d.inDev && !d.inDev.confSet.has(t.key)) d.inDev.conf[t.key] = value;
      } else {
        t.which.conf[t.key] = value;
        t.which.confSet.add(t.key);
      }
      return okVoid;
    case "neigh":
      t.which.arpParms[t.key] = value;
      return okVoid;
  }
}

/** inet_forward_change: ip_forward / conf.all.forwarding rewrite every device's and default's forwarding. */
function inetForwardChange(net: Net, on: number): void {
  net.confAll.forwarding = on;
  net.confAll.accept_redirects = on ? 0 : 1;
  net.confDflt.forwarding = on;
  for (const d of net.devices.values()) if (d.inDev) d.inDev.conf.forwarding = on;
}

/** A value the simulator cannot honour for a key it otherwise models (a write to refuse). */
export function sysctlValueUnmodelled(net: Net, name: string, value: number): boolean {
  const p = splitName(name);
  return p[0] === "net" && p[1] === "ipv6" && sysctl6Unmodelled(net, p, value);
}

/** A key whose value is text, not a number (net.ipv6.conf.X.stable_secret). */
export const sysctlIsText = (name: string): boolean => isStableSecretPath(splitName(name));

export function sysctlReadText(net: Net, name: string): KResult<string> {
  return sysctl6ReadSecret(net, splitName(name));
}

export function sysctlWriteText(net: Net, name: string, text: string): KResult {
  return sysctl6WriteSecret(net, splitName(name), text);
}
