// The simulator, off the page's thread: parse the lab text, run it, and
// answer with plain data; then explain the failed matrix cells one by one,
// giving way to a newer edit between cells. The same engines/sim code as
// `ipvlab run`, `matrix` and `trace`.

import { runLabInSim, type SimLabRun } from "../../src/engines/sim/run.js";
import { cellCommand, explainCell, labStepsBefore, traceAfter } from "../../src/engines/sim/explain.js";
import { topologyOf } from "../../src/engines/sim/topology.js";
import { decisive, isDrop } from "../../src/engines/sim/trace-read.js";
import { explainTrace, FACTORS, traceVerdict, type Factor } from "../../src/engines/sim/trace-verdict.js";
import type { LabResult } from "../../src/engines/result.js";
import { LabError, type LabDiagnostic } from "../../src/lab/errors.js";
import { parseScriptLab, parseYamlLab, SCRIPT_EXT } from "../../src/lab/parse.js";
import type { Lab } from "../../src/lab/types.js";
import { lintLab } from "../../src/engines/sim/script-lint.js";
import { judge } from "../../src/engines/sim/fix/judge.js";
import { searchFixes } from "../../src/engines/sim/fix/search.js";
import { runNotes } from "./notes.js";
import { labMarkdown } from "./report.js";
import type { Diagnostic, FromWorker, ToWorker, TraceTarget } from "./protocol.js";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker) => scope.postMessage(m);

let latest = 0;
let current: { gen: number; lab: Lab; result: LabResult; text: string } | null = null;

const toDiagnostic = (d: LabDiagnostic): Diagnostic => ({ severity: d.severity, line: d.pos.line, col: d.pos.col, message: d.message });
const inWords = (factors: readonly Factor[]) => factors.map((f) => FACTORS[f]);
const breathe = () => new Promise((r) => setTimeout(r, 0));

async function run(m: Extract<ToWorker, { type: "run" }>): Promise<void> {
  const t0 = performance.now();
  let lab: Lab;
  let warnings: LabDiagnostic[];
  try {
    ({ lab, warnings } = SCRIPT_EXT.test(m.file) ? parseScriptLab(m.file, m.text) : parseYamlLab(m.file, m.text));
  } catch (e) {
    if (e instanceof LabError) return post({ type: "invalid", gen: m.gen, diagnostics: e.diagnostics.map(toDiagnostic) });
    return post({ type: "failed", gen: m.gen, message: (e as Error).message });
  }
  const t1 = performance.now();
  let result: LabResult;
  let run: SimLabRun;
  try {
    run = await runLabInSim(lab, { forkBeforeMatrix: true });
    result = run.result;
    const t2 = performance.now();
    current = { gen: m.gen, lab, result, text: m.text };
    // What the scripts say before they run, where the run itself said nothing at that line.
    const ran = runNotes(result);
    const read = lintLab(lab).map(toDiagnostic).filter((d) => !ran.some((r) => r.line === d.line));
    const notes = [...ran, ...read];
    post({ type: "lab", gen: m.gen, notes: [...warnings.map(toDiagnostic), ...notes], result, topology: topologyOf(lab, run.world), parseMs: t1 - t0, runMs: t2 - t1, script: SCRIPT_EXT.test(m.file) });
  } catch (e) {
    return post({ type: "failed", gen: m.gen, message: (e as Error).message });
  }
  // As explainMatrices does, a cell at a time, so that a newer edit need not wait for all of them.
  const t3 = performance.now();
  for (const [i, s] of result.steps.entries()) {
    if (s.kind !== "matrix") continue;
    for (const cell of s.cells) {
      if (cell.ok) continue;
      await breathe();
      if (latest !== m.gen) return;
      const { cause, factors } = await explainCell(lab, run.matrices.get(i)!, s, cell);
      if (cause) post({ type: "reason", gen: m.gen, step: i, from: cell.from, to: cell.to, reason: cause, mechanisms: inWords(factors) });
    }
  }
  post({ type: "explained", gen: m.gen, ms: performance.now() - t3 });
}

/** The command a target runs, the number of the lab's steps before it, and how to say when it ran. */
function traced(lab: Lab, result: LabResult, target: TraceTarget): { command: { host: string; run: string }; steps: number; after: string } | string {
  const s = result.steps[target.step];
  if (!s) return `no step ${target.step + 1}`;
  const before = labStepsBefore(result, target.step);
  if (target.kind === "cell") {
    const cell = s.kind === "matrix" ? s.cells.find((c) => c.from === target.from && c.to === target.to) : undefined;
    if (s.kind !== "matrix" || !cell) return `no cell ${target.from} → ${target.to}`;
    return { command: cellCommand(s, cell), steps: before, after: `just before matrix "${s.name}"` };
  }
  if (s.kind === "matrix" || s.setup) return `step ${target.step + 1} is not one of the lab's commands`;
  return { command: { host: s.host, run: s.command }, steps: before, after: before === 0 ? "right after the hosts' setup" : `after step ${before} (${lab.steps[before - 1]!.name})` };
}

async function trace(m: Extract<ToWorker, { type: "trace" }>): Promise<void> {
  if (!current || current.gen !== m.gen) return;
  const { lab, result } = current;
  const what = traced(lab, result, m.target);
  if (typeof what === "string") return post({ type: "trace-failed", gen: m.gen, target: m.target, message: what });
  try {
    const t = await traceAfter(lab, what.steps, what.after, () => what.command);
    const steps = t.steps.map((s) => ({ ...s, time: s.time - t.start }));
    const verdict = traceVerdict(t);
    const d = decisive(t);
    const deciding = d ? t.steps.indexOf(d) : -1;
    post({
      type: "trace",
      gen: m.gen,
      target: m.target,
      host: t.host,
      command: t.command,
      after: t.after,
      exitCode: t.exitCode,
      steps,
      verdict,
      mechanisms: inWords(explainTrace(t).factors),
      drops: steps.flatMap((s, i) => (isDrop(s) ? [i] : [])),
      deciding: deciding >= 0 ? deciding : null,
    });
  } catch (e) {
    post({ type: "trace-failed", gen: m.gen, target: m.target, message: (e as Error).message });
  }
}

/** `ipvlab fix` for a traced command: the same search and judging, the suggestions as plain data. */
async function fix(m: Extract<ToWorker, { type: "fix" }>): Promise<void> {
  if (!current || current.gen !== m.gen) return;
  const { lab, result, text } = current;
  const what = traced(lab, result, m.target);
  if (typeof what === "string") return post({ type: "fix-failed", gen: m.gen, target: m.target, message: what });
  const s = result.steps[m.target.step]!;
  const check = m.target.kind === "command" && s.kind !== "matrix" ? s.name : null;
  try {
    const search = await searchFixes(lab, what.steps, what.after, () => ({ ...what.command, check }), { budget: 300 });
    const shown = search.before.exitCode === 0 ? [] : await judge(search, text, { max: 3, tries: 6 });
    const suggestions = shown.map((x) => ({
      what: x.changes.map((c) => c.what).join("; and "),
      commands: x.changes.flatMap((c) => (c.hairpinNetwork !== undefined ? [`hairpin: true for network ${c.hairpinNetwork}`] : c.commands.map((cmd) => `${c.host}# ${cmd}`))),
      diff: x.diff,
      why: x.why,
      sideEffects: x.sideEffects,
      text: x.text,
    }));
    const tried = `${search.singles} single changes${search.pairsTried ? ` and ${search.pairsTried} of ${search.pairsSpace} pairs` : ""} tried, ${search.met.length} met the goal`;
    post({ type: "fix", gen: m.gen, target: m.target, suggestions, tried });
  } catch (e) {
    post({ type: "fix-failed", gen: m.gen, target: m.target, message: (e as Error).message });
  }
}

/** The report of the lab as it last ran (the last good version when the text has an error now). */
async function report(m: Extract<ToWorker, { type: "report" }>): Promise<void> {
  if (!current) return post({ type: "report-failed", gen: m.gen, req: m.req, message: "no lab has run yet" });
  try {
    post({ type: "report", gen: m.gen, req: m.req, markdown: await labMarkdown(current.lab, current.text) });
  } catch (e) {
    post({ type: "report-failed", gen: m.gen, req: m.req, message: (e as Error).message });
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "run") {
    latest = m.gen;
    void run(m);
  } else if (m.type === "fix") void fix(m);
  else if (m.type === "report") void report(m);
  else void trace(m);
};
