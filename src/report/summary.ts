// What a set of labs comes to, from their traces: each failed check in one
// sentence, how the matrices change from step to step and from lab to lab
// (each changed cell with the trace's reason on both sides), and which
// mechanism or hidden state each result rests on.

import type { CommandResult, LabResult, MatrixCell, MatrixResult } from "../engines/result.js";
import { FACTORS, type Explanation, type Factor } from "../engines/sim/trace-verdict.js";

export interface MatrixAt {
  lab: string;
  /** Index in the lab's result steps. */
  step: number;
  matrix: MatrixResult;
}

export interface CellChange {
  before: MatrixCell;
  after: MatrixCell;
}

export interface MatrixPair {
  before: MatrixAt;
  after: MatrixAt;
  changed: CellChange[];
}

const sameEndpoints = (a: MatrixResult, b: MatrixResult): boolean =>
  a.endpoints.length === b.endpoints.length && a.endpoints.every((e, i) => e.id === b.endpoints[i]!.id && e.address === b.endpoints[i]!.address);

const factorsOf = (c: MatrixCell): string => [...(c.factors ?? [])].sort().join(" ");

/** Cells whose outcome changed, or that failed on both sides for different reasons. */
function changes(a: MatrixResult, b: MatrixResult): CellChange[] {
  const later = new Map(b.cells.map((c) => [`${c.from} ${c.to}`, c]));
  return a.cells.flatMap((c) => {
    const d = later.get(`${c.from} ${c.to}`);
    return d && (c.ok !== d.ok || (!c.ok && factorsOf(c) !== factorsOf(d))) ? [{ before: c, after: d }] : [];
  });
}

function matricesOf(r: LabResult): MatrixAt[] {
  return r.steps.flatMap((s, step) => (s.kind === "matrix" ? [{ lab: r.lab, step, matrix: s }] : []));
}

/**
 * The comparisons worth making: each matrix against the one before it in
 * its lab (what the steps between changed), and against the same-named
 * matrix of an earlier lab that differs least (what the labs' set-ups change).
 */
export function matrixPairs(labs: readonly LabResult[]): MatrixPair[] {
  const pairs: MatrixPair[] = [];
  const seen: MatrixAt[] = [];
  for (const r of labs) {
    const own = matricesOf(r);
    own.forEach((m, i) => {
      const prev = own[i - 1];
      if (prev && sameEndpoints(prev.matrix, m.matrix)) pairs.push({ before: prev, after: m, changed: changes(prev.matrix, m.matrix) });
      const candidates = seen.filter((o) => o.matrix.name === m.matrix.name && sameEndpoints(o.matrix, m.matrix)).map((o) => ({ before: o, after: m, changed: changes(o.matrix, m.matrix) }));
      const closest = candidates.sort((x, y) => x.changed.length - y.changed.length)[0];
      if (closest) pairs.push(closest);
    });
    seen.push(...own);
  }
  return pairs;
}

export interface SummaryInput {
  labs: readonly LabResult[];
  pairs: readonly MatrixPair[];
  /** The failed checks' explanations, by lab and index in its result steps. */
  checks: ReadonlyMap<string, ReadonlyMap<number, Explanation>>;
  /** Explanations of the succeeding side of changed cells (failed cells carry theirs). */
  successes: ReadonlyMap<MatrixCell, Explanation>;
}

const arrow = (c: MatrixCell): string => `${c.from} → ${c.to}`;
const mark = (ok: boolean): string => (ok ? "✓" : "✗");

function cellWhy(c: MatrixCell, successes: SummaryInput["successes"]): { text: string; factors: string[] } {
  if (!c.ok) return { text: c.reason ?? "(no trace)", factors: c.factors ?? [] };
  const e = successes.get(c);
  return { text: e?.cause ?? "it succeeds", factors: e?.factors ?? [] };
}

function pairTitle(p: MatrixPair): string {
  return p.before.lab === p.after.lab ? `${p.after.lab}: "${p.before.matrix.name}" → "${p.after.matrix.name}"` : `${p.before.lab} → ${p.after.lab}, matrix "${p.after.matrix.name}"`;
}

/** Which results rest on which mechanism: lab → list of "check NAME" or "matrix NAME: cells". */
function dependence(input: SummaryInput): Map<Factor, Map<string, string[]>> {
  const by = new Map<Factor, Map<string, string[]>>();
  const add = (factors: readonly string[], lab: string, what: string) => {
    for (const f of factors) {
      if (!(f in FACTORS)) continue;
      const labs = by.get(f as Factor) ?? by.set(f as Factor, new Map()).get(f as Factor)!;
      const list = labs.get(lab) ?? labs.set(lab, []).get(lab)!;
      if (!list.includes(what)) list.push(what);
    }
  };
  for (const r of input.labs) {
    const checks = input.checks.get(r.lab);
    r.steps.forEach((s, i) => {
      const e = checks?.get(i);
      if (s.kind === "check" && e) add(e.factors, r.lab, `check "${s.name}"`);
      if (s.kind !== "matrix") return;
      const cells = new Map<string, string[]>();
      for (const c of s.cells) for (const f of cellWhy(c, input.successes).factors) cells.set(f, [...(cells.get(f) ?? []), arrow(c)]);
      for (const [f, list] of cells) add([f], r.lab, `matrix "${s.name}": ${list.length} cell${list.length === 1 ? "" : "s"} (${list.slice(0, 3).join(", ")}${list.length > 3 ? ", …" : ""})`);
    });
  }
  return by;
}

export function summaryMarkdown(input: SummaryInput): string {
  const out = ["## What the traces say", "", "Every sentence here is built from a simulator trace of that very command or ping, in the state the lab was in at that point, and from which device holds which address.", ""];
  out.push("### Each failed check in one sentence", "");
  for (const r of input.labs) {
    const checks = input.checks.get(r.lab);
    r.steps.forEach((s, i) => {
      const e = checks?.get(i);
      if (s.kind === "check" && e?.cause) out.push(`- **${r.lab}**, ${(s as CommandResult).name}: ${e.cause}.`);
    });
  }
  out.push("", "### How the results change", "");
  for (const p of input.pairs) {
    if (p.changed.length === 0) {
      out.push(`- ${pairTitle(p)}: no cell changes.`);
      continue;
    }
    out.push(`#### ${pairTitle(p)}`, "", `${p.changed.length} cell${p.changed.length === 1 ? "" : "s"} change:`, "");
    for (const c of p.changed) {
      out.push(`- ${arrow(c.after)}: ${mark(c.before.ok)} → ${mark(c.after.ok)}`);
      out.push(`  - before: ${cellWhy(c.before, input.successes).text}.`);
      out.push(`  - after: ${cellWhy(c.after, input.successes).text}.`);
    }
    out.push("");
  }
  out.push("", "### What each result rests on", "");
  for (const [f, labs] of dependence(input)) {
    out.push(`- **${FACTORS[f]}**`);
    for (const [lab, list] of labs) out.push(`  - ${lab}: ${list.join("; ")}`);
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
