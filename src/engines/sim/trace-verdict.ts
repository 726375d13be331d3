// What a traced command comes to, in plain words: how far the packet got,
// the step that decided its outcome, and why (the verdict of `ipvlab trace`,
// the reason of a failed matrix cell).

import { decisive, type TracedCommand } from "./trace-read.js";
import { Story, type Factor } from "./verdict-story.js";

export { where, type TracedCommand } from "./trace-read.js";
export { FACTORS, type Factor } from "./verdict-story.js";

export interface Explanation {
  /** Why, in plain words (without the command); null when nothing moved and the command said nothing. */
  cause: string | null;
  factors: Factor[];
}

/** A sentence from the command, its outcome and its cause. */
export function traceVerdict(t: TracedCommand): string {
  const outcome = t.exitCode === 0 ? "succeeds" : `fails (exit ${t.exitCode})`;
  const cause = traceCause(t);
  return cause ? `\`${t.command}\` on ${t.host} ${outcome}: ${cause}.` : `\`${t.command}\` on ${t.host} ${outcome}, and no packet moved.`;
}

/** Why, in plain words (without the command), or null when nothing moved. */
export function traceCause(t: TracedCommand): string | null {
  return explainTrace(t).cause;
}

export function explainTrace(t: TracedCommand): Explanation {
  const d = decisive(t);
  if (!d) {
    // Refused before any packet: the command's own complaint says why (ping's "connect: Network is unreachable").
    const said = `${t.stderr}\n${t.stdout}`.split("\n").map((l) => l.trim()).filter((l) => /unreachable|not permitted|cannot|invalid|no such|error/i.test(l));
    return said.length ? { cause: `no packet leaves: ${said[0]}`, factors: /unreachable/i.test(said[0]!) ? ["no-route"] : [] } : { cause: null, factors: [] };
  }
  const story = new Story(t);
  let cause: string;
  if (t.exitCode === 0) cause = story.delivered(d);
  else {
    const arp = d.func === "arp_solicit" ? /who-has (\S+)/.exec(d.what)?.[1] : d.func === "neigh_invalidate" ? /^(\S+):/.exec(d.what)?.[1] : undefined;
    const why = arp ? story.unanswered(d, arp) : story.dropped(d);
    cause = `${story.progress(d)}${why}`;
  }
  return { cause, factors: [...story.factors] };
}
