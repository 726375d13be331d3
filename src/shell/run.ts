import { ShellScriptError, unsupported as refusedAt } from "./errors.js";
import type { RunOptions, ScriptFailure, ShellHost, ShellResult } from "./interp/host.js";
import { FatalError, Interpreter, type ErrTrap } from "./interp/interpreter.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./interp/signals.js";
import { Input, type Sink } from "./interp/io.js";
import { asLimit, LimitExceeded, UNLIMITED, type ShellLimits } from "./interp/limits.js";
import { ShellState } from "./interp/state.js";
import { parseScript } from "./parse/parse.js";
import type { Script } from "./parse/ast.js";

export interface ScriptResult extends ShellResult {
  /** Set when the script needs a real engine: a construct --engine sim does not run. */
  unsupported: ShellScriptError | null;
  /** Its failing commands, in order, as bash's ERR trap would see them. */
  failures: ScriptFailure[];
  /** The line of the command that was running when the script ended. */
  line: number;
  /** Set when a limit stopped the script; a script run by another one (`bash -c`) passes it on. */
  limit: LimitExceeded | null;
}

/**
 * Failing commands kept per script: a loop of failing commands would
 * otherwise keep one record per turn until the step's time is up.
 */
export const MAX_FAILURES = 100;

/**
 * Parses and runs a script as `bash FILE` would. bash reads a script a
 * command at a time: the commands before a line it cannot parse run, then it
 * stops with exit 2, naming the line where it gave up (past the end, for a
 * construct never closed).
 */
export async function runScript(text: string, host: ShellHost, options: RunOptions = {}): Promise<ScriptResult> {
  const file = options.file ?? "script.sh";
  let script: Script;
  try {
    script = parseScript(text, file);
  } catch (e) {
    if (e instanceof LimitExceeded) {
      const failure: ScriptFailure = { line: 1, exitCode: 2, said: e.message, kind: "limit" };
      return { exitCode: 2, stdout: "", stderr: `${file}: line 1: ${e.message}\n`, unsupported: null, failures: [failure], line: 1, limit: e };
    }
    if (!(e instanceof ShellScriptError)) throw e;
    if (e.kind === "unsupported") {
      const failure: ScriptFailure = { line: e.line, exitCode: 2, said: e.reason, kind: "refused" };
      return { exitCode: 2, stdout: "", stderr: `${file}: line ${e.line}: ${e.reason}\n`, unsupported: e, failures: [failure], line: e.line, limit: null };
    }
    return runUpToSyntaxError(text, e, host, options);
  }
  return runParsed(script, host, options);
}

async function runUpToSyntaxError(text: string, e: ShellScriptError, host: ShellHost, options: RunOptions): Promise<ScriptResult> {
  const file = options.file ?? "script.sh";
  const atEof = /reached EOF|must end with/.test(e.reason);
  const line = atEof ? text.split("\n").length : e.line;
  const said = `syntax error: ${e.reason}`;
  const before = text.split("\n").slice(0, e.line - 1).join("\n");
  let ran: ScriptResult = { exitCode: 0, stdout: "", stderr: "", unsupported: null, failures: [], line, limit: null };
  if (before.trim()) {
    try {
      ran = await runParsed(parseScript(before, file), host, options);
    } catch (again) {
      if (!(again instanceof ShellScriptError) && !(again instanceof LimitExceeded)) throw again;
    }
    // A script that ended on its own before the bad line never reaches it.
    if (ran.unsupported || ran.limit) return ran;
  }
  return { ...ran, exitCode: 2, stderr: `${ran.stderr}${file}: line ${line}: ${said}\n`, failures: [...ran.failures, { line, exitCode: 2, said, kind: "syntax" }], line };
}

export async function runParsed(script: Script, host: ShellHost, options: RunOptions = {}): Promise<ScriptResult> {
  const limits = options.limits ?? UNLIMITED;
  const state = new ShellState();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    state.vars.set(k, v);
    state.exported.add(k);
  }
  state.positional = [...(options.args ?? [])];
  state.cwd = options.cwd ?? "/";
  if (!state.vars.has("PWD")) state.vars.set("PWD", state.cwd);
  let stdout = "";
  let stderr = "";
  // What a failure said: the script's stderr since the previous failure, as the real engines' ERR trap can tell it.
  const failures: ScriptFailure[] = [];
  let untold = 0;
  let saidFrom = 0;
  const fail = (line: number, exitCode: number, said: string | null, kind: ScriptFailure["kind"]) => {
    if (failures.length < MAX_FAILURES || kind !== "exit") failures.push({ line, exitCode, said: said ?? stderr.slice(saidFrom), kind });
    else untold++;
    saidFrom = stderr.length;
  };
  const trap: ErrTrap = { report: (line, status) => fail(line, status, null, "exit") };
  const sh = new Interpreter(host, script.file, state, limits, trap, options.proc);
  const io = { stdin: new Input(options.stdin ?? ""), out: kept("stdout", limits, (t) => (stdout += t), () => stdout.length), err: kept("stderr", limits, (t) => (stderr += t), () => stderr.length) };
  let exitCode: number;
  let unsupported: ShellScriptError | null = null;
  let limit: LimitExceeded | null = null;
  try {
    try {
      exitCode = await sh.runStmts(script.stmts, io);
    } catch (e) {
      if (!(e instanceof ExitSignal || (e instanceof FatalError && e.unsupported === null))) throw e;
      exitCode = e.status;
      if (e instanceof FatalError) fail(sh.currentLine, exitCode, null, "exit");
    }
    exitCode = await sh.exitTrap(exitCode, io);
  } catch (e) {
    limit = asLimit(e);
    if (e instanceof ExitSignal) exitCode = e.status;
    else if (e instanceof FatalError) {
      exitCode = e.status;
      unsupported = e.unsupported;
      fail(e.unsupported?.line ?? sh.currentLine, exitCode, e.unsupported?.reason ?? null, e.unsupported ? "refused" : "exit");
    } else if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) exitCode = state.status;
    else if (limit) {
      // As a process killed for a resource limit: what it printed so far stays.
      exitCode = 137;
      fail(sh.currentLine, exitCode, limit.message, "limit");
    } else throw e;
  }
  // What is left runs until it waits (timeout's alarm ends once its command did).
  if (options.proc === undefined) await sh.sched.yieldIdle(sh.proc);
  if (options.proc === undefined && sh.sched.live > 0) {
    if (host.scheduler) {
      // On a real machine the job outlives the step, still writing where the step's output was read from.
      const job = sh.jobs.jobs.find((j) => !j.done);
      const line = job?.line ?? sh.currentLine;
      const e = refusedAt(script.file, line, 1, `a background job still running when the script ends${job ? ` (\`${job.text}\`)` : ""}`);
      if (!unsupported && !limit) {
        stderr += `${script.file}: line ${line}: ${e.reason}\n`;
        unsupported = e;
        exitCode = 2;
        fail(line, 2, e.reason, "refused");
      }
      await sh.sched.close();
    } else {
      // bash exits without waiting; its jobs go on writing to the same output until they end.
      await sh.sched.finish();
    }
  }
  if (untold > 0) stderr += `ipvlab: ${untold} more failing command${untold === 1 ? "" : "s"} not listed\n`;
  return { exitCode, stdout, stderr, unsupported, failures, line: sh.currentLine, limit };
}

/** A script's stdout or stderr, kept up to the output limit: past it the first part stays and the script stops. */
function kept(name: string, limits: ShellLimits, add: Sink, length: () => number): Sink {
  return (t) => {
    const room = limits.output - length();
    if (t.length <= room) return add(t);
    add(t.slice(0, Math.max(0, room)));
    throw new LimitExceeded("output", name);
  };
}
