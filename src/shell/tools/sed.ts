// GNU sed (4.9): the commands lab scripts use, over the lines of its inputs,
// with GNU's messages. What it does not model (w, r, e, l, -z, -s, the M
// flag...) is refused, never approximated.
import { breToJs, posixClasses } from "./grep.js";
import { fail, inputs, Output, unsupportedOption, type Tool, type ToolResult } from "./tool.js";

type Addr = { kind: "line"; n: number } | { kind: "last" } | { kind: "re"; re: RegExp | null } | { kind: "step"; first: number; step: number } | { kind: "plus"; n: number };

interface Cmd {
  a1: Addr | null;
  a2: Addr | null;
  neg: boolean;
  name: string;
  /** s: the regex, the replacement, the flags. */
  re?: RegExp | null;
  repl?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  label?: string;
  exit?: number;
  y?: Map<string, string>;
  /** `{`: the index of its `}`; `b`/`t`: the index jumped to. */
  jump?: number;
  /** A range's state: active, and the line it ends at for addr,+N. */
  active?: boolean;
  endLine?: number;
}

class SedError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

const usage = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n";

function translate(re: string, extended: boolean): string {
  const src = posixClasses(extended ? re : breToJs(re));
  return src.replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\`/g, "^").replace(/\\'/g, "$");
}

/** Parses a script the way compile.c does, counting characters for its messages. */
function compile(script: string, extended: boolean, expr: number): Cmd[] {
  const cmds: Cmd[] = [];
  let i = 0;
  const err = (msg: string): never => {
    throw new SedError(`sed: -e expression #${expr}, char ${i}: ${msg}\n`);
  };
  const ws = () => {
    while (i < script.length && /[ \t]/.test(script[i]!)) i++;
  };
  const delimited = (delim: string, what: string): string => {
    let out = "";
    for (;;) {
      if (i >= script.length) return err(`unterminated ${what}`);
      const c = script[i++]!;
      if (c === "\\" && i < script.length) {
        const n = script[i++]!;
        out += n === delim && delim !== "&" ? (/[.*[\]^$+?(){}|/]/.test(n) && n !== "/" ? `\\${n}` : n) : n === "n" ? "\\n" : `\\${n}`;
        continue;
      }
      if (c === delim) return out;
      if (c === "\n" && what !== "`y' command") return err(`unterminated ${what}`);
      out += c;
    }
  };
  const regex = (src: string, flags: string): RegExp | null => {
    if (src === "") return null;
    try {
      return new RegExp(translate(src, extended), flags);
    } catch {
      const opens = (src.match(extended ? /(?<!\\)\(/g : /\\\(/g) ?? []).length;
      const closes = (src.match(extended ? /(?<!\\)\)/g : /\\\)/g) ?? []).length;
      return err(opens > closes ? "Unmatched ( or \\(" : opens < closes ? "Unmatched ) or \\)" : "Invalid preceding regular expression");
    }
  };
  const address = (): Addr | null => {
    const c = script[i];
    if (c === undefined) return null;
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(script.slice(i))![0];
      i += m.length;
      if (script[i] === "~") {
        i++;
        const s = /^[0-9]*/.exec(script.slice(i))![0];
        i += s.length;
        return { kind: "step", first: Number(m), step: Number(s || 0) };
      }
      return { kind: "line", n: Number(m) };
    }
    if (c === "$") {
      i++;
      return { kind: "last" };
    }
    if (c === "/" || c === "\\") {
      i++;
      const delim = c === "\\" ? script[i++]! : "/";
      const src = delimited(delim, "address regex");
      let flags = "";
      while (script[i] === "I" || script[i] === "M") {
        if (script[i] === "M") unsupportedOption("sed", "the M address flag");
        flags += "i";
        i++;
      }
      return { kind: "re", re: regex(src, flags) };
    }
    return null;
  };
  const text = (): string => {
    // a\ text, a text (GNU one-liner); a backslash-newline goes on to the next line.
    ws();
    if (script[i] === "\\") {
      i++;
      if (script[i] === "\n") i++;
    }
    let out = "";
    while (i < script.length && script[i] !== "\n") {
      if (script[i] === "\\" && i + 1 < script.length) {
        i++;
        out += script[i] === "\n" ? "\n" : script[i];
        i++;
        continue;
      }
      out += script[i++];
    }
    return out;
  };
  const label = (): string => {
    ws();
    const m = /^[^;\n}]*/.exec(script.slice(i))![0];
    i += m.length;
    return m.trim();
  };
  const blocks: number[] = [];
  for (;;) {
    while (i < script.length && /[ \t\n;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    const cmd: Cmd = { a1: null, a2: null, neg: false, name: "" };
    cmd.a1 = address();
    if (cmd.a1 && script[i] === ",") {
      i++;
      if (script[i] === "+") {
        i++;
        const m = /^[0-9]+/.exec(script.slice(i))?.[0];
        if (!m) err("unexpected `,'");
        i += m!.length;
        cmd.a2 = { kind: "plus", n: Number(m) };
      } else {
        cmd.a2 = address();
        if (!cmd.a2) err("unexpected `,'");
      }
    }
    ws();
    while (script[i] === "!") {
      cmd.neg = true;
      i++;
      ws();
    }
    const name = script[i++];
    if (name === undefined) return err("missing command");
    if (cmd.a1?.kind === "line" && cmd.a1.n === 0 && !(cmd.a2?.kind === "re")) err("invalid usage of line address 0");
    cmd.name = name;
    switch (name) {
      case "{":
        blocks.push(cmds.length);
        break;
      case "}":
        if (cmd.a1) err("} doesn't want any addresses");
        if (!blocks.length) err("unexpected `}'");
        cmds[blocks.pop()!]!.jump = cmds.length;
        break;
      case "s": {
        const delim = script[i++];
        if (delim === undefined || delim === "\n" || delim === "\\") return err("unterminated `s' command");
        const pat = delimited(delim, "`s' command");
        const repl = delimited(delim, "`s' command");
        cmd.repl = repl;
        let flags = "";
        for (;;) {
          const f = script[i];
          if (f === "g") cmd.global = true;
          else if (f === "p") cmd.print = true;
          else if (f === "I" || f === "i") flags += "i";
          else if (f !== undefined && /[0-9]/.test(f)) {
            const m = /^[0-9]+/.exec(script.slice(i))![0];
            if (Number(m) === 0) {
              i++;
              err("number option to `s' command may not be zero");
            }
            cmd.nth = Number(m);
            i += m.length - 1;
          } else if (f === "w" || f === "e" || f === "m" || f === "M") unsupportedOption("sed", `the s flag ${f}`);
          else break;
          i++;
        }
        cmd.re = regex(pat, flags + "g");
        break;
      }
      case "y": {
        const delim = script[i++]!;
        const a = [...delimited(delim, "`y' command").replace(/\\(.)/g, "$1")];
        const b = [...delimited(delim, "`y' command").replace(/\\(.)/g, "$1")];
        if (a.length !== b.length) err("strings for `y' command are different lengths");
        cmd.y = new Map(a.map((c, k) => [c, b[k]!]));
        break;
      }
      case "a":
      case "i":
      case "c":
        cmd.text = text();
        break;
      case "b":
      case "t":
      case "T":
        cmd.label = label();
        break;
      case ":":
        if (cmd.a1) err(": doesn't want any addresses");
        cmd.label = label();
        if (!cmd.label) err("\":\" lacks a label");
        break;
      case "q":
      case "Q": {
        ws();
        const m = /^[0-9]*/.exec(script.slice(i))![0];
        i += m.length;
        cmd.exit = Number(m || 0);
        break;
      }
      case "p":
      case "d":
      case "D":
      case "n":
      case "N":
      case "P":
      case "h":
      case "H":
      case "g":
      case "G":
      case "x":
      case "=":
      case "z":
        break;
      case "l":
      case "w":
      case "W":
      case "r":
      case "R":
      case "e":
      case "F":
      case "v":
        unsupportedOption("sed", `the command ${name}`);
        break;
      default:
        return err(`unknown command: \`${name}'`);
    }
    cmds.push(cmd);
    ws();
    const next = script[i];
    if (next !== undefined && next !== ";" && next !== "\n" && next !== "}" && name !== "}" && name !== "{") {
      i++;
      if (name === "s") err("unknown option to `s'");
      else err(`extra characters after command`);
    }
  }
  if (blocks.length) {
    i = 0;
    err("unmatched `{'");
  }
  for (const c of cmds) {
    if (c.name !== "b" && c.name !== "t" && c.name !== "T") continue;
    if (!c.label) c.jump = cmds.length;
    else {
      const at = cmds.findIndex((d) => d.name === ":" && d.label === c.label);
      if (at < 0) throw new SedError(`sed: can't find label for jump to \`${c.label}'\n`, 4);
      c.jump = at;
    }
  }
  return cmds;
}

/** The replacement of one match: & and \1..\9, \n, and GNU's \U \L \u \l \E. */
function substitute(repl: string, m: RegExpExecArray): string {
  let out = "";
  let mode: "" | "U" | "L" = "";
  let once: "" | "u" | "l" = "";
  const add = (s: string) => {
    for (const ch of s) {
      let c = mode === "U" ? ch.toUpperCase() : mode === "L" ? ch.toLowerCase() : ch;
      if (once) {
        c = once === "u" ? c.toUpperCase() : c.toLowerCase();
        once = "";
      }
      out += c;
    }
  };
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === "&") add(m[0]);
    else if (c === "\\" && i + 1 < repl.length) {
      const n = repl[++i]!;
      if (/[0-9]/.test(n)) add(m[Number(n)] ?? "");
      else if (n === "n") add("\n");
      else if (n === "t") add("\t");
      else if (n === "U" || n === "L") mode = n;
      else if (n === "E") mode = "";
      else if (n === "u" || n === "l") once = n;
      else add(n);
    } else add(c);
  }
  return out;
}

export const sed: Tool = (args, io): ToolResult => {
  let quiet = false;
  let extended = false;
  let inPlace = false;
  const scripts: string[] = [];
  const operands: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === "--") {
      operands.push(...args.slice(k + 1));
      break;
    }
    if (a === "--quiet" || a === "--silent") quiet = true;
    else if (a === "--regexp-extended") extended = true;
    else if (a.startsWith("--expression=")) scripts.push(a.slice(13));
    else if (a === "--in-place") inPlace = true;
    else if (a.startsWith("--")) return unsupportedOption("sed", `the option ${a}`);
    else if (a.startsWith("-") && a !== "-") {
      for (let j = 1; j < a.length; j++) {
        const o = a[j]!;
        if (o === "n") quiet = true;
        else if (o === "E" || o === "r") extended = true;
        else if (o === "i") {
          if (j + 1 < a.length) return unsupportedOption("sed", "-i with a backup suffix");
          inPlace = true;
        } else if (o === "e") {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++k];
          if (v === undefined) return fail(1, `sed: option requires an argument -- 'e'\n${usage}`);
          scripts.push(v);
          break;
        } else return unsupportedOption("sed", `the option -${o}`);
      }
    } else operands.push(a);
  }
  if (scripts.length === 0) {
    if (operands.length === 0) return fail(1, usage);
    scripts.push(operands.shift()!);
  }
  let cmds: Cmd[];
  try {
    cmds = compile(scripts.join("\n"), extended, 1);
  } catch (e) {
    if (e instanceof SedError) return fail(e.status, e.message);
    throw e;
  }
  if (inPlace) {
    if (operands.length === 0) return fail(1, "sed: no input files\n");
    let stderr = "";
    let status = 0;
    for (const f of operands) {
      const path = io.resolve ? io.resolve(f) : f;
      const r = io.readFile(f);
      if (r === null || !io.fs || io.fs.stat(path) === null) return unsupportedOption("sed", `-i on the file ${f}`);
      if (!r.ok) {
        stderr += `sed: can't read ${f}: ${r.error}\n`;
        status = 2;
        continue;
      }
      const out = run(cmds, [r.content], quiet, io);
      io.fs.write(path, out.stdout, false);
      if (out.quit !== null) return { status: out.quit, stdout: "", stderr };
    }
    return { status, stdout: "", stderr };
  }
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return unsupportedOption("sed", `reading the file ${unsupported}`);
  let stderr = "";
  let status = 0;
  const texts: string[] = [];
  for (const i of ins) {
    if (i.read.ok) texts.push(i.read.content);
    else {
      stderr += i.read.error === "Is a directory" ? `sed: couldn't edit ${i.name}: not a regular file\n` : `sed: can't read ${i.name}: ${i.read.error}\n`;
      status = 2;
    }
  }
  const out = run(cmds, texts, quiet, io);
  return { status: out.quit ?? status, stdout: out.stdout, stderr };
};

function run(cmds: Cmd[], texts: string[], quiet: boolean, io: Parameters<Tool>[1]): { stdout: string; quit: number | null } {
  // The lines of all inputs as one stream; a line that had no newline keeps none.
  const lines: Array<{ text: string; nl: boolean }> = [];
  for (const t of texts) {
    if (t === "") continue;
    const parts = t.split("\n");
    const last = parts.pop()!;
    for (const p of parts) lines.push({ text: p, nl: true });
    if (last !== "") lines.push({ text: last, nl: false });
  }
  const out = Output.for(io, "sed");
  let lastRe: RegExp | null = null;
  let hold = "";
  let n = 0;
  let quit: number | null = null;
  for (const c of cmds) c.active = false;
  const useRe = (re: RegExp | null | undefined): RegExp => {
    if (re) lastRe = re;
    if (!lastRe) throw new SedError("sed: no previous regular expression\n");
    return lastRe;
  };
  const matchAddr = (a: Addr, line: number, ps: string): boolean => {
    switch (a.kind) {
      case "line":
        return line === a.n;
      case "last":
        return line === lines.length;
      case "step":
        return a.step <= 0 ? line === a.first : line >= a.first && (line - a.first) % a.step === 0;
      case "re": {
        const re = useRe(a.re);
        re.lastIndex = 0;
        return new RegExp(re.source, re.flags.replace("g", "")).test(ps);
      }
      case "plus":
        return false;
    }
  };
  const selected = (c: Cmd, line: number, ps: string): boolean => {
    if (!c.a1) return true;
    if (!c.a2) return matchAddr(c.a1, line, ps) !== c.neg;
    let hit: boolean;
    if (c.active) {
      hit = true;
      const a2 = c.a2;
      if (a2.kind === "line") {
        if (line >= a2.n) c.active = false;
        if (line > a2.n) hit = true;
      } else if (a2.kind === "plus") {
        if (line >= c.endLine!) c.active = false;
      } else if (matchAddr(a2, line, ps)) c.active = false;
    } else if (matchAddr(c.a1, line, ps) || (c.a1.kind === "line" && c.a1.n === 0 && c.a2.kind === "re" && line === 1 && false)) {
      hit = true;
      const a2 = c.a2;
      if (a2.kind === "line") c.active = a2.n > line;
      else if (a2.kind === "plus") {
        c.endLine = line + a2.n;
        c.active = a2.n > 0;
      } else if (a2.kind === "last") c.active = line !== lines.length;
      else c.active = true;
    } else hit = false;
    return hit !== c.neg;
  };
  try {
    let idx = 0;
    let ps = "";
    let nl = true;
    let append: string[] = [];
    const flushAppend = () => {
      for (const a of append) out.add(a + "\n");
      append = [];
    };
    const emit = (text: string, withNl: boolean) => out.add(withNl ? text + "\n" : text);
    let carry: string | null = null;
    let flag = false;
    cycle: while (carry !== null || idx < lines.length) {
      if (carry !== null) {
        ps = carry;
        carry = null;
      } else {
        ps = lines[idx]!.text;
        nl = lines[idx]!.nl;
        n = ++idx;
        flag = false;
      }
      let deleted = false;
      let restart = false;
      for (let pc = 0; pc < cmds.length; pc++) {
        const c = cmds[pc]!;
        if (c.name === "}" || c.name === ":") continue;
        if (!selected(c, n, ps)) {
          if (c.name === "{") pc = c.jump!;
          continue;
        }
        switch (c.name) {
          case "{":
            break;
          case "s": {
            const re = useRe(c.re);
            const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
            let count = 0;
            let replaced = false;
            const res = ps.replace(g, (...m: unknown[]) => {
              const groups = m.slice(0, -2) as string[];
              count++;
              if ((replaced && !c.global) || count < (c.nth ?? 1)) return groups[0]!;
              replaced = true;
              return substitute(c.repl!, Object.assign([...groups], { index: 0, input: ps }) as unknown as RegExpExecArray);
            });
            if (!replaced) break;
            flag = true;
            ps = res;
            if (c.print) emit(ps, true);
            break;
          }
          case "p":
            emit(ps, true);
            break;
          case "P":
            emit(ps.split("\n")[0]!, true);
            break;
          case "d":
            deleted = true;
            break;
          case "D":
            if (!ps.includes("\n")) deleted = true;
            else {
              ps = ps.slice(ps.indexOf("\n") + 1);
              restart = true;
            }
            break;
          case "=":
            out.add(`${n}\n`);
            break;
          case "a":
            append.push(c.text!);
            break;
          case "i":
            out.add(c.text! + "\n");
            break;
          case "c":
            if (!c.a2 || !c.active) out.add(c.text! + "\n");
            deleted = true;
            break;
          case "y":
            ps = [...ps].map((ch) => c.y!.get(ch) ?? ch).join("");
            break;
          case "h":
            hold = ps;
            break;
          case "H":
            hold += "\n" + ps;
            break;
          case "g":
            ps = hold;
            break;
          case "G":
            ps += "\n" + hold;
            break;
          case "x":
            [ps, hold] = [hold, ps];
            break;
          case "z":
            ps = "";
            break;
          case "n":
            if (idx >= lines.length) {
              if (!quiet) emit(ps, nl);
              flushAppend();
              break cycle;
            }
            if (!quiet) emit(ps, true);
            flushAppend();
            ps = lines[idx]!.text;
            nl = lines[idx]!.nl;
            n = ++idx;
            break;
          case "N":
            if (idx >= lines.length) {
              if (!quiet) emit(ps, nl);
              flushAppend();
              break cycle;
            }
            ps += "\n" + lines[idx]!.text;
            nl = lines[idx]!.nl;
            n = ++idx;
            break;
          case "b":
            pc = c.jump! - 1;
            break;
          case "t":
            if (flag) {
              flag = false;
              pc = c.jump! - 1;
            }
            break;
          case "T":
            if (!flag) pc = c.jump! - 1;
            else flag = false;
            break;
          case "q":
            if (!quiet) emit(ps, nl);
            flushAppend();
            quit = c.exit!;
            break cycle;
          case "Q":
            quit = c.exit!;
            break cycle;
        }
        if (deleted || restart) break;
      }
      if (restart) {
        // D with a newline: the rest of the pattern space starts the next cycle without reading.
        carry = ps;
        flushAppend();
        continue;
      }
      if (!deleted && !quiet) emit(ps, nl);
      flushAppend();
    }
  } catch (e) {
    if (e instanceof SedError) return { stdout: out.toString(), quit: 4 };
    throw e;
  }
  return { stdout: out.toString(), quit };
}
