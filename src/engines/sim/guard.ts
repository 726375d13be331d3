// A simulated step's real-world limits: the real time it may take and the
// memory the simulator may hold while it runs. The step's own timeout counts
// virtual time, which a loop that never sleeps never advances; and an
// interpreter whose awaits all resolve at once never yields to a timer. So
// both are synchronous checks, called by the shell between commands and by
// the kernel between events.

import { LimitExceeded } from "../../shell/interp/limits.js";

/** Ticks between two looks at the heap: cheap as it is, it is not free. */
const HEAP_EVERY = 1024;

export interface GuardProbes {
  /** Milliseconds from any origin. */
  now: () => number;
  /** Bytes the simulator's heap holds; null where the runtime does not tell (a browser). */
  heapUsed: (() => number) | null;
}

export class StepGuard {
  private deadline = Infinity;
  private heapLimit = Infinity;
  private ticks = 0;

  constructor(private readonly probes: GuardProbes) {}

  start(wallSeconds: number, heapBytes: number): void {
    this.deadline = this.probes.now() + wallSeconds * 1000;
    this.heapLimit = heapBytes;
  }

  /** After the step: what runs then (a capture's linger) is the engine's, not the lab's. */
  stop(): void {
    this.deadline = Infinity;
    this.heapLimit = Infinity;
  }

  readonly tick = (): void => {
    if (this.deadline === Infinity) return;
    if (this.probes.now() > this.deadline) throw new LimitExceeded("wall", "the step");
    if (this.probes.heapUsed && ++this.ticks % HEAP_EVERY === 0 && this.probes.heapUsed() > this.heapLimit) throw new LimitExceeded("memory", "the simulator's memory");
  };
}
