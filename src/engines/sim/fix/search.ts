// The search: the world is run up to the goal once and recorded; every
// candidate change is tried on a fork of that record (kernel/fork.ts), the
// goal's command run after it. Single changes all; pairs of them, cheapest
// first, while the budget lasts and no single change met the goal.

import type { Snapshot } from "../../../kernel/index.js";
import type { Lab } from "../../../lab/types.js";
import { traceOn } from "../explain.js";
import { meantAddresses } from "../lab-intent.js";
import { runExtraCommand, runLabInSim } from "../run.js";
import { commandAddrs, type TracedCommand } from "../trace-read.js";
import { placesOf } from "../topology.js";
import { snapshotWorld, type World } from "../world.js";
import { CATALOGUE } from "./catalogue.js";
import { nsKey, type Change, type FixGoal, type FixScene } from "./change.js";
import { setNetworkHairpin } from "./switch.js";

/** A set of changes tried together (one, or a pair). */
export interface Candidate {
  changes: Change[];
  cost: number;
}

export interface SearchResult {
  scene: FixScene;
  snap: Snapshot<World>;
  /** The goal's command as it failed, traced. */
  before: TracedCommand;
  /** Every single change proposed, and how many of them could be applied (their commands succeed). */
  singles: number;
  applicable: number;
  pairsSpace: number;
  pairsTried: number;
  /** What met the goal, cheapest first. */
  met: Candidate[];
}

export type Outcome = "met" | "unmet" | "inapplicable";

/** Applies changes to a world (a fork); false when one of their commands fails. */
export async function applyChanges(lab: Lab, world: World, changes: readonly Change[]): Promise<boolean> {
  for (const c of changes) {
    if (c.hairpinNetwork !== undefined) {
      if (!setNetworkHairpin(lab, world, c.hairpinNetwork)) return false;
      continue;
    }
    for (const cmd of c.commands) if ((await runExtraCommand(world, c.host, cmd, 10)).exitCode !== 0) return false;
  }
  return true;
}

export async function tryChanges(scene: FixScene, snap: Snapshot<World>, changes: readonly Change[]): Promise<Outcome> {
  const w = snap.copy();
  if (!(await applyChanges(scene.lab, w, changes))) return "inapplicable";
  return (await runExtraCommand(w, scene.goal.host, scene.goal.run, 30)).exitCode === 0 ? "met" : "unmet";
}

/** The goal's command traced after the changes, on a fork: the now-successful ping's story. */
export async function traceWith(scene: FixScene, snap: Snapshot<World>, changes: readonly Change[]): Promise<TracedCommand> {
  const w = snap.copy();
  await applyChanges(scene.lab, w, changes);
  return traceOn(scene.lab, w, scene.goal.steps, scene.goal.after, scene.goal);
}

function sceneOf(lab: Lab, world: World, goal: FixGoal, trace: TracedCommand): FixScene {
  const places = placesOf(lab, world);
  const [dst, src0] = commandAddrs(trace);
  const ns = /^ip (?:netns|net) exec (\S+) /.exec(goal.run)?.[1] ?? "";
  const src = src0 ?? places.find((p) => p.host === goal.host && p.netns === ns && p.addrs.length > 0)?.addrs[0] ?? null;
  const path = new Set<string>([nsKey(goal.host, ns)]);
  for (const s of trace.steps) if (world.kernels.has(s.host)) path.add(nsKey(s.host, s.netns));
  for (const p of places) if ((src && p.addrs.includes(src)) || (dst && p.addrs.includes(dst))) path.add(nsKey(p.host, p.netns));
  const taken = new Set([...places.flatMap((p) => p.addrs), ...meantAddresses(lab, world, goal.steps).map((m) => m.addr), ...(trace.command.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [])]);
  return { lab, world, places, goal, trace, src, dst: dst ?? null, goalNs: ns, path, pathHosts: new Set([...path].map((k) => k.slice(0, k.indexOf("/")))), taken };
}

/** Every change the catalogue proposes for the scene, each once. */
export function proposeChanges(scene: FixScene): Change[] {
  const seen = new Set<string>();
  return CATALOGUE.flatMap((g) => g.propose(scene)).filter((c) => {
    const key = `${c.host}\n${c.hairpinNetwork ?? ""}\n${c.commands.join("\n")}`;
    return !seen.has(key) && seen.add(key);
  });
}

export interface SearchOptions {
  /** Pairs to try at most when no single change meets the goal. */
  budget: number;
  /** The world just before the goal, when the caller has it (a report's run): saves running the lab again. */
  at?: Snapshot<World>;
}

/**
 * The lab run to just before the goal (its setups and `steps` steps), the
 * goal's command picked in that state, then every candidate tried on a fork.
 */
export async function searchFixes(lab: Lab, steps: number, after: string, pick: (world: World) => { host: string; run: string; check: string | null }, o: SearchOptions): Promise<SearchResult> {
  const snap = o.at ?? snapshotWorld((await runLabInSim(lab, { steps })).world);
  const { host, run, check } = pick(snap.copy());
  const goal: FixGoal = { host, run, steps, after, check };
  const before = await traceOn(lab, snap.copy(), steps, after, { host, run });
  const scene = sceneOf(lab, snap.copy(), goal, before);
  const result: SearchResult = { scene, snap, before, singles: 0, applicable: 0, pairsSpace: 0, pairsTried: 0, met: [] };
  if (before.exitCode === 0) return result;
  const singles = proposeChanges(scene);
  result.singles = singles.length;
  const unmet: Change[] = [];
  for (const c of singles) {
    const r = await tryChanges(scene, snap, [c]);
    if (r === "met") result.met.push({ changes: [c], cost: c.cost });
    if (r !== "inapplicable") result.applicable++;
    if (r === "unmet") unmet.push(c);
  }
  result.pairsSpace = (unmet.length * (unmet.length - 1)) / 2;
  if (result.met.length === 0) {
    const pairs: Candidate[] = [];
    for (let i = 0; i < unmet.length; i++) for (let j = i + 1; j < unmet.length; j++) pairs.push({ changes: [unmet[i]!, unmet[j]!], cost: unmet[i]!.cost + unmet[j]!.cost });
    pairs.sort((a, b) => a.cost - b.cost);
    for (const p of pairs.slice(0, o.budget)) {
      result.pairsTried++;
      if ((await tryChanges(scene, snap, p.changes)) === "met") result.met.push(p);
    }
  }
  result.met.sort((a, b) => a.cost - b.cost);
  return result;
}
