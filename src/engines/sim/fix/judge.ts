// The cheapest candidates that met the goal on a fork, written into the lab
// file and the whole lab run again: the goal must still be met in the full
// run, and what was green and turns red is listed (side effects). The
// printed suggestions come from here, so each is proven on the lab as edited.

import { createTwoFilesPatch } from "diff";
import { editLab, LabEditError, type LabEdit } from "../../../lab/edit.js";
import { parseScriptLab, parseYamlLab, YAML_EXT } from "../../../lab/parse.js";
import type { CommandStep, Lab } from "../../../lab/types.js";
import type { LabResult } from "../../result.js";
import { runLabInSim } from "../run.js";
import { explainTrace } from "../trace-verdict.js";
import type { Change, FixGoal } from "./change.js";
import { traceWith, type Candidate, type SearchResult } from "./search.js";

/** The step a --from/--to goal becomes in the edited lab. */
export const GOAL_STEP = "ipvlab fix: the goal";

export interface Suggestion {
  changes: Change[];
  cost: number;
  /** The lab file with the change written in, and the unified diff. */
  text: string;
  diff: string;
  /** Green before, red after. */
  sideEffects: string[];
  /** Why it works, from the trace of the now-successful command. */
  why: string | null;
}

export const labEdits = (changes: readonly Change[]): LabEdit[] => changes.map((c) => (c.hairpinNetwork !== undefined ? { network: c.hairpinNetwork, hairpin: true, comment: c.what } : { host: c.host, lines: c.commands, comment: c.what }));

/** The lab as edited, parsed, with the --from/--to goal as a check right where it runs. */
export function editedLab(lab: Lab, text: string, goal: FixGoal, changes: readonly Change[]): { lab: Lab; text: string; goalIndex: number } {
  const edited = editLab(lab, text, goal.steps, labEdits(changes));
  const next = (YAML_EXT.test(lab.file) ? parseYamlLab(lab.file, edited.text) : parseScriptLab(lab.file, edited.text)).lab;
  const goalIndex = goal.steps + edited.insertedSteps;
  if (goal.check === null) {
    const pos = next.steps[goalIndex]?.pos ?? next.hosts[0]!.pos;
    const probe: CommandStep = { kind: "check", name: GOAL_STEP, on: goal.host, run: goal.run, expect: "ok", capture: [], timeout: 30, pos, runLines: [pos] };
    next.steps.splice(goalIndex, 0, probe);
  }
  return { lab: next, text: edited.text, goalIndex };
}

/** The edited lab cut after its goal: what a real kernel must run to say whether it agrees (the rest was judged in the simulator). */
export function upToGoal(e: { lab: Lab; goalIndex: number }): Lab {
  return { ...e.lab, steps: e.lab.steps.slice(0, e.goalIndex + 1) };
}

/** The result of the lab's step `index` (the results start with the hosts' setups). */
export const stepResult = (lab: Lab, r: LabResult, index: number) => r.steps[lab.hosts.filter((h) => h.run.trim()).length + index];

function greens(r: LabResult, skip: string | null): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const s of r.steps) {
    if (s.kind === "matrix") {
      for (const c of s.cells) if (c.ok) out.set(`m\n${s.name}\n${c.from}\n${c.to}`, `matrix "${s.name}": ${c.from} -> ${c.to} no longer answers`);
      continue;
    }
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    if (s.name === skip || s.name === GOAL_STEP) continue;
    if (s.setup) {
      if (s.exitCode === 0) out.set(`s\n${s.name}`, `${s.name} now fails (exit code ≠ 0)`);
    } else if (s.kind === "check" && s.exitCode === 0) out.set(`c\n${s.name}\n${n}`, `check "${s.name}" no longer succeeds`);
  }
  return out;
}

/** Candidates written into the lab and run whole, best first: goal met, fewest side effects, cheapest. */
export async function judge(search: SearchResult, text: string, o: { max: number; tries: number }): Promise<Suggestion[]> {
  const { scene } = search;
  const lab = scene.lab;
  const base = greens((await runLabInSim(lab)).result, scene.goal.check);
  const out: (Suggestion & { order: number })[] = [];
  for (const [order, c] of search.met.slice(0, o.tries).entries()) {
    // Cheapest first: once enough are clean, a dearer one cannot rank above them.
    if (out.filter((x) => x.sideEffects.length === 0).length >= o.max) break;
    let e: ReturnType<typeof editedLab>;
    try {
      e = editedLab(lab, text, scene.goal, c.changes);
    } catch (err) {
      if (err instanceof LabEditError) continue;
      throw err;
    }
    const r = (await runLabInSim(e.lab)).result;
    const g = stepResult(e.lab, r, e.goalIndex);
    if (!g || g.kind === "matrix" || g.exitCode !== 0) continue;
    const after = greens(r, scene.goal.check);
    const sideEffects = [...base].filter(([k]) => !after.has(k)).map(([, said]) => said);
    out.push({ changes: c.changes, cost: c.cost, text: e.text, diff: labDiff(lab.file, text, e.text), sideEffects, why: null, order });
  }
  out.sort((a, b) => a.sideEffects.length - b.sideEffects.length || a.cost - b.cost || a.order - b.order);
  const best = out.slice(0, o.max);
  for (const s of best) s.why = explainTrace(await traceWith(scene, search.snap, s.changes)).cause;
  return best.map(({ order: _order, ...s }) => s);
}

export const labDiff = (file: string, before: string, after: string): string => {
  const path = file.replace(/^\/+/, "");
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
};

export type { Candidate };
