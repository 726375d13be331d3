// A traced command and the reading of its steps every verdict needs: where
// a step happened, whether it dropped something, which addresses the
// command is about, and which step decided its outcome.

import type { TraceStep } from "../../kernel/index.js";
import type { MeantAddress } from "./lab-intent.js";
import type { PlacedDevice } from "./topology.js";

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
  /** IPv6's own traffic (DAD, router solicitations, MLD reports) went on meanwhile: its steps are left out. */
  readonly housekeeping: boolean;
  /** Every device of the lab when the command ended: who holds which address. */
  readonly places: readonly PlacedDevice[];
  /** The addresses the lab's commands add, and whether their namespace and device exist. */
  readonly meant: readonly MeantAddress[];
}

export const where = (s: { host: string; netns: string }): string => (s.netns ? `${s.host}/${s.netns}` : s.host);

/** An ARP request a device sends: the kernel's own (arp_solicit), or one a tool writes to a packet socket (arping). */
export const isArpRequest = (s: TraceStep): boolean => s.func === "arp_solicit" || (s.func === "packet_snd" && s.what.startsWith("ARP who-has "));

export const isDrop = (s: TraceStep): boolean => /^drop\b/.test(s.what) || /^no answer\b/.test(s.what) || s.func === "neigh_invalidate";

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
export const escapeAddr = (addr: string): string => addr.replaceAll(".", "\\.");
/** The address as a whole word of the text (172.16.91.1 is not in 172.16.91.10). */
const mentions = (text: string, addr: string): boolean => new RegExp(`(^|[^\\d.])${escapeAddr(addr)}(?![\\d.]*\\d)`).test(text);

/**
 * The step that decided the outcome: for a failure the ARP request nobody
 * answered (or the neighbour given up on), else the last drop; for a
 * success the last delivery; null when the trace is empty.
 */
export function decisive(t: TracedCommand): TraceStep | null {
  const steps = t.steps;
  if (t.exitCode === 0) return [...steps].reverse().find((s) => s.func === "ip_local_deliver" || s.func === "arp_process") ?? steps.at(-1) ?? null;
  const own = commandAddrs(t);
  const has = (text: string, a: string | undefined) => a !== undefined && mentions(text, a);
  const drops = [...steps].reverse().filter(isDrop);
  // Hosts on the command's path: its own, the holders of its addresses, and those that forwarded its packets.
  const onPath = new Set([t.host, ...t.places.filter((p) => p.addrs.some((a) => own.includes(a))).map((p) => p.host), ...steps.filter((s) => s.func === "ip_forward" && own.some((a) => has(s.what, a))).map((s) => s.host)]);
  return (
    lastUnanswered(steps, (target, by) => own.includes(target) && own.includes(by)) ??
    drops.find((s) => has(s.what, own[0]) && has(s.what, own[1])) ??
    lastUnanswered(steps, (target, _by, asker) => own.includes(target) && onPath.has(asker.host)) ??
    // A neighbour given up on for the command's own address before whatever its failure then dropped (an ICMP error on a down lo).
    drops.find((s) => s.func === "neigh_invalidate" && own.some((a) => s.what.startsWith(`${a}:`))) ??
    drops.find((s) => own.some((a) => has(s.what, a))) ??
    drops[0] ??
    lastUnanswered(steps, () => true) ??
    steps.at(-1) ??
    null
  );
}

/** The command's destination (its last address) and source (ping -I, else the first packet the trace shows going there). */
export function commandAddrs(t: TracedCommand): string[] {
  const addrs = t.command.match(IPV4) ?? [];
  const dst = addrs.at(-1);
  if (!dst) return [];
  const src = addrs.length > 1 ? addrs[0]! : t.steps.map((s) => new RegExp(`^(\\S+) > ${escapeAddr(dst)}\\b`).exec(s.what)?.[1]).find(Boolean);
  return src ? [dst, src] : [dst];
}

/**
 * The last ARP request that no reply answered (no later arp_process of
 * "TARGET is-at" in the asker's namespace) among those `wanted` picks:
 * retries a step left running may be in the trace too.
 */
function lastUnanswered(steps: readonly TraceStep[], wanted: (target: string, sender: string, asker: TraceStep) => boolean): TraceStep | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const m = isArpRequest(s) ? /who-has (\S+) tell (\S+)/.exec(s.what) : null;
    const target = m?.[1];
    if (!target || !wanted(target, m[2]!, s)) continue;
    const answered = steps.slice(i + 1).some((r) => r.func === "arp_process" && r.host === s.host && r.netns === s.netns && r.what.startsWith(`${target} is-at`));
    if (!answered) return s;
  }
  return null;
}
