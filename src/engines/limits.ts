// What one step may use, on every engine: a lab is untrusted text, and a
// step that exhausts a limit is an error naming it, never a hang or a crash.

import type { LimitName } from "../shell/interp/limits.js";

export interface Limits {
  /** Real seconds a step may run in the simulator, besides its virtual `timeout`. */
  wall: number;
  /** Bytes the simulator's heap may hold while a step runs. */
  memory: number;
  /** Bytes kept of a step's stdout, of its stderr and of each capture. */
  output: number;
  /** The longest string a simulated script may make (a variable, a word, a pipe's contents, a substitution). */
  string: number;
  /** Function calls nested in one another in a simulated script (bash's FUNCNEST). */
  depth: number;
}

/**
 * Far above what a lab needs (a step's output is read by a person; its
 * scripts build devices, not data), far below what hurts the machine: a
 * string limit of 16 MiB costs a few hundred MB at worst while it is copied;
 * the seed lab's whole run holds under 100 MB, and Node's own heap limit is
 * 2 to 4 GiB. bash itself segfaults near 5,000 nested calls with its
 * default stack.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = { wall: 30, memory: 1 << 30, output: 1 << 20, string: 16 << 20, depth: 1000 };

/** The command-line flag that raises each limit. */
export const LIMIT_FLAGS: Record<keyof Limits, string> = { wall: "--max-wall", memory: "--max-memory", output: "--max-output", string: "--max-string", depth: "--max-depth" };

let configured: Limits = { ...DEFAULT_LIMITS };

/**
 * Sets the limits for every run of this process: the CLI's flags reach the
 * simulator runs made to explain a result (a matrix's reasons, a report's
 * traces) as well as the lab's own run.
 */
export function setLimits(l: Partial<Limits>): void {
  configured = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
}

export function currentLimits(): Limits {
  return configured;
}

let heapProbe: (() => number) | null = null;

/** How the simulator's heap is measured, where the runtime can tell (the CLI sets it; a browser cannot). */
export function setHeapProbe(probe: (() => number) | null): void {
  heapProbe = probe;
}

export function currentHeapProbe(): (() => number) | null {
  return heapProbe;
}

const UNITS: Record<string, number> = { "": 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 };

/** `4M`, `512k`, `1G`, `1048576`: bytes (binary units, as dd and head -c read them). */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return n > 0 ? n : null;
}

/** Exact in its unit when it is a round number of them, to a tenth from 1 MiB up, in bytes below. */
export function formatSize(n: number): string {
  for (const [unit, size] of [["GiB", 1 << 30], ["MiB", 1 << 20], ["KiB", 1 << 10]] as const) {
    if (n >= size && (n % size === 0 || size >= 1 << 20)) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}

/** A size as the flag takes it: 1048576 -> 1M. */
export function flagSize(n: number): string {
  for (const [unit, size] of [["G", 1 << 30], ["M", 1 << 20], ["K", 1 << 10]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return String(n);
}

/** What a limit reached means, in one line, with the flag that raises it. */
export function limitMessage(limit: LimitName, subject: string, l: Limits = configured): string {
  switch (limit) {
    case "wall":
      return `stopped after ${l.wall} s of real time (${LIMIT_FLAGS.wall} ${l.wall}): a loop that never sleeps or waits does not end on its own`;
    case "memory":
      return `stopped: ${subject} passed ${formatSize(l.memory)} (${LIMIT_FLAGS.memory} ${flagSize(l.memory)}); does a loop make namespaces, devices or routes without end?`;
    case "output":
      return `stopped: ${subject} passed ${formatSize(l.output)} (${LIMIT_FLAGS.output} ${flagSize(l.output)}); the first ${formatSize(l.output)} is kept`;
    case "string":
      return `stopped: ${subject} would pass ${formatSize(l.string)} (${LIMIT_FLAGS.string} ${flagSize(l.string)})`;
    case "depth":
      return `stopped: function calls nested ${l.depth} deep at ${subject} (${LIMIT_FLAGS.depth} ${l.depth}); does a function call itself without end?`;
    case "nesting":
      return `stopped: ${subject}; the real engines (--engine uml or --engine host) may run it`;
  }
}
