// What a report says about a lab's failures beyond the run itself, found as
// `ipvlab trace`, `ipvlab fix` and the matrix reasons find them: the same for
// `ipvlab report` and the web page's report.

import type { MatrixCell } from "../result.js";
import type { Lab } from "../../lab/types.js";
import type { MatrixPair } from "../../report/summary.js";
import { failedCheck } from "../../report/text.js";
import { explainCell, labStepsBefore, traceOn } from "./explain.js";
import { judge } from "./fix/judge.js";
import { searchFixes } from "./fix/search.js";
import type { SimLabRun } from "./run.js";
import { explainTrace, type Explanation } from "./trace-verdict.js";

/** Why each failed check's command failed: the command again, traced, on a fork of the world just before its step. */
export async function checkExplanations(lab: Lab, run: SimLabRun): Promise<Map<number, Explanation>> {
  const out = new Map<number, Explanation>();
  for (const [i, s] of run.result.steps.entries()) {
    const at = run.failedChecks.get(i);
    if (s.kind !== "check" || s.ok || !at) continue;
    const e = explainTrace(await traceOn(lab, at.copy(), labStepsBefore(run.result, i), "", { host: s.host, run: s.command }));
    if (e.cause) out.set(i, e);
  }
  return out;
}

/**
 * The best fix of each check whose command failed where it should have
 * succeeded, found as `ipvlab fix --check` finds it; `fixLine` is the
 * `ipvlab fix` command line that shows more.
 */
export async function checkFixes(lab: Lab, text: string, run: SimLabRun, fixLine: (check: string) => string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const [i, s] of run.result.steps.entries()) {
    const at = run.failedChecks.get(i);
    if (s.kind !== "check" || !failedCheck(s) || !at) continue;
    const search = await searchFixes(lab, labStepsBefore(run.result, i), "", () => ({ host: s.host, run: s.command, check: s.name }), { budget: 200, at });
    const [best] = search.before.exitCode === 0 ? [] : await judge(search, text, { max: 1, tries: 4 });
    const cmd = `\`${fixLine(s.name)}\``;
    if (!best) {
      out.set(i, `none of the catalogue's changes makes it succeed (${cmd}).`);
      continue;
    }
    const lines = best.changes.flatMap((c) => (c.hairpinNetwork !== undefined ? [`\`hairpin: true\` for network ${c.hairpinNetwork}`] : c.commands.map((x) => `\`${x}\` on ${c.host}`)));
    const side = best.sideEffects.length ? ` Side effects: ${best.sideEffects.join("; ")}.` : "";
    out.set(i, `${best.changes.map((c) => c.what).join("; and ")}: ${lines.join(", ")}.${best.why ? ` Then ${best.why}.` : ""}${side} More, with the lab diff: ${cmd}.`);
  }
  return out;
}

/** The succeeding side of each changed cell, traced too: how it got through where the other side did not. */
export async function successExplanations(labs: readonly Lab[], runs: readonly SimLabRun[], pairs: readonly MatrixPair[]): Promise<Map<MatrixCell, Explanation>> {
  const out = new Map<MatrixCell, Explanation>();
  for (const p of pairs)
    for (const side of [p.before, p.after])
      for (const c of p.changed) {
        const cell = side === p.before ? c.before : c.after;
        if (!cell.ok || out.has(cell)) continue;
        const i = runs.findIndex((r) => r.result.lab === side.lab);
        out.set(cell, await explainCell(labs[i]!, runs[i]!.matrices.get(side.step)!, side.matrix, cell));
      }
  return out;
}
