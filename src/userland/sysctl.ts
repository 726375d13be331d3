// procps-ng sysctl against the simulated /proc/sys/net/ipv4 of the namespace
// it runs in: reads, writes (`key=value`, with or without -w), -n, -q, -e.

import { sysctlRead, sysctlWrite } from "../kernel/index.js";
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
  const unmodelled = inv.items.find((item) => !item.path.startsWith("net/ipv4/"));
  if (unmodelled) throw NotSimulated.what(`sysctl ${sysctlName(unmodelled.key)}`);
  for (const item of inv.items) {
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
