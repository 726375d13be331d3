// procps-ng sysctl against the simulated /proc/sys/net/ipv4 of the namespace
// it runs in: reads, writes (`key=value`, with or without -w), -n, -q, -e.

import { sysctlIsText, sysctlRead, sysctlReadText, sysctlStatus, sysctlValueUnmodelled, sysctlWrite, sysctlWriteText, type Net } from "../kernel/index.js";
import { formatSysctl, NotSimulated, parseSysctl, sysctlName, unknownKeyError, type ExecResult } from "../shell/index.js";
import type { Tool, ToolContext } from "./tool.js";

/** argv[0] is the command name, as for every userland tool (tolerated when missing). */
export const sysctlTool: Tool = (argv: string[], ctx: ToolContext): ExecResult => {
  const args = /(^|\/)sysctl$/.test(argv[0] ?? "") ? argv.slice(1) : argv;
  const p = parseSysctl(args);
  if (!p.ok) return { exitCode: p.exitCode, stdout: "", stderr: p.stderr };
  const inv = p.value;
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  // Refused before any of them is written: sysctl writes its operands one by one.
  for (const item of inv.items) {
    const why = unmodelled(ctx.net, item);
    if (why) throw NotSimulated.what(why);
  }
  for (const item of inv.items) {
    if (sysctlIsText(item.path)) {
      // A text key (stable_secret): EIO reading one never set, or writing what is not an address.
      const r = item.value === null ? sysctlReadText(ctx.net, item.path) : sysctlWriteText(ctx.net, item.path, item.value);
      if (!r.ok) {
        // procps-ng says nothing when the read itself fails (EIO), only the exit status does.
        if (r.errno === "ENOENT") stderr += unknownKeyError(item);
        else if (item.value !== null) stderr += `sysctl: setting key "${sysctlName(item.key)}": Input/output error\n`;
        exitCode = exitCode || 1;
      } else if (item.value === null) stdout += formatSysctl(inv, item, r.value as string);
      else if (!inv.quiet) stdout += formatSysctl(inv, item, item.value);
      continue;
    }
    if (item.value === null) {
      const r = sysctlRead(ctx.net, item.path);
      if (r.ok) stdout += formatSysctl(inv, item, String(r.value));
      else if (!inv.ignoreUnknown) {
        stderr += unknownKeyError(item);
        exitCode = exitCode || 1;
      }
      continue;
    }
    if (!sysctlRead(ctx.net, item.path).ok) {
      if (!inv.ignoreUnknown) {
        stderr += unknownKeyError(item);
        exitCode = exitCode || 1;
      }
      continue;
    }
    // proc_dointvec: one decimal integer, optionally signed.
    const r = /^[+-]?\d+$/.test(item.value) ? sysctlWrite(ctx.net, item.path, Number(item.value)) : { ok: false as const, errno: "EINVAL" as const };
    if (!r.ok) {
      stderr += `sysctl: setting key "${sysctlName(item.key)}": Invalid argument\n`;
      exitCode = exitCode || 1;
      continue;
    }
    if (!inv.quiet) stdout += formatSysctl(inv, item, item.value);
  }
  return { exitCode, stdout, stderr };
};

/**
 * Why the simulator cannot answer for this operand, if it cannot: a name
 * Linux has and it does not model (a directory, which sysctl would list,
 * included), or a new value for a key nothing in it reads.
 */
export function unmodelled(net: Net, item: { key: string; path: string; value: string | null }): string | null {
  const status = item.path.startsWith("net/ipv4/") || item.path.startsWith("net/ipv6/") ? sysctlStatus(net, item.path) : "unmodelled";
  if (status === "unmodelled" || status === "dir") return `sysctl ${sysctlName(item.key)}`;
  if (item.value !== null && /^[+-]?\d+$/.test(item.value) && sysctlValueUnmodelled(net, item.path, Number(item.value))) return `setting ${sysctlName(item.key)} to ${item.value}`;
  if (status === "stored" && item.value !== null && /^[+-]?\d+$/.test(item.value)) {
    const now = sysctlRead(net, item.path);
    if (now.ok && now.value !== Number(item.value)) return `setting ${sysctlName(item.key)} to ${item.value}`;
  }
  return null;
}
