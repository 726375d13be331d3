import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { engineByName } from "../engines/index.js";
import type { EngineName } from "../engines/result.js";
import { labSha256, type GoldenFile } from "../golden/golden.js";
import { version } from "../paths.js";
import { summaryLine } from "../report/text.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";

export async function recordCommand(files: string[], flags: { engine: EngineName; out: string; quiet?: boolean }): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  const results = await engineByName(flags.engine).runMany(labs, { onProgress: progress(flags.quiet) });
  mkdirSync(flags.out, { recursive: true });
  results.forEach((result, i) => {
    const labFile = relative(process.cwd(), labs[i]!.file);
    const golden: GoldenFile = {
      recordedWith: {
        command: `ipvlab record ${labFile} --engine ${flags.engine}`,
        ipvlab: version,
        engine: flags.engine,
        kernel: result.kernel,
        labFile,
        labSha256: labSha256(labs[i]!.file),
      },
      result,
    };
    const out = join(flags.out, `${result.lab}.json`);
    writeFileSync(out, JSON.stringify(golden, null, 2) + "\n");
    process.stderr.write(`${out}: ${summaryLine(result)}\n`);
  });
  return 0;
}
