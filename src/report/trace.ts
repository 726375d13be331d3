// A traced command as a reader sees it: every trace step in order (virtual
// time from the command's start, where, device, the kernel function, what
// and why), and the verdict.

import { traceVerdict, where, type TracedCommand } from "../engines/sim/trace-verdict.js";
import type { Style } from "./text.js";

/** The trace as a table: time from the start, where, device, function, what and why. */
export function traceText(t: TracedCommand, st: Style, ports: (where: string, text: string) => string = (_, text) => text): string {
  const rows = t.steps.map((s) => {
    const at = where(s);
    const what = ports(at, s.what);
    return [`+${(s.time - t.start).toFixed(3)}`, at, s.dev, s.func, s.why ? `${what} ${st.dim(`— ${ports(at, s.why)}`)}` : what];
  });
  const head = ["ms", "where", "device", "function", "what — why"];
  const width = [0, 1, 2, 3].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(width[i]!) : c)).join("  ").trimEnd();
  const out = [st.bold(`trace of \`${t.command}\` on ${t.host}, in the state after ${t.after}`), st.dim(line(head)), ...rows.map((r) => (isDropRow(r) ? st.bad(line(r)) : line(r)))];
  if (t.housekeeping) out.push(st.dim("(IPv6's own traffic meanwhile — duplicate address detection, router solicitations, MLD reports — is left out)"));
  if (t.stdout.trim()) out.push("", ...t.stdout.trimEnd().split("\n").map((l) => `  ${l}`));
  if (t.stderr.trim()) out.push("", ...t.stderr.trimEnd().split("\n").map((l) => `  ${l}`));
  out.push("", `${t.exitCode === 0 ? st.ok("verdict:") : st.bad("verdict:")} ${traceVerdict(t)}`);
  return `${out.join("\n")}\n`;
}

const isDropRow = (r: string[]): boolean => /^(drop|no answer)\b/.test(r[4]!);
