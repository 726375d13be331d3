// The lab's Markdown report, made in the simulator's worker as `ipvlab
// report LAB` makes it for one lab (src/cli/report.ts): one run forked
// before each matrix and each check that is not met, every red cell and
// failed check explained, the best fix of each failed check, the diagram of
// the hosts as their setup leaves them; then src/report's own Markdown.

import { explainMatrices } from "../../src/engines/sim/explain.js";
import { checkExplanations, checkFixes, successExplanations } from "../../src/engines/sim/report-explanations.js";
import { runLabInSim } from "../../src/engines/sim/run.js";
import { topologyOf } from "../../src/engines/sim/topology.js";
import type { Lab } from "../../src/lab/types.js";
import { diagramText } from "../../src/report/diagram.js";
import { fixCommandLine } from "../../src/report/fix-line.js";
import { labReport } from "../../src/report/markdown.js";
import { matrixPairs, summaryMarkdown } from "../../src/report/summary.js";

export async function labMarkdown(lab: Lab, text: string): Promise<string> {
  const run = await runLabInSim(lab, { forkBeforeMatrix: true, forkBeforeFailedChecks: true });
  await explainMatrices(lab, run);
  const { world } = await runLabInSim(lab, { steps: 0 });
  const explained = await checkExplanations(lab, run);
  const fixes = await checkFixes(lab, text, run, (check) => fixCommandLine(lab.file, check));
  const part = labReport({ sim: run.result, source: text, fixes, diagram: diagramText(topologyOf(lab, world)), verdicts: new Map([...explained].map(([k, e]) => [k, e.cause!])) });
  const summary = summaryMarkdown({ labs: [run.result], pairs: matrixPairs([run.result]), checks: new Map([[lab.name, explained]]), successes: await successExplanations([lab], [run], matrixPairs([run.result])) });
  return `# ipvlab report\n\n1 lab in the simulator: ${lab.name}. Made by the ipvlab web page, as \`ipvlab report ${lab.file}\` makes it.\n\n${summary}\n${part}`;
}
