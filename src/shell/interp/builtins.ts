import type { Assign, Command } from "../parse/ast.js";
import { expandFields } from "./expand.js";
import { normalizePath } from "./files.js";
import type { Interpreter } from "./interpreter.js";
import { FatalError } from "./interpreter.js";
import type { Streams } from "./io.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./signals.js";
import { TestError, evalTestArgs } from "./test-expr.js";
import { JOB_BUILTINS } from "./job-builtins.js";

export interface BuiltinContext {
  sh: Interpreter;
  io: Streams;
}

type Builtin = (ctx: BuiltinContext, argv: string[], decl?: Extract<Command, { kind: "decl" }>) => number | Promise<number>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function say(ctx: BuiltinContext, msg: string): void {
  ctx.io.err(`${ctx.sh.prefix()}${msg}\n`);
}

function unsupportedUse(ctx: BuiltinContext, what: string): never {
  return ctx.sh.unsupported(ctx.io, ctx.sh.pos(), what);
}

function loopControl(kind: "break" | "continue"): Builtin {
  return (ctx, argv) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      say(ctx, `${kind}: ${argv[1]}: loop count out of range`);
      return 1;
    }
    if (ctx.sh.state.loopDepth === 0) {
      say(ctx, `${kind}: only meaningful in a \`for', \`while', or \`until' loop`);
      return 0;
    }
    const levels = Math.min(n, ctx.sh.state.loopDepth);
    throw kind === "break" ? new BreakSignal(levels) : new ContinueSignal(levels);
  };
}

function statusArg(ctx: BuiltinContext, name: string, arg: string | undefined): number | null {
  if (arg === undefined) return ctx.sh.state.status;
  if (!/^[+-]?\d+$/.test(arg)) {
    say(ctx, `${name}: ${arg}: numeric argument required`);
    return null;
  }
  return ((Number(arg) % 256) + 256) % 256;
}

function test(closing: boolean): Builtin {
  return (ctx, argv) => {
    let args = argv.slice(1);
    if (closing) {
      if (args[args.length - 1] !== "]") {
        say(ctx, "[: missing `]'");
        return 2;
      }
      args = args.slice(0, -1);
    }
    try {
      return evalTestArgs(args, (p) => ctx.sh.stat(p, ctx.io), (p) => ctx.sh.sizeOf(p)) ? 0 : 1;
    } catch (e) {
      if (!(e instanceof TestError)) throw e;
      say(ctx, `${argv[0]}: ${e.message}`);
      return 2;
    }
  };
}

/** GNU sleep: NUMBER[smhd], several are added up. */
const sleep: Builtin = async (ctx, argv) => {
  if (argv.length < 2) {
    ctx.io.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let total = 0;
  for (const a of argv.slice(1)) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      ctx.io.err(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    total += Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  }
  const sh = ctx.sh;
  if (sh.host.scheduler) await sh.host.sleep(total, sh.proc);
  else {
    await sh.host.sleep(total);
    await sh.sched.wait(sh.proc, sh.sched.now + total * 1000);
  }
  sh.notifyJobs(ctx.io);
  return 0;
};

const read: Builtin = (ctx, argv) => {
  let raw = false;
  let i = 1;
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    if (argv[i] === "-r") raw = true;
    else unsupportedUse(ctx, `read ${argv[i]}`);
  }
  const names = argv.slice(i);
  if (names.length === 0) names.push("REPLY");
  let text = "";
  let got = false;
  let complete = false;
  for (;;) {
    const l = ctx.io.stdin.line();
    if (!l) break;
    got = true;
    complete = l.complete;
    if (!raw && l.text.endsWith("\\") && l.complete) {
      text += l.text.slice(0, -1);
      continue;
    }
    text += l.text;
    break;
  }
  if (!raw) text = text.replace(/\\(.)/g, "$1");
  const words = names.length === 1 && names[0] === "REPLY" ? [text] : text.trim().split(/[ \t]+/);
  names.forEach((n, k) => {
    const v = k === names.length - 1 ? words.slice(k).join(" ") : (words[k] ?? "");
    ctx.sh.setVar(n, k === names.length - 1 && words.length > names.length ? restOf(text, k) : v);
  });
  return got && complete ? 0 : 1;
};

/** The last variable of `read` keeps the line's own spacing from its field on. */
function restOf(line: string, skip: number): string {
  let s = line.replace(/^[ \t]+/, "");
  for (let k = 0; k < skip; k++) s = s.replace(/^[^ \t]+[ \t]+/, "");
  return s.replace(/[ \t]+$/, "");
}

const set: Builtin = (ctx, argv) => {
  const opts = ctx.sh.state.opts;
  const letters: Record<string, keyof typeof opts> = { e: "errexit", u: "nounset", x: "xtrace" };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      ctx.sh.state.positional = argv.slice(i + 1);
      return 0;
    }
    const on = a[0] === "-";
    if (!/^[-+]/.test(a)) {
      ctx.sh.state.positional = argv.slice(i);
      return 0;
    }
    for (const c of a.slice(1)) {
      if (c === "o") {
        const name = argv[++i];
        if (name === "pipefail" || name === "errexit" || name === "nounset" || name === "xtrace") opts[name] = on;
        else unsupportedUse(ctx, `set -o ${name ?? ""}`.trim());
      } else if (letters[c]) opts[letters[c]!] = on;
      else unsupportedUse(ctx, `set ${a[0]}${c}`);
    }
  }
  return 0;
};

/** export, local, declare, typeset, readonly; from `decl` the operands come unsplit. */
export const decl: Builtin = async (ctx, argv, d) => {
  const variant = argv[0]!;
  const st = ctx.sh.state;
  type Item = { assign: Assign } | { word: string };
  const items: Item[] = [];
  if (d) {
    for (const it of d.items) {
      if (it.kind === "word") for (const w of await expandFields(ctx.sh.expandEnv(ctx.io), [it.word])) items.push({ word: w });
      else items.push({ assign: it.assign });
    }
  } else for (const w of argv.slice(1)) items.push({ word: w });
  let exporting = variant === "export";
  let readonly = variant === "readonly";
  let assoc = false;
  let indexed = false;
  let global = false;
  let unexport = false;
  if (variant === "local" && st.frames.length === 0) {
    say(ctx, "local: can only be used in a function");
    return 1;
  }
  if (!["export", "local", "declare", "typeset", "readonly"].includes(variant)) unsupportedUse(ctx, `\`${variant}\``);
  let status = 0;
  let named = 0;
  let options = true;
  for (const it of items) {
    let name: string;
    let value: string | null = null;
    let assign: Assign | null = null;
    if ("word" in it) {
      if (options && it.word === "--") {
        options = false;
        continue;
      }
      if (options && /^[-+][a-zA-Z]+$/.test(it.word)) {
        for (const o of it.word.slice(1)) {
          const on = it.word[0] === "-";
          if (o === "x") {
            exporting = on;
            unexport = !on;
          } else if (o === "r" && variant !== "export") readonly = true;
          else if (o === "A" && variant !== "export") assoc = true;
          else if (o === "a" && variant !== "export") indexed = true;
          else if (o === "g" && variant !== "export" && variant !== "readonly" && variant !== "local") global = true;
          else if (o === "n" && variant === "export") unexport = true;
          else unsupportedUse(ctx, `${variant} ${it.word}`);
        }
        continue;
      }
      options = false;
      const eq = it.word.indexOf("=");
      name = eq < 0 ? it.word : it.word.slice(0, eq);
      value = eq < 0 ? null : it.word.slice(eq + 1);
      if (name.endsWith("+") && value !== null) {
        name = name.slice(0, -1);
        value = (ctx.sh.lookup(name) ?? "") + value;
      }
    } else {
      options = false;
      assign = it.assign;
      name = assign.name;
    }
    named++;
    if (!NAME.test(name)) {
      say(ctx, `${variant}: \`${"word" in it ? it.word : name}': not a valid identifier`);
      status = 1;
      continue;
    }
    const isLocal = !global && (variant === "local" || ((variant === "declare" || variant === "typeset") && st.frames.length > 0));
    if (isLocal) {
      if (st.readonly.has(name)) {
        say(ctx, `${variant}: ${name}: readonly variable`);
        status = 1;
        continue;
      }
      st.makeLocal(name);
      if (!assign || !assign.append) {
        st.vars.delete(name);
        st.arrays.delete(name);
      }
    }
    if (assoc || indexed) {
      const have = st.arrays.get(name);
      if (have && have.assoc !== assoc && !assign?.array) {
        if (assoc && !have.assoc) {
          say(ctx, `${variant}: ${name}: cannot convert indexed to associative array`);
          status = 1;
          continue;
        }
      }
      if (!have || have.assoc !== assoc) {
        const v = st.vars.get(name);
        st.vars.delete(name);
        st.arrays.set(name, { assoc, items: v !== undefined && !assoc ? new Map([["0", v]]) : new Map() });
      }
    }
    if (assign) {
      if (!(await ctx.sh.assign(assign, ctx.io, assoc))) {
        status = 1;
        continue;
      }
    } else if (value !== null) {
      if (st.readonly.has(name)) {
        say(ctx, `${name}: readonly variable`);
        status = 1;
        continue;
      }
      ctx.sh.setVar(name, value);
    }
    if (exporting) st.exported.add(name);
    if (unexport) st.exported.delete(name);
    if (readonly) st.readonly.add(name);
  }
  if (named === 0 && (variant === "readonly" || variant === "export")) unsupportedUse(ctx, `listing with \`${variant}\``);
  return status;
};

export const BUILTINS: Record<string, Builtin> = {
  ":": () => 0,
  true: () => 0,
  false: () => 1,
  test: test(false),
  "[": test(true),
  sleep,
  read,
  set,
  export: decl,
  local: decl,
  declare: decl,
  typeset: decl,
  readonly: decl,
  break: loopControl("break"),
  continue: loopControl("continue"),
  exit: (ctx, argv) => {
    const s = statusArg(ctx, "exit", argv[1]);
    throw new ExitSignal(s ?? 2);
  },
  return: (ctx, argv) => {
    if (ctx.sh.state.frames.length === 0) {
      say(ctx, "return: can only `return' from a function or sourced script");
      return 2;
    }
    throw new ReturnSignal(statusArg(ctx, "return", argv[1]) ?? 2);
  },
  shift: (ctx, argv) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 0 || n > ctx.sh.state.positional.length) return 1;
    ctx.sh.state.positional = ctx.sh.state.positional.slice(n);
    return 0;
  },
  unset: (ctx, argv) => {
    const fn = argv[1] === "-f";
    const st = ctx.sh.state;
    let status = 0;
    for (const n of argv.slice(argv[1] === "-f" || argv[1] === "-v" ? 2 : 1)) {
      if (fn) {
        st.funcs.delete(n);
        continue;
      }
      const el = /^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$/.exec(n);
      const base = el ? el[1]! : n;
      if (!el && !NAME.test(n)) {
        say(ctx, `unset: \`${n}': not a valid identifier`);
        status = 1;
        continue;
      }
      if (st.readonly.has(base)) {
        say(ctx, `unset: ${base}: cannot unset: readonly variable`);
        status = 1;
        continue;
      }
      if (el) {
        const arr = st.arrays.get(base);
        if (arr) arr.items.delete(arr.assoc ? el[2]! : String(Number(el[2]!)));
        else if (el[2] === "0" || el[2] === "@" || el[2] === "*") st.vars.delete(base);
        continue;
      }
      st.vars.delete(n);
      st.arrays.delete(n);
      st.exported.delete(n);
    }
    return status;
  },
  eval: (ctx, argv) => (argv.length > 1 ? ctx.sh.evalString(argv.slice(1).join(" "), ctx.io) : 0),
  trap,
  cd,
  pwd: (ctx) => {
    ctx.io.out(`${ctx.sh.state.cwd}\n`);
    return 0;
  },
  ...JOB_BUILTINS,
  ...Object.fromEntries(
    ["source", ".", "pushd", "popd", "exec", "alias", "mapfile", "readarray", "getopts", "bg", "fg", "disown", "ulimit", "umask"].map((n) => [
      n,
      ((ctx: BuiltinContext) => unsupportedUse(ctx, `the builtin \`${n}\``)) as Builtin,
    ]),
  ),
};

export { FatalError };

/** Linux's signal numbers, EXIT as 0. */
const SIGNALS = ["EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"];

/** `trap` lists by signal number, then DEBUG, ERR and RETURN. */
const trapOrder = (sig: string): number => (SIGNALS.includes(sig) ? SIGNALS.indexOf(sig) : 100 + ["DEBUG", "ERR", "RETURN"].indexOf(sig));

/** `trap ACTION COND...`, `trap - COND`, `trap` / `trap -p`: EXIT and ERR run; a signal's action is kept (nothing sends one). */
function trap(ctx: BuiltinContext, argv: string[]): number {
  const st = ctx.sh.state;
  let args = argv.slice(1);
  if (args[0] === "--") args = args.slice(1);
  const name = (s: string): string | null => {
    const u = s.toUpperCase().replace(/^SIG/, "");
    if (u === "ERR" || u === "DEBUG" || u === "RETURN") return u;
    if (/^\d+$/.test(s)) return SIGNALS[Number(s)] ?? null;
    return SIGNALS.includes(u) ? u : null;
  };
  if (args.length === 0 || args[0] === "-p") {
    const only = args.slice(1).map(name);
    for (const [sig, action] of [...st.traps].sort(([a], [b]) => trapOrder(a) - trapOrder(b))) {
      if (only.length && !only.includes(sig)) continue;
      ctx.io.out(`trap -- '${action.replace(/'/g, "'\\''")}' ${SIGNALS.includes(sig) && sig !== "EXIT" ? `SIG${sig}` : sig}\n`);
    }
    return 0;
  }
  if (args[0]!.startsWith("-") && args[0] !== "-") unsupportedUse(ctx, `trap ${args[0]}`);
  let action: string | null = args[0]!;
  let conds = args.slice(1);
  if (conds.length === 0 || /^\d+$/.test(action)) {
    conds = args;
    action = null;
  } else if (action === "-") action = null;
  let status = 0;
  for (const c of conds) {
    const n = name(c);
    if (n === null) {
      say(ctx, `trap: ${c}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (n === "DEBUG" || n === "RETURN") unsupportedUse(ctx, `trap ... ${n}`);
    if (action === null) st.traps.delete(n);
    else st.traps.set(n, action);
  }
  return status;
}

/** cd: the working directory moves within the host's files; a directory the host does not model is refused. */
function cd(ctx: BuiltinContext, argv: string[]): number {
  const st = ctx.sh.state;
  let args = argv.slice(1);
  if (args[0] === "--") args = args.slice(1);
  if (args.length > 1) {
    say(ctx, "cd: too many arguments");
    return 1;
  }
  const given = args[0] ?? ctx.sh.lookup("HOME");
  if (given === undefined) {
    say(ctx, "cd: HOME not set");
    return 1;
  }
  const print = given === "-";
  const target = print ? ctx.sh.lookup("OLDPWD") : given;
  if (target === undefined) {
    say(ctx, "cd: OLDPWD not set");
    return 1;
  }
  if (target === "") return 0;
  const path = normalizePath(ctx.sh.resolve(target));
  const kind = ctx.sh.stat(path, ctx.io);
  if (kind !== "dir") {
    say(ctx, `cd: ${target}: ${kind === null ? "No such file or directory" : "Not a directory"}`);
    return 1;
  }
  ctx.sh.setVar("OLDPWD", st.cwd);
  st.cwd = path;
  ctx.sh.setVar("PWD", path);
  if (print) ctx.io.out(`${path}\n`);
  return 0;
}

