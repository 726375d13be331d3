import { engineByName } from "../engines/index.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { findGolden, goldenDirFor, labSha256, readGolden } from "../golden/golden.js";
import { releaseOf, type KernelName } from "../engines/real/kernels.js";
import type { Lab } from "../lab/types.js";
import { diffResults } from "../verify/diff.js";
import { join } from "node:path";
import { UsageError } from "./errors.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";

export interface VerifyFlags {
  engine: EngineName;
  golden?: boolean;
  /** Default: the golden files of --kernel (goldenDirFor). */
  goldenDir?: string;
  kernel?: KernelName;
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
    const goldenDir = flags.goldenDir ?? goldenDirFor(flags.kernel);
    const recordAs = flags.kernel ? ` --kernel ${flags.kernel}` : "";
    real = labs.map((lab) => {
      const dir = findGolden(goldenDir, lab.name, flags.kernel);
      if (!dir) throw new UsageError(`no golden file for lab ${lab.name} (${lab.name}.json) in ${goldenDir} or a folder under it: record one with \`ipvlab record ${lab.file}${recordAs} -o ${goldenDir}\`, or name the folder with --golden-dir`);
      const golden = readGolden(dir, lab.name);
      const recordedOn = releaseOf(golden.result.kernel);
      if (flags.kernel && recordedOn !== flags.kernel) {
        throw new UsageError(`${join(dir, `${lab.name}.json`)} was recorded on Linux ${golden.result.kernel}, not ${flags.kernel}: drop --kernel, or name the folder of ${flags.kernel}'s golden files with --golden-dir`);
      }
      if (golden.recordedWith.labSha256 !== labSha256(lab.file)) {
        process.stderr.write(`${lab.file}: changed since ${golden.recordedWith.command} recorded it; comparing anyway\n`);
      }
      return golden.result;
    });
  } else {
    if (flags.engine === "sim") throw new UsageError("verify compares sim with a real engine: use --engine uml or --engine host, or --golden");
    real = await engineByName(flags.engine).runMany(labs, { onProgress: say, ...kernelRunOptions(flags.engine, flags.kernel) });
  }
  // Where Linux releases answer differently, sim behaves as the kernel it is held to, lab by lab.
  const sim: LabResult[] = [];
  for (const [i, lab] of labs.entries()) sim.push(...(await engineByName("sim").runMany([lab], { onProgress: say, kernelRelease: real[i]!.kernel })));
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
