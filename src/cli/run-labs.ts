// `ipvlab run LAB LAB...`: every lab in turn, one report each under a header
// naming it, a tally at the end, and one exit code for all of them: the worst
// any lab came to (README's exit-code table: 0 < 1 not met < 2 bad lab < 3
// engine < 4 internal).

import { engineByName } from "../engines/index.js";
import { allMet, type EngineName, type LabResult } from "../engines/result.js";
import type { Lab } from "../lab/types.js";
import { summaryLine } from "../report/text.js";
import { EXIT, exitFor } from "./errors.js";
import { loadLabs } from "./load.js";
import { labEngine, progress, resultOutput, runCommand, runOptions, type RunFlags } from "./run.js";

/** What one lab came to: its result, or why it could not run (the message is on stderr). */
type Outcome = { file: string; code: number } & ({ result: LabResult } | { error: string });

/** --json with several labs: the array's element for a lab that could not run. */
export interface RunError {
  file: string;
  error: string;
  exitCode: number;
}

export async function runLabsCommand(files: string[], flags: RunFlags): Promise<number> {
  if (files.length === 1) return runCommand(files[0]!, flags);
  const say = progress(flags.quiet);
  const total = files.length;
  const tag = (i: number, name: string) => `[${i + 1}/${total} ${name}] `;
  const outcomes: (Outcome | undefined)[] = new Array(total);
  const failed = (i: number, e: unknown) => {
    const { code, message } = exitFor(e);
    if (message) process.stderr.write(message + "\n");
    outcomes[i] = { file: files[i]!, code, error: message ?? `exit ${code}` };
  };

  // Each lab is read on its own: a bad one is reported at its line and the others still run.
  const labs: (Lab | null)[] = files.map((file, i) => {
    try {
      return loadLabs([file], (w) => process.stderr.write(w + "\n"))[0]!;
    } catch (e) {
      failed(i, e);
      return null;
    }
  });
  const engines = labs.map((lab) => (lab ? labEngine(lab, flags) : null));

  // A real kernel boots once for all the labs it runs (as verify and record do); they run first.
  const real = labs.flatMap((lab, i) => (lab && engines[i] !== "sim" ? [i] : []));
  if (real.length) {
    const engine = engines[real[0]!] as EngineName;
    try {
      const results = await engineByName(engine).runMany(
        real.map((i) => labs[i]!),
        runOptions(engine, flags, say),
      );
      real.forEach((i, k) => (outcomes[i] = { file: files[i]!, code: allMet(results[k]!) ? EXIT.ok : EXIT.failed, result: results[k]! }));
    } catch (e) {
      const { code, message } = exitFor(e);
      if (message) process.stderr.write(message + "\n");
      for (const i of real) outcomes[i] = { file: files[i]!, code, error: message ?? `exit ${code}` };
    }
  }

  // Reports go out in the labs' order, each as soon as it and those before it are done.
  const json: (LabResult | RunError)[] = [];
  for (const [i, file] of files.entries()) {
    const lab = labs[i];
    if (lab && engines[i] === "sim") {
      try {
        const [result] = await engineByName("sim").runMany([lab], runOptions("sim", flags, (line) => say(tag(i, lab.name) + line)));
        outcomes[i] = { file, code: allMet(result!) ? EXIT.ok : EXIT.failed, result: result! };
      } catch (e) {
        failed(i, e);
      }
    }
    const o = outcomes[i]!;
    if (flags.json) json.push("result" in o ? o.result : { file, error: o.error, exitCode: o.code });
    else {
      process.stdout.write(`${i ? "\n" : ""}=== lab ${i + 1} of ${total}: ${file} ===\n\n`);
      process.stdout.write("result" in o ? resultOutput(file, o.result) : `not run: ${firstLine(o.error)}\n`);
    }
  }
  const done = outcomes as Outcome[];
  const worst = Math.max(...done.map((o) => o.code));
  if (flags.json) process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  else process.stdout.write(tally(done));
  return worst;
}

function firstLine(s: string): string {
  const lines = s.split("\n");
  return lines.length > 1 ? `${lines[0]} (and ${lines.length - 1} more line${lines.length > 2 ? "s" : ""} on stderr)` : lines[0]!;
}

/** One line per lab and the count: what a person scrolling back to the end wants. */
function tally(outcomes: Outcome[]): string {
  const met = outcomes.filter((o) => o.code === EXIT.ok).length;
  const notRun = outcomes.filter((o) => !("result" in o)).length;
  const lines = outcomes.map((o) => ("result" in o ? `${o.code === EXIT.ok ? "✓" : "✗"} ${summaryLine(o.result)}` : `✗ ${o.file}: not run (exit ${o.code})`));
  const counts = [`${met} of ${outcomes.length} labs met everything`];
  if (outcomes.length - met - notRun) counts.push(`${outcomes.length - met - notRun} did not`);
  if (notRun) counts.push(`${notRun} could not run`);
  return `\n=== ${outcomes.length} labs ===\n${lines.join("\n")}\n${counts.join(", ")}\n`;
}
