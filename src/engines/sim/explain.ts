// Why a matrix cell failed, from the kernel's own trace: the cell's ping is
// run again, alone, in the state the lab was in just before the matrix, and
// the step that decided its outcome becomes the cell's reason.

import type { TraceStep } from "../../kernel/index.js";
import type { CapturedFrame } from "../../userland/tcpdump.js";
import type { Lab } from "../../lab/types.js";
import type { LabResult, MatrixCell, MatrixResult } from "../result.js";
import { frameTap } from "./capture.js";
import { runExtraCommand, runLabInSim } from "./run.js";
import { explainTrace, type Explanation, type TracedCommand } from "./trace-verdict.js";
import { meantAddresses } from "./lab-intent.js";
import { placesOf } from "./topology.js";
import type { World } from "./world.js";

/** The matrix's command for one cell, in FROM's namespace. */
export function cellCommand(m: MatrixResult, cell: MatrixCell): { host: string; run: string } {
  const a = m.endpoints.find((e) => e.id === cell.from)!;
  const b = m.endpoints.find((e) => e.id === cell.to)!;
  const ping = `ping -c 1 -W 1 -I ${a.address} ${b.address}`;
  return { host: a.host, run: a.netns ? `ip netns exec ${a.netns} ${ping}` : ping };
}

/**
 * One command traced in the state after the lab's setup and its first
 * `steps` steps; `command` picks it once that state exists. With `frames`,
 * every device's frames during the command are kept too, by
 * `host[/netns]:dev` (taps that, unlike tcpdump, leave promiscuity alone,
 * so watching changes nothing).
 */
export async function traceAfter(lab: Lab, steps: number, after: string, command: (world: World) => { host: string; run: string }, frames?: Map<string, CapturedFrame[]>): Promise<TracedCommand> {
  const { world } = await runLabInSim(lab, { steps });
  const { host, run } = command(world);
  const trace: TraceStep[] = [];
  world.sim.traceSink = (s) => trace.push(s);
  const untap = frames ? tapEveryDevice(world, frames) : () => {};
  const start = world.sim.now;
  const r = await runExtraCommand(world, host, run, 30);
  world.sim.traceSink = null;
  untap();
  return { host, command: run, after, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, start, steps: trace, places: placesOf(lab, world), meant: meantAddresses(lab, world, steps) };
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

/** Why one cell came out as it did: its ping traced alone after `steps` of the lab's steps. */
export async function explainCell(lab: Lab, steps: number, m: MatrixResult, cell: MatrixCell): Promise<Explanation> {
  const t = await traceAfter(lab, steps, "", () => cellCommand(m, cell));
  const e = explainTrace(t);
  // The matrix runs its pings at once: one may resolve (or spoil) an ARP entry another needs.
  if (!cell.ok && t.exitCode === 0) return { cause: `alone, this ping succeeds (${e.cause}): in the matrix it raced the other pings for the same ARP entries`, factors: e.factors };
  if (cell.ok && t.exitCode !== 0) return { cause: `in the matrix it succeeds, helped by the other pings running at the same time; alone, ${e.cause}`, factors: e.factors };
  return e;
}

/** A failed cell gets its reason and the mechanisms it rests on. */
export async function explainFailedCell(lab: Lab, steps: number, m: MatrixResult, cell: MatrixCell): Promise<void> {
  const e = await explainCell(lab, steps, m, cell);
  if (e.cause) cell.reason = e.cause;
  if (e.factors.length) cell.factors = e.factors;
}

/** Every failed cell of every matrix in a sim LabResult gets its reason (the result's steps start with the host setups). */
export async function explainMatrices(lab: Lab, result: LabResult): Promise<void> {
  for (const [i, s] of result.steps.entries()) {
    if (s.kind !== "matrix") continue;
    for (const cell of s.cells) if (!cell.ok) await explainFailedCell(lab, labStepsBefore(result, i), s, cell);
  }
}

/** How many of the lab's own steps come before result step i (the result's steps start with the host setups). */
export function labStepsBefore(result: LabResult, i: number): number {
  return i - result.steps.filter((s) => s.kind !== "matrix" && s.setup).length;
}
