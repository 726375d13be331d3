// A matrix's own progress lines: its pings, then its failed cells' reasons,
// said at most a few times a second however many cells there are.

import type { ReasonsProgress } from "./explain.js";
import { MATRIX_WAIT_MS, type MatrixProgress } from "./matrix.js";
import { count, countOf } from "../../plural.js";

/** Progress lines come no closer together than this, except each matrix's first and last. */
const MIN_GAP_MS = 1000;

export function matrixProgress(p: MatrixProgress): string {
  if (p.ok === null) return `matrix "${p.matrix}": ${count(p.cells, "ping")} sent, waiting ${MATRIX_WAIT_MS} ms for ${p.cells === 1 ? "its answer" : "their answers"}`;
  const failed = p.cells - p.ok;
  return `matrix "${p.matrix}": ${countOf(p.ok, p.cells, "cell")} ok${failed ? `, ${failed} failed` : ""}`;
}

export function reasonsProgress(p: ReasonsProgress): string {
  if (p.done === 0) return p.failed === 1 ? `matrix "${p.matrix}": finding the reason of 1 failed cell, its ping traced alone` : `matrix "${p.matrix}": finding the reasons of ${p.failed} failed cells, each ping traced alone`;
  if (p.done === p.failed) return p.failed === 1 ? `matrix "${p.matrix}": the failed cell has its reason` : `matrix "${p.matrix}": all ${p.failed} failed cells have their reason`;
  return `matrix "${p.matrix}": reasons found for ${p.done} of ${count(p.failed, "failed cell")}`;
}

/** Passes on the first and last report of each matrix, and the others only MIN_GAP_MS apart (wall clock). */
export function throttled(say: (p: ReasonsProgress) => void, now: () => number = Date.now): (p: ReasonsProgress) => void {
  let last = -Infinity;
  return (p) => {
    const t = now();
    if (p.done === 0 || p.done === p.failed || t - last >= MIN_GAP_MS) {
      last = t;
      say(p);
    }
  };
}
