// `ipvlab report LAB...`: one Markdown document for one or more labs, from the
// simulator (diagram, checks with outputs and captures, trace verdicts for
// what failed, matrices with reasons), compared with a real kernel when an
// engine is given.

import { readFileSync, writeFileSync } from "node:fs";
import { engineByName } from "../engines/index.js";
import type { LabResult } from "../engines/result.js";
import { explainMatrices, traceAfter } from "../engines/sim/explain.js";
import { runLabInSim } from "../engines/sim/run.js";
import { topologyOf } from "../engines/sim/topology.js";
import { traceCause } from "../engines/sim/trace-verdict.js";
import type { Lab } from "../lab/types.js";
import { diagramText } from "../report/diagram.js";
import { labReport } from "../report/markdown.js";
import { diffResults } from "../verify/diff.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";
import { labMacs } from "./verify.js";

export interface ReportFlags {
  engine?: "uml" | "host";
  out?: string;
  quiet?: boolean;
}

/** Why each failed check's command failed: the command again, traced, in the state just before its step. */
async function verdicts(lab: Lab, sim: LabResult): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const setups = sim.steps.filter((s) => s.kind !== "matrix" && s.setup).length;
  for (const [i, s] of sim.steps.entries()) {
    if (s.kind !== "check" || s.ok) continue;
    const cause = traceCause(await traceAfter(lab, i - setups, "", () => ({ host: s.host, run: s.command })));
    if (cause) out.set(i, cause);
  }
  return out;
}

export async function reportCommand(files: string[], f: ReportFlags): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  const say = progress(f.quiet);
  const real = f.engine ? await engineByName(f.engine).runMany(labs, { onProgress: say }) : null;
  const parts: string[] = [];
  for (const [i, lab] of labs.entries()) {
    say(`${lab.name}: simulating, explaining what failed`);
    const { result: sim } = await runLabInSim(lab);
    await explainMatrices(lab, sim);
    const { world } = await runLabInSim(lab, { steps: 0 });
    const r = real?.[i];
    parts.push(
      labReport({
        sim,
        source: readFileSync(files[i]!, "utf8"),
        diagram: diagramText(topologyOf(lab, world)),
        verdicts: await verdicts(lab, sim),
        ...(r ? { real: { result: r, diffs: diffResults(r, { ...sim, engine: "sim" }, labMacs(lab)) } } : {}),
      }),
    );
  }
  const against = real ? `, each compared with a fresh run on ${real[0]!.engine} (Linux ${real[0]!.kernel})` : "";
  const doc = `# ipvlab report\n\n${labs.length} lab${labs.length === 1 ? "" : "s"} in the simulator${against}: ${labs.map((l) => l.name).join(", ")}.\n\n${parts.join("\n")}`;
  if (f.out) writeFileSync(f.out, doc);
  else process.stdout.write(doc);
  return 0;
}
