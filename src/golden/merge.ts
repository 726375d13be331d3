import type { LabResult } from "../engines/result.js";

/**
 * Folds several real-kernel runs of one lab into the first, marking what
 * differed between them as unstable: a matrix cell decided by which of two
 * concurrent pings' ARP went first, a step whose exit code depends on timing.
 * Nothing is held to an unstable answer.
 */
export function mergeRuns(runs: LabResult[]): LabResult {
  const [first, ...rest] = runs;
  if (!first) throw new Error("no runs to merge");
  const steps = first.steps.map((s, i) => {
    const others = rest.map((r) => r.steps[i]);
    if (s.kind === "matrix") {
      const cells = s.cells.map((c) => {
        const flips = others.some((o) => o?.kind === "matrix" && o.cells.find((x) => x.from === c.from && x.to === c.to)?.ok !== c.ok);
        return flips ? { ...c, unstable: true } : c;
      });
      return { ...s, cells };
    }
    const flips = others.some((o) => o?.kind !== "matrix" && o?.exitCode !== s.exitCode);
    return flips ? { ...s, unstable: true } : s;
  });
  return { ...first, steps };
}
