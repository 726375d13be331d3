import { ShellScriptError } from "./errors.js";
import type { RunOptions, ScriptFailure, ShellHost, ShellResult } from "./interp/host.js";
import { FatalError, Interpreter, type ErrTrap } from "./interp/interpreter.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./interp/signals.js";
import { Input } from "./interp/io.js";
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
}

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
    if (!(e instanceof ShellScriptError)) throw e;
    if (e.kind === "unsupported") {
      const failure: ScriptFailure = { line: e.line, exitCode: 2, said: e.reason, kind: "refused" };
      return { exitCode: 2, stdout: "", stderr: `${file}: line ${e.line}: ${e.reason}\n`, unsupported: e, failures: [failure], line: e.line };
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
  let ran: ScriptResult = { exitCode: 0, stdout: "", stderr: "", unsupported: null, failures: [], line };
  if (before.trim()) {
    try {
      ran = await runParsed(parseScript(before, file), host, options);
    } catch (again) {
      if (!(again instanceof ShellScriptError)) throw again;
    }
    // A script that ended on its own before the bad line never reaches it.
    if (ran.unsupported) return ran;
  }
  return { ...ran, exitCode: 2, stderr: `${ran.stderr}${file}: line ${line}: ${said}\n`, failures: [...ran.failures, { line, exitCode: 2, said, kind: "syntax" }], line };
}

export async function runParsed(script: Script, host: ShellHost, options: RunOptions = {}): Promise<ScriptResult> {
  const state = new ShellState();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    state.vars.set(k, v);
    state.exported.add(k);
  }
  state.positional = [...(options.args ?? [])];
  let stdout = "";
  let stderr = "";
  // What a failure said: the script's stderr since the previous failure, as the real engines' ERR trap can tell it.
  const failures: ScriptFailure[] = [];
  let saidFrom = 0;
  const fail = (line: number, exitCode: number, refused: string | null) => {
    failures.push({ line, exitCode, said: refused ?? stderr.slice(saidFrom), kind: refused === null ? "exit" : "refused" });
    saidFrom = stderr.length;
  };
  const trap: ErrTrap = { report: (line, status) => fail(line, status, null) };
  const sh = new Interpreter(host, script.file, state, trap);
  const io = { stdin: new Input(options.stdin ?? ""), out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t) };
  let exitCode: number;
  let unsupported: ShellScriptError | null = null;
  try {
    exitCode = await sh.runStmts(script.stmts, io);
  } catch (e) {
    if (e instanceof ExitSignal) exitCode = e.status;
    else if (e instanceof FatalError) {
      exitCode = e.status;
      unsupported = e.unsupported;
      fail(e.unsupported?.line ?? sh.currentLine, exitCode, e.unsupported?.reason ?? null);
    } else if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) exitCode = state.status;
    else throw e;
  }
  return { exitCode, stdout, stderr, unsupported, failures, line: sh.currentLine };
}
