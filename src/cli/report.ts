// `ipvlab report LAB...`: one Markdown document for one or more labs, from the
// simulator (diagram, checks with outputs and captures, trace verdicts for
// what failed, matrices with reasons), compared with a real kernel when an
// engine is given.

import { writeFileSync } from "node:fs";
import { engineByName } from "../engines/index.js";
import { allMet, type LabResult } from "../engines/result.js";
import { explainMatrices } from "../engines/sim/explain.js";
import { checkExplanations, checkFixes, successExplanations } from "../engines/sim/report-explanations.js";
import { runLabInSim, type SimLabRun } from "../engines/sim/run.js";
import { topologyOf } from "../engines/sim/topology.js";
import type { Explanation } from "../engines/sim/trace-verdict.js";
import { readLabBytes } from "../lab/load.js";
import { diagramText } from "../report/diagram.js";
import { labReport } from "../report/markdown.js";
import { matrixPairs, summaryMarkdown } from "../report/summary.js";
import { diffResults } from "../verify/diff.js";
import { EXIT } from "./errors.js";
import { fixCommandLine } from "../report/fix-line.js";
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
    const fixes = await checkFixes(lab, source, run, (check) => fixCommandLine(lab.file, check));
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
