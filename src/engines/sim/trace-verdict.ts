// What a traced command comes to, in plain words: how far the packet got,
// the step that decided its outcome, and why (the verdict of `ipvlab trace`,
// the reason of a failed matrix cell).

import { decisive, isArpRequest, type TracedCommand } from "./trace-read.js";
import { explainTrace6 } from "./verdict-ipv6.js";
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
  const v6 = explainTrace6(t);
  if (v6) return v6;
  const d = decisive(t);
  const story = new Story(t);
  if (!d) {
    // Refused before any packet: the command's own complaint says why (ping's "connect: Network is unreachable").
    const said = `${t.stderr}\n${t.stdout}`.split("\n").map((l) => l.trim()).filter((l) => /unreachable|not permitted|cannot|invalid|no such|error|is down/i.test(l));
    if (!said.length) return { cause: null, factors: [] };
    const down = /^Interface "(\S+)" is down$/.exec(said[0]!);
    const unrouted = down ? story.downDevice(down[1]!) : /Network is unreachable/i.test(said[0]!) ? story.unrouted() : null;
    return { cause: unrouted ? `no packet leaves (${said[0]}): ${unrouted}` : `no packet leaves: ${said[0]}`, factors: unrouted ? [...story.factors] : /unreachable/i.test(said[0]!) ? ["no-route"] : [] };
  }
  let cause: string;
  // A neighbour entry with the wrong MAC is the first cause on the path, whatever drops the packet later.
  const wrong = t.exitCode === 0 ? null : story.wrongNeighbour();
  if (t.exitCode === 0) cause = story.delivered(d);
  else if (wrong) cause = `${story.progress(wrong.step)}${wrong.cause}`;
  else {
    const arp = isArpRequest(d) ? /who-has (\S+)/.exec(d.what)?.[1] : d.func === "neigh_invalidate" ? /^(\S+):/.exec(d.what)?.[1] : undefined;
    const why = arp ? story.unanswered(d, arp) : story.dropped(d);
    cause = `${story.progress(d)}${why}`;
  }
  return { cause, factors: [...story.factors] };
}
