import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { engineByName } from "../engines/index.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { goldenDirFor, labSha256, type GoldenFile } from "../golden/golden.js";
import type { KernelName } from "../engines/real/kernels.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { mergeRuns } from "../golden/merge.js";
import { version } from "../paths.js";
import { summaryLine } from "../report/text.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";

export interface RecordFlags {
  engine: EngineName;
  /** Default: the golden files of --kernel (goldenDirFor). */
  out?: string;
  kernel?: KernelName;
  runs: number;
  quiet?: boolean;
}

export async function recordCommand(files: string[], flags: RecordFlags): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  const engine = engineByName(flags.engine);
  const say = progress(flags.quiet);
  const kernelOpts = kernelRunOptions(flags.engine, flags.kernel);
  const outDir = flags.out ?? goldenDirFor(flags.kernel);
  const runs: LabResult[][] = [];
  for (let n = 1; n <= flags.runs; n++) {
    say(`run ${n} of ${flags.runs}`);
    runs.push(await engine.runMany(labs, { onProgress: say, ...kernelOpts }));
  }
  mkdirSync(outDir, { recursive: true });
  labs.forEach((lab, i) => {
    const result = mergeRuns(runs.map((r) => r[i]!));
    const labFile = relative(process.cwd(), lab.file);
    const golden: GoldenFile = {
      recordedWith: {
        command: `ipvlab record ${labFile} --engine ${flags.engine}${flags.kernel ? ` --kernel ${flags.kernel}` : ""} --runs ${flags.runs}`,
        ipvlab: version,
        engine: flags.engine,
        kernel: result.kernel,
        labFile,
        labSha256: labSha256(lab.file),
      },
      result,
    };
    const out = join(outDir, `${result.lab}.json`);
    writeFileSync(out, JSON.stringify(golden, null, 2) + "\n");
    const unstable = result.steps.reduce((n, s) => n + (s.kind === "matrix" ? s.cells.filter((c) => c.unstable).length : s.unstable ? 1 : 0), 0);
    process.stderr.write(`${out}: ${summaryLine(result)}${unstable ? `; ${unstable} answer(s) differed between runs, marked unstable` : ""}\n`);
  });
  return 0;
}
