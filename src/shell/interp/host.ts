/** What the interpreter needs from whoever runs it: the simulated kernel, a test fake, a browser. */

export interface ExecContext {
  stdin: string;
  /** The exported variables, as the command's environment. */
  env: Record<string, string>;
  cwd?: string;
  /** The process it runs in: its clock waits are that process's (scheduler.ts). */
  proc?: Proc;
  /** Where a command that runs the clock writes what it flushes as it goes; the result holds the rest. */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A file's content, or the strerror text opening or reading it gives.
 * `size` is what stat reports as st_size (0 for procfs, 4096 for sysfs,
 * unlike the content's length); wc sizes its columns from it.
 */
export type FileRead = { ok: true; content: string; size?: number } | { ok: false; error: string };

/** An /proc/sys failure, as the strerror text a real write or open would report. */
export type ProcSysError = "No such file or directory" | "Invalid argument" | "Permission denied" | string;

/** /proc/sys; each method returns null for a path the host does not model (the script is refused there). */
export interface ProcSys {
  /** `path` is under /proc/sys with slashes ("net/ipv4/ip_forward"); the content includes its trailing newline. */
  read(path: string): { ok: true; content: string } | { ok: false; error: ProcSysError } | null;
  write(path: string, data: string): { ok: true } | { ok: false; error: ProcSysError } | null;
  stat?(path: string): "file" | "dir" | "missing" | null;
}

/**
 * The host side. Either method may return a promise: a simulated kernel resolves
 * it when its virtual clock has run far enough (ping waiting for replies,
 * sleep), so the interpreter never touches real time.
 */
export interface ShellHost {
  /** Runs an external command; null means there is no such command (bash: exit 127). */
  exec(argv: string[], ctx: ExecContext): ExecResult | null | Promise<ExecResult | null>;
  sleep(seconds: number, proc?: Proc): void | Promise<void>;
  /**
   * The host's processes and clock, when it has a clock of its own (a
   * simulated kernel): background jobs and the script wait on it together.
   * Without one the script keeps a clock of its own, where waiting only
   * moves time.
   */
  scheduler?: Scheduler;
  procSys?: ProcSys;
  /**
   * Reads a file other than /dev/null and /proc/sys (the sim engine: /proc/net/snmp,
   * /sys/class/net/DEV/statistics/...); null when the host does not model that
   * path, which the shell reports as not supported by --engine sim.
   */
  readFile?(path: string): FileRead | null;
  /**
   * For `test -e/-f/-d` beyond /dev/null and /proc/sys: "missing" when the
   * path is not there, null when the host does not model it; without it,
   * what readFile reads exists.
   */
  stat?(path: string): "file" | "dir" | "missing" | null;
  /** The files the script writes; paths the other methods do not model fall through to it. */
  fs?: ShellFs;
}

import type { ShellLimits } from "./limits.js";
import type { Proc, Scheduler } from "./scheduler.js";

/** A write or removal failed: strerror's text. */
export type FsResult = { ok: true } | { ok: false; error: string };

/**
 * The files a script writes and reads back (/tmp and the like); every method
 * returns null for a path outside them (the script is refused there).
 */
export interface ShellFs {
  read(path: string): FileRead | null;
  write(path: string, data: string, append: boolean): FsResult | null;
  stat(path: string): "file" | "dir" | "missing" | null;
  mkdir(path: string, parents: boolean): FsResult | null;
  remove(path: string, recursive: boolean, dir?: boolean): FsResult | null;
  list(path: string): string[] | null;
  mktemp(template: string, dir: boolean): { ok: true; path: string } | { ok: false; error: string } | null;
}

export interface RunOptions {
  /** The name bash would report in its messages (`FILE: line N: ...`). */
  file?: string;
  /** The script's initial environment, all exported. */
  env?: Record<string, string>;
  /** $1, $2, ... */
  args?: string[];
  stdin?: string;
  /** The working directory it starts in (default /). */
  cwd?: string;
  /** What the script may use before it is stopped (default: no limit). */
  limits?: ShellLimits;
  /** The process it runs in (a script another one started: `bash -c` in a background job). */
  proc?: Proc;
}

export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A command that failed where bash's ERR trap would fire: at the script's
 * top level (not in a function body, a subshell or a command substitution),
 * a simple command, `[[ ]]` or pipeline that exits non-zero outside a
 * condition, not before `&&`/`||` and not negated (`exit`); a construct or
 * command the host refused (`refused`), which ends the script; a script
 * bash cannot parse (`syntax`); a limit reached (`limit`), which ends it too.
 */
export interface ScriptFailure {
  line: number;
  exitCode: number;
  /** What was written on the script's stderr while it ran (or the refusal). */
  said: string;
  kind: "exit" | "refused" | "syntax" | "limit";
}
