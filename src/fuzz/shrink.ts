// Delta debugging (Zeller's ddmin, complements only) where every round's
// candidates are tried at once: a real kernel boots once per round and runs
// them all, instead of once per candidate.

/** Whether each candidate still shows the difference, in the candidates' order. */
export type BatchTest<T> = (candidates: T[][]) => Promise<boolean[]>;

export interface ShrinkResult<T> {
  parts: T[];
  /** Rounds run (each one batch). */
  rounds: number;
  /** Candidates tried in all. */
  tried: number;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(xs.length / n) + (i < xs.length % n ? 1 : 0);
    out.push(xs.slice(start, start + size));
    start += size;
  }
  return out.filter((c) => c.length);
}

/**
 * The smallest subset of PARTS found (in their order) that still passes TEST,
 * 1-minimal when it ends by itself: no single part can go. PARTS itself is
 * taken to pass. When several parts could go in one round, the next round
 * also tries taking them all away at once. At most MAX_ROUNDS rounds.
 */
export async function shrink<T>(parts: T[], test: BatchTest<T>, maxRounds = 40): Promise<ShrinkResult<T>> {
  let current = parts;
  let n = 2;
  let rounds = 0;
  let tried = 0;
  let alsoGone: T[] = [];
  while (current.length > 0 && rounds < maxRounds) {
    n = Math.min(n, current.length);
    const cs = chunks(current, n);
    const candidates = cs.map((c) => current.filter((x) => !c.includes(x)));
    const together = alsoGone.length ? current.filter((x) => !alsoGone.includes(x)) : null;
    if (together && together.length < current.length) candidates.unshift(together);
    const offset = together && together.length < current.length ? 1 : 0;
    const passed = await test(candidates);
    rounds++;
    tried += candidates.length;
    if (offset && passed[0]) {
      current = candidates[0]!;
      alsoGone = [];
      n = Math.max(n - 1, 2);
      continue;
    }
    const ok = cs.map((_, i) => passed[i + offset]!);
    const first = ok.indexOf(true);
    if (first >= 0) {
      current = candidates[first + offset]!;
      alsoGone = cs.flatMap((c, i) => (i !== first && ok[i] ? c : []));
      n = Math.max(n - 1, 2);
      continue;
    }
    alsoGone = [];
    if (n >= current.length) break;
    n = Math.min(n * 2, current.length);
  }
  return { parts: current, rounds, tried };
}
