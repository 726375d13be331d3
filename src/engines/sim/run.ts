// One lab through the simulator, step by step as the real engines run it
// (src/engines/real/plan.ts and results.ts): every host's `run` script as a
// setup action, then the lab's steps in order, into the same LabResult.
// Pure: pcap files are the caller's business (each capture's frames are kept).

import type { Snapshot, TraceSink } from "../../kernel/index.js";
import type { CommandStep, Lab } from "../../lab/types.js";
import { runScript } from "../../shell/index.js";
import type { ShellLimits } from "../../shell/interp/limits.js";
import type { CapturedFrame } from "../../userland/tcpdump.js";
import type { Tool } from "../../userland/tool.js";
import { labDiagnostics } from "../diagnostics.js";
import { currentHeapProbe, currentLimits, limitMessage, type Limits } from "../limits.js";
import { settleCommand, type RawFailure } from "../outcome.js";
import { plannedLabel, plannedSteps, SETUP_TIMEOUT, stepNumber } from "../planned.js";
import type { CommandResult, LabResult, MatrixResult, StepResult } from "../result.js";
import { captureLines, startCapture, stopCapture } from "./capture.js";
import { runMatrix, type MatrixContext, type MatrixProgress } from "./matrix.js";
import { defaultTools, SimShellHost } from "./shell-host.js";
import { StepGuard, type GuardProbes } from "./guard.js";
import { buildWorld, snapshotWorld, StepKilled, type World } from "./world.js";

/** The driver lets frames still in flight land in the capture before stopping tcpdump. */
const CAPTURE_LINGER_MS = 300;
/**
 * What a step costs the real driver before its command runs, in virtual
 * time: its bookkeeping and process starts (STEP_START_MS), and its
 * captures' tcpdumps coming up until they say "listening on"
 * (CAPTURE_START_MS). Measured on the uml recordings
 * (seed-ipvlan-l3: 1.1 s from one step's capture linger to the next step's
 * command with one capture). Timers left running by a step (an ARP retry, a
 * neighbour's delay) fire in that time on a real engine, so they must here.
 */
export const STEP_START_MS = 300;
const CAPTURE_START_MS = 700;

export interface SimLabOptions {
  /** Replaces or adds commands (tests; the real sysctl tool once it lands). */
  tools?: Record<string, Tool>;
  onStep?: (index: number, total: number, label: string) => void;
  /** The Linux release to behave as; default the modelled one. */
  release?: string;
  /** Receives every trace point of the run (kernel functions, decisions, reasons). */
  trace?: TraceSink;
  /** Run only the host setups and the first N steps (default: all). */
  steps?: number;
  /** What a step may use (default: the process's, see engines/limits.ts). */
  limits?: Partial<Limits>;
  /** The real clock the wall limit reads, in ms, and the heap the memory limit reads (tests). */
  probes?: Partial<GuardProbes>;
  /** A step's start-up time in virtual ms (default STEP_START_MS): the fuzzer moves it to tell a timing difference from a model error. */
  stepStartMs?: number;
  /** Keep a snapshot of the world as it is just before each matrix step (SimLabRun.matrices), to explain its cells on forks of it. */
  forkBeforeMatrix?: boolean;
  /** Keep a snapshot of the world as it is just before each check that is not met (SimLabRun.failedChecks), to trace and fix it on forks. */
  forkBeforeFailedChecks?: boolean;
  /** A matrix step's own progress: its pings sent, then how many were answered. */
  onMatrix?: (p: MatrixProgress) => void;
  /** After each matrix step, before the next step: the matrix and the world as the matrix found it (to explain its cells on). */
  afterMatrix?: (m: MatrixResult, ctx: MatrixContext) => Promise<void>;
}

/** How one run's steps are held to its limits. */
interface RunLimits {
  limits: Limits;
  guard: StepGuard;
}

function runLimits(opts: { limits?: Partial<Limits>; probes?: Partial<GuardProbes> }): RunLimits {
  const probes: GuardProbes = { now: () => performance.now(), heapUsed: currentHeapProbe(), ...opts.probes };
  return { limits: { ...currentLimits(), ...opts.limits }, guard: new StepGuard(probes) };
}

/** The frames one capture of one step saw, for pcap files. */
export interface StepCapture {
  step: number;
  id: string;
  frames: CapturedFrame[];
}

export interface SimLabRun {
  result: LabResult;
  captures: StepCapture[];
  world: World;
  /** With forkBeforeMatrix, by index in result.steps: what each matrix step's cells are explained from. */
  matrices: Map<number, MatrixContext>;
  /** With forkBeforeFailedChecks, by index in result.steps: the world just before each check that was not met. */
  failedChecks: Map<number, Snapshot<World>>;
}

export async function runLabInSim(lab: Lab, opts: SimLabOptions = {}): Promise<SimLabRun> {
  const world = buildWorld(lab, opts.release);
  if (opts.trace) world.sim.traceSink = opts.trace;
  const tools = { ...defaultTools(), ...(opts.tools ?? {}) };
  const held = runLimits(opts);
  const plan = plannedSteps(lab).slice(0, opts.steps === undefined ? undefined : lab.hosts.filter((h) => h.run.trim()).length + opts.steps);
  const steps: StepResult[] = [];
  const captures: StepCapture[] = [];
  const matrices = new Map<number, MatrixContext>();
  const failedChecks = new Map<number, Snapshot<World>>();
  for (let idx = 0; idx < plan.length; idx++) {
    const p = plan[idx]!;
    opts.onStep?.(idx, plan.length, plannedLabel(p));
    // Before the step's start-up time: the state a full run of the lab's earlier steps leaves.
    const before = !p.setup && ((p.step.kind === "matrix" && (opts.forkBeforeMatrix || opts.afterMatrix)) || (p.step.kind === "check" && opts.forkBeforeFailedChecks)) ? snapshotWorld(world) : null;
    if (!p.setup) world.sim.run({ for: opts.stepStartMs ?? STEP_START_MS });
    if (p.setup) {
      steps.push({ ...(await runCommand(world, held, tools, p.host, p.run, SETUP_TIMEOUT, null, idx, captures)), setup: true });
    } else if (p.step.kind === "matrix") {
      const { result, limits } = runMatrix(p.step.name, lab, world.kernels, world.sim, opts.onMatrix, p.step.family, p.step.linkLocal);
      const { kind, ...rest } = result;
      const m: MatrixResult = { kind, step: stepNumber(lab, idx), ...rest };
      steps.push(m);
      if (before) {
        const ctx = { before, limits, steps: idx - (plan.length - lab.steps.length) };
        if (opts.forkBeforeMatrix) matrices.set(idx, ctx);
        await opts.afterMatrix?.(m, ctx);
      }
    } else {
      const r = { step: stepNumber(lab, idx), ...(await runCommand(world, held, tools, p.step.on, p.step.run, p.step.timeout, p.step, idx, captures)) };
      steps.push(r);
      if (before && !r.ok) failedChecks.set(idx, before);
    }
  }
  return { result: { lab: lab.name, engine: "sim", kernel: "sim", steps, diagnostics: labDiagnostics(lab, steps) }, captures, world, matrices, failedChecks };
}

/**
 * One more command on a built world, as a step with no expectation runs
 * (`ipvlab trace` runs its command this way, in the state a lab left).
 */
export async function runExtraCommand(world: World, host: string, script: string, timeout: number, tools: Record<string, Tool> = {}, limits: { limits?: Partial<Limits>; probes?: Partial<GuardProbes> } = {}): Promise<CommandResult> {
  return runCommand(world, runLimits(limits), { ...defaultTools(), ...tools }, host, script, timeout, null, 0, []);
}

async function runCommand(world: World, held: RunLimits, tools: Record<string, Tool>, host: string, script: string, timeout: number, step: CommandStep | null, idx: number, out: StepCapture[]): Promise<CommandResult> {
  const { sim, kernels } = world;
  const { limits, guard } = held;
  const kernel = kernels.get(host)!;
  const specs = step?.capture ?? [];
  // tcpdump captures from its "listening on", which is where the driver's wait for it ends.
  if (specs.length > 0) sim.run({ for: CAPTURE_START_MS });
  const caps = specs.map((c) => startCapture(kernels, c, limits.output));
  const shellLimits: ShellLimits = { output: limits.output, string: limits.string, depth: limits.depth, tick: guard.tick };
  const shell = new SimShellHost(sim, kernel, kernel.initNet, tools, shellLimits);
  sim.setDeadline(sim.now + timeout * 1000);
  guard.start(limits.wall, limits.memory);
  sim.poll = guard.tick;
  let exitCode: number;
  let stdout = "";
  let stderr = "";
  let raw: RawFailure[];
  let limitSaid: string | null = null;
  try {
    const r = await runScript(script, shell, { file: `/ipvlab/cmd/${idx}.sh`, env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" }, limits: shellLimits });
    ({ exitCode, stdout, stderr } = r);
    if (r.limit) limitSaid = limitMessage(r.limit.limit, r.limit.subject, limits);
    raw = r.failures.map((f) => ({ line: f.line, exitCode: f.exitCode, said: f.kind === "limit" && limitSaid ? limitSaid : f.said, kind: f.kind === "exit" ? null : f.kind }));
    if (sim.killed) {
      exitCode = 137;
      raw = [...raw.filter((f) => f.line !== r.line), { line: r.line, exitCode, said: "", kind: "killed" }];
    }
  } catch (e) {
    if (!(e instanceof StepKilled)) throw e;
    exitCode = 137;
    raw = [{ line: 0, exitCode, said: "", kind: "killed" }];
  } finally {
    sim.setDeadline(Infinity);
    guard.stop();
    sim.poll = null;
  }
  if (limitSaid) stderr += `ipvlab: ${limitSaid}\n`;
  else if (exitCode === 137 && step) stderr += `ipvlab: killed after ${step.timeout} s (the step's timeout)\n`;
  const captures: Record<string, string[]> = {};
  if (caps.length > 0) {
    sim.run({ for: CAPTURE_LINGER_MS });
    for (const [k, c] of caps.entries()) {
      stopCapture(c);
      if (c.error) stderr += `ipvlab: capture on ${c.target.id} failed: ${c.error}\n`;
      if (c.refusal) {
        stderr += `${c.refusal.stderr}\n`;
        raw.push({ line: 0, exitCode, said: c.refusal.said, kind: c.refusal.kind, capture: k });
      }
      const shown = captureLines(c, limits.output);
      captures[c.target.id] = shown.lines;
      if (shown.cut) {
        const said = limitMessage("output", `the capture on ${c.target.id}`, limits);
        stderr += `ipvlab: ${said}\n`;
        raw.push({ line: 0, exitCode, said, kind: "limit" });
      }
      if (!c.error && !c.refusal) out.push({ step: idx, id: c.target.id, frames: c.frames });
    }
  }
  return settleCommand({ kind: step?.kind ?? "action", name: step ? step.name : `setup ${host}`, host, command: script, exitCode, stdout, stderr, expect: step?.expect ?? null, captures }, raw, timeout);
}
