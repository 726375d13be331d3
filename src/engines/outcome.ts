// What a command step comes to, the same way on every engine: its failing
// commands put in words, and its state (met, not met, error, setup failed).

import type { Expect } from "../lab/types.js";
import type { CommandFailure, CommandResult, FailureKind, StepState } from "./result.js";

/** A failing command as an engine saw it, before it is put in words. */
export interface RawFailure {
  /** Line (1-based) in the step's script; 0 when the engine could not tell. */
  line: number;
  exitCode: number;
  /** null: decide from the exit code and what the command said (127: not found, ...). */
  kind: FailureKind | null;
  /** What the command wrote on stderr, or the simulator's refusal. */
  said: string;
  /** Set when it is not a command but the step's capture of this index (its filter) that failed: `said` is the whole message. */
  capture?: number;
}

/** bash's prefix on its own messages: `/path/to/script.sh: line 3: `. */
const BASH_PREFIX = /^[^\n:]*: line \d+: /;
/** What `ip netns exec`, `nsenter` and `timeout` say when the command they start does not exist. */
const EXEC_MISSING = /(?:exec of "([^"]+)" failed|failed to (?:run command|execute) ['‘]?([^'’:]+)['’]?): No such file or directory/;

/** The first thing a failing command said, on one line, without bash's prefix. */
export function firstSaid(said: string): string {
  const line = said
    .split("\n")
    .map((l) => l.replace(BASH_PREFIX, "").trim())
    .find((l) => l.length > 0);
  return line === undefined ? "" : line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** `ip netns exec NS ...` into a namespace that does not exist: the command never started. */
const NETNS_MISSING = /Cannot open network namespace "([^"]+)": No such file or directory/;

function classify(f: RawFailure): FailureKind {
  if (f.kind) return f.kind;
  if (f.exitCode === 127 || EXEC_MISSING.test(f.said) || NETNS_MISSING.test(f.said)) return "not-found";
  if (f.exitCode === 126) return "not-executable";
  return "exit";
}

function shown(command: string): string {
  const t = command.trim();
  return `\`${t.length > 70 ? `${t.slice(0, 67)}...` : t}\``;
}

/** Why a command killed at the step's timeout ran that long, when the command line says. */
function killHint(command: string, timeout: number): string {
  const unbounded = (tool: string) => new RegExp(`(^|[\\s;|&(])${tool}\\s`).test(` ${command} `) && !/\s-[a-zA-Z]*[cw]\s*\d/.test(command);
  if (unbounded("arping")) return ": arping without -c never ends; add -c N";
  if (unbounded("ping")) return ": ping without -c never ends; add -c N";
  if (/(^|\s)tcpdump\s/.test(` ${command} `) && !/\s-[a-zA-Z]*c\s*\d/.test(command)) return ": tcpdump without -c never ends; add -c N";
  const sleep = /(^|\s)sleep\s+(\d+(?:\.\d+)?)/.exec(command);
  if (sleep && Number(sleep[2]) >= timeout) return `: it sleeps ${sleep[2]} s; raise the step's timeout (timeout: ${Math.ceil(Number(sleep[2])) + 10})`;
  return `; if it needs longer, raise the step's timeout (timeout: ${timeout * 2})`;
}

function message(kind: FailureKind, f: RawFailure, command: string, timeout: number): string {
  const said = firstSaid(f.said);
  const name = EXEC_MISSING.exec(f.said)?.slice(1).find((x) => x) ?? /^(\S+): command not found/.exec(said)?.[1] ?? command.trim().split(/\s+/)[0] ?? "";
  switch (kind) {
    case "exit":
      return `${shown(command)} exited ${f.exitCode}${said ? `: ${said}` : ""}`;
    case "not-found": {
      const ns = NETNS_MISSING.exec(f.said)?.[1];
      if (ns !== undefined) return `${shown(command)}: there is no network namespace "${ns}" (make it first: ip netns add ${ns})`;
      return `\`${name}\`: command not found (not installed where the lab runs)`;
    }
    case "not-executable":
      return `${shown(command)}: ${said || "permission denied"}`;
    case "killed":
      return `${command ? `${shown(command)} was killed` : "killed"} after ${timeout} s (the step's timeout)${killHint(command, timeout)}`;
    case "syntax":
      return `syntax error: ${said.replace(/^syntax error:?\s*/, "")}`;
    case "refused":
      return said;
    case "limit":
      return command ? `${shown(command)}: ${said}` : said;
  }
}

/** The failures in words, each at its line of `script`. */
export function describeFailures(raw: readonly RawFailure[], script: string, timeout: number): CommandFailure[] {
  const lines = script.split("\n");
  return raw.map((f) => {
    const kind = classify(f);
    if (f.capture !== undefined) return { line: f.line, exitCode: f.exitCode, kind, message: f.said, capture: f.capture };
    return { line: f.line, exitCode: f.exitCode, kind, message: message(kind, f, f.line > 0 ? (lines[f.line - 1] ?? "") : "", timeout) };
  });
}

export function stepState(kind: "action" | "check", exitCode: number, expect: Expect | null, failures: readonly CommandFailure[]): StepState {
  if (failures.some((f) => f.kind !== "exit")) return "error";
  if (kind === "check") return (exitCode === 0) === (expect === "ok") ? "met" : "not-met";
  // A host's run script or an action: every command in it must succeed, or be written `... || true`.
  return exitCode === 0 && failures.length === 0 ? "met" : "setup-failed";
}

/** A command step's result from what its engine saw. */
export function settleCommand(base: Omit<CommandResult, "met" | "state" | "failures" | "ok">, raw: readonly RawFailure[], timeout: number): CommandResult {
  const failures = describeFailures(raw, base.command, timeout);
  const state = stepState(base.kind, base.exitCode, base.expect, failures);
  return { ...base, ok: base.exitCode === 0, met: state === "met", state, failures };
}
