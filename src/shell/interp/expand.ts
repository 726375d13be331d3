import type { Stmt, Word, WordPart } from "../parse/ast.js";
import { evalArith } from "./arith.js";
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
}

/** A run of expanded text: quoted text is never split; `split` marks unquoted expansion results. */
type Piece = { text: string; quoted: boolean; split: boolean } | { boundary: true };

const IFS_RUN = /[ \t\n]+/;

export async function expandFields(env: ExpandEnv, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  // One by one: a word may expand to more fields than a call's arguments can hold (`$(seq 1 150000)`).
  for (const w of words) for (const f of fieldsOf(env, await pieces(env, w.parts, false))) out.push(f);
  return out;
}

/** One string, no field splitting: assignments, redirection targets, [[ ]] operands. */
export async function expandString(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(env, await pieces(env, word.parts, false), false);
}

/** A glob pattern: text from quotes matches literally. */
export async function expandPattern(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(env, await pieces(env, word.parts, false), true);
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

async function pieces(env: ExpandEnv, parts: WordPart[], inDq: boolean): Promise<Piece[]> {
  const out: Piece[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case "lit":
        out.push({ text: inDq ? unescapeDouble(part.value) : unescapeUnquoted(part.value), quoted: inDq, split: false });
        break;
      case "sq":
        out.push({ text: part.value, quoted: true, split: false });
        break;
      case "dq":
        if (part.parts.length === 1 && isAt(part.parts[0]!) && env.positional().length === 0) break;
        out.push({ text: "", quoted: true, split: false });
        for (const q of await pieces(env, part.parts, true)) out.push(q);
        break;
      case "param":
        for (const q of await param(env, part, inDq)) out.push(q);
        break;
      case "cmdsubst": {
        const text = (await env.substitute(part.stmts)).replace(/\n+$/, "");
        out.push({ text, quoted: inDq, split: !inDq });
        break;
      }
      case "arith":
        out.push({ text: String(await evalArith(env, part.expr)), quoted: inDq, split: !inDq });
        break;
    }
  }
  return out;
}

function isAt(p: WordPart): boolean {
  return p.kind === "param" && p.name === "@" && p.op === null && !p.length;
}

async function param(env: ExpandEnv, p: Extract<WordPart, { kind: "param" }>, inDq: boolean): Promise<Piece[]> {
  if (p.name === "@" && inDq && p.op === null && !p.length) {
    const out: Piece[] = [];
    env.positional().forEach((a, i) => {
      if (i > 0) out.push({ boundary: true });
      out.push({ text: a, quoted: true, split: false });
    });
    return out;
  }
  const value = await paramValue(env, p);
  return [{ text: value, quoted: inDq, split: !inDq }];
}

async function paramValue(env: ExpandEnv, p: Extract<WordPart, { kind: "param" }>): Promise<string> {
  const value = p.name === "@" || p.name === "*" ? env.positional().join(" ") : env.lookup(p.name);
  if (p.length) return String(lengthOf(env, p.name, value));
  const arg = async (): Promise<string> => (p.arg ? joinPieces(env, await pieces(env, p.arg.parts, false), false) : "");
  const unsetOrNull = value === undefined || (p.op !== null && p.op.startsWith(":") && value === "");
  switch (p.op) {
    case null:
      if (value === undefined && env.nounset() && !["@", "*"].includes(p.name)) env.fail(`${p.name}: unbound variable`);
      return value ?? "";
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
    case "#":
    case "##":
    case "%":
    case "%%":
      return trim(env, value ?? "", p.op, p.arg ? joinPieces(env, await pieces(env, p.arg.parts, false), true) : "");
  }
}

function lengthOf(env: ExpandEnv, name: string, value: string | undefined): number {
  if (name === "@" || name === "*") return env.positional().length;
  if (value === undefined && env.nounset()) env.fail(`${name}: unbound variable`);
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
