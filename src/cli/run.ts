import { engineByName, FALLBACK_ENGINE } from "../engines/index.js";
import { unsimulatedFilter, unsimulatedKind } from "../engines/sim.js";
import { allMet, type EngineName } from "../engines/result.js";
import { resultText } from "../report/text.js";
import { styleFor } from "./style.js";
import { EXIT } from "./errors.js";
import { fixCommandLine } from "./fix-line.js";
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
}

export function progress(quiet?: boolean): (line: string) => void {
  const t0 = Date.now();
  return quiet ? () => {} : (line) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  let engine = flags.engine;
  const kind = engine === "sim" && flags.engineDefaulted ? (unsimulatedKind(lab!) ?? unsimulatedFilter(lab!)) : null;
  if (kind) {
    engine = FALLBACK_ENGINE;
    if (!flags.quiet) process.stderr.write(`${lab!.name} uses ${kind}, which the simulator does not model yet: running it on --engine ${engine}\n`);
  }
  // The simulator can say why a matrix cell failed: its ping, traced on its own.
  const [result] = await engineByName(engine).runMany([lab!], {
    onProgress: progress(flags.quiet),
    pcapDir: flags.pcap,
    reasons: engine === "sim",
    ...kernelRunOptions(engine, flags.kernel),
  });
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else process.stdout.write(resultText(result!, styleFor(), { fixHint: (s) => fixCommandLine(file, s.name) }));
  return allMet(result!) ? EXIT.ok : EXIT.failed;
}
