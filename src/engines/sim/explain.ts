// Why a matrix cell failed, from the kernel's own trace: the cell's ping is
// run again, alone, in the state the lab was in just before the matrix (a
// fork of the world recorded then, so no reason costs a lab run), and the
// step that decided its outcome becomes the cell's reason.

import type { TraceStep } from "../../kernel/index.js";
import type { CapturedFrame } from "../../userland/tcpdump.js";
import type { Lab } from "../../lab/types.js";
import { addressKind, type LabResult, type MatrixCell, type MatrixResult } from "../result.js";
import { frameTap } from "./capture.js";
import { runExtraCommand, runLabInSim, type SimLabRun } from "./run.js";
import type { MatrixContext, MatrixLimits } from "./matrix.js";
import { explainTrace, type Explanation, type TracedCommand } from "./trace-verdict.js";
import { meantAddresses } from "./lab-intent.js";
import { placesOf } from "./topology.js";
import type { World } from "./world.js";

/** The matrix's command for one cell, in FROM's namespace. */
export function cellCommand(m: MatrixResult, cell: MatrixCell): { host: string; run: string } {
  const a = m.endpoints.find((e) => e.id === cell.from)!;
  const b = m.endpoints.find((e) => e.id === cell.to)!;
  // A link-local pair is pinged with FROM's device as the scope of both, as the real engines' driver does.
  const scope = addressKind(a.address) === "link" ? `%${a.dev}` : "";
  const ping = `ping -c 1 -W 1 -I ${a.address}${scope} ${b.address}${scope}`;
  return { host: a.host, run: a.netns ? `ip netns exec ${a.netns} ${ping}` : ping };
}

/**
 * One command traced on `world`, which it changes. With `frames`, every
 * device's frames during the command are kept too, by `host[/netns]:dev`
 * (taps that, unlike tcpdump, leave promiscuity alone, so watching changes
 * nothing).
 */
export async function traceOn(lab: Lab, world: World, steps: number, after: string, command: { host: string; run: string }, frames?: Map<string, CapturedFrame[]>): Promise<TracedCommand> {
  const { host, run } = command;
  const trace: TraceStep[] = [];
  world.sim.traceSink = (s) => trace.push(s);
  world.sim.traceHousekeeping = false;
  const hiddenBefore = world.sim.housekeepingSteps;
  const untap = frames ? tapEveryDevice(world, frames) : () => {};
  const start = world.sim.now;
  const r = await runExtraCommand(world, host, run, 30);
  world.sim.traceSink = null;
  world.sim.traceHousekeeping = true;
  const housekeeping = world.sim.housekeepingSteps > hiddenBefore;
  untap();
  return { host, command: run, after, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, start, steps: trace, housekeeping, places: placesOf(lab, world), meant: meantAddresses(lab, world, steps) };
}

/**
 * One command traced in the state after the lab's setup and its first `steps`
 * steps; `command` picks it once that state exists. `release`: the Linux the
 * simulator behaves as (default the modelled one).
 */
export async function traceAfter(
  lab: Lab,
  steps: number,
  after: string,
  command: (world: World) => { host: string; run: string },
  frames?: Map<string, CapturedFrame[]>,
  release?: string,
): Promise<TracedCommand> {
  const { world } = await runLabInSim(lab, { steps, ...(release ? { release } : {}) });
  return traceOn(lab, world, steps, after, command(world), frames);
}

function tapEveryDevice(world: World, frames: Map<string, CapturedFrame[]>): () => void {
  const taps: (() => void)[] = [];
  for (const [name, k] of world.kernels)
    for (const net of [k.initNet, ...k.netns.values()])
      for (const dev of net.devices.values()) {
        const list: CapturedFrame[] = [];
        frames.set(`${name}${net.name ? `/${net.name}` : ""}:${dev.name}`, list);
        const tap = frameTap(dev, list);
        dev.taps.add(tap);
        taps.push(() => dev.taps.delete(tap));
      }
  return () => taps.forEach((t) => t());
}

/**
 * A cell's explanation from its ping traced alone: the trace's own, unless
 * the matrix's outcome differs from the lone ping's; then the limits the
 * matrix met with all its pings at once say why, if it met any.
 */
export function explainTracedCell(t: TracedCommand, cell: MatrixCell, limits: MatrixLimits): Explanation {
  const e = explainTrace(t);
  if (!cell.ok && t.exitCode === 0) {
    const alone = `alone, this ping succeeds (${e.cause})`;
    if (limits.frameBudget !== null) return { cause: `${alone}, but with all the matrix's pings at once the frames outran the simulator's frame budget (${limits.frameBudget} per virtual second) and it stopped the traffic`, factors: e.factors };
    const full = limits.neighTableFull;
    if (full.length) {
      const tables = full.map((f) => `${f.host}'s holds ${f.gcThresh3}`).join(", ");
      return { cause: `${alone}, but not with all the matrix's pings at once: they filled the neighbour table, which one kernel shares across all its namespaces (gc_thresh3: ${tables}), and the kernel refused new entries ("neighbor table overflow!")`, factors: e.factors };
    }
    // One ping may resolve (or spoil) an ARP entry another needs.
    return { cause: `${alone}: in the matrix it raced the other pings for the same ARP entries`, factors: e.factors };
  }
  if (cell.ok && t.exitCode !== 0) return { cause: `in the matrix it succeeds, helped by the other pings running at the same time; alone, ${e.cause}`, factors: e.factors };
  return e;
}

/** Why one cell came out as it did: its ping traced alone on a fork of the world as the matrix found it. */
export async function explainCell(lab: Lab, ctx: MatrixContext, m: MatrixResult, cell: MatrixCell): Promise<Explanation> {
  return explainTracedCell(await traceOn(lab, ctx.before.copy(), ctx.steps, "", cellCommand(m, cell)), cell, ctx.limits);
}

/** A failed cell gets its reason and the mechanisms it rests on. */
export async function explainFailedCell(lab: Lab, ctx: MatrixContext, m: MatrixResult, cell: MatrixCell): Promise<void> {
  const e = await explainCell(lab, ctx, m, cell);
  if (e.cause) cell.reason = e.cause;
  if (e.factors.length) cell.factors = e.factors;
}

/** Reasons found so far for one matrix's failed cells. */
export interface ReasonsProgress {
  matrix: string;
  done: number;
  /** The failed cells whose pings are traced alone (all of them, unless the matrix is too large: tracedCells). */
  failed: number;
}

/**
 * Tracing a cell alone forks the whole world and floods its segments, so a
 * reason costs in proportion to the world (~ the endpoints) and to the
 * broadcast domain (~ the endpoints again); with IPv6 on, the fork also
 * replays the duplicate address detection and MLD reports every device still
 * had pending, each flooded to every port. A matrix traces at most
 * TRACE_BUDGET / endpoints² of its failed cells alone (every failed cell up to
 * ~40 endpoints; 300 cells at 100; 3 at 1,000), so its reasons cost about as
 * much as a small matrix's, whatever its size.
 */
export const TRACE_BUDGET = 3_000_000;

/** How many failed cells a matrix of `endpoints` endpoints traces alone. */
export function tracedCells(endpoints: number): number {
  return Math.max(1, Math.floor(TRACE_BUDGET / Math.max(1, endpoints) ** 2));
}

/**
 * Which failed cells (indices into `failed`) are traced alone: all, or past
 * the budget `cap` cells spread evenly over them, the first and every
 * (failed / cap)-th, so every part of the matrix has some.
 */
export function tracedSample(failed: number, cap: number): number[] {
  if (failed <= cap) return Array.from({ length: failed }, (_, i) => i);
  return Array.from({ length: cap }, (_, i) => Math.floor((i * failed) / cap));
}

/**
 * A failed cell not traced alone whose own echo request the kernel refused
 * in the matrix: that refusal, as the kernel gave it, is its reason (one
 * string per refusing host, shared by its cells).
 */
function refusedReasons(limits: MatrixLimits): string[] {
  return limits.refusedBy.map(
    (t) =>
      `with all the matrix's pings at once, ${t.host}'s neighbour table, which the kernel shares across all its namespaces, was full (gc_thresh3: ${t.gcThresh3}): it refused this ping's next hop an entry ("neighbor table overflow!") and ping's sendmsg failed (not traced alone: a matrix this large traces a sample of its failed cells)`,
  );
}

/**
 * Every failed cell of one matrix gets its reason, from its ping traced
 * alone (up to tracedCells), else from what the kernel did to it in the
 * matrix where that says (its send refused); `onProgress` after each traced one.
 */
export async function explainMatrix(lab: Lab, ctx: MatrixContext, m: MatrixResult, onProgress?: (p: ReasonsProgress) => void, cap = tracedCells(m.endpoints.length)): Promise<void> {
  const failed: number[] = [];
  for (const [i, c] of m.cells.entries()) if (!c.ok) failed.push(i);
  const traced = tracedSample(failed.length, cap);
  if (traced.length) onProgress?.({ matrix: m.name, done: 0, failed: traced.length });
  const alone = new Uint8Array(failed.length);
  for (const [i, f] of traced.entries()) {
    alone[f] = 1;
    await explainFailedCell(lab, ctx, m, m.cells[failed[f]!]!);
    onProgress?.({ matrix: m.name, done: i + 1, failed: traced.length });
  }
  const refused = refusedReasons(ctx.limits);
  for (const [f, c] of failed.entries()) {
    const r = ctx.limits.sendRefused[c]!;
    if (alone[f] || r === 0) continue;
    // A new cell with the reason in its literal, not the property added to the old one: a million
    // cells given one each would each grow a property array (~45 bytes) the old cell never frees.
    const { from, to, ok } = m.cells[c]!;
    m.cells[c] = { from, to, ok, reason: refused[r - 1]! };
  }
}

/** Every failed cell of every matrix of a run made with `forkBeforeMatrix` gets its reason. */
export async function explainMatrices(lab: Lab, run: SimLabRun, onProgress?: (p: ReasonsProgress) => void): Promise<void> {
  for (const [i, s] of run.result.steps.entries()) {
    if (s.kind !== "matrix") continue;
    const ctx = run.matrices.get(i);
    if (!ctx) throw new Error(`no fork of the world before matrix "${s.name}": run the lab with forkBeforeMatrix`);
    await explainMatrix(lab, ctx, s, onProgress);
  }
}

/** How many of the lab's own steps come before result step i (the result's steps start with the host setups). */
export function labStepsBefore(result: LabResult, i: number): number {
  return i - result.steps.filter((s) => s.kind !== "matrix" && s.setup).length;
}
