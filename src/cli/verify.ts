import { engineByName } from "../engines/index.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { findGolden, labSha256, readGolden } from "../golden/golden.js";
import type { Lab } from "../lab/types.js";
import { diffResults } from "../verify/diff.js";
import { UsageError } from "./errors.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";

export interface VerifyFlags {
  engine: EngineName;
  golden?: boolean;
  goldenDir: string;
  quiet?: boolean;
}

/** MACs the lab itself fixes: they must match exactly, not just consistently. */
export function labMacs(lab: Lab): string[] {
  return lab.hosts.flatMap((h) => h.interfaces.map((i) => i.mac));
}

/**
 * Runs the simulator and holds it to the real kernel: a fresh real run, or
 * (--golden) the recorded one. Prints a unified diff per differing step.
 */
export async function verifyCommand(files: string[], flags: VerifyFlags): Promise<number> {
  const labs = loadLabs(files, (w) => process.stderr.write(w + "\n"));
  const say = progress(flags.quiet);
  let real: LabResult[];
  if (flags.golden) {
    real = labs.map((lab) => {
      const dir = findGolden(flags.goldenDir, lab.name);
      if (!dir) throw new UsageError(`no golden file for lab ${lab.name} (${lab.name}.json) in ${flags.goldenDir} or a folder under it: record one with \`ipvlab record ${lab.file} -o ${flags.goldenDir}\`, or name the folder with --golden-dir`);
      const golden = readGolden(dir, lab.name);
      if (golden.recordedWith.labSha256 !== labSha256(lab.file)) {
        process.stderr.write(`${lab.file}: changed since ${golden.recordedWith.command} recorded it; comparing anyway\n`);
      }
      return golden.result;
    });
  } else {
    if (flags.engine === "sim") throw new UsageError("verify compares sim with a real engine: use --engine uml or --engine host, or --golden");
    real = await engineByName(flags.engine).runMany(labs, { onProgress: say });
  }
  // Where Linux releases answer differently, sim behaves as the kernel it is held to.
  const kernelRelease = real[0]?.kernel;
  const sim = await engineByName("sim").runMany(labs, { onProgress: say, ...(kernelRelease ? { kernelRelease } : {}) });
  let differing = 0;
  labs.forEach((lab, i) => {
    const diffs = diffResults(real[i]!, sim[i]!, labMacs(lab));
    const against = flags.golden ? "its golden file" : `--engine ${flags.engine}`;
    if (diffs.length === 0) {
      process.stdout.write(`${lab.name}: sim agrees with ${against} (${sim[i]!.steps.length} steps)\n`);
      return;
    }
    differing++;
    process.stdout.write(`${lab.name}: ${diffs.length} of ${sim[i]!.steps.length} steps differ from ${against}\n`);
    for (const d of diffs) process.stdout.write(`\nstep ${d.step}: ${d.name}\n${d.patch}`);
  });
  process.stdout.write(`\n${labs.length - differing} of ${labs.length} labs agree\n`);
  return differing ? 1 : 0;
}
