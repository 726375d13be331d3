/** A script --engine sim cannot run: either bash would reject it, or it needs a real kernel's bash. */
export class ShellScriptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
    /** "syntax": bash itself would refuse it; "unsupported": bash runs it, --engine sim does not. */
    readonly kind: "syntax" | "unsupported",
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = "ShellScriptError";
  }
}

export const REAL_ENGINES = "the real engines (--engine uml or --engine host) run it";

export function unsupported(file: string, line: number, col: number, what: string): ShellScriptError {
  return new ShellScriptError(file, line, col, `${what} is not supported by --engine sim; ${REAL_ENGINES}`, "unsupported");
}

/**
 * A command killed while it ran (the step's timeout): the script ends there
 * with `status`, keeping what the command had written where a kill cannot
 * take it back (its flushed stdout, its unbuffered stderr).
 */
export class Killed extends Error {
  constructor(
    readonly status: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`killed (exit ${status})`);
    this.name = "Killed";
  }
}

/**
 * Thrown by whatever runs a command --engine sim does not model (a tool, an
 * option of one): the script stops there, refused at its line, and the step
 * is an error, never a pass.
 */
export class NotSimulated extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "NotSimulated";
  }

  /** `what` (a command, an option) is not modelled. */
  static what(what: string): NotSimulated {
    return new NotSimulated(`${what} is not supported by --engine sim; ${REAL_ENGINES}`);
  }
}
