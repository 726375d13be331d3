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

/** Parses and runs a script as `bash FILE` would; a script bash would reject exits 2 with the error on stderr. */
export async function runScript(text: string, host: ShellHost, options: RunOptions = {}): Promise<ScriptResult> {
  const file = options.file ?? "script.sh";
  let script: Script;
  try {
    script = parseScript(text, file);
  } catch (e) {
    if (!(e instanceof ShellScriptError)) throw e;
    const stderr = e.kind === "syntax" ? `${file}: line ${e.line}: syntax error: ${e.reason}\n` : `${file}: line ${e.line}: ${e.reason}\n`;
    const failure = { line: e.line, exitCode: 2, said: e.kind === "syntax" ? `syntax error: ${e.reason}` : e.reason, refused: e.kind === "unsupported" };
    return { exitCode: 2, stdout: "", stderr, unsupported: e.kind === "unsupported" ? e : null, failures: [failure], line: e.line };
  }
  return runParsed(script, host, options);
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
    failures.push({ line, exitCode, said: refused ?? stderr.slice(saidFrom), refused: refused !== null });
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
