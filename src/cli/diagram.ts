// `ipvlab diagram LAB`: the lab's hosts, namespaces, devices and networks as
// the simulator has them after the setup (or after a given step).

import { writeFileSync } from "node:fs";
import { runLabInSim } from "../engines/sim/run.js";
import { topologyOf } from "../engines/sim/topology.js";
import { diagramMermaid, diagramText } from "../report/diagram.js";
import { diagramSvg } from "../report/diagram-svg.js";
import { loadLabs } from "./load.js";
import { setupProblems } from "./problems.js";
import { stepsBefore } from "./trace.js";

export interface DiagramFlags {
  after?: string;
  mermaid?: boolean;
  json?: boolean;
  svg?: string;
}

export async function diagramCommand(file: string, f: DiagramFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  const { count } = stepsBefore(lab!, f.after);
  const { world, result } = await runLabInSim(lab!, { steps: count });
  const code = setupProblems(result);
  const t = topologyOf(lab!, world);
  if (f.svg) {
    writeFileSync(f.svg, await diagramSvg(t));
    process.stderr.write(`ipvlab: wrote ${f.svg}\n`);
  } else process.stdout.write(f.json ? `${JSON.stringify(t, null, 2)}\n` : f.mermaid ? diagramMermaid(t) : diagramText(t));
  return code;
}
