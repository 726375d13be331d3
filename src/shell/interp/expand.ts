import type { ParamPart, Stmt, Word, WordPart } from "../parse/ast.js";
import { ArithError, evalArith } from "./arith.js";
import { braceExpand } from "./brace.js";
import { checkString, type ShellLimits } from "./limits.js";
import { globToRegExpSource, quoteGlob } from "./pattern.js";

/** What expansion needs from the shell's state. */
export interface ExpandEnv {
  /** A variable or special parameter ($?, $#, $1...); undefined when unset. */
  lookup(name: string): string | undefined;
  positional(): string[];
  assign(name: string, value: string): void;
  nounset(): boolean;
  substitute(stmts: Stmt[]): Promise<string>;
  limits: ShellLimits;
  /** Ends the script as bash does on an expansion error: prints `FILE: line N: message`, status 1. */
  fail(message: string): never;
  /** An array's element (an indexed array's key is its index in decimal); a scalar is element 0. */
  element(name: string, key: string): string | undefined;
  assignElement(name: string, key: string, value: string): void;
  isAssoc(name: string): boolean;
  /** An array's keys and values in order; a set scalar is one element at 0; null when unset. */
  array(name: string): { keys: string[]; values: string[] } | null;
  /** Variable names that begin with a prefix, sorted (`${!P*}`). */
  names(prefix: string): string[];
}

/** A run of expanded text: quoted text is never split; `split` marks unquoted expansion results. */
type Piece = { text: string; quoted: boolean; split: boolean } | { boundary: true };

const IFS_RUN = /[ \t\n]+/;

export async function expandFields(env: ExpandEnv, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  // One by one: a word may expand to more fields than a call's arguments can hold (`$(seq 1 150000)`).
  for (const braced of words) for (const w of braceExpand(braced)) for (const f of fieldsOf(env, await pieces(env, w.parts, false))) out.push(f);
  return out;
}

/** One string, no field splitting: assignments, redirection targets, [[ ]] operands. */
export async function expandString(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(env, await pieces(env, word.parts, false), false);
}

/** A glob pattern: text from quotes matches literally. */
export async function expandPattern(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(env, await pieces(env, word.parts, false, false, true), true);
}

/** A pattern inside a parameter expansion (`${x#pat}`, `${x/pat/}`). */
async function patternOf(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(env, await pieces(env, word.parts, false, false, true), true);
}

/** Each piece is within the string limit; a word made of many of them is checked before it is made. */
function checkWord(env: ExpandEnv, ps: Piece[]): void {
  let n = 0;
  for (const p of ps) n += "boundary" in p ? 1 : p.text.length;
  checkString(env.limits, n, "a word");
}

function joinPieces(env: ExpandEnv, ps: Piece[], pattern: boolean): string {
  checkWord(env, ps);
  return ps.map((p) => ("boundary" in p ? " " : pattern && p.quoted ? quoteGlob(p.text) : p.text)).join("");
}

function fieldsOf(env: ExpandEnv, ps: Piece[]): string[] {
  checkWord(env, ps);
  const out: string[] = [];
  let cur: string | null = null;
  for (const p of ps) {
    if ("boundary" in p) {
      if (cur !== null) out.push(cur);
      cur = null;
      continue;
    }
    if (!p.split) {
      cur = (cur ?? "") + p.text;
      continue;
    }
    const parts = p.text.split(IFS_RUN);
    for (let k = 0; k < parts.length; k++) {
      if (k > 0) {
        if (cur !== null) out.push(cur);
        cur = null;
      }
      if (parts[k] !== "") cur = (cur ?? "") + parts[k];
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

function unescapeUnquoted(s: string): string {
  return s.replace(/\\([\s\S])/g, "$1");
}

function unescapeDouble(s: string): string {
  return s.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === "\n" ? "" : c));
}

/** A here-document's body: `"` is a plain character there. */
function unescapeHeredoc(s: string): string {
  return s.replace(/\\([$`\\\n])/g, (_m, c: string) => (c === "\n" ? "" : c));
}

async function pieces(env: ExpandEnv, parts: WordPart[], inDq: boolean, heredoc = false, pattern = false): Promise<Piece[]> {
  const out: Piece[] = [];
  for (const [i, part] of parts.entries()) {
    switch (part.kind) {
      case "lit": {
        // A leading `~` or `~/` is the home directory.
        if (i === 0 && !inDq && /^~(\/|$)/.test(part.value)) {
          out.push({ text: env.lookup("HOME") ?? "~", quoted: true, split: false });
          const rest = part.value.slice(1);
          if (rest) out.push({ text: pattern ? rest : unescapeUnquoted(rest), quoted: false, split: false });
          break;
        }
        // In a pattern an unquoted backslash keeps the next character literal: the glob sees it escaped.
        out.push({ text: heredoc ? unescapeHeredoc(part.value) : inDq ? unescapeDouble(part.value) : pattern ? part.value : unescapeUnquoted(part.value), quoted: inDq, split: false });
        break;
      }
      case "sq":
        out.push({ text: part.value, quoted: true, split: false });
        break;
      case "dq":
        if (part.parts.length === 1 && isAt(part.parts[0]!) && (await listOf(env, part.parts[0] as ParamPart))?.length === 0) break;
        out.push({ text: "", quoted: true, split: false });
        for (const q of await pieces(env, part.parts, true, part.heredoc)) out.push(q);
        break;
      case "param":
        for (const q of await param(env, part, inDq)) out.push(q);
        break;
      case "cmdsubst": {
        const text = (await env.substitute(part.stmts)).replace(/\n+$/, "");
        out.push({ text, quoted: inDq, split: !inDq });
        break;
      }
      case "arith": {
        let v: bigint;
        try {
          v = await evalArith(env, part.expr);
        } catch (e) {
          if (e instanceof ArithError) env.fail(`${e.expr ?? (part.src ?? "").trim()}: ${e.message}`);
          throw e;
        }
        out.push({ text: String(v), quoted: inDq, split: !inDq });
        break;
      }
    }
  }
  return out;
}

function isAt(p: WordPart): boolean {
  return p.kind === "param" && !p.length && (p.name === "@" || p.index?.parts.length === 1 && isAtWord(p.index));
}

function isAtWord(w: Word): boolean {
  const only = w.parts[0];
  return w.parts.length === 1 && only?.kind === "lit" && only.value === "@";
}

function isStarWord(w: Word | null | undefined): boolean {
  const only = w?.parts[0];
  return w?.parts.length === 1 && only?.kind === "lit" && only.value === "*";
}

/** `$@`, `$*`, `${a[@]}`, `${a[*]}`, `${!a[@]}`, `${!P*}`: a list of values, each then changed by the expansion's operator; null for a single value. */
async function listOf(env: ExpandEnv, p: ParamPart): Promise<string[] | null> {
  let list: string[] | null = null;
  if (p.names) list = env.names(p.name);
  else if ((p.name === "@" || p.name === "*") && !p.index) list = env.positional();
  else if (p.index && (isAtWord(p.index) || isStarWord(p.index))) {
    const a = env.array(p.name);
    list = p.excl ? (a?.keys ?? []) : (a?.values ?? []);
  }
  if (list === null) return null;
  if (p.slice) {
    const positional = p.name === "@" || p.name === "*";
    let off = Number(await evalArith(env, p.slice.offset));
    // $@ counts $0 as its element 0.
    const all = positional && !p.index ? [env.lookup("0") ?? "", ...list] : list;
    if (positional && !p.index && off === 0) off = 0;
    else if (positional && !p.index && off < 0) off = all.length + off;
    else if (off < 0) off = all.length + off;
    const from = positional && !p.index ? off : off;
    if (off < 0) return [];
    const len = p.slice.length ? Number(await evalArith(env, p.slice.length)) : Infinity;
    if (len < 0) env.fail(`${p.slice.length ? "" : ""}${len}: substring expression < 0`);
    list = all.slice(from, from + len);
  }
  const out: string[] = [];
  for (const v of list) out.push(await operate(env, p, v, v !== undefined));
  return out;
}

async function param(env: ExpandEnv, p: ParamPart, inDq: boolean): Promise<Piece[]> {
  if (p.length) return [{ text: String(await lengthOf(env, p)), quoted: inDq, split: !inDq }];
  const list = await listOf(env, p);
  if (list !== null && !(p.op && ["-", ":-", "+", ":+", "=", ":=", "?", ":?"].includes(p.op))) {
    const star = p.name === "*" || isStarWord(p.index) || p.names === "*";
    if (inDq && !star) {
      const out: Piece[] = [];
      list.forEach((a, i) => {
        if (i > 0) out.push({ boundary: true });
        out.push({ text: a, quoted: true, split: false });
      });
      return out;
    }
    if (!inDq) {
      const out: Piece[] = [];
      list.forEach((a, i) => {
        if (i > 0) out.push({ boundary: true });
        out.push({ text: a, quoted: false, split: true });
      });
      return out;
    }
    return [{ text: list.join(" "), quoted: true, split: false }];
  }
  const value = await paramValue(env, p, list);
  return [{ text: value, quoted: inDq, split: !inDq }];
}

/** The variable's value: `${!X}` follows the name X holds; `${a[i]}` reads an element. */
async function valueOf(env: ExpandEnv, p: ParamPart): Promise<string | undefined> {
  let name = p.name;
  if (p.excl && !p.names) {
    const target = env.lookup(name);
    if (target === undefined) env.fail(`${name}: invalid indirect expansion`);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(target);
    if (!m && !/^([0-9]+|[@*#?$!-])$/.test(target)) env.fail(`${target}: invalid variable name`);
    if (m?.[2] !== undefined) return env.element(m[1]!, env.isAssoc(m[1]!) ? m[2] : String(await evalArith(env, { kind: "num", word: { pos: { line: 0, col: 0 }, parts: [{ kind: "sq", value: m[2] }] } })));
    name = m ? m[1]! : target;
  }
  if (p.index && !p.excl) return env.element(name, await keyOf(env, name, p.index));
  return name === "@" || name === "*" ? env.positional().join(" ") : env.lookup(name);
}

async function keyOf(env: ExpandEnv, name: string, index: Word): Promise<string> {
  if (env.isAssoc(name)) return expandString(env, index);
  const only = index.parts.length === 1 ? index.parts[0]! : null;
  let n: bigint;
  try {
    n = only?.kind === "arith" ? await evalArith(env, only.expr) : await evalArith(env, { kind: "num", word: index });
  } catch (e) {
    if (e instanceof ArithError) env.fail(`${await expandString(env, index)}: ${e.message}`);
    throw e;
  }
  if (n < 0n) {
    const a = env.array(name);
    const last = a && a.keys.length ? Number(a.keys[a.keys.length - 1]) : -1;
    const k = last + 1 + Number(n);
    if (k < 0) return "-1";
    return String(k);
  }
  return String(n);
}

async function paramValue(env: ExpandEnv, p: ParamPart, list: string[] | null): Promise<string> {
  const value = list !== null ? (list.length ? list.join(" ") : undefined) : await valueOf(env, p);
  const arg = async (): Promise<string> => (p.arg ? joinPieces(env, await pieces(env, p.arg.parts, false), false) : "");
  const unsetOrNull = value === undefined || (p.op !== null && p.op.startsWith(":") && value === "");
  switch (p.op) {
    case ":-":
    case "-":
      return unsetOrNull ? arg() : value!;
    case ":=":
    case "=": {
      if (!unsetOrNull) return value!;
      const v = await arg();
      env.assign(p.name, v);
      return v;
    }
    case ":+":
    case "+":
      return unsetOrNull ? "" : arg();
    case ":?":
    case "?":
      if (unsetOrNull) env.fail(`${p.name}: ${(await arg()) || (p.op === "?" ? "parameter not set" : "parameter null or not set")}`);
      return value!;
  }
  if (value === undefined && env.nounset() && !["@", "*"].includes(p.name)) env.fail(`${p.index ? `${p.name}[${await expandString(env, p.index)}]` : p.name}: unbound variable`);
  return operate(env, p, value ?? "", value !== undefined);
}

/** The operators that change a value: trimming, replacing, slicing, case, @Q. */
async function operate(env: ExpandEnv, p: ParamPart, value: string, set: boolean): Promise<string> {
  if (p.slice && !(p.name === "@" || p.name === "*" || (p.index && (isAtWord(p.index) || isStarWord(p.index))))) {
    const chars = [...value];
    let off = Number(await evalArith(env, p.slice.offset));
    if (off < 0) off = chars.length + off;
    if (off < 0 || off > chars.length) return "";
    let end = chars.length;
    if (p.slice.length) {
      const len = Number(await evalArith(env, p.slice.length));
      end = len < 0 ? chars.length + len : off + len;
      if (end < off) env.fail(`${len}: substring expression < 0`);
    }
    value = chars.slice(off, end).join("");
  }
  if (p.repl) {
    const pat = await patternOf(env, p.repl.orig);
    const rep = p.repl.with ? joinPieces(env, await pieces(env, p.repl.with.parts, false), false) : "";
    value = replace(value, pat, rep, p.repl.all, p.repl.anchor);
  }
  switch (p.op) {
    case "#":
    case "##":
    case "%":
    case "%%":
      return trim(env, value, p.op, p.arg ? await patternOf(env, p.arg) : "");
    case "^^":
    case ",,":
    case "^":
    case ",": {
      const pat = p.arg && p.arg.parts.length ? await patternOf(env, p.arg) : "?";
      const re = new RegExp(`^(?:${globToRegExpSource(pat)})$`);
      const up = p.op[0] === "^";
      const chars = [...value];
      const n = p.op.length === 2 ? chars.length : Math.min(1, chars.length);
      for (let i = 0; i < n; i++) if (re.test(chars[i]!)) chars[i] = up ? chars[i]!.toUpperCase() : chars[i]!.toLowerCase();
      return chars.join("");
    }
    case "@": {
      const what = p.arg ? joinPieces(env, await pieces(env, p.arg.parts, false), false) : "";
      if (what === "Q") return set ? shellQuote(value) : "";
      if (what === "U") return value.toUpperCase();
      if (what === "L") return value.toLowerCase();
      if (what === "u") return value.charAt(0).toUpperCase() + value.slice(1);
      if (what === "E") return value.replace(/\\(.)/g, "$1");
      env.fail(`\${${p.name}@${what}}: bad substitution`);
    }
  }
  return value;
}

/** bash's `${X@Q}`: single-quoted, a quote as '\''. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

function replace(value: string, pattern: string, rep: string, all: boolean, anchor: "#" | "%" | null): string {
  const re = globToRegExpSource(pattern);
  if (pattern === "" && anchor === null) return value;
  if (anchor === "#") {
    const m = new RegExp(`^(?:${re})`).exec(value);
    return m ? rep + value.slice(m[0].length) : value;
  }
  if (anchor === "%") {
    for (let i = 0; i <= value.length; i++) if (new RegExp(`^(?:${re})$`).test(value.slice(i))) return value.slice(0, i) + rep;
    return value;
  }
  // Longest match at the leftmost place, as bash's match_pattern does.
  let out = "";
  let i = 0;
  while (i <= value.length) {
    let hit = -1;
    for (let j = value.length; j > i; j--) {
      if (new RegExp(`^(?:${re})$`).test(value.slice(i, j))) {
        hit = j;
        break;
      }
    }
    if (hit < 0) {
      if (i < value.length) out += value[i];
      i++;
      continue;
    }
    out += rep;
    i = hit;
    if (!all) return out + value.slice(i);
  }
  return out;
}

async function lengthOf(env: ExpandEnv, p: ParamPart): Promise<number> {
  if ((p.name === "@" || p.name === "*") && !p.index) return env.positional().length;
  if (p.index && (isAtWord(p.index) || isStarWord(p.index))) return env.array(p.name)?.values.length ?? 0;
  const value = await valueOf(env, p);
  if (value === undefined && env.nounset()) env.fail(`${p.name}: unbound variable`);
  return [...(value ?? "")].length;
}

function trim(env: ExpandEnv, value: string, op: "#" | "##" | "%" | "%%", pattern: string): string {
  const re = globToRegExpSource(pattern);
  const lazy = op === "#" || op === "%";
  if (op === "#" || op === "##") {
    const m = new RegExp(`^(?:${lazy ? re.replace(/\]\*/g, "]*?") : re})`).exec(value);
    return m ? value.slice(m[0].length) : value;
  }
  // Suffix removal: try each start position, earliest for %% (longest), latest for % (shortest).
  // Quadratic in the value's length, so it watches the clock.
  const anchored = new RegExp(`^(?:${re})$`);
  for (let k = 0; k <= value.length; k++) {
    if ((k & 1023) === 1023) env.limits.tick();
    const i = lazy ? value.length - k : k;
    if (anchored.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}
