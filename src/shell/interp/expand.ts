import type { Stmt, Word, WordPart } from "../parse/ast.js";
import { evalArith } from "./arith.js";
import { globToRegExpSource, quoteGlob } from "./pattern.js";

/** What expansion needs from the shell's state. */
export interface ExpandEnv {
  /** A variable or special parameter ($?, $#, $1...); undefined when unset. */
  lookup(name: string): string | undefined;
  positional(): string[];
  assign(name: string, value: string): void;
  nounset(): boolean;
  substitute(stmts: Stmt[]): Promise<string>;
  /** Ends the script as bash does on an expansion error: prints `FILE: line N: message`, status 1. */
  fail(message: string): never;
}

/** A run of expanded text: quoted text is never split; `split` marks unquoted expansion results. */
type Piece = { text: string; quoted: boolean; split: boolean } | { boundary: true };

const IFS_WS = /[ \t\n]/;

export async function expandFields(env: ExpandEnv, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of words) out.push(...fieldsOf(await pieces(env, w.parts, false)));
  return out;
}

/** One string, no field splitting: assignments, redirection targets, [[ ]] operands. */
export async function expandString(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(await pieces(env, word.parts, false), false);
}

/** A glob pattern: text from quotes matches literally. */
export async function expandPattern(env: ExpandEnv, word: Word): Promise<string> {
  return joinPieces(await pieces(env, word.parts, false), true);
}

function joinPieces(ps: Piece[], pattern: boolean): string {
  return ps.map((p) => ("boundary" in p ? " " : pattern && p.quoted ? quoteGlob(p.text) : p.text)).join("");
}

function fieldsOf(ps: Piece[]): string[] {
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
    for (const ch of p.text) {
      if (IFS_WS.test(ch)) {
        if (cur !== null) out.push(cur);
        cur = null;
      } else {
        cur = (cur ?? "") + ch;
      }
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
        out.push({ text: "", quoted: true, split: false }, ...(await pieces(env, part.parts, true)));
        break;
      case "param":
        out.push(...(await param(env, part, inDq)));
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
  const arg = async (): Promise<string> => (p.arg ? joinPieces(await pieces(env, p.arg.parts, false), false) : "");
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
      return trim(value ?? "", p.op, p.arg ? joinPieces(await pieces(env, p.arg.parts, false), true) : "");
  }
}

function lengthOf(env: ExpandEnv, name: string, value: string | undefined): number {
  if (name === "@" || name === "*") return env.positional().length;
  if (value === undefined && env.nounset()) env.fail(`${name}: unbound variable`);
  return [...(value ?? "")].length;
}

function trim(value: string, op: "#" | "##" | "%" | "%%", pattern: string): string {
  const re = globToRegExpSource(pattern);
  const lazy = op === "#" || op === "%";
  if (op === "#" || op === "##") {
    const m = new RegExp(`^(?:${lazy ? re.replace(/\]\*/g, "]*?") : re})`).exec(value);
    return m ? value.slice(m[0].length) : value;
  }
  // Suffix removal: try each start position, earliest for %% (longest), latest for % (shortest).
  const anchored = new RegExp(`^(?:${re})$`);
  if (lazy) {
    for (let i = value.length; i >= 0; i--) if (anchored.test(value.slice(i))) return value.slice(0, i);
  } else {
    for (let i = 0; i <= value.length; i++) if (anchored.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}
