// A traced command and what it comes to: the step that decided its outcome,
// told in the trace's own words (the verdict of `ipvlab trace`, the reason
// of a failed matrix cell).

import type { TraceStep } from "../../kernel/index.js";

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

export const where = (s: TraceStep): string => (s.netns ? `${s.host}/${s.netns}` : s.host);

export const isDrop = (s: TraceStep): boolean => /^drop\b/.test(s.what) || /^no answer\b/.test(s.what) || s.func === "neigh_invalidate";

/**
 * The step that decided the outcome: for a failure the last packet the
 * kernel dropped (or the neighbour it gave up on), for a success the last
 * delivery; null when the trace is empty.
 */
function decisive(t: TracedCommand): TraceStep | null {
  const steps = t.steps;
  if (t.exitCode === 0) return [...steps].reverse().find((s) => s.func === "ip_local_deliver" || s.func === "arp_process") ?? steps.at(-1) ?? null;
  return unansweredArp(steps, t.command) ?? [...steps].reverse().find(isDrop) ?? steps.at(-1) ?? null;
}

/**
 * The last ARP request that no reply answered (no later arp_process of
 * "TARGET is-at" in the asker's namespace), for one of the command's own
 * addresses when there is one: retries a step left running may be in the
 * trace too.
 */
function unansweredArp(steps: readonly TraceStep[], command: string): TraceStep | null {
  const own = new Set(command.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []);
  // Best: an exchange between the command's own addresses (who-has TO tell FROM, or back); then any ARP for one of them.
  return lastUnanswered(steps, (t, by) => own.has(t) && own.has(by)) ?? lastUnanswered(steps, (t) => own.has(t)) ?? lastUnanswered(steps, () => true);
}

function lastUnanswered(steps: readonly TraceStep[], wanted: (target: string, sender: string) => boolean): TraceStep | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const m = s.func === "arp_solicit" ? /who-has (\S+) tell (\S+)/.exec(s.what) : null;
    const target = m?.[1];
    if (!target || !wanted(target, m[2]!)) continue;
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
  const cause = traceCause(t);
  return cause ? `\`${t.command}\` on ${t.host} ${outcome}: ${cause}.` : `\`${t.command}\` on ${t.host} ${outcome}, and no packet moved.`;
}

/** The decisive step in words (without the command), or null when nothing moved. */
export function traceCause(t: TracedCommand): string | null {
  const d = decisive(t);
  if (!d) return null;
  if (d.func !== "arp_solicit") return said(d);
  const asked = `${where(d)}'s ${d.dev} asks "${d.what}" and no reply comes`;
  const target = /who-has (\S+)/.exec(d.what)![1]!;
  const first = t.steps.findIndex((s) => s.func === "arp_solicit" && s.host === d.host && s.netns === d.netns && s.what.startsWith(`who-has ${target} `));
  // The drop that explains it: the first one of this very request, else the first about its target.
  const sender = /tell (\S+)/.exec(d.what)![1]!;
  const mentions = (s: TraceStep, a: string) => new RegExp(`\\b${a.replaceAll(".", "\\.")}\\b`).test(s.what);
  const later = t.steps.slice(first + 1).filter(isDrop);
  const drop = later.find((s) => mentions(s, target) && mentions(s, sender)) ?? later.find((s) => mentions(s, target));
  return `${asked}${drop ? `; ${said(drop)}` : ""}`;
}
