// The lab's Markdown report, made in the simulator's worker as `ipvlab
// report LAB` makes it for one lab (src/cli/report.ts): one run forked
// before each matrix and each check that is not met, every red cell and
// failed check explained, the best fix of each failed check, the diagram of
// the hosts as their setup leaves them; then src/report's own Markdown.

import type { MatrixCell } from "../../src/engines/result.js";
import { explainCell, explainMatrices, labStepsBefore, traceOn } from "../../src/engines/sim/explain.js";
import { judge } from "../../src/engines/sim/fix/judge.js";
import { searchFixes } from "../../src/engines/sim/fix/search.js";
import { runLabInSim, type SimLabRun } from "../../src/engines/sim/run.js";
import { topologyOf } from "../../src/engines/sim/topology.js";
import { explainTrace, type Explanation } from "../../src/engines/sim/trace-verdict.js";
import type { Lab } from "../../src/lab/types.js";
import { diagramText } from "../../src/report/diagram.js";
import { labReport } from "../../src/report/markdown.js";
import { matrixPairs, summaryMarkdown } from "../../src/report/summary.js";
import { failedCheck } from "../../src/report/text.js";

/** A word for a POSIX shell, as `ipvlab fix`'s command line is written (src/cli/fix-line.ts). */
const shellWord = (s: string): string => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

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

async function checkFixes(lab: Lab, text: string, run: SimLabRun): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const [i, s] of run.result.steps.entries()) {
    const at = run.failedChecks.get(i);
    if (s.kind !== "check" || !failedCheck(s) || !at) continue;
    const search = await searchFixes(lab, labStepsBefore(run.result, i), "", () => ({ host: s.host, run: s.command, check: s.name }), { budget: 200, at });
    const [best] = search.before.exitCode === 0 ? [] : await judge(search, text, { max: 1, tries: 4 });
    const cmd = `\`ipvlab fix ${shellWord(lab.file)} --check ${shellWord(s.name)}\``;
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

/** Only one lab, so no matrix is compared with another lab's: the matrices' pairs are within the lab. */
async function successExplanations(lab: Lab, run: SimLabRun): Promise<Map<MatrixCell, Explanation>> {
  const out = new Map<MatrixCell, Explanation>();
  for (const p of matrixPairs([run.result]))
    for (const side of [p.before, p.after])
      for (const c of p.changed) {
        const cell = side === p.before ? c.before : c.after;
        if (!cell.ok || out.has(cell)) continue;
        out.set(cell, await explainCell(lab, run.matrices.get(side.step)!, side.matrix, cell));
      }
  return out;
}

export async function labMarkdown(lab: Lab, text: string): Promise<string> {
  const run = await runLabInSim(lab, { forkBeforeMatrix: true, forkBeforeFailedChecks: true });
  await explainMatrices(lab, run);
  const { world } = await runLabInSim(lab, { steps: 0 });
  const explained = await checkExplanations(lab, run);
  const fixes = await checkFixes(lab, text, run);
  const part = labReport({ sim: run.result, source: text, fixes, diagram: diagramText(topologyOf(lab, world)), verdicts: new Map([...explained].map(([k, e]) => [k, e.cause!])) });
  const summary = summaryMarkdown({ labs: [run.result], pairs: matrixPairs([run.result]), checks: new Map([[lab.name, explained]]), successes: await successExplanations(lab, run) });
  return `# ipvlab report\n\n1 lab in the simulator: ${lab.name}. Made by the ipvlab web page, as \`ipvlab report ${lab.file}\` makes it.\n\n${summary}\n${part}`;
}
