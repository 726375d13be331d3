import { EngineUnavailable } from "../engines/engine.js";
import { LabError } from "../lab/errors.js";

/** A command line that asks for something the lab does not have: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit codes: 1 a check not met, 2 bad input or engine unavailable, 3 the run itself broke. */
export function exitOnError<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      if (e instanceof LabError) {
        process.stderr.write(e.message + "\n");
        process.exitCode = 2;
      } else if (e instanceof EngineUnavailable || e instanceof UsageError) {
        process.stderr.write(`ipvlab: ${e.message}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`ipvlab: ${(e as Error).message}\n`);
        if (process.env.IPVLAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
        process.exitCode = 3;
      }
    }
  };
}
