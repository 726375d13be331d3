// Trace steps: one per decision that moves or drops a packet. Code on the
// packet path checks `net.tracing` before building a step, so a simulation
// without a sink allocates nothing for tracing.

export interface TraceStep {
  readonly time: number;
  readonly host: string;
  /** "" for the host's initial namespace. */
  readonly netns: string;
  readonly dev: string;
  /** The kernel function this decision mirrors, e.g. "arp_process". */
  readonly func: string;
  readonly what: string;
  readonly why?: string;
}

export type TraceSink = (step: TraceStep) => void;
