import { NotSimulated } from "../errors.js";

/** procps-ng sysctl's command line: what to read and write, and how to print it. */
export interface SysctlItem {
  /** As typed, dots or slashes. */
  key: string;
  /** Under /proc/sys with slashes ("net/ipv4/ip_forward"). */
  path: string;
  /** The value to write, or null to read. */
  value: string | null;
}

export interface SysctlInvocation {
  items: SysctlItem[];
  /** -n: values only. */
  valuesOnly: boolean;
  /** -q: print nothing for writes. */
  quiet: boolean;
  /** -e: no error for unknown keys. */
  ignoreUnknown: boolean;
}

export type SysctlParse = { ok: true; value: SysctlInvocation } | { ok: false; stderr: string; exitCode: number };

/**
 * procps-ng's slashdot(): the first separator says which form a name is in.
 * Already in the form wanted (its first separator is NEW), it stays as it is;
 * otherwise every "." and "/" swap, so a device name's dot is written "/" in
 * the dotted form (net.ipv4.conf.eth0/10.rp_filter) and stays a dot in the
 * slashed one (net/ipv4/conf/eth0.10/rp_filter).
 */
function slashdot(name: string, want: "/" | "."): string {
  const first = /[./]/.exec(name)?.[0];
  if (!first || first === want) return name;
  return name.replace(/[./]/g, (c) => (c === "." ? "/" : "."));
}

/** A key's path under /proc/sys, as sysctl opens it. */
export function sysctlPath(key: string): string {
  const k = key.replace(/^\/proc\/sys\//, "");
  return slashdot(k, "/").replace(/^\/+/, "");
}

/** The dotted display name of a key, as sysctl prints it. */
export function sysctlName(key: string): string {
  return slashdot(key.replace(/^\/proc\/sys\//, ""), ".");
}

/** The long options that are the short ones modelled here; the rest (--system, --load, --all, ...) are refused. */
const LONG: Record<string, "w" | "n" | "q" | "e"> = { "--write": "w", "--values": "n", "--quiet": "q", "--ignore": "e" };

export function parseSysctl(argv: string[]): SysctlParse {
  const inv: SysctlInvocation = { items: [], valuesOnly: false, quiet: false, ignoreUnknown: false };
  let write = false;
  const operands: string[] = [];
  for (const a of argv) {
    if (a.startsWith("--") && operands.length === 0) {
      const short = LONG[a];
      if (short === undefined) throw NotSimulated.what(`sysctl ${a}`);
      if (short === "w") write = true;
      else if (short === "n") inv.valuesOnly = true;
      else if (short === "q") inv.quiet = true;
      else inv.ignoreUnknown = true;
    } else if (a.startsWith("-") && a.length > 1 && operands.length === 0) {
      for (const c of a.slice(1)) {
        if (c === "w") write = true;
        else if (c === "n") inv.valuesOnly = true;
        else if (c === "q") inv.quiet = true;
        else if (c === "e") inv.ignoreUnknown = true;
        else if ("NaAXprbfoxhdV".includes(c)) {
          throw NotSimulated.what(`sysctl -${c}`);
        } else return { ok: false, stderr: `sysctl: invalid option -- '${c}'\n`, exitCode: 2 };
      }
    } else operands.push(a);
  }
  if (operands.length === 0) return { ok: false, stderr: "sysctl: no variables specified\n", exitCode: 255 };
  for (const op of operands) {
    const eq = op.indexOf("=");
    if (eq < 0 && write) return { ok: false, stderr: `sysctl: "${op}" must be of the form name=value\n`, exitCode: 255 };
    if (eq === 0) return { ok: false, stderr: `sysctl: malformed setting "${op}"\n`, exitCode: 255 };
    const key = (eq < 0 ? op : op.slice(0, eq)).trim();
    inv.items.push({ key, path: sysctlPath(key), value: eq < 0 ? null : op.slice(eq + 1).trim() });
  }
  return { ok: true, value: inv };
}

/** `net.ipv4.ip_forward = 1`, or the bare value with -n. */
export function formatSysctl(inv: SysctlInvocation, item: SysctlItem, value: string): string {
  const v = value.replace(/\n$/, "");
  return inv.valuesOnly ? `${v}\n` : `${sysctlName(item.key)} = ${v}\n`;
}

export function unknownKeyError(item: SysctlItem): string {
  return `sysctl: cannot stat /proc/sys/${item.path}: No such file or directory\n`;
}
