import type { Endpoint, MatrixResult } from "../engines/result.js";

/** How to read the grid, said under it. */
export const MATRIX_LEGEND = "each row pings each column (ping -c 1 -W 1 -I ROW COLUMN, in ROW's namespace): ✓ answered, ✗ no answer, · same namespace, not pinged";

/** Colour for the marks: ✓ and ✗ as they are, or green and red on a terminal. */
export interface MarkStyle {
  ok: (s: string) => string;
  bad: (s: string) => string;
}

const asIs: MarkStyle = { ok: (s) => s, bad: (s) => s };

/**
 * Failed cells grouped by their reason, each reason said once:
 * "✗ a → b, c → d: why". Cells without a reason (a real engine's) are left to the grid.
 */
export function reasonGroups(m: MatrixResult): { cells: string[]; reason: string }[] {
  const groups = new Map<string, string[]>();
  for (const c of m.cells) if (!c.ok && c.reason) groups.set(c.reason, [...(groups.get(c.reason) ?? []), `${c.from} → ${c.to}`]);
  return [...groups].map(([reason, cells]) => ({ cells, reason }));
}

/** reasonGroups as lines of text, "✗ a → b, c → d: why". */
export function reasonLines(m: MatrixResult, st: MarkStyle = asIs): string[] {
  return reasonGroups(m).map((g) => `${st.bad("✗")} ${g.cells.join(", ")}: ${g.reason}`);
}

/** The matrix as a grid: rows ping from, columns ping to; · for pairs in one namespace (not pinged). */
export function matrixGrid(m: MatrixResult, st: MarkStyle = asIs, marks = { ok: "✓", fail: "✗", skip: "·" }): string {
  if (m.endpoints.length === 0) return "  (no endpoints: no namespace has a non-loopback IPv4 address)";
  const cell = new Map(m.cells.map((c) => [`${c.from}\n${c.to}`, c.ok]));
  const label = (e: Endpoint, i: number) => `${String(i + 1).padStart(2)} ${e.id} ${e.address}`;
  const width = Math.max(...m.endpoints.map((e, i) => label(e, i).length));
  const header = " ".repeat(width + 2) + m.endpoints.map((_, i) => String(i + 1).padStart(3)).join("");
  const rows = m.endpoints.map((a, i) => {
    const marksRow = m.endpoints.map((b) => {
      const ok = cell.get(`${a.id}\n${b.id}`);
      const mark = (ok === undefined ? marks.skip : ok ? marks.ok : marks.fail).padStart(3);
      return ok === undefined ? mark : ok ? st.ok(mark) : st.bad(mark);
    });
    return `${label(a, i).padEnd(width)}  ${marksRow.join("")}`;
  });
  return [header, ...rows].join("\n");
}

/**
 * The seed note's checklist: one line per pair of endpoints, `<-->` when both
 * directions agree, otherwise one `--->` line per direction; with
 * `reasons: false` no reason on the lines (reasonGroups says each once).
 */
export function matrixChecklist(m: MatrixResult, o: { reasons?: boolean } = {}): string[] {
  const cell = new Map(m.cells.map((c) => [`${c.from}\n${c.to}`, c]));
  const out: string[] = [];
  const box = (ok: boolean) => (ok ? "[x]" : "[ ]");
  const why = (r?: string) => (r && o.reasons !== false ? ` — ${r}` : "");
  for (let i = 0; i < m.endpoints.length; i++) {
    for (let j = i + 1; j < m.endpoints.length; j++) {
      const a = m.endpoints[i]!;
      const b = m.endpoints[j]!;
      const ab = cell.get(`${a.id}\n${b.id}`);
      const ba = cell.get(`${b.id}\n${a.id}`);
      if (!ab || !ba) continue;
      if (ab.ok === ba.ok) out.push(`- ${box(ab.ok)} ${a.id} <--> ${b.id}${why(ab.reason ?? ba.reason)}`);
      else {
        out.push(`- ${box(ab.ok)} ${a.id} ---> ${b.id}${why(ab.reason)}`);
        out.push(`- ${box(ba.ok)} ${b.id} ---> ${a.id}${why(ba.reason)}`);
      }
    }
  }
  return out;
}
