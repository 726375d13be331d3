// The flags that raise what one step may use (engines/limits.ts), shared by
// every command that runs a lab.

import { getHeapStatistics } from "node:v8";
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_LIMITS, flagSize, parseSize, setHeapProbe, setLimits, type Limits } from "../engines/limits.js";

function positive(what: string, integer: boolean): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(what);
    return n;
  };
}

function size(v: string): number {
  const n = parseSize(v);
  if (n === null) throw new InvalidArgumentError("a size in bytes, or with K, M or G (1M is 1048576 bytes)");
  return n;
}

/** "output": a command that runs real engines only, where the output limit is the one that holds. */
export function limitOptions(which: "all" | "output"): Option[] {
  const output = new Option("--max-output <size>", `bytes kept of each step's stdout, of its stderr and of each capture; past them a simulated step stops, a real one is cut (default ${flagSize(DEFAULT_LIMITS.output)})`).argParser(size);
  if (which === "output") return [output];
  return [
    new Option("--max-wall <seconds>", `real seconds a step may run in the simulator, besides its own virtual timeout (default ${DEFAULT_LIMITS.wall})`).argParser(positive("a number of seconds above 0", false)),
    new Option("--max-memory <size>", `memory the simulator may hold while a step runs (default ${flagSize(DEFAULT_LIMITS.memory)}, or 3/4 of Node's heap limit if that is less)`).argParser(size),
    output,
    new Option("--max-string <size>", `the longest string a simulated script may make: a variable, a word, a pipe's or a substitution's contents (default ${flagSize(DEFAULT_LIMITS.string)})`).argParser(size),
    new Option("--max-depth <n>", `function calls nested in a simulated script, as bash's FUNCNEST (default ${DEFAULT_LIMITS.depth})`).argParser(positive("a whole number above 0", true)),
  ];
}

/** The help's paragraph on limits, for a command that takes all of them or the output limit only. */
export function limitsHelp(which: "all" | "output"): string {
  if (which === "output") return "\nLimits: a step's output past --max-output is cut, its head kept, and the step is an error.";
  return `
Limits: a step that reaches one is an error that names it, and the run goes on to its
summary. In the simulator a step may run --max-wall real seconds (its timeout: counts
virtual time, which a busy loop never advances), hold --max-memory, keep --max-output of
stdout and of stderr, make strings up to --max-string and nest function calls
--max-depth deep. On uml and host a step's output past --max-output is cut and its head
kept.`;
}

/** Node aborts the whole process at its heap limit: the simulator's must come first. */
function memoryDefault(): number {
  const room = Math.floor((getHeapStatistics().heap_size_limit * 0.75) / (1 << 20)) * (1 << 20);
  return Math.min(DEFAULT_LIMITS.memory, room);
}

/** Applies a command's limit flags to every run of this process. */
export function applyLimitFlags(opts: Record<string, unknown>): void {
  setHeapProbe(() => getHeapStatistics().used_heap_size);
  const l: Partial<Limits> = { memory: memoryDefault() };
  if (typeof opts.maxWall === "number") l.wall = opts.maxWall;
  if (typeof opts.maxMemory === "number") l.memory = opts.maxMemory;
  if (typeof opts.maxOutput === "number") l.output = opts.maxOutput;
  if (typeof opts.maxString === "number") l.string = opts.maxString;
  if (typeof opts.maxDepth === "number") l.depth = opts.maxDepth;
  setLimits(l);
}

export function withLimits(cmd: Command, which: "all" | "output"): Command {
  for (const o of limitOptions(which)) cmd.addOption(o);
  return cmd;
}
