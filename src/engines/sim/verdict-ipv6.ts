// The verdict of a traced IPv6 command: a destination with no route, a
// neighbour solicitation nobody answered (and where it went instead), an
// address duplicate address detection took away (verdict-dad6.ts), or the
// last drop. The
// IPv4 stories (ARP, rp_filter) do not apply: neighbour discovery answers
// only for an address of the device a solicitation came in on.

import type { TraceStep } from "../../kernel/index.js";
import { ipv6IsLinkLocal, solicitedNode } from "../../wire/ipv6-addr.js";
import { pingSource6, stuck6, stuckSentence, type Stuck6 } from "./verdict-dad6.js";
import { isDrop, where, type TracedCommand } from "./trace-read.js";
import type { Explanation } from "./trace-verdict.js";
import type { Factor } from "./verdict-story.js";

const IPV6 = /(?:^|[\s"'=])((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4})(?=$|[\s"'%/])/gi;

/** The IPv6 addresses a command names, the destination first (the last one written); [] for an IPv4 command. */
export function commandAddrs6(command: string): string[] {
  const all = [...command.matchAll(IPV6)].map((m) => m[1]!.toLowerCase());
  return all.length ? [all.at(-1)!, ...all.slice(0, -1)] : [];
}

const name = (s: TraceStep): string => `${where(s)}'s ${s.dev}`;

/** Why an IPv6 command came out as it did, or null when the command is not about IPv6. */
export function explainTrace6(t: TracedCommand): Explanation | null {
  const [dst] = commandAddrs6(t.command);
  if (!dst) return null;
  const factors = new Set<Factor>();
  const senderNs = /\bip\s+(?:netns|net)\s+exec\s+(\S+)/.exec(t.command)?.[1] ?? "";
  const mine = (p: { host: string; netns: string }): boolean => p.host === t.host && p.netns === senderNs;
  // A source (-I, or with none the sending namespace's own global addresses) or target that DAD has not passed.
  const src = pingSource6(t.command);
  const srcStuck = src ? stuck6(t.places, src).filter((x) => mine(x.place)) : t.places.filter(mine).flatMap((p) => (p.addrs6 ?? []).filter((a) => !ipv6IsLinkLocal(a)).flatMap((a) => stuck6([p], a)));
  const dstStuck = stuck6(t.places, dst).filter((x) => !mine(x.place));
  const dad = (x: Stuck6 | undefined): string => (x ? stuckSentence(t.places, x) : "");
  // Without -I, the kernel's source for dst, when DAD left the namespace's own global address out of the choice.
  const sent = [...t.steps].find((s) => mine(s) && s.func === "ip6_finish_output2" && s.what.includes(` > ${dst} `))?.what.split(" ")[0];
  const fellBack = !src && sent && ipv6IsLinkLocal(sent) && srcStuck[0] ? `the kernel chose the link-local ${sent} as its source: ${dad(srcStuck[0])}` : "";
  const withDad = (cause: string): string => [cause, dad(dstStuck[0]), src ? dad(srcStuck[0]) : fellBack].filter(Boolean).join("; ");
  if (t.exitCode === 0) {
    const got = [...t.steps].reverse().find((s) => s.func === "ip6_input" && s.what.endsWith(` > ${dst}`));
    return { cause: withDad(got ? `the echo request is delivered to ${name(got)} and the reply comes back` : `${dst} answers`), factors: [] };
  }
  if (t.steps.length === 0) {
    const said = `${t.stderr}\n${t.stdout}`.split("\n").map((l) => l.trim()).find((l) => /unreachable|cannot|invalid|error|is down/i.test(l));
    if (!said) return { cause: null, factors: [] };
    const ns = /\bip\s+(?:netns|net)\s+exec\s+(\S+)/.exec(t.command)?.[1];
    const at = ns ? `${t.host}/${ns}` : t.host;
    if (/Network is unreachable/i.test(said)) {
      factors.add("no-route");
      return { cause: `no packet leaves (${said}): ${at} has no route to ${dst}`, factors: [...factors] };
    }
    if (/Cannot assign requested address/i.test(said) && srcStuck[0]) return { cause: `no packet leaves (${said}): ${dad(srcStuck[0])}`, factors: [] };
    if (/Cannot assign requested address/i.test(said)) {
      return { cause: `no packet leaves (${said}): ${at} has no usable IPv6 source address for ${dst}; an address is unusable while duplicate address detection runs (tentative) and after it failed (dadfailed)`, factors: [] };
    }
    return { cause: `no packet leaves (${said})`, factors: [] };
  }
  const ns = /\bip\s+(?:netns|net)\s+exec\s+(\S+)/.exec(t.command)?.[1] ?? "";
  // The command's own solicitation first: retries an earlier step left running may be in the trace too.
  const unanswered = lastUnansweredNs(t.steps, (s, target) => target === dst && s.host === t.host && s.netns === ns) ?? lastUnansweredNs(t.steps, (s) => s.host === t.host && s.netns === ns) ?? lastUnansweredNs(t.steps, () => true);
  if (unanswered) return { cause: unansweredNs(t, unanswered.step, unanswered.target, factors), factors: [...factors] };
  const drop = [...t.steps].reverse().find((s) => isDrop(s) && s.what.includes(dst)) ?? [...t.steps].reverse().find(isDrop);
  if (drop) return { cause: withDad(`${name(drop)} drops it (${drop.func}${drop.why ? `: ${drop.why}` : ""})`), factors: [] };
  return { cause: withDad("no answer comes back"), factors: [] };
}

/** The last neighbour solicitation no advertisement for its target answered in the soliciting namespace. */
function lastUnansweredNs(steps: readonly TraceStep[], wanted: (s: TraceStep, target: string) => boolean): { step: TraceStep; target: string } | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const m = s.func === "ndisc_send_ns" ? /^who has (\S+)/.exec(s.what) : null;
    if (!m || / from ::\)$/.test(s.what)) continue;
    const target = m[1]!;
    if (!wanted(s, target)) continue;
    const answered = steps.slice(i + 1).some((a) => a.func === "ndisc_recv_na" && a.host === s.host && a.netns === s.netns && a.what.startsWith(`${target} is at`));
    if (!answered) return { step: s, target };
  }
  return null;
}

function unansweredNs(t: TracedCommand, ns: TraceStep, target: string, factors: Set<Factor>): string {
  const asker = `${name(ns)} solicits ${target}, and no advertisement comes`;
  // Where this or an earlier try of the same solicitation went (the last retry may end the trace).
  const heard = t.steps.filter((s) => s.func === "ndisc_recv_ns" && s.what.includes(`who has ${target}`));
  const dad = heard.find((s) => /tentative|dadfailed/.test(`${s.what} ${s.why ?? ""}`));
  const dadHeld = dad && stuck6(t.places, target).find((x) => x.place.host === dad.host && x.place.netns === dad.netns && x.place.dev === dad.dev);
  if (dadHeld) return `${asker}: ${stuckSentence(t.places, dadHeld)}`;
  if (dad) return `${asker}: ${name(dad)} holds ${target} but ${dad.why ?? "it is tentative"}, and such an address is never answered for`;
  const holder = t.places.find((p) => p.addrs6?.includes(target));
  const ignoredBy = heard.filter((s) => s.what.startsWith("ignore")).map(name);
  const group = solicitedNode(target);
  const filtered = [...new Set(t.steps.filter((s) => s.func === "ip6_mc_input" && s.what.endsWith(` > ${group}`)).map(name))];
  const notJoined = filtered.length ? `; it reaches ${filtered.join(", ")}, which ${filtered.length > 1 ? "have" : "has"} not joined its solicited-node group ${group}` : "";
  const reached = notJoined + (ignoredBy.length ? `; it reaches ${ignoredBy.join(", ")}, which ${ignoredBy.length > 1 ? "do" : "does"} not hold it (ndisc_recv_ns answers only for an address of the device the solicitation came in on)` : "");
  if (!holder) {
    factors.add("no-address");
    return `${asker}: no device in the lab holds ${target}${reached}`;
  }
  const heldBy = `${where(holder)}'s ${holder.dev}`;
  if (holder.host === ns.host && holder.parent && holder.parent.netns === ns.netns && holder.parent.dev === ns.dev) {
    factors.add("slave-misses-parent");
    return `${asker}: ${target} is ${heldBy}'s, a slave of ${ns.dev}, and a slave never sees what its parent sends (the rx_handler hooks only what ${ns.dev} receives)${reached}`;
  }
  if (heard.some((s) => s.host === holder.host && s.netns === holder.netns && s.dev === holder.dev)) return `${asker}: ${heldBy} holds it and hears the solicitation, but its answer never gets back${reached}`;
  return `${asker}: ${target} is ${heldBy}'s, and the solicitation never gets there${reached}`;
}
