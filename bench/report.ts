// Figures and how they are printed: a table of figure, value, target, ok/over.

export interface Figure {
  figure: string;
  value: string;
  target: string;
  /** null: a figure with no target. */
  ok: boolean | null;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Nearest-rank quantile (p95 of 200 runs is the 190th smallest). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
export const int = (x: number): string => Math.round(x).toLocaleString("en-US");
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A figure held to `value <= max` (or `>= min`). */
export function atMost(figure: string, x: number, max: number, fmt: (x: number) => string): Figure {
  return { figure, value: fmt(x), target: `≤ ${fmt(max)}`, ok: x <= max };
}
export function atLeast(figure: string, x: number, min: number, fmt: (x: number) => string): Figure {
  return { figure, value: fmt(x), target: `≥ ${fmt(min)}`, ok: x >= min };
}
export function info(figure: string, value: string): Figure {
  return { figure, value, target: "", ok: null };
}

export function table(title: string, rows: readonly Figure[]): string {
  const head: Figure = { figure: "figure", value: "value", target: "target", ok: null };
  const cells = [head, ...rows].map((r, i) => [r.figure, r.value, r.target, i === 0 ? "ok/over" : r.ok === null ? "" : r.ok ? "ok" : "OVER"]);
  const width = [0, 1, 2, 3].map((c) => Math.max(...cells.map((r) => [...r[c]!].length)));
  const line = (r: string[]) => `| ${r.map((x, c) => (c === 1 ? x.padStart(width[c]!) : x.padEnd(width[c]!))).join(" | ")} |`;
  const rule = `|${width.map((w, c) => (c === 1 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [`## ${title}`, "", line(cells[0]!), rule, ...cells.slice(1).map(line), ""].join("\n");
}
