/**
 * What a script may use before it is stopped. A lab is untrusted text: a loop
 * that never ends, a function that calls itself or a string that doubles
 * must end its step with an error, never hang or exhaust the process that
 * runs it. The shell is pure, so the clock comes from whoever runs it, as
 * `tick`: it is called synchronously between commands and inside the tools'
 * loops, because an interpreter whose awaits all resolve at once never
 * yields to a timer.
 */
export interface ShellLimits {
  /** Characters of stdout, and of stderr, a script may write; the first ones are kept. */
  output: number;
  /** The longest string a script may make: a variable, a word, a pipe's contents, a substitution, a tool's output. */
  string: number;
  /** Function calls nested in one another (bash's FUNCNEST). */
  depth: number;
  /** Throws LimitExceeded when the caller's time or memory is up; called often, so it must be cheap. */
  tick(): void;
}

export type LimitName = "wall" | "memory" | "output" | "string" | "depth" | "nesting";

const REACHED: Record<LimitName, (subject: string) => string> = {
  wall: () => "the step's time ran out",
  memory: (s) => `${s} passed the memory limit`,
  output: (s) => `${s} passed the output limit`,
  string: (s) => `${s} would pass the string limit`,
  depth: (s) => `${s}: maximum function nesting level exceeded`,
  nesting: (s) => s,
};

/** A limit was reached: the whole script stops, subshells and `bash -c` included, and the step is an error. */
export class LimitExceeded extends Error {
  constructor(
    readonly limit: LimitName,
    /** Who reached it ("stdout", "the variable s", "`f`"), for a message that names the limit its own way. */
    readonly subject: string,
  ) {
    super(REACHED[limit](subject));
    this.name = "LimitExceeded";
  }
}

export const UNLIMITED: ShellLimits = { output: Infinity, string: Infinity, depth: Infinity, tick: () => {} };

/** Throws when `text` is longer than the string limit; `what` says whose text it is. */
export function checkString(limits: ShellLimits, length: number, what: string): void {
  if (length > limits.string) throw new LimitExceeded("string", what);
}

/**
 * The RangeErrors V8 throws when a script outgrows what it can hold (a
 * stack, a string, an array): they mean a limit was missed, not a bug in
 * the command, so they end the script the same way.
 */
export function asLimit(e: unknown): LimitExceeded | null {
  if (e instanceof LimitExceeded) return e;
  if (!(e instanceof RangeError)) return null;
  if (/Maximum call stack size exceeded/.test(e.message)) return new LimitExceeded("nesting", "the script nests deeper than the simulator can follow");
  if (/Invalid string length|Invalid array length|Array buffer allocation failed|Maximum BigInt size/.test(e.message)) return new LimitExceeded("string", "a value");
  return null;
}
