import { addressKind, type Endpoint, type MatrixCell, type MatrixResult } from "../engines/result.js";

/** How to read the grid, said under it. */
export const MATRIX_LEGEND = "each row pings each column (ping -c 1 -I ROW COLUMN, in ROW's namespace, 900 ms for an answer): ✓ answered, ✗ no answer, · same namespace, not pinged";

/** The legend of one matrix: a link-local cell's ping names its scope, ROW's device. */
export function matrixLegend(m: MatrixResult): string {
  if (!m.endpoints.some((e) => addressKind(e.address) === "link")) return MATRIX_LEGEND;
  return MATRIX_LEGEND.replace("in ROW's namespace)", "in ROW's namespace; between link-locals -I ROW%DEV COLUMN%DEV, DEV being ROW's device)");
}

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

/** Past this many endpoints a matrix is summarised: its grid would be wider than any screen and its pair list as long as a book. */
export const MATRIX_LIST_MAX_ENDPOINTS = 100;

/** Whether a matrix is shown as its summary rather than as grid and pair list. */
export const matrixTooLarge = (m: MatrixResult): boolean => m.endpoints.length > MATRIX_LIST_MAX_ENDPOINTS;

const count = (n: number): string => n.toLocaleString("en-US");

/**
 * A large matrix in a few lines: its endpoints by how many of their pings
 * were answered, and its failed cells grouped by reason, each group with its
 * size and first cell.
 */
export function matrixSummary(m: MatrixResult, o: { groups?: number } = {}): string[] {
  const groups = o.groups ?? 10;
  const index = new Map(m.endpoints.map((e, i) => [e.id, i]));
  const sent = new Uint32Array(m.endpoints.length);
  const answered = new Uint32Array(m.endpoints.length);
  const byReason = new Map<string, { n: number; first: MatrixCell }>();
  let failed = 0;
  let unexplained = 0;
  for (const c of m.cells) {
    const a = index.get(c.from)!;
    sent[a]!++;
    if (c.ok) {
      answered[a]!++;
      continue;
    }
    failed++;
    if (!c.reason) {
      unexplained++;
      continue;
    }
    const g = byReason.get(c.reason);
    if (g) g.n++;
    else byReason.set(c.reason, { n: 1, first: c });
  }
  let all = 0;
  let none = 0;
  for (let i = 0; i < m.endpoints.length; i++) {
    if (sent[i] === 0) continue;
    if (answered[i] === sent[i]) all++;
    else if (answered[i] === 0) none++;
  }
  const out = [
    `  ${count(m.endpoints.length)} endpoints (more than ${MATRIX_LIST_MAX_ENDPOINTS}: no grid, no pair list), ${count(m.cells.length)} cells: ${count(m.cells.length - failed)} answered, ${count(failed)} failed`,
    `  endpoints with every ping answered: ${count(all)}; with none answered: ${count(none)}; the rest: ${count(m.endpoints.length - all - none)}`,
  ];
  if (failed === 0) return out;
  const sorted = [...byReason.entries()].sort((x, y) => y[1].n - x[1].n);
  out.push(`  failed cells by reason:`);
  for (const [reason, g] of sorted.slice(0, groups)) out.push(`  - ${count(g.n)} ×, first ${g.first.from} ---> ${g.first.to} — ${reason}`);
  const rest = sorted.slice(groups).reduce((n, [, g]) => n + g.n, 0);
  if (rest) out.push(`  - ${count(rest)} × with ${sorted.length - groups === 1 ? "one more reason" : `${count(sorted.length - groups)} more reasons`} (--json gives every cell's)`);
  if (unexplained) out.push(`  - ${count(unexplained)} × with no reason: at this size only a sample of the failed cells is traced alone (ipvlab trace LAB --from HOST/NETNS --to ADDRESS traces any one)`);
  return out;
}
