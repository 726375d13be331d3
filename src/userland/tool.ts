import type { Kernel, Net, Sim } from "../kernel/index.js";
import type { ExecResult } from "../shell/index.js";
import { Signalled } from "../shell/interp/scheduler.js";

/**
 * What a simulated command (ip, ping, arping, sysctl, ...) runs against: the
 * lab host's kernel and the network namespace it was started in.
 */
export interface ToolContext {
  sim: Sim;
  kernel: Kernel;
  net: Net;
  stdin: string;
  env: Record<string, string>;
  /** Runs another command in a namespace of this host (`ip netns exec NS cmd`, `ip -n NS ...`). */
  exec(argv: string[], net: Net): ExecResult | Promise<ExecResult>;
  /**
   * Waits on the virtual clock as the process the command runs in, beside
   * the script's other processes (shell/interp/scheduler.ts): until `until`
   * or until `stop()` holds; rejects with Signalled for a signal sent to it
   * (those in `handles` are the program's to handle; the others kill it).
   * Absent: the command runs the clock itself, alone.
   */
  wait?(until: number, stop: (() => boolean) | null, handles: readonly number[]): Promise<boolean>;
  /** Where what the command flushes goes as it runs (beside other processes' output); the result holds the rest. */
  out?(text: string): void;
  err?(text: string): void;
}

/**
 * Runs the virtual clock until `until` (ms) or until `stop()` holds after
 * some event ran, whichever comes first. Returns true when stopped early.
 */
export function runClockUntil(sim: Sim, until: number, stop: () => boolean): boolean {
  for (;;) {
    if (stop()) return true;
    const next = sim.queue.peekTime();
    if (next === null || next > until) {
      sim.run({ until });
      return stop();
    }
    sim.run({ until: next });
  }
}

/** Where a command waits for time: what it has flushed (events may flush more meanwhile), and the signals it handles itself. */
export interface ClockWait {
  until: number;
  /** null: only the time ends the wait. */
  stop: (() => boolean) | null;
  flushed: () => { stdout: string; stderr: string };
  /** An event may flush output meanwhile (ping prints a reply as it comes): it goes out then. */
  eventsFlush?: boolean;
  handles?: readonly number[];
}

/** A command written as a generator: it yields where it waits for the clock and gets back whether stop() ended the wait. */
export type ToolRun = Generator<ClockWait, ExecResult, boolean>;

/**
 * Drives a command's waits: on the scheduler when the shell has one (the
 * command then streams what it flushed at each wait), else by running the
 * clock here. An error from the wait (the step's timeout, a signal) is
 * thrown into the command at its wait, as a signal lands where it blocks.
 */
export function runTool(run: ToolRun, ctx: ToolContext): ExecResult | Promise<ExecResult> {
  if (!ctx.wait) {
    let r = run.next();
    while (!r.done) {
      let stopped: boolean;
      try {
        const stop = r.value.stop;
        if (stop) stopped = runClockUntil(ctx.sim, r.value.until, stop);
        else {
          ctx.sim.run({ until: r.value.until });
          stopped = false;
        }
      } catch (e) {
        r = run.throw(e);
        continue;
      }
      r = run.next(stopped);
    }
    return r.value;
  }
  const wait = ctx.wait.bind(ctx);
  return (async () => {
    let sentOut = 0;
    let sentErr = 0;
    const stream = ctx.out !== undefined;
    const flush = (w: { stdout: string; stderr: string }): void => {
      if (!stream) return;
      if (w.stdout.length > sentOut) ctx.out!(w.stdout.slice(sentOut));
      if (w.stderr.length > sentErr) ctx.err?.(w.stderr.slice(sentErr));
      sentOut = Math.max(sentOut, w.stdout.length);
      sentErr = Math.max(sentErr, w.stderr.length);
    };
    const unsent = (w: ClockWait): boolean => {
      const f = w.flushed();
      return f.stdout.length > sentOut || f.stderr.length > sentErr;
    };
    try {
      let r = run.next();
      while (!r.done) {
        const w = r.value;
        flush(w.flushed());
        let stopped: boolean;
        try {
          // What an event made the command flush (a reply printed) goes out then, not at its next wake-up.
          const stop = w.stop;
          for (;;) {
            await wait(w.until, stream && w.eventsFlush ? () => (stop?.() ?? false) || unsent(w) : stop, w.handles ?? []);
            flush(w.flushed());
            stopped = stop?.() ?? false;
            if (stopped || ctx.sim.now >= w.until) break;
          }
        } catch (e) {
          r = run.throw(e);
          continue;
        }
        r = run.next(stopped);
      }
      return { ...r.value, stdout: r.value.stdout.slice(sentOut), stderr: r.value.stderr.slice(sentErr) };
    } catch (e) {
      if (e instanceof Interrupted) throw new Interrupted(e.by, e.stdout.slice(sentOut), e.stderr.slice(sentErr));
      throw e;
    }
  })();
}

/** The signal a wait was ended by, when it is one the command handles. */
export function handled(e: unknown, signals: readonly number[]): number | null {
  return e instanceof Signalled && signals.includes(e.signal) ? e.signal : null;
}

/**
 * A tool stopped by an exception from what it waited on (the step's timeout
 * killing it): `by` is that exception; stdout and stderr are what the tool had
 * written where a kill leaves it, i.e. the stdout it had flushed (stdio
 * buffers the rest when stdout is a pipe or a file) and all of its
 * unbuffered stderr.
 */
export class Interrupted extends Error {
  constructor(
    readonly by: unknown,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/**
 * A command. It may run the virtual clock (`ctx.sim.run({ for: ms })`) while it
 * waits, as ping does for its replies; nothing else runs meanwhile.
 */
export type Tool = (argv: string[], ctx: ToolContext) => ExecResult | Promise<ExecResult>;
