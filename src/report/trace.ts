// A traced command as a reader sees it: every trace step in order (virtual
// time from the command's start, where, device, the kernel function, what
// and why), and a one-sentence verdict built from those steps.

import type { TraceStep } from "../kernel/index.js";
import type { Style } from "./text.js";

export interface TracedCommand {
  readonly host: string;
  readonly command: string;
  /** The lab state the command ran in: "setup", or the step it ran after. */
  readonly after: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Virtual ms when the command started: step times are relative to it. */
  readonly start: number;
  readonly steps: readonly TraceStep[];
}

const where = (s: TraceStep): string => (s.netns ? `${s.host}/${s.netns}` : s.host);

const isDrop = (s: TraceStep): boolean => /^drop\b/.test(s.what) || /^no answer\b/.test(s.what) || s.func === "neigh_invalidate";

/**
 * The step that decided the outcome: for a failure the last packet the
 * kernel dropped (or the neighbour it gave up on), for a success the last
 * delivery; null when the trace is empty.
 */
function decisive(t: TracedCommand): TraceStep | null {
  const steps = t.steps;
  if (t.exitCode === 0) return [...steps].reverse().find((s) => s.func === "ip_local_deliver" || s.func === "arp_process") ?? steps.at(-1) ?? null;
  return unansweredArp(steps) ?? [...steps].reverse().find(isDrop) ?? steps.at(-1) ?? null;
}

/** The last ARP request that no reply answered (no later arp_process of "TARGET is-at" in the asker's namespace). */
function unansweredArp(steps: readonly TraceStep[]): TraceStep | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const target = s.func === "arp_solicit" ? /who-has (\S+)/.exec(s.what)?.[1] : undefined;
    if (!target) continue;
    const answered = steps.slice(i + 1).some((r) => r.func === "arp_process" && r.host === s.host && r.netns === s.netns && r.what.startsWith(`${target} is-at`));
    if (!answered) return s;
  }
  return null;
}

const said = (d: TraceStep): string => `at ${where(d)} ${d.dev}, ${d.func} ${d.what}${d.why ? ` (${d.why})` : ""}`;

/**
 * One sentence: the command, its outcome, and the step that decided it, in
 * the steps' own words. An ARP request nobody answered is told with the
 * first drop after it, which is usually why.
 */
export function traceVerdict(t: TracedCommand): string {
  const outcome = t.exitCode === 0 ? "succeeds" : `fails (exit ${t.exitCode})`;
  const d = decisive(t);
  if (!d) return `\`${t.command}\` on ${t.host} ${outcome}, and no packet moved.`;
  if (d.func !== "arp_solicit") return `\`${t.command}\` on ${t.host} ${outcome}: ${said(d)}.`;
  const asked = `${where(d)}'s ${d.dev} asks "${d.what}" and no reply comes`;
  const target = /who-has (\S+)/.exec(d.what)![1]!;
  const first = t.steps.findIndex((s) => s.func === "arp_solicit" && s.host === d.host && s.netns === d.netns && s.what.startsWith(`who-has ${target} `));
  const drop = t.steps.slice(first + 1).find(isDrop);
  return `\`${t.command}\` on ${t.host} ${outcome}: ${asked}${drop ? `; ${said(drop)}` : ""}.`;
}

/** The trace as a table: time from the start, where, device, function, what and why. */
export function traceText(t: TracedCommand, st: Style): string {
  const rows = t.steps.map((s) => [`+${(s.time - t.start).toFixed(3)}`, where(s), s.dev, s.func, s.why ? `${s.what} ${st.dim(`— ${s.why}`)}` : s.what]);
  const head = ["ms", "where", "device", "function", "what — why"];
  const width = [0, 1, 2, 3].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(width[i]!) : c)).join("  ").trimEnd();
  const out = [st.bold(`trace of \`${t.command}\` on ${t.host}, in the state after ${t.after}`), st.dim(line(head)), ...rows.map((r) => (isDropRow(r) ? st.bad(line(r)) : line(r)))];
  if (t.stdout.trim()) out.push("", ...t.stdout.trimEnd().split("\n").map((l) => `  ${l}`));
  if (t.stderr.trim()) out.push("", ...t.stderr.trimEnd().split("\n").map((l) => `  ${l}`));
  out.push("", `${t.exitCode === 0 ? st.ok("verdict:") : st.bad("verdict:")} ${traceVerdict(t)}`);
  return `${out.join("\n")}\n`;
}

const isDropRow = (r: string[]): boolean => /^(drop|no answer)\b/.test(r[4]!);
