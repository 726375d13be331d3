import { engineByName, FALLBACK_ENGINE } from "../engines/index.js";
import type { RunOptions } from "../engines/engine.js";
import { unsimulatedFilter, unsimulatedKind } from "../engines/sim.js";
import { allMet, type EngineName, type LabResult } from "../engines/result.js";
import type { Lab } from "../lab/types.js";
import { resultText } from "../report/text.js";
import { styleFor } from "./style.js";
import { EXIT } from "./errors.js";
import { fixCommandLine } from "../report/fix-line.js";
import type { KernelName } from "../engines/real/kernels.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { loadLabs } from "./load.js";

export interface RunFlags {
  engine: EngineName;
  json?: boolean;
  pcap?: string;
  quiet?: boolean;
  kernel?: KernelName;
  /** The engine was not chosen on the command line. */
  engineDefaulted?: boolean;
  /** Run again whenever a lab file changes (watch.ts). */
  watch?: boolean;
}

export function progress(quiet?: boolean): (line: string) => void {
  const t0 = Date.now();
  return quiet ? () => {} : (line) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

/** The engine a lab runs on: the one asked for, or uml for a lab the simulator does not model when none was asked for (said on stderr). */
export function labEngine(lab: Lab, flags: RunFlags): EngineName {
  const kind = flags.engine === "sim" && flags.engineDefaulted ? (unsimulatedKind(lab) ?? unsimulatedFilter(lab)) : null;
  if (!kind) return flags.engine;
  if (!flags.quiet) process.stderr.write(`${lab.name} uses ${kind}, which the simulator does not model yet: running it on --engine ${FALLBACK_ENGINE}\n`);
  return FALLBACK_ENGINE;
}

/** How `run` runs labs on an engine; the simulator can say why a matrix cell failed: its ping, traced on its own. */
export function runOptions(engine: EngineName, flags: RunFlags, onProgress: (line: string) => void): RunOptions {
  return { onProgress, pcapDir: flags.pcap, reasons: engine === "sim", ...kernelRunOptions(engine, flags.kernel) };
}

/** A lab's result as `run` prints it: the text report, or one LabResult in JSON. */
export function resultOutput(file: string, result: LabResult, json?: boolean): string {
  if (json) return JSON.stringify(result, null, 2) + "\n";
  return resultText(result, styleFor(), { fixHint: (s) => fixCommandLine(file, s.name) });
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  const engine = labEngine(lab!, flags);
  const [result] = await engineByName(engine).runMany([lab!], runOptions(engine, flags, progress(flags.quiet)));
  process.stdout.write(resultOutput(file, result!, flags.json));
  return allMet(result!) ? EXIT.ok : EXIT.failed;
}
