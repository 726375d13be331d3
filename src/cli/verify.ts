import { engineByName } from "../engines/index.js";
import { stepTitle, type EngineName, type LabResult } from "../engines/result.js";
import { findGolden, goldenDirFor, labSha256, readGolden, recordedWithIpv6 } from "../golden/golden.js";
import { releaseOf, type KernelName } from "../engines/real/kernels.js";
import type { Lab } from "../lab/types.js";
import { diffResults, type StepDiff } from "../verify/diff.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../paths.js";
import { setupCount } from "../engines/planned.js";
import { junitXml, type JUnitSuite } from "../report/junit.js";
import { UsageError } from "./errors.js";
import { checkJobs, runInJobs } from "./jobs.js";
import { writeJUnit } from "./junit-file.js";
import { shardFiles, type Shard } from "./shard.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";
import { count, countOf } from "../plural.js";

export interface VerifyFlags {
  engine: EngineName;
  golden?: boolean;
  /** Default: the golden files of --kernel (goldenDirFor). */
  goldenDir?: string;
  kernel?: KernelName;
  quiet?: boolean;
  /** Only this shard of the labs (shardFiles). */
  shard?: Shard;
  /** Also write the results as JUnit XML to this file. */
  junit?: string;
  /** Real kernels run at once (uml), each booted for its part of the labs. */
  jobs?: number;
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
  if (flags.golden && (flags.jobs ?? 1) > 1) throw new UsageError("--jobs runs several kernels at once; with --golden none runs: drop --jobs or --golden");
  if (!flags.golden) checkJobs(flags.engine, flags.jobs);
  const say = progress(flags.quiet);
  const mine = shardFiles(files, flags.shard);
  if (flags.shard) say(`shard ${flags.shard.index}/${flags.shard.total}: ${countOf(mine.length, new Set(files).size, "lab file")}`);
  const labs = loadLabs(mine, (w) => process.stderr.write(w + "\n"));
  let real: LabResult[];
  const simLabs = [...labs];
  if (flags.golden) {
    const goldenDir = goldenFolder(flags);
    const recordAs = flags.kernel ? ` --kernel ${flags.kernel}` : "";
    real = labs.map((lab, i) => {
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
      const ipv6 = recordedWithIpv6(golden, readFileSync(lab.file, "utf8"));
      if (ipv6 !== lab.ipv6) {
        // A file recorded before IPv6 was on by default still holds sim to the kernel, in the lab as it ran then.
        process.stderr.write(`${lab.file}: recorded with IPv6 ${ipv6 ? "on" : "off (the default then)"}: sim runs it so too; record it again to hold it to IPv6 ${lab.ipv6 ? "on" : "off"}\n`);
        simLabs[i] = { ...lab, ipv6 };
      }
      return golden.result;
    });
  } else {
    if (flags.engine === "sim") throw new UsageError("verify compares sim with a real engine: use --engine uml or --engine host, or --golden");
    real = await runInJobs(engineByName(flags.engine), labs, flags.jobs ?? 1, { onProgress: say, ...kernelRunOptions(flags.engine, flags.kernel) });
  }
  // Where Linux releases answer differently, sim behaves as the kernel it is held to, lab by lab.
  const sim: LabResult[] = [];
  for (const [i, lab] of simLabs.entries()) sim.push(...(await engineByName("sim").runMany([lab], { onProgress: say, kernelRelease: real[i]!.kernel })));
  let differing = 0;
  const suites: JUnitSuite[] = [];
  labs.forEach((lab, i) => {
    const diffs = diffResults(real[i]!, sim[i]!, labMacs(lab));
    const against = flags.golden ? "its golden file" : `--engine ${flags.engine}`;
    suites.push(verifySuite(lab, real[i]!, sim[i]!, diffs, against));
    if (diffs.length === 0) {
      process.stdout.write(`${lab.name}: sim agrees with ${against} (${stepsWord(lab)})\n`);
      return;
    }
    differing++;
    process.stdout.write(`${lab.name}: ${countOf(diffs.length, sim[i]!.steps.length, "step")} ${diffs.length === 1 ? "differs" : "differ"} from ${against}\n`);
    for (const d of diffs) process.stdout.write(`\n${d.title}\n${d.patch}`);
  });
  process.stdout.write(labs.length ? `\n${countOf(labs.length - differing, labs.length, "lab")} ${labs.length - differing === 1 ? "agrees" : "agree"}\n` : "no labs to compare\n");
  if (flags.junit) writeJUnit(flags.junit, junitXml("ipvlab verify", suites));
  return differing ? 1 : 0;
}

/** What verify compares, counted as `check` and `run` count: "3 setup scripts and 10 steps". */
function stepsWord(lab: Lab): string {
  const setups = setupCount(lab);
  return `${setups ? `${count(setups, "setup script")} and ` : ""}${count(lab.steps.length, "step")}`;
}

/**
 * Where --golden reads: --golden-dir, which must exist; else ./test/golden (of
 * --kernel) when the working directory has it, else the golden files ipvlab
 * ships with its examples.
 */
function goldenFolder(flags: VerifyFlags): string {
  if (flags.goldenDir !== undefined) {
    if (!existsSync(flags.goldenDir)) throw new UsageError(`--golden-dir ${flags.goldenDir}: no such folder`);
    return flags.goldenDir;
  }
  const here = goldenDirFor(flags.kernel);
  if (existsSync(here)) return here;
  const shipped = join(packageRoot, here);
  if (existsSync(shipped)) return shipped;
  throw new UsageError(`no golden files: ${here} is not in ${process.cwd()}, and this ipvlab ships none: name the folder with --golden-dir, or record them with \`ipvlab record LAB... -o ${here}\``);
}

/** A lab in the JUnit report: the lab as a whole, then each step, failing where sim differs from the kernel. */
function verifySuite(lab: Lab, real: LabResult, sim: LabResult, diffs: StepDiff[], against: string): JUnitSuite {
  const steps = Math.max(real.steps.length, sim.steps.length);
  const byStep = new Map(diffs.map((d) => [d.step, d]));
  const whole = diffs.length
    ? { message: `${countOf(diffs.length, steps, "step")} ${diffs.length === 1 ? "differs" : "differ"} from ${against}`, detail: diffs.map((d) => `${d.title}\n${d.patch}`).join("\n") }
    : null;
  return {
    name: lab.name,
    file: lab.file,
    cases: [
      { name: lab.name, failure: whole },
      ...Array.from({ length: steps }, (_, i) => {
        const d = byStep.get(i + 1);
        return { name: stepTitle(real.steps[i] ? real.steps : sim.steps, i), failure: d ? { message: `sim differs from ${against}`, detail: d.patch } : null };
      }),
    ],
  };
}
