// Programs the shell runs for itself because they run other commands:
// xargs (findutils 4.9) and timeout (coreutils 9.1).
import { Killed } from "../errors.js";
import { Signalled } from "./scheduler.js";
import type { Interpreter } from "./interpreter.js";
import { Input, type Streams } from "./io.js";

/** Builtins that are programs on PATH too (/usr/bin/true...): xargs and timeout may run them. */
export const PROGRAM_BUILTINS = new Set(["true", "false", "test", "[", "sleep", "kill", "pwd"]);

type Runner = (sh: Interpreter, argv: string[], io: Streams) => Promise<number>;

/** xargs' default parsing: blanks and newlines separate, quotes and backslashes group. */
function splitItems(text: string): string[] | string {
  const out: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const nl = text.indexOf("\n", i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return `xargs: unmatched ${c === "'" ? "single" : "double"} quote; by default quotes are special to xargs unless you use the -0 option\n`;
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/[ \t\n]/.test(c)) {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

const xargs: Runner = async (sh, argv, io) => {
  const args = argv.slice(1);
  let maxArgs = Infinity;
  let replace: string | null = null;
  let noRunIfEmpty = false;
  let trace = false;
  let delim: string | null = null;
  let k = 0;
  const usage = (msg: string): number => {
    io.err(`xargs: ${msg}\nTry 'xargs --help' for more information.\n`);
    return 1;
  };
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === "--") {
      k++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    let j = 1;
    for (; j < a.length; j++) {
      const o = a[j]!;
      const value = (): string | null => {
        const v = j + 1 < a.length ? a.slice(j + 1) : (args[++k] ?? null);
        j = a.length;
        return v;
      };
      if (o === "n") {
        const v = value();
        if (v === null) return usage("option requires an argument -- 'n'");
        if (!/^\d+$/.test(v) || Number(v) < 1) return usage(`value ${v} for -n option should be >= 1`);
        maxArgs = Number(v);
      } else if (o === "I") {
        const v = value();
        if (v === null) return usage("option requires an argument -- 'I'");
        replace = v;
      } else if (o === "r") noRunIfEmpty = true;
      else if (o === "t") trace = true;
      else if (o === "0") delim = "\0";
      else if (o === "d") {
        const v = value();
        if (v === null) return usage("option requires an argument -- 'd'");
        delim = v === "\\n" ? "\n" : v === "\\t" ? "\t" : v;
      } else sh.unsupported(io, sh.pos(), `xargs -${o}`);
    }
  }
  const cmd = args.slice(k);
  if (cmd.length === 0) cmd.push("echo");
  const text = io.stdin.rest();
  let items: string[];
  // -I: one command per input line, blank lines skipped.
  if (replace !== null) items = text.split("\n").map((l) => l.replace(/^[ \t]+/, "")).filter((l) => l !== "");
  else if (delim !== null) {
    items = text.split(delim);
    if (items[items.length - 1] === "") items.pop();
  } else {
    const r = splitItems(text);
    if (typeof r === "string") {
      io.err(r);
      return 1;
    }
    items = r;
  }
  const runs: string[][] = [];
  if (replace !== null) for (const it of items) runs.push(cmd.map((c) => c.split(replace!).join(it)));
  else if (items.length === 0) {
    if (!noRunIfEmpty) runs.push(cmd);
  } else for (let i = 0; i < items.length; i += maxArgs === Infinity ? items.length : maxArgs) runs.push([...cmd, ...items.slice(i, i + maxArgs)]);
  let status = 0;
  for (const run of runs) {
    if (trace) io.err(`${run.join(" ")}\n`);
    const r = await sh.external(run, [], { ...io, stdin: Input.empty() });
    if (r === null) {
      io.err(`xargs: ${run[0]}: No such file or directory\n`);
      return 127;
    }
    if (r === 255) {
      io.err(`xargs: ${run[0]}: exited with status 255; aborting\n`);
      return 124;
    }
    if (r > 128 && r < 255) {
      io.err(`xargs: ${run[0]}: terminated by signal ${r - 128}\n`);
      return 125;
    }
    if (r !== 0) status = 123;
  }
  return status;
};

/** GNU timeout's DURATION: a number with an optional s, m, h or d. */
function duration(text: string): number | null {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  return m ? Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"] : null;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };

const timeout: Runner = async (sh, argv, io) => {
  const args = argv.slice(1);
  let signal = 15;
  let k = 0;
  const usage = (msg: string | null): number => {
    io.err(`${msg === null ? "" : `timeout: ${msg}\n`}Try 'timeout --help' for more information.\n`);
    return 125;
  };
  for (; k < args.length; k++) {
    const a = args[k]!;
    if (a === "--") {
      k++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a === "-s" || a.startsWith("--signal=") || a.startsWith("-s")) {
      const v = a === "-s" ? args[++k] : a.startsWith("--signal=") ? a.slice(9) : a.slice(2);
      if (v === undefined) return usage("option requires an argument -- 's'");
      const name = v.toUpperCase().replace(/^SIG/, "");
      const n = /^\d+$/.test(v) ? Number(v) : SIGNALS[name];
      if (n === undefined) return usage(`${v}: invalid signal`);
      signal = n;
    } else sh.unsupported(io, sh.pos(), `timeout ${a}`);
  }
  const rest = args.slice(k);
  // Fewer than two operands: only the hint, as GNU's usage() prints it.
  if (rest.length < 2) return usage(null);
  const secs = duration(rest[0]!);
  if (secs === null) return usage(`invalid time interval '${rest[0]}'`);
  const cmd = rest.slice(1);
  const run = async (): Promise<number> => {
    const r = await sh.external(cmd, [], io);
    if (r === null) {
      io.err(`timeout: failed to run command '${cmd[0]}': No such file or directory\n`);
      return 127;
    }
    return r;
  };
  if (secs === 0) return run();
  // timeout's alarm is a process of its own on the clock: at the deadline it signals the command,
  // which handles the signal or dies of it, beside whatever else runs.
  const sched = sh.sched;
  const proc = sh.proc;
  const alarm = sched.spawn();
  let finished = false;
  let fired = false;
  void (async () => {
    try {
      await sched.waitFor(alarm, () => finished, sched.now + secs * 1000);
      if (!finished) {
        fired = true;
        sched.signal(proc, signal);
      }
    } catch {
      // The script ended first.
    } finally {
      sched.exit(alarm);
    }
  })();
  sh.timeouts++;
  try {
    const status = await run();
    return fired ? timedOut(signal) : status;
  } catch (e) {
    if (!fired || !(e instanceof Killed || e instanceof Signalled)) throw e;
    if (e instanceof Killed) {
      io.out(e.stdout);
      io.err(e.stderr);
    }
    return timedOut(signal);
  } finally {
    sh.timeouts--;
    finished = true;
    // An alarm that went off as the command was ending leaves no signal behind for the next one.
    if (fired && proc.pending === signal) proc.pending = null;
    sched.poke();
  }
};

/** timeout's status when the command ran out of time: 124, or 128+9 when it was sent SIGKILL. */
const timedOut = (signal: number): number => (signal === 9 ? 137 : 124);

export const RUNNERS: Record<string, Runner> = { xargs, timeout };
