// The simulation: one virtual clock and event queue, one seeded RNG and one
// optional trace sink shared by every lab host (Kernel) and lab network
// (LabSwitch). Every frame hop takes FRAME_HOP_MS of virtual time, so a loop
// or broadcast storm runs on the clock as it does on Linux (a `sleep` sees a
// finite number of frames) instead of all at one instant; a frame budget
// still bounds the work a run can do, for storms that multiply.

import { MODELLED_RELEASE, parseRelease, type KernelRelease } from "./release.js";
import { EventQueue } from "./clock.js";
import { kernelFn } from "./fork.js";
import { Kernel } from "./kernel.js";
import { seededRng, type Rng } from "./rng.js";
import { LabSwitch } from "./switch.js";
import type { TraceSink } from "./trace.js";

/**
 * The virtual time of one frame hop (a veth or loopback netif_rx, a lab
 * switch port): 1/64 ms = 15.625 us. It is the order of one hop in the golden
 * recordings (accept-local: ARP request to reply in 37-43 us over four veth
 * hops; bridge-loop: ping RTTs of 73-235 us over six), so captures keep their
 * shape; and a binary fraction of a millisecond, so virtual times stay exact
 * in floating point: no drift, and a frame due at the same instant as a
 * timer is ordered by when each was scheduled, never by rounding. A storm of
 * one circulating copy then costs 64000 hops per virtual second: bounded
 * work, and far above the >100 frames in 0.5 s a lab can tell a storm by.
 */
export const FRAME_HOP_MS = 1 / 64;

/**
 * How many hops a work item waits for the backlog at most: net_rx_action's
 * netdev_budget (300 packets), after which the softirq yields the CPU.
 */
const WORK_WAIT_HOPS = 300;

interface PendingWork {
  readonly sim: Sim;
  readonly fn: (arg: unknown) => void;
  readonly arg: unknown;
  waited: number;
}

/**
 * A kernel work item (schedule_work) runs in a kworker, and a kworker gets the
 * CPU only once the softirq has drained the backlog: on User-Mode Linux, which
 * has one CPU, every frame a chain of softirq work sets going (a reply, the
 * packet the reply releases, the reply to that) goes before it. So the item
 * waits while frame hops are pending, one hop at a time.
 */
function runWork(w: PendingWork): void {
  if (w.sim.queue.framesPending && w.waited < WORK_WAIT_HOPS) {
    w.waited++;
    w.sim.deliverFrame(runWork, w);
    return;
  }
  w.fn(w.arg);
}
kernelFn(runWork);

/** Events between two calls of Sim.poll: often enough to stop within a blink, rare enough to cost nothing. */
const POLL_EVERY = 4096;

export interface SimOptions {
  seed?: number;
  trace?: TraceSink | null;
  /**
   * Frames a run() may move per virtual second (a run shorter than a second
   * gets a second's worth) before it stops the traffic; default 1000000. A
   * storm that keeps a steady rate below it runs as long as the clock does;
   * one that multiplies is cut. A run without a time limit gets one second's
   * worth in all, so that it ends even in a steady storm.
   */
  frameBudget?: number;
  /** The Linux release to behave as (`uname -r` text); default MODELLED_RELEASE. */
  release?: string;
}

export interface RunReport {
  /** Virtual time when the run ended. */
  readonly time: number;
  readonly frames: number;
  /** The budget ran out: pending frames were dropped to end a storm that multiplied. */
  readonly budgetExceeded: boolean;
}

export class Sim {
  readonly queue = new EventQueue();
  readonly rng: Rng;
  /**
   * IPv6's own draws (DAD delays and nonces, router solicitation and MLD
   * report jitter, random secrets) come from a stream of their own, so that
   * turning IPv6 on or off leaves every IPv4 timer and ID as it was.
   */
  readonly rng6: Rng;
  traceSink: TraceSink | null;
  /** Whether the sink gets the steps of IPv6's own traffic too (else they are only counted). */
  traceHousekeeping = true;
  /** Trace steps of IPv6's own traffic left out while traceHousekeeping was off (guards passed over). */
  housekeepingSteps = 0;
  frameBudget: number;
  readonly release: KernelRelease;
  readonly kernels = new Map<string, Kernel>();
  readonly switches = new Map<string, LabSwitch>();
  /**
   * Called every POLL_EVERY events of a run: whoever runs the simulation may
   * throw from it to stop a run that takes too long in real time (the
   * kernel has no clock of its own to tell).
   */
  poll: (() => void) | null = null;
  /** Events since the last poll, across runs: a tool may run the clock one event at a time. */
  private unpolled = 0;
  private frames = 0;
  private exceeded = false;
  private runStart = 0;
  private runBounded = false;

  constructor(o: SimOptions = {}) {
    this.rng = seededRng(o.seed ?? 1);
    this.rng6 = seededRng((o.seed ?? 1) ^ 0x6666);
    this.traceSink = o.trace ?? null;
    this.frameBudget = o.frameBudget ?? 1_000_000;
    this.release = parseRelease(o.release ?? MODELLED_RELEASE);
  }

  get now(): number {
    return this.queue.now;
  }

  addKernel(hostname: string): Kernel {
    if (this.kernels.has(hostname)) throw new Error(`host ${hostname} exists`);
    const k = new Kernel(this, hostname);
    this.kernels.set(hostname, k);
    return k;
  }

  addSwitch(name: string): LabSwitch {
    if (this.switches.has(name)) throw new Error(`network ${name} exists`);
    const s = new LabSwitch(this, name);
    this.switches.set(name, s);
    return s;
  }

  /** Schedules one frame hop, FRAME_HOP_MS from now; run() drops it if this run's budget is spent. */
  deliverFrame<T>(fn: (arg: T) => void, arg?: T): void {
    this.queue.schedule(FRAME_HOP_MS, fn, "frame", arg);
  }

  /** schedule_work: fn(arg) runs in process context, after the frames in flight (see runWork). fn must be a kernelFn. */
  queueWork<T>(fn: (arg: T) => void, arg: T): void {
    const w: PendingWork = { sim: this, fn: fn as (arg: unknown) => void, arg, waited: 0 };
    this.deliverFrame(runWork, w);
  }

  /** Counts one frame hop against the budget; false (and the storm stopped) once it is spent. */
  private admitFrame(): boolean {
    if (this.exceeded) return false;
    const seconds = this.runBounded ? Math.max(1, (this.now - this.runStart) / 1000) : 1;
    if (++this.frames <= this.frameBudget * seconds) return true;
    this.exceeded = true;
    const n = this.queue.cancelAll("frame");
    this.traceSink?.({ time: this.now, host: "", netns: "", dev: "", func: "sim", what: `frame budget of ${this.frameBudget} frames per virtual second exhausted`, why: `a storm that multiplies, or one too fast to follow: ${n + 1} pending frames dropped` });
    return false;
  }

  /**
   * do_softirq where local_bh_enable finds NET_RX raised: the frames already
   * handed on are received now, and those they hand on in turn, until the
   * next event is not a frame. Callers run it inside an event; the clock
   * moves on by the hops it takes, as the outer run would have.
   */
  doSoftirq(): void {
    for (let ev = this.queue.popDue(Infinity, "frame"); ev; ev = this.queue.popDue(Infinity, "frame")) {
      if (!this.admitFrame()) continue;
      this.queue.run(ev);
    }
  }

  /**
   * What a sendmsg's local_bh_enable and the sched_yield after it let run
   * before the sender's next system call: the softirq drains the frames it
   * raised and those they hand on, the work items waiting on them run, and
   * timers falling due meanwhile run in their turn.
   */
  settle(): RunReport {
    return this.run({ whileFrames: true });
  }

  /**
   * Runs events until none is left or virtual time would pass the limit
   * (`until`, or now + `for` ms); with a limit the clock ends exactly there.
   * whileFrames: only while frame hops are pending (settle), the clock left
   * where the last event ran.
   */
  run(o: { until?: number; for?: number; whileFrames?: boolean } = {}): RunReport {
    const until = o.for !== undefined ? this.now + o.for : (o.until ?? Infinity);
    this.frames = 0;
    this.exceeded = false;
    this.runStart = this.now;
    this.runBounded = until !== Infinity;
    // Polled between events, never with one taken off the queue: a run stopped there can go on later.
    for (;;) {
      if (this.poll && ++this.unpolled >= POLL_EVERY) {
        this.unpolled = 0;
        this.poll();
      }
      if (o.whileFrames && !this.queue.framesPending) break;
      const ev = this.queue.popDue(until);
      if (!ev) break;
      if (ev.kind === "frame" && !this.admitFrame()) continue;
      this.queue.run(ev);
    }
    if (until !== Infinity && !o.whileFrames) this.queue.advanceTo(until);
    return { time: this.now, frames: this.frames, budgetExceeded: this.exceeded };
  }
}
