// `ipvlab report LAB...`: one Markdown document for one or more labs, from the
// simulator (diagram, checks with outputs and captures, trace verdicts for
// what failed, matrices with reasons), compared with a real kernel when an
// engine is given.

import { writeFileSync } from "node:fs";
import { engineByName } from "../engines/index.js";
import { allMet, type LabResult, type MatrixCell } from "../engines/result.js";
import { explainCell, explainMatrices, labStepsBefore, traceOn } from "../engines/sim/explain.js";
import { runLabInSim, type SimLabRun } from "../engines/sim/run.js";
import { topologyOf } from "../engines/sim/topology.js";
import { explainTrace, type Explanation } from "../engines/sim/trace-verdict.js";
import { readLabBytes } from "../lab/load.js";
import type { Lab } from "../lab/types.js";
import { diagramText } from "../report/diagram.js";
import { labReport } from "../report/markdown.js";
import { matrixPairs, summaryMarkdown, type MatrixPair } from "../report/summary.js";
import { diffResults } from "../verify/diff.js";
import { EXIT } from "./errors.js";
import { fixCommandLine } from "./fix-line.js";
import { judge } from "../engines/sim/fix/judge.js";
import { searchFixes } from "../engines/sim/fix/search.js";
import { failedCheck } from "../report/text.js";
import type { KernelName } from "../engines/real/kernels.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";
import { labMacs } from "./verify.js";

export interface ReportFlags {
  engine?: "uml" | "host";
  kernel?: KernelName;
  out?: string;
  quiet?: boolean;
}

/** Why each failed check's command failed: the command again, traced, on a fork of the world just before its step. */
async function checkExplanations(lab: Lab, run: SimLabRun): Promise<Map<number, Explanation>> {
  const out = new Map<number, Explanation>();
  for (const [i, s] of run.result.steps.entries()) {
    const at = run.failedChecks.get(i);
    if (s.kind !== "check" || s.ok || !at) continue;
    const e = explainTrace(await traceOn(lab, at.copy(), labStepsBefore(run.result, i), "", { host: s.host, run: s.command }));
    if (e.cause) out.set(i, e);
  }
  return out;
}

/** The best fix of each check whose command failed where it should have succeeded, found as `ipvlab fix --check` finds it. */
async function checkFixes(lab: Lab, text: string, run: SimLabRun): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const [i, s] of run.result.steps.entries()) {
    const at = run.failedChecks.get(i);
    if (s.kind !== "check" || !failedCheck(s) || !at) continue;
    const steps = labStepsBefore(run.result, i);
    const search = await searchFixes(lab, steps, "", () => ({ host: s.host, run: s.command, check: s.name }), { budget: 200, at });
    const [best] = search.before.exitCode === 0 ? [] : await judge(search, text, { max: 1, tries: 4 });
    const cmd = `\`${fixCommandLine(lab.file, s.name)}\``;
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
async function successExplanations(labs: readonly Lab[], runs: readonly SimLabRun[], pairs: readonly MatrixPair[]): Promise<Map<MatrixCell, Explanation>> {
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

export async function reportCommand(files: string[], f: ReportFlags): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  const say = progress(f.quiet);
  const real = f.engine ? await engineByName(f.engine).runMany(labs, { onProgress: say, ...kernelRunOptions(f.engine, f.kernel) }) : null;
  const sims: LabResult[] = [];
  const runs: SimLabRun[] = [];
  const checks = new Map<string, Map<number, Explanation>>();
  const parts: string[] = [];
  for (const [i, lab] of labs.entries()) {
    say(`${lab.name}: simulating, explaining what failed`);
    // As the kernel it is compared with, lab by lab, or as --kernel says.
    const release = real?.[i]?.kernel ?? f.kernel;
    const as = release ? { release } : {};
    // One run, forked before each matrix and each check that is not met: the reasons and fixes start from those forks.
    const run = await runLabInSim(lab, { forkBeforeMatrix: true, forkBeforeFailedChecks: true, ...as });
    await explainMatrices(lab, run);
    const sim = run.result;
    runs.push(run);
    const { world } = await runLabInSim(lab, { steps: 0, ...as });
    const explained = await checkExplanations(lab, run);
    const source = new TextDecoder().decode(readLabBytes(files[i]!));
    const fixes = await checkFixes(lab, source, run);
    sims.push(sim);
    checks.set(lab.name, explained);
    const r = real?.[i];
    parts.push(
      labReport({
        sim,
        source,
        fixes,
        diagram: diagramText(topologyOf(lab, world)),
        verdicts: new Map([...explained].map(([k, e]) => [k, e.cause!])),
        ...(r ? { real: { result: r, diffs: diffResults(r, { ...sim, engine: "sim" }, labMacs(lab)) } } : {}),
      }),
    );
  }
  say("comparing the matrices");
  const pairs = matrixPairs(sims);
  const summary = summaryMarkdown({ labs: sims, pairs, checks, successes: await successExplanations(labs, runs, pairs) });
  const against = real ? `, each compared with a fresh run on ${real[0]!.engine} (Linux ${real[0]!.kernel})` : "";
  const made = ["ipvlab report", ...files, ...(f.engine ? ["--engine", f.engine] : []), ...(f.kernel ? ["--kernel", f.kernel] : []), ...(f.out ? ["-o", f.out] : [])].join(" ");
  const behaving = f.kernel && !real ? ` behaving as Linux ${f.kernel}` : "";
  const doc = `# ipvlab report\n\n${labs.length} lab${labs.length === 1 ? "" : "s"} in the simulator${behaving}${against}: ${labs.map((l) => l.name).join(", ")}. Made by \`${made}\`.\n\n${summary}\n${parts.join("\n")}`;
  if (f.out) writeFileSync(f.out, doc);
  else process.stdout.write(doc);
  return sims.every(allMet) && (real ?? []).every(allMet) ? EXIT.ok : EXIT.failed;
}
