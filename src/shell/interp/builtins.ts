import type { Command } from "../parse/ast.js";
import { expandString } from "./expand.js";
import type { Interpreter } from "./interpreter.js";
import { FatalError } from "./interpreter.js";
import type { Streams } from "./io.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./signals.js";
import { TestError, evalTestArgs } from "./test-expr.js";

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
      return evalTestArgs(args, (p) => ctx.sh.stat(p, ctx.io)) ? 0 : 1;
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
  await ctx.sh.host.sleep(total);
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
  const items: Array<{ name: string; value: string | null } | { word: string }> = [];
  if (d) {
    for (const it of d.items) {
      if (it.kind === "word") items.push({ word: await expandString(ctx.sh.expandEnv(ctx.io), it.word) });
      else {
        const v = it.assign.value ? await expandString(ctx.sh.expandEnv(ctx.io), it.assign.value) : "";
        items.push({ name: it.assign.name, value: it.assign.append ? (st.vars.get(it.assign.name) ?? "") + v : v });
      }
    }
  } else for (const w of argv.slice(1)) items.push({ word: w });
  let exporting = variant === "export";
  const isLocal = variant === "local" || ((variant === "declare" || variant === "typeset") && st.frames.length > 0);
  if (variant === "local" && st.frames.length === 0) {
    say(ctx, "local: can only be used in a function");
    return 1;
  }
  if (!["export", "local", "declare", "typeset", "readonly"].includes(variant)) unsupportedUse(ctx, `\`${variant}\``);
  let status = 0;
  for (const it of items) {
    let name: string;
    let value: string | null;
    if ("word" in it) {
      if (/^[-+][a-zA-Z]+$/.test(it.word)) {
        if (it.word === "-x" && variant !== "export") exporting = true;
        else if (!(variant === "readonly" && it.word === "-r") && !(variant === "declare" && it.word === "-r")) unsupportedUse(ctx, `${variant} ${it.word}`);
        continue;
      }
      const eq = it.word.indexOf("=");
      name = eq < 0 ? it.word : it.word.slice(0, eq);
      value = eq < 0 ? null : it.word.slice(eq + 1);
    } else ({ name, value } = it);
    if (!NAME.test(name)) {
      say(ctx, `${variant}: \`${"word" in it ? it.word : name}': not a valid identifier`);
      status = 1;
      continue;
    }
    if (isLocal) st.makeLocal(name);
    if (value !== null) ctx.sh.setVar(name, value);
    else if (isLocal && !st.vars.has(name)) st.vars.delete(name);
    if (exporting) st.exported.add(name);
  }
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
      return 1;
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
    for (const n of argv.slice(argv[1] === "-f" || argv[1] === "-v" ? 2 : 1)) {
      if (fn) ctx.sh.state.funcs.delete(n);
      else {
        ctx.sh.state.vars.delete(n);
        ctx.sh.state.exported.delete(n);
      }
    }
    return 0;
  },
  ...Object.fromEntries(
    ["eval", "source", ".", "cd", "pushd", "popd", "trap", "wait", "exec", "let", "alias", "mapfile", "readarray", "getopts", "kill", "jobs", "bg", "fg", "disown", "ulimit", "umask"].map((n) => [
      n,
      ((ctx: BuiltinContext) => unsupportedUse(ctx, `the builtin \`${n}\``)) as Builtin,
    ]),
  ),
};

export { FatalError };
