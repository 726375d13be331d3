// `ipvlab fix LAB`: the smallest changes that make a failing check (or a
// ping) succeed, found by trying the catalogue's changes on forks of the
// simulated world just before it, proven by running the lab as edited, and
// with --verify by a real kernel.

import { readFileSync } from "node:fs";
import { engineByName } from "../engines/index.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { CATALOGUE } from "../engines/sim/fix/catalogue.js";
import { editedLab, judge, stepResult, upToGoal, type Suggestion } from "../engines/sim/fix/judge.js";
import { searchFixes, type SearchResult } from "../engines/sim/fix/search.js";
import { runLabInSim } from "../engines/sim/run.js";
import { traceVerdict } from "../engines/sim/trace-verdict.js";
import type { Lab } from "../lab/types.js";
import { EXIT, UsageError } from "./errors.js";
import { shellWord } from "../report/fix-line.js";
import { loadLabs } from "./load.js";
import { probeCommand, stepsBefore } from "./trace.js";

export interface FixFlags {
  check?: string;
  from?: string;
  to?: string;
  after?: string;
  json?: boolean;
  verify?: boolean;
  budget: number;
  engine: EngineName;
  quiet?: boolean;
}

/** Suggestions printed, and candidates run as whole labs to choose them from. */
const SHOWN = 3;
const JUDGED = 8;


interface Goal {
  steps: number;
  after: string;
  pick: Parameters<typeof searchFixes>[3];
}

async function resolveGoal(lab: Lab, f: FixFlags): Promise<Goal> {
  const checks = lab.steps.flatMap((s, i) => (s.kind === "check" ? [{ s, i }] : []));
  if (f.check !== undefined) {
    if (f.from || f.to) throw new UsageError("give either --check NAME or --from HOST[/NS] --to ADDR, not both");
    if (f.after !== undefined) throw new UsageError("--after goes with --from/--to: a check runs where it stands in the lab");
    const c = checks.find(({ s }) => s.name === f.check);
    if (!c) throw new UsageError(`--check ${f.check}: no such check in ${lab.name} (checks: ${checks.map(({ s }) => JSON.stringify(s.name)).join(", ") || "none"})`);
    return { steps: c.i, after: stepsBefore(lab, c.i === 0 ? undefined : String(c.i)).label, pick: () => ({ host: c.s.on, run: c.s.run, check: c.s.name }) };
  }
  if (f.from) {
    if (!f.to) throw new UsageError("--from needs --to ADDR");
    const { count, label } = stepsBefore(lab, f.after);
    return { steps: count, after: label, pick: (world) => ({ ...probeCommand(world, lab, { from: f.from, to: f.to }), check: null }) };
  }
  if (f.to) throw new UsageError("--to needs --from HOST[/NS]");
  // Neither: the first check the lab does not meet whose command fails.
  const r = (await runLabInSim(lab)).result;
  const setups = lab.hosts.filter((h) => h.run.trim()).length;
  const c = checks.find(({ i }) => {
    const s = r.steps[setups + i];
    return s && s.kind !== "matrix" && s.state !== "met" && s.exitCode !== 0;
  });
  // Else the first check whose command fails, though the lab expects it to (a broken lab's own record of its failure).
  const d = c ?? checks.find(({ i }) => {
    const s = r.steps[setups + i];
    return s && s.kind !== "matrix" && s.exitCode !== 0;
  });
  if (!d) throw new UsageError(`every check of ${lab.name} is met in the simulator: name what should succeed (--check NAME, or --from HOST[/NS] --to ADDR)`);
  return resolveGoal(lab, { ...f, check: d.s.name });
}

interface Verified {
  engine: EngineName;
  agrees: boolean;
  exitCode: number;
  output: string;
}

async function verifyBest(lab: Lab, text: string, search: SearchResult, best: Suggestion, engine: EngineName): Promise<Verified> {
  const e = editedLab(lab, text, search.scene.goal, best.changes);
  const [r] = (await engineByName(engine).runMany([upToGoal(e)], {})) as LabResult[];
  const g = stepResult(e.lab, r!, e.goalIndex);
  if (!g || g.kind === "matrix") throw new Error("the goal's step is missing from the real run");
  return { engine, agrees: g.exitCode === 0, exitCode: g.exitCode, output: `${g.stdout}${g.stderr}`.trim() };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function coverage(s: SearchResult, budget: number, seconds: number): string {
  const singles = `tried all ${plural(s.singles, "single change")} the catalogue proposes (${s.applicable} could be made)`;
  const pairs = s.pairsSpace === 0 || s.pairsTried === 0 ? "" : `, then ${s.pairsTried} of ${s.pairsSpace} pairs (${((100 * s.pairsTried) / s.pairsSpace).toFixed(s.pairsTried === s.pairsSpace ? 0 : 1)}% of them, budget ${budget})`;
  return `${singles}${pairs} in ${seconds.toFixed(2)} s; ${plural(s.met.length, "candidate")} met the goal`;
}

function suggestionText(n: number, s: Suggestion): string {
  const out: string[] = [];
  const kinds = [...new Set(s.changes.map((c) => c.generator))];
  out.push(`Fix ${n} (${kinds.join(" + ")}): ${s.changes.map((c) => c.what).join("; and ")}`);
  for (const c of s.changes) for (const cmd of c.commands) out.push(`  on ${c.host}: ${cmd}`);
  for (const c of s.changes) if (c.hairpinNetwork !== undefined) out.push(`  in the lab file: network ${c.hairpinNetwork} gets hairpin: true`);
  out.push(s.sideEffects.length ? `  side effects: ${s.sideEffects.join("; ")}` : "  side effects: none (every check and matrix cell that succeeded still does)");
  out.push(...s.diff.trimEnd().split("\n").map((l) => `  ${l}`));
  if (s.why) out.push(`  why: ${s.why}.`);
  for (const k of kinds) out.push(`  works around: ${CATALOGUE.find((g) => g.name === k)!.worksAround}.`);
  return out.join("\n");
}

export async function fixCommand(file: string, f: FixFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  const text = readFileSync(lab!.file, "utf8");
  const goal = await resolveGoal(lab!, f);
  const t0 = performance.now();
  const search = await searchFixes(lab!, goal.steps, goal.after, goal.pick, { budget: f.budget });
  const suggestions = search.before.exitCode === 0 ? [] : await judge(search, text, { max: SHOWN, tries: JUDGED });
  const seconds = (performance.now() - t0) / 1000;
  const g = search.scene.goal;
  let verified: Verified | null = null;
  if (f.verify && suggestions[0]) {
    if (!f.quiet) process.stderr.write(`ipvlab: running fix 1 applied to ${lab!.name} on --engine ${f.engine}...\n`);
    verified = await verifyBest(lab!, text, search, suggestions[0], f.engine);
  }
  if (f.json) {
    const tried = { singles: search.singles, applicable: search.applicable, pairsSpace: search.pairsSpace, pairsTried: search.pairsTried, budget: f.budget, met: search.met.length, seconds };
    const shown = suggestions.map((s) => ({ kinds: [...new Set(s.changes.map((c) => c.generator))], changes: s.changes, cost: s.cost, sideEffects: s.sideEffects, diff: s.diff, why: s.why }));
    process.stdout.write(`${JSON.stringify({ lab: lab!.name, goal: { host: g.host, command: g.run, after: g.after, check: g.check }, before: traceVerdict(search.before), tried, suggestions: shown, verify: verified }, null, 2)}\n`);
  } else {
    const out: string[] = [];
    out.push(`${lab!.name}: ${traceVerdict(search.before).replace(/ on (\S+) (succeeds|fails)/, ` on $1, after ${g.after}, $2`)}`);
    if (search.before.exitCode === 0) out.push("Nothing to fix: it already succeeds.");
    else {
      out.push(`${coverage(search, f.budget, seconds)}.`);
      if (suggestions.length === 0) out.push("No change the catalogue knows makes it succeed.");
      suggestions.forEach((s, i) => out.push("", suggestionText(i + 1, s)));
      if (verified) out.push("", verified.agrees ? `--verify: on ${verified.engine} (a real kernel) the lab with fix 1 succeeds too: the kernel agrees.` : `--verify: on ${verified.engine} the lab with fix 1 still fails (exit ${verified.exitCode}): the kernel disagrees with the simulator.${verified.output ? `\n${verified.output}` : ""}`);
      else if (suggestions.length && !f.verify) out.push("", `Check fix 1 on a real kernel: ${process.argv.slice(2).map(shellWord).join(" ").replace(/^/, "ipvlab ")} --verify`);
    }
    process.stdout.write(out.join("\n") + "\n");
  }
  if (search.before.exitCode === 0) return EXIT.ok;
  if (!suggestions.length) return EXIT.failed;
  return verified && !verified.agrees ? EXIT.failed : EXIT.ok;
}
