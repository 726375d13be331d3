import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { engineByName } from "../engines/index.js";
import { stepTitle, type EngineName, type LabResult } from "../engines/result.js";
import { goldenDirFor, labSha256, type GoldenFile } from "../golden/golden.js";
import type { KernelName } from "../engines/real/kernels.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { mergeRuns } from "../golden/merge.js";
import { version } from "../paths.js";
import { summaryLine } from "../report/text.js";
import { loadLabs } from "./load.js";
import { progress } from "./run.js";
import { checkJobs, runInJobs } from "./jobs.js";
import { writeJUnit } from "./junit-file.js";
import { shardFiles, type Shard } from "./shard.js";
import { junitXml, type JUnitCase, type JUnitSuite } from "../report/junit.js";
import type { Lab } from "../lab/types.js";
import { count, countOf } from "../plural.js";

export interface RecordFlags {
  engine: EngineName;
  /** Default: the golden files of --kernel (goldenDirFor). */
  out?: string;
  kernel?: KernelName;
  runs: number;
  quiet?: boolean;
  /** Only this shard of the labs (shardFiles). */
  shard?: Shard;
  /** Also write what was recorded as JUnit XML to this file. */
  junit?: string;
  /** Real kernels run at once (uml), each booted for its part of the labs. */
  jobs?: number;
}

export async function recordCommand(files: string[], flags: RecordFlags): Promise<number> {
  checkJobs(flags.engine, flags.jobs);
  const say = progress(flags.quiet);
  const mine = shardFiles(files, flags.shard);
  if (flags.shard) say(`shard ${flags.shard.index}/${flags.shard.total}: ${countOf(mine.length, new Set(files).size, "lab file")}`);
  const labs = loadLabs(mine, (w) => process.stderr.write(w + "\n"));
  // The lab files as they were read: one edited during a long recording must not lend the golden file its new hash.
  const shas = labs.map((lab) => labSha256(lab.file));
  const engine = engineByName(flags.engine);
  const kernelOpts = kernelRunOptions(flags.engine, flags.kernel);
  const outDir = flags.out ?? goldenDirFor(flags.kernel);
  const runs: LabResult[][] = [];
  for (let n = 1; n <= flags.runs; n++) {
    say(`run ${n} of ${flags.runs}`);
    runs.push(await runInJobs(engine, labs, flags.jobs ?? 1, { onProgress: say, ...kernelOpts }));
  }
  mkdirSync(outDir, { recursive: true });
  const suites: JUnitSuite[] = [];
  labs.forEach((lab, i) => {
    const result = mergeRuns(runs.map((r) => r[i]!));
    suites.push(recordSuite(lab, result));
    const labFile = relative(process.cwd(), lab.file);
    const golden: GoldenFile = {
      recordedWith: {
        command: `ipvlab record ${labFile} --engine ${flags.engine}${flags.kernel ? ` --kernel ${flags.kernel}` : ""} --runs ${flags.runs}`,
        ipvlab: version,
        engine: flags.engine,
        kernel: result.kernel,
        labFile,
        labSha256: shas[i]!,
        ipv6: lab.ipv6,
      },
      result,
    };
    const out = join(outDir, `${result.lab}.json`);
    writeFileSync(out, JSON.stringify(golden, null, 2) + "\n");
    const unstable = result.steps.reduce((n, s) => n + (s.kind === "matrix" ? s.cells.filter((c) => c.unstable).length : s.unstable ? 1 : 0), 0);
    process.stderr.write(`${out}: ${summaryLine(result)}${unstable ? `; ${count(unstable, "answer")} differed between runs, marked unstable` : ""}\n`);
  });
  if (flags.junit) writeJUnit(flags.junit, junitXml("ipvlab record", suites));
  return 0;
}

/**
 * A recorded lab in the JUnit report: a step fails where the real kernel did
 * not meet it (a check's expect, a command that failed); the golden file is
 * written all the same, as the truth the simulator is held to.
 */
function recordSuite(lab: Lab, result: LabResult): JUnitSuite {
  const cases: JUnitCase[] = result.steps.map((s, i) => {
    const name = stepTitle(result.steps, i);
    if (s.kind === "matrix" || s.met) return { name, failure: null };
    const detail = [`on ${s.host}: ${s.command}`, `exit status ${s.exitCode}`, s.stdout && `stdout:\n${s.stdout}`, s.stderr && `stderr:\n${s.stderr}`].filter(Boolean).join("\n");
    return { name, failure: { message: `${s.state} on Linux ${result.kernel}${s.kind === "check" ? ` (expect: ${s.expect})` : ""}`, detail } };
  });
  const failing = cases.filter((c) => c.failure);
  const whole = failing.length ? { message: `${countOf(failing.length, cases.length, "step")} not met on Linux ${result.kernel}`, detail: failing.map((c) => `${c.name}: ${c.failure!.message}`).join("\n") } : null;
  return { name: lab.name, file: lab.file, cases: [{ name: lab.name, failure: whole }, ...cases] };
}
