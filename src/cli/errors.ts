import { CommanderError } from "commander";
import { EngineFailed, EngineUnavailable } from "../engines/engine.js";
import { LabError } from "../lab/errors.js";

/** A command line that asks for something the lab does not have: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** One table for every command (README, `ipvlab --help`). */
export const EXIT = {
  /** Everything met: every check, every setup command and action. */
  ok: 0,
  /** A check not met, a command that could not run as written, a setup command that failed (trace: the traced command's own status). */
  failed: 1,
  /** A bad lab or bad usage. */
  usage: 2,
  /** An engine cannot run here (what to install is said), or stopped before the run ended. */
  engine: 3,
  /** ipvlab itself went wrong: a bug to report. */
  internal: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes (every command):
  0  everything met: every check, every setup command and action
  1  a check not met, a command that could not run as written, or a setup command that failed
     (trace: the traced command's own exit status; verify: sim and the real kernel differ)
  2  a bad lab file or bad usage
  3  an engine cannot run here (what to install is said), or stopped before the run ended
  4  ipvlab itself failed: a bug (IPVLAB_DEBUG=1 shows where)`;

/** The exit code and the one line to print for an error a command threw; null when commander already printed it. */
export function exitFor(e: unknown): { code: number; message: string | null } {
  if (e instanceof CommanderError) {
    // --help and --version end the same way: with what was asked for printed.
    const shown = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help";
    return { code: shown && e.exitCode === 0 ? EXIT.ok : EXIT.usage, message: null };
  }
  if (e instanceof LabError) return { code: EXIT.usage, message: e.message };
  if (e instanceof UsageError) return { code: EXIT.usage, message: `ipvlab: ${e.message}` };
  if (e instanceof EngineUnavailable || e instanceof EngineFailed) return { code: EXIT.engine, message: `ipvlab: ${e.message}` };
  const debug = process.env.IPVLAB_DEBUG ? `\n${(e as Error).stack}` : " (IPVLAB_DEBUG=1 shows where)";
  return { code: EXIT.internal, message: `ipvlab: internal error: ${(e as Error).message ?? String(e)}${debug}` };
}

export function exitOnError<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      const { code, message } = exitFor(e);
      if (message) process.stderr.write(message + "\n");
      process.exitCode = code;
    }
  };
}
