import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../engines/engine.js";
import { EngineFailed } from "../engines/engine.js";
import { engineByName } from "../engines/index.js";
import { STEP_START_MS } from "../engines/sim/run.js";
import type { KernelName } from "../engines/real/kernels.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { Coalescer } from "../fuzz/coalesce.js";
import { compareRuns, simRefusal } from "../fuzz/compare.js";
import { generateLab } from "../fuzz/generate.js";
import { fuzzLabYaml, fuzzParts, fuzzSize, fuzzSubset, type FuzzLab, type FuzzPart } from "../fuzz/lab.js";
import { shrink } from "../fuzz/shrink.js";
import { mergeRuns } from "../golden/merge.js";
import { parseYamlLab } from "../lab/load.js";
import type { Lab } from "../lab/types.js";
import { junitXml, type JUnitSuite } from "../report/junit.js";
import type { StepDiff } from "../verify/diff.js";
import { autoJobs, checkJobs, runInJobs } from "./jobs.js";
import { writeJUnit } from "./junit-file.js";
import { kernelRunOptions } from "./kernel-flag.js";
import { progress } from "./run.js";
import type { Shard } from "./shard.js";
import { labMacs } from "./verify.js";

export interface FuzzFlags {
  seed?: number;
  count: number;
  engine: EngineName;
  kernel?: KernelName;
  /** Where the minimal labs of the differences go. */
  out: string;
  shard?: Shard;
  junit?: string;
  json?: boolean;
  quiet?: boolean;
  /** Labs per round of kernel boots (default 40 per kernel). */
  batch?: number;
  /** Kernels at once (uml): each batch is split between them. */
  jobs?: number;
  /** Rounds (kernel boots) the shrinker may take per difference. */
  shrinkRounds: number;
}

/** What fuzzing one lab came to. */
export interface FuzzOutcome {
  index: number;
  name: string;
  /**
   * agrees; differs (and did again when run once more); unstable (the real kernel answered otherwise
   * the second time); timing (the simulator gives the kernel's answer when its steps start a little
   * earlier or later); refused by sim; not run (the kernel failed).
   */
  verdict: "agrees" | "differs" | "unstable" | "timing" | "refused" | "not-run";
  /** differs: what differs (compare.ts keys); refused: the refusal; not-run: why. */
  detail: string[];
  /** differs: the minimal lab written to DIR. */
  file?: string;
  size?: { before: string; after: string; rounds: number };
  diffs?: StepDiff[];
}

export interface FuzzSummary {
  seed: number;
  engine: EngineName;
  kernel: string | null;
  count: number;
  shard: string | null;
  labs: number;
  agree: number;
  differ: number;
  unstable: number;
  timing: number;
  refused: number;
  notRun: number;
  seconds: number;
  labsPerMinute: number;
  outcomes: FuzzOutcome[];
}

/** The engines a fuzz run compares: a real one and the simulator (tests pass their own). */
export interface FuzzEngines {
  real: Engine;
  sim: Engine;
}

const labOf = (f: FuzzLab, dir: string): Lab => parseYamlLab(join(dir, `${f.name}.lab.yaml`), fuzzLabYaml(f)).lab;

/** The shard's lab numbers of 0..count-1: number i goes to shard (i mod N) + 1, as shardFiles deals files. */
export function fuzzIndices(count: number, shard: Shard | undefined): number[] {
  return Array.from({ length: count }, (_, i) => i).filter((i) => !shard || i % shard.total === shard.index - 1);
}

/** One lab's answers: the real kernel's and the simulator's as that kernel. */
interface Answers {
  real: LabResult;
  sim: LabResult;
}

/**
 * The step start-up times tried on a difference before it is shrunk, nearest
 * first. The simulator counts 300 ms from one step's end to the next one's
 * first command; under UML it took 57 to 400 ms, by how busy the machine was
 * (uml 6.1 beside five other kernels, steps of one `echo`, two boots), and
 * each command a step runs before the one that differs adds ~30 ms more. On a
 * machine loaded past its cores (five kernels on two slower ones) a step
 * started 330 ms after the last and `ping -c 1 -W 1` without an answer took
 * 1.32 to 1.38 s of the guest's clock instead of 1 s, so a neighbour that
 * fails 3 s after its first probe was seen failing by the next step's ping:
 * 700 to 1,200 ms give the simulator those answers (seed 23, labs 56, 290
 * and 322).
 */
const STEP_START_SHIFTS = [200, 400, 100, 500, 700, 1000, 1200];

/** Labs per kernel and round when --batch is not given. */
const BATCH_PER_KERNEL = 40;

class Fuzzer {
  /** The shrinkers' runs: every difference is shrunk at once, each round's candidates of all of them in one run of the kernels. */
  private readonly shared = new Coalescer<Lab, Answers>(async (labs) => {
    const { real, sim } = await this.both(labs);
    return labs.map((_, i) => ({ real: real[i]!, sim: sim[i]! }));
  });

  constructor(
    private readonly flags: FuzzFlags,
    private readonly engines: FuzzEngines,
  ) {}

  /** both() for a shrinker: its labs run with what the other shrinkers ask for at the same time. */
  together(labs: Lab[]): Promise<Answers[]> {
    return this.shared.submit(labs);
  }

  private realOpts(): { kernel?: KernelName } {
    return kernelRunOptions(this.flags.engine, this.flags.kernel);
  }

  /** The real engine's answers, one boot for all LABS, and the simulator's as that kernel. */
  async both(labs: Lab[], onLab?: () => void): Promise<{ real: LabResult[]; sim: LabResult[] }> {
    const real = await runInJobs(this.engines.real, labs, this.flags.jobs ?? 1, {
      ...this.realOpts(),
      onProgress: (line) => {
        if (/all \d+ steps done$/.test(line)) onLab?.();
      },
    });
    const sim: LabResult[] = [];
    for (const [i, lab] of labs.entries()) sim.push(...(await this.engines.sim.runMany([lab], { kernelRelease: real[i]!.kernel })));
    return { real, sim };
  }

  /**
   * A step's start-up time (STEP_START_MS in the simulator) with which the simulator gives REAL's
   * answers to LAB, if one in STEP_START_SHIFTS does: then the difference is when things
   * happen, not what the kernel does.
   */
  async timingShift(lab: Lab, real: LabResult): Promise<number | null> {
    for (const ms of STEP_START_SHIFTS) {
      const [sim] = await this.engines.sim.runMany([lab], { kernelRelease: real.kernel, stepStartMs: ms });
      if (!compareRuns(real, sim!, labMacs(lab)).keys.length) return ms;
    }
    return null;
  }

  /** Whether each candidate still shows one of TARGET's differences. */
  async stillDiffers(candidates: FuzzLab[], target: Set<string>): Promise<boolean[]> {
    const parsed = candidates.map((c) => {
      try {
        return labOf(c, this.flags.out);
      } catch {
        return null;
      }
    });
    const runnable = parsed.filter((l): l is Lab => l !== null);
    const answers = await this.together(runnable);
    let k = 0;
    return parsed.map((l) => {
      if (!l) return false;
      const { real, sim } = answers[k++]!;
      if (simRefusal(sim)) return false;
      const { keys } = compareRuns(real, sim, labMacs(l));
      return keys.some((key) => target.has(key));
    });
  }
}

export async function fuzz(flags: FuzzFlags, engines: FuzzEngines, say: (line: string) => void): Promise<FuzzSummary> {
  const seed = flags.seed ?? 0;
  const t0 = Date.now();
  const fuzzer = new Fuzzer(flags, engines);
  const indices = fuzzIndices(flags.count, flags.shard);
  const outcomes: FuzzOutcome[] = [];
  const found: { index: number; fl: FuzzLab; lab: Lab; real: LabResult; sim: LabResult }[] = [];
  let differences = 0;
  let ran = 0;
  // Each round ends with its slowest kernel, and every kernel boots once a round: big rounds waste least.
  const perRound = flags.batch ?? BATCH_PER_KERNEL * (flags.jobs ?? 1);
  for (let b = 0; b < indices.length; b += perRound) {
    const batch = indices.slice(b, b + perRound);
    const fls = batch.map((i) => generateLab(seed, i));
    const labs = fls.map((f) => labOf(f, flags.out));
    let both: { real: LabResult[]; sim: LabResult[] };
    try {
      both = await fuzzer.both(labs, () => say(`lab ${++ran}/${indices.length}, ${differences} difference${differences === 1 ? "" : "s"} so far`));
    } catch (e) {
      if (!(e instanceof EngineFailed)) throw e;
      say(`labs ${batch[0]}..${batch[batch.length - 1]}: ${e.message.split("\n")[0]}`);
      for (const [k, i] of batch.entries()) outcomes.push({ index: i, name: fls[k]!.name, verdict: "not-run", detail: [e.message.split("\n")[0]!] });
      ran += batch.length;
      continue;
    }
    for (const [k, i] of batch.entries()) {
      const real = both.real[k]!;
      const sim = both.sim[k]!;
      const refused = simRefusal(sim);
      if (refused) {
        outcomes.push({ index: i, name: fls[k]!.name, verdict: "refused", detail: [refused] });
        say(`${fls[k]!.name}: the simulator refused it: ${refused}`);
        continue;
      }
      const { keys, diffs } = compareRuns(real, sim, labMacs(labs[k]!));
      if (!keys.length) {
        outcomes.push({ index: i, name: fls[k]!.name, verdict: "agrees", detail: [] });
        continue;
      }
      differences++;
      say(`${fls[k]!.name} differs: ${keys.join("; ")}`);
      writeFinding(flags, seed, i, fls[k]!, fls[k]!, keys, { real, sim, diffs }, "not shrunk yet");
      found.push({ index: i, fl: fls[k]!, lab: labs[k]!, real, sim });
    }
  }
  // A difference counts only when the kernel gives the same answer again: run them all once more, one boot.
  if (found.length) {
    say(`running the ${found.length} differing lab${found.length === 1 ? "" : "s"} once more on --engine ${flags.engine}`);
    const again = await fuzzer.both(found.map((f) => f.lab));
    const shrinking: Promise<FuzzOutcome>[] = [];
    for (const [k, f] of found.entries()) {
      const real = mergeRuns([f.real, again.real[k]!]);
      const { keys, diffs } = compareRuns(real, f.sim, labMacs(f.lab));
      if (!keys.length) {
        outcomes.push({ index: f.index, name: f.fl.name, verdict: "unstable", detail: compareRuns(f.real, f.sim, labMacs(f.lab)).keys });
        say(`${f.fl.name}: the kernel answered otherwise the second time; timing, not counted`);
        for (const ext of [".lab.yaml", ".json"]) rmSync(join(flags.out, `${f.fl.name}${ext}`), { force: true });
        continue;
      }
      const moved = await fuzzer.timingShift(f.lab, real);
      if (moved !== null) {
        const why = `the simulator gives the kernel's answer when a step starts ${moved} ms after the one before, not ${STEP_START_MS} ms`;
        say(`${f.fl.name}: ${why}; timing, not shrunk`);
        const file = writeFinding(flags, seed, f.index, f.fl, f.fl, keys, { real, sim: f.sim, diffs }, `not shrunk: timing (${why})`);
        outcomes.push({ index: f.index, name: f.fl.name, verdict: "timing", detail: [...keys, why], file });
        continue;
      }
      // Result steps are the hosts' setups, then the lab's steps.
      const lastStep = Math.max(...diffs.map((d) => d.step)) - 1 - f.fl.hosts.length;
      shrinking.push(shrinkOne(fuzzer, flags, seed, f.index, f.fl, keys, lastStep, say));
    }
    outcomes.push(...(await Promise.all(shrinking)));
  }
  outcomes.sort((a, b) => a.index - b.index);
  const seconds = (Date.now() - t0) / 1000;
  const count = (v: FuzzOutcome["verdict"]) => outcomes.filter((o) => o.verdict === v).length;
  return {
    seed,
    engine: flags.engine,
    kernel: flags.kernel ?? null,
    count: flags.count,
    shard: flags.shard ? `${flags.shard.index}/${flags.shard.total}` : null,
    labs: indices.length,
    agree: count("agrees"),
    differ: count("differs"),
    unstable: count("unstable"),
    timing: count("timing"),
    refused: count("refused"),
    notRun: count("not-run"),
    seconds,
    labsPerMinute: seconds > 0 ? Math.round((indices.length / seconds) * 60 * 10) / 10 : 0,
    outcomes,
  };
}

/** Shrinks one difference and writes its minimal lab (both answers as comments) and a side file with both results. */
async function shrinkOne(fuzzer: Fuzzer, flags: FuzzFlags, seed: number, index: number, fl: FuzzLab, keys: string[], lastStep: number, say: (line: string) => void): Promise<FuzzOutcome> {
  const target = new Set(keys);
  // Steps run in order: none after the last differing one can change it, so they go without a run.
  const parts = fuzzParts(fl).filter((p) => p.kind !== "step" || p.index <= lastStep);
  say(`${fl.name}: shrinking (${fuzzSize(fuzzSubset(fl, parts))})`);
  let round = 0;
  const result = await shrink<FuzzPart>(
    parts,
    async (candidates) => {
      say(`${fl.name}: shrinking, round ${++round}: ${candidates.length} candidates`);
      return fuzzer.stillDiffers(candidates.map((c) => fuzzSubset(fl, c)), target);
    },
    flags.shrinkRounds,
  );
  const minimal = fuzzSubset(fl, result.parts);
  const lab = labOf(minimal, flags.out);
  const alone = await rerun(fuzzer, lab);
  const left = alone.keys;
  say(`${fl.name}: ${fuzzSize(minimal)} after ${result.rounds} round${result.rounds === 1 ? "" : "s"}${left.length ? "" : " (and it agreed when run alone: kept the whole lab)"}`);
  // A minimal lab that agrees when run alone (timing between labs): the whole lab is the finding.
  const kept = left.length ? minimal : fl;
  const keptLab = left.length ? lab : labOf(fl, flags.out);
  const answers = left.length ? alone : await rerun(fuzzer, keptLab);
  const file = writeFinding(flags, seed, index, fl, kept, left.length ? left : keys, answers, `shrunk from ${fuzzSize(fl)} to ${fuzzSize(kept)}`);
  return { index, name: fl.name, verdict: "differs", detail: left.length ? left : keys, file, size: { before: fuzzSize(fl), after: fuzzSize(kept), rounds: result.rounds }, diffs: answers.diffs };
}

/**
 * Writes a difference to DIR: the lab (KEPT, the minimal one once shrunk) with what differs and
 * both answers as comments, and <name>.json with the original lab and both results. Written as
 * soon as a difference is seen, then again once shrunk, so an interrupted run keeps its findings.
 */
function writeFinding(flags: FuzzFlags, seed: number, index: number, fl: FuzzLab, kept: FuzzLab, keys: string[], answers: { real: LabResult; sim: LabResult; diffs: StepDiff[] }, how: string): string {
  mkdirSync(flags.out, { recursive: true });
  const file = join(flags.out, `${fl.name}.lab.yaml`);
  const comments = [
    `Found by \`ipvlab fuzz --seed ${seed}\` (lab ${index}), ${how}.`,
    `Run it again: ipvlab verify ${file} --engine ${flags.engine}${flags.kernel ? ` --kernel ${flags.kernel}` : ""}`,
    `What differs: ${keys.join("; ")}`,
    `Linux ${answers.real.kernel} (-) and the simulator (+), normalised as verify compares them:`,
    "",
    ...answers.diffs.flatMap((d) => d.patch.replace(/\n$/, "").split("\n")),
    "",
  ];
  writeFileSync(file, fuzzLabYaml(kept, comments));
  writeFileSync(
    join(flags.out, `${fl.name}.json`),
    JSON.stringify({ seed, index, differs: keys, original: fuzzLabYaml(fl), minimal: fuzzLabYaml(kept), real: answers.real, sim: answers.sim }, null, 2) + "\n",
  );
  return file;
}

/** LAB run once more on both engines (beside what the other shrinkers ask for), and what differs. */
async function rerun(fuzzer: Fuzzer, lab: Lab): Promise<Answers & { diffs: StepDiff[]; keys: string[] }> {
  const [{ real, sim }] = (await fuzzer.together([lab])) as [Answers];
  return { real, sim, ...compareRuns(real, sim, labMacs(lab)) };
}

function fuzzSuites(summary: FuzzSummary): JUnitSuite[] {
  return summary.outcomes.map((o) => ({
    name: o.name,
    file: o.file ?? `fuzz seed ${summary.seed} lab ${o.index}`,
    cases: [
      {
        name: o.name,
        failure:
          o.verdict === "differs"
            ? { message: `sim differs from --engine ${summary.engine}: ${o.detail.join("; ")}`, detail: (o.diffs ?? []).map((d) => `step ${d.step}: ${d.name}\n${d.patch}`).join("\n") }
            : o.verdict === "refused" || o.verdict === "not-run"
              ? { message: o.verdict === "refused" ? `the simulator refused the lab: ${o.detail[0]}` : `not run: ${o.detail[0]}`, detail: o.detail.join("\n") }
              : null,
      },
    ],
  }));
}

/** `ipvlab fuzz`: random labs on sim and a real kernel; every difference shrunk and written to --out. Exit 1 on any difference. */
export async function fuzzCommand(flags: FuzzFlags): Promise<number> {
  checkJobs(flags.engine, flags.jobs);
  flags = { ...flags, jobs: flags.jobs ?? autoJobs(flags.engine) };
  const say = progress(flags.quiet);
  const seed = flags.seed ?? Math.floor(Math.random() * 0x7fffffff);
  say(`seed ${seed}: ${flags.count} labs${flags.shard ? `, shard ${flags.shard.index}/${flags.shard.total}` : ""}, sim against --engine ${flags.engine}${flags.engine === "uml" ? ` (${flags.jobs} kernel${flags.jobs === 1 ? "" : "s"} at once)` : ""}`);
  const summary = await fuzz({ ...flags, seed }, { real: engineByName(flags.engine), sim: engineByName("sim") }, say);
  if (flags.junit) writeJUnit(flags.junit, junitXml("ipvlab fuzz", fuzzSuites(summary)));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...summary, outcomes: summary.outcomes.filter((o) => o.verdict !== "agrees").map(({ diffs: _d, ...o }) => o) }, null, 2) + "\n");
  } else {
    for (const o of summary.outcomes) {
      if (o.verdict === "differs") process.stdout.write(`${o.file}: ${o.detail.join("; ")} (${o.size!.before} -> ${o.size!.after})\n`);
      else if (o.verdict !== "agrees") process.stdout.write(`${o.name}: ${o.verdict}: ${o.detail.join("; ")}\n`);
    }
    process.stdout.write(
      `seed ${summary.seed}: ${summary.labs} labs in ${summary.seconds.toFixed(0)} s (${summary.labsPerMinute} labs/min): ${summary.agree} agree, ${summary.differ} differ, ${summary.unstable} unstable, ${summary.timing} timing, ${summary.refused} refused by sim, ${summary.notRun} not run\n`,
    );
  }
  return summary.differ || summary.refused || summary.notRun ? 1 : 0;
}
