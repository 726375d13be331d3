import type { SourcePos } from "./types.js";

export interface LabDiagnostic {
  severity: "error" | "warning";
  pos: SourcePos;
  message: string;
}

/** Thrown for a lab that cannot run; carries every error found, not just the first. */
export class LabError extends Error {
  constructor(readonly diagnostics: LabDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "LabError";
  }
}

export function formatDiagnostic(d: LabDiagnostic): string {
  return `${d.pos.file}:${d.pos.line}:${d.pos.col}: ${d.severity}: ${d.message}`;
}

/** The candidates nearest to `word` by edit distance (ties all kept, at most 3), for "did you mean" hints. */
export function nearest(word: string, candidates: Iterable<string>): string[] {
  let best: string[] = [];
  let bestDist = Infinity;
  for (const c of new Set(candidates)) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = [c];
      bestDist = d;
    } else if (d === bestDist) best.push(c);
  }
  // Short words are close to everything: allow one edit up to 3 letters, two up to 8, then a third of the word.
  const allowed = word.length <= 3 ? 1 : word.length <= 8 ? 2 : Math.floor(word.length / 3);
  if (bestDist <= allowed && bestDist < word.length) return best.slice(0, 3);
  // A word cut short ("mat" for matrix, "hos" for hosts) is further away than a typo, but just as clear.
  const prefixed = word.length >= 2 ? [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  return prefixed.length === 1 ? prefixed : [];
}

/** Closest candidate by edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | null {
  return nearest(word, candidates)[0] ?? null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = nearest(word, candidates);
  return c.length ? ` (did you mean ${c.map((x) => JSON.stringify(x)).join(" or ")}?)` : "";
}

export function listOf(items: Iterable<string>): string {
  const a = [...new Set(items)];
  return a.length ? a.join(", ") : "none";
}

/** Diagnostics in file order, errors before warnings at the same place. */
export function sortDiagnostics<T extends LabDiagnostic>(diags: readonly T[]): T[] {
  return [...diags].sort(
    (a, b) => a.pos.file.localeCompare(b.pos.file) || a.pos.line - b.pos.line || a.pos.col - b.pos.col || (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}
