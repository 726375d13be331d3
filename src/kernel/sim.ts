// The simulation: one virtual clock and event queue, one seeded RNG and one
// optional trace sink shared by every lab host (Kernel) and lab network
// (LabSwitch). A per-run frame budget bounds loops and broadcast storms.

import { EventQueue } from "./clock.js";
import { Kernel } from "./kernel.js";
import { seededRng, type Rng } from "./rng.js";
import { LabSwitch } from "./switch.js";
import type { TraceSink } from "./trace.js";

export interface SimOptions {
  seed?: number;
  trace?: TraceSink | null;
  /** Frames one run() may move before it stops the traffic; default 100000. */
  frameBudget?: number;
}

export interface RunReport {
  /** Virtual time when the run ended. */
  readonly time: number;
  readonly frames: number;
  /** The budget ran out: pending frames were dropped to end a loop or storm. */
  readonly budgetExceeded: boolean;
}

export class Sim {
  readonly queue = new EventQueue();
  readonly rng: Rng;
  traceSink: TraceSink | null;
  frameBudget: number;
  readonly kernels = new Map<string, Kernel>();
  readonly switches = new Map<string, LabSwitch>();
  #frames = 0;
  #exceeded = false;

  constructor(o: SimOptions = {}) {
    this.rng = seededRng(o.seed ?? 1);
    this.traceSink = o.trace ?? null;
    this.frameBudget = o.frameBudget ?? 100_000;
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

  /** Schedules one frame hop; it is dropped if this run's budget is spent. */
  deliverFrame(fn: () => void): void {
    this.queue.schedule(0, () => {
      if (this.#exceeded) return;
      if (++this.#frames > this.frameBudget) {
        this.#exceeded = true;
        const n = this.queue.cancelAll("frame");
        this.traceSink?.({ time: this.now, host: "", netns: "", dev: "", func: "sim", what: `frame budget of ${this.frameBudget} exhausted`, why: `a loop or storm: ${n + 1} pending frames dropped` });
        return;
      }
      fn();
    }, "frame");
  }

  /**
   * Runs events until none is left or virtual time would pass the limit
   * (`until`, or now + `for` ms); with a limit the clock ends exactly there.
   */
  run(o: { until?: number; for?: number } = {}): RunReport {
    const until = o.for !== undefined ? this.now + o.for : (o.until ?? Infinity);
    this.#frames = 0;
    this.#exceeded = false;
    while (this.queue.step(until).ran) {
      /* keep going */
    }
    if (until !== Infinity) this.queue.advanceTo(until);
    return { time: this.now, frames: this.#frames, budgetExceeded: this.#exceeded };
  }
}
