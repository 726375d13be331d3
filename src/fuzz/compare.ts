import type { LabResult, MatrixResult } from "../engines/result.js";
import { diffResults, type StepDiff } from "../verify/diff.js";

/**
 * What differs between a real kernel's run and the simulator's, as keys that
 * survive the lab shrinking around them: a matrix cell by its endpoints, a
 * command step by where it ran and what it ran (a host's setup by the host).
 * Compared as `verify` compares (src/verify/diff.ts): normalised, and
 * without what the real kernel marked unstable between runs.
 */
export function differenceKeys(real: LabResult, sim: LabResult, diffs: StepDiff[]): string[] {
  const keys = new Set<string>();
  for (const d of diffs) {
    const r = real.steps[d.step - 1];
    const s = sim.steps[d.step - 1];
    if (!r || !s) {
      keys.add("steps");
      continue;
    }
    if (r.kind === "matrix" && s.kind === "matrix") {
      for (const k of cellKeys(r, s)) keys.add(k);
      continue;
    }
    if (r.kind === "matrix" || s.kind === "matrix") {
      keys.add("steps");
      continue;
    }
    // One line, to be printed among others: a step's lines joined as a shell would run them.
    keys.add(r.setup ? `setup of ${r.host}` : `on ${r.host}: ${r.command.trim().replace(/\s*\n\s*/g, "; ")}`);
  }
  return [...keys].sort();
}

function cellKeys(real: MatrixResult, sim: MatrixResult): string[] {
  const out: string[] = [];
  const ep = (m: MatrixResult) => m.endpoints.map((e) => `${e.id} ${e.address}`).sort().join("\n");
  if (ep(real) !== ep(sim)) out.push("matrix endpoints");
  const simCells = new Map(sim.cells.map((c) => [`${c.from} -> ${c.to}`, c.ok]));
  for (const c of real.cells) {
    if (c.unstable) continue;
    const key = `${c.from} -> ${c.to}`;
    const other = simCells.get(key);
    if (other !== undefined && other !== c.ok) out.push(`matrix cell ${key} (${c.ok ? "ok" : "FAIL"} on the kernel)`);
  }
  return out;
}

/** The differences of one lab, verify's way, and their keys. */
export function compareRuns(real: LabResult, sim: LabResult, labMacs: string[]): { diffs: StepDiff[]; keys: string[] } {
  const diffs = diffResults(real, sim, labMacs);
  return { diffs, keys: differenceKeys(real, sim, diffs) };
}

/** A command the simulator refused (it does not model it): not a difference but a lab the generator should not make. */
export function simRefusal(sim: LabResult): string | null {
  for (const s of sim.steps) {
    if (s.kind === "matrix") continue;
    const f = s.failures.find((x) => x.kind === "refused");
    if (f) return `${s.host}: ${f.message}`;
  }
  return null;
}
