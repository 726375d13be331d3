import type { Endpoint, MatrixResult } from "../engines/result.js";

/** The matrix as a grid: rows ping from, columns ping to; · for pairs in one namespace (not pinged). */
export function matrixGrid(m: MatrixResult, marks = { ok: "✓", fail: "✗", skip: "·" }): string {
  if (m.endpoints.length === 0) return "  (no endpoints: no namespace has a non-loopback IPv4 address)";
  const cell = new Map(m.cells.map((c) => [`${c.from}\n${c.to}`, c.ok]));
  const label = (e: Endpoint, i: number) => `${String(i + 1).padStart(2)} ${e.id} ${e.address}`;
  const width = Math.max(...m.endpoints.map((e, i) => label(e, i).length));
  const header = " ".repeat(width + 2) + m.endpoints.map((_, i) => String(i + 1).padStart(3)).join("");
  const rows = m.endpoints.map((a, i) => {
    const marksRow = m.endpoints.map((b) => {
      const ok = cell.get(`${a.id}\n${b.id}`);
      return (ok === undefined ? marks.skip : ok ? marks.ok : marks.fail).padStart(3);
    });
    return `${label(a, i).padEnd(width)}  ${marksRow.join("")}`;
  });
  return [header, ...rows].join("\n");
}

/**
 * The seed note's checklist: one line per pair of endpoints, `<-->` when both
 * directions agree, otherwise one `--->` line per direction.
 */
export function matrixChecklist(m: MatrixResult): string[] {
  const cell = new Map(m.cells.map((c) => [`${c.from}\n${c.to}`, c]));
  const out: string[] = [];
  const box = (ok: boolean) => (ok ? "[x]" : "[ ]");
  const why = (r?: string) => (r ? ` — ${r}` : "");
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
