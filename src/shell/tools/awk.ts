// awk, as the real engines' hosts have it (Debian's mawk 1.3.4): the POSIX
// language (patterns, ranges, BEGIN/END, user functions, arrays, the string
// and math builtins, printf) over standard input and files the host can show
// (/proc/net/snmp, /sys/class/net/...). What needs the outside world (getline,
// system, output to files or pipes) is reported as not supported by sim.

import { checkString, UNLIMITED, type ShellLimits } from "../interp/limits.js";
import { posixClasses } from "./grep.js";
import { formatFloat, formatInteger, padField } from "./cformat.js";
import { fail, getopt, inputs, IS_A_DIRECTORY, unsupportedOption, type Tool, type ToolIo } from "./tool.js";

// ---------------------------------------------------------------- values

/** A number, a string, or a string that looks numeric (input fields, split elements, -v values): compared as numbers. */
type Val = { readonly n: number; readonly s: null } | { readonly n: null; readonly s: string } | { readonly n: number; readonly s: string; readonly strnum: true };

const num = (n: number): Val => ({ n, s: null });
const str = (s: string): Val => ({ n: null, s });
const UNINIT: Val = { n: 0, s: "", strnum: true };

const LOOKS_NUMERIC = /^[ \t\n]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[ \t\n]*$/;

/** Input text: a strnum when it looks like a number. */
function strnum(s: string): Val {
  return LOOKS_NUMERIC.test(s) ? { n: Number(s.trim()), s, strnum: true } : str(s);
}

/** strtod on the leading part of a string, as mawk converts (hex and inf/nan included). */
function strtod(s: string): number {
  const m = /^[ \t\n\r\f\v]*([-+]?)(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][-+]?\d+)?|inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/i.exec(s);
  if (!m) return 0;
  const sign = m[1] === "-" ? -1 : 1;
  const body = m[2]!.toLowerCase();
  if (body.startsWith("inf")) return sign * Infinity;
  if (body === "nan") return NaN;
  if (body.startsWith("0x")) {
    const h = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([-+]?\d+))?$/.exec(body)!;
    const mant = parseInt((h[1] || "0") + (h[2] ?? ""), 16) / 16 ** (h[2] ?? "").length;
    return sign * mant * 2 ** Number(h[3] ?? 0);
  }
  return sign * Number(body);
}

const MAX_INT = 2147483647;

/** mawk prints an integral number within int range as an integer, anything else through CONVFMT or OFMT. */
function numToStr(n: number, fmt: string): string {
  if (Number.isInteger(n) && n >= -MAX_INT && n <= MAX_INT) return String(n === 0 ? 0 : n);
  return sprintf(fmt, [num(n)], fmt, "sprintf");
}

// ---------------------------------------------------------------- lexer

type TokKind = "num" | "str" | "ere" | "name" | "funcname" | "builtin" | "kw" | "op" | "nl" | "eof";
interface Tok {
  kind: TokKind;
  text: string;
  line: number;
  /** For "num": the value; for "str" and "ere": the processed text. */
  value?: number | string;
}

const KEYWORDS = new Set(["BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue", "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf"]);
const BUILTINS = new Set(["length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2", "exp", "log", "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close", "fflush"]);
const OPS = ["+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "="];

class AwkError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

function syntaxError(t: Tok): AwkError {
  const near = t.kind === "eof" ? "end of file" : t.kind === "nl" ? "end of line" : t.text;
  return new AwkError(`awk: line ${t.line}: syntax error at or near ${near}\n`);
}

/** Backslash escapes in a string literal (and -v values). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{1,3}|.)/gs, (_m, c: string) => {
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8) & 0xff);
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "/": "/" };
    return simple[c] ?? `\\${c}`;
  });
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let i = 0;
  // A slash starts a regular expression unless it follows an operand.
  const regexOk = (): boolean => {
    const p = toks[toks.length - 1];
    if (!p) return true;
    if (p.kind === "num" || p.kind === "str" || p.kind === "ere" || p.kind === "name" || p.kind === "builtin") return false;
    if (p.kind === "op" && (p.text === ")" || p.text === "]" || p.text === "$" || p.text === "++" || p.text === "--")) return false;
    return true;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "\n") {
      toks.push({ kind: "nl", text: "\n", line });
      line++;
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let raw = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\n") throw new AwkError(`awk: line ${line}: runaway string constant "${raw} ...\n`);
        if (src[j] === "\\" && j + 1 < src.length) {
          raw += src[j]! + src[j + 1]!;
          j += 2;
        } else raw += src[j++];
      }
      if (j >= src.length) throw new AwkError(`awk: line ${line}: runaway string constant "${raw} ...\n`);
      toks.push({ kind: "str", text: `"${raw}"`, line, value: unescape(raw) });
      i = j + 1;
      continue;
    }
    if (c === "/" && regexOk()) {
      let j = i + 1;
      let raw = "";
      let inBracket = false;
      while (j < src.length && (src[j] !== "/" || inBracket)) {
        if (src[j] === "\n") throw new AwkError(`awk: line ${line}: runaway regular expression /${raw} ...\n`);
        if (src[j] === "\\" && j + 1 < src.length) {
          raw += src[j + 1] === "/" ? "/" : src[j]! + src[j + 1]!;
          j += 2;
          continue;
        }
        if (src[j] === "[" && !inBracket) {
          inBracket = true;
          raw += src[j++];
          if (src[j] === "^") raw += src[j++];
          if (src[j] === "]") raw += src[j++];
          continue;
        }
        if (src[j] === "]" && inBracket) inBracket = false;
        raw += src[j++];
      }
      if (j >= src.length) throw new AwkError(`awk: line ${line}: runaway regular expression /${raw} ...\n`);
      toks.push({ kind: "ere", text: `/${raw}/`, line, value: raw });
      i = j + 1;
      continue;
    }
    const numm = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(src.slice(i, i + 64));
    if (numm) {
      toks.push({ kind: "num", text: numm[0], line, value: Number(numm[0]) });
      i += numm[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (word) {
      const w = word[0];
      i += w.length;
      if (KEYWORDS.has(w)) toks.push({ kind: "kw", text: w === "func" ? "function" : w, line });
      else if (BUILTINS.has(w)) toks.push({ kind: "builtin", text: w, line });
      else toks.push({ kind: src[i] === "(" ? "funcname" : "name", text: w, line });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new AwkError(`awk: line ${line}: syntax error at or near ${c}\n`);
    toks.push({ kind: "op", text: op, line });
    i += op.length;
  }
  toks.push({ kind: "eof", text: "", line });
  return toks;
}

// ---------------------------------------------------------------- syntax

type Expr =
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "re"; src: string }
  | { k: "var"; name: string }
  | { k: "field"; e: Expr }
  | { k: "index"; name: string; subs: Expr[] }
  | { k: "assign"; op: string; lv: Expr; e: Expr }
  | { k: "cond"; c: Expr; a: Expr; b: Expr }
  | { k: "and" | "or"; a: Expr; b: Expr }
  | { k: "in"; subs: Expr[]; name: string }
  | { k: "match"; neg: boolean; a: Expr; re: Expr }
  | { k: "cmp"; op: string; a: Expr; b: Expr }
  | { k: "concat"; a: Expr; b: Expr }
  | { k: "arith"; op: string; a: Expr; b: Expr }
  | { k: "unary"; op: string; e: Expr }
  | { k: "incdec"; op: "++" | "--"; prefix: boolean; lv: Expr }
  | { k: "call"; name: string; args: Expr[] }
  | { k: "builtin"; name: string; args: Expr[] }
  | { k: "group"; e: Expr };

type Stmt =
  | { k: "expr"; e: Expr }
  | { k: "print"; args: Expr[]; printf: boolean; dest: { mode: string; e: Expr } | null }
  | { k: "if"; c: Expr; then: Stmt; else: Stmt | null }
  | { k: "while"; c: Expr; body: Stmt }
  | { k: "do"; body: Stmt; c: Expr }
  | { k: "for"; init: Stmt | null; c: Expr | null; step: Stmt | null; body: Stmt }
  | { k: "forin"; v: string; arr: string; body: Stmt }
  | { k: "block"; body: Stmt[] }
  | { k: "next" | "nextfile" | "break" | "continue" }
  | { k: "exit" | "return"; e: Expr | null }
  | { k: "delete"; name: string; subs: Expr[] | null }
  | { k: "getline" };

interface Item {
  kind: "begin" | "end" | "main";
  pattern: Expr | null;
  /** A range pattern's end. */
  pattern2: Expr | null;
  action: Stmt[] | null;
  inRange: boolean;
}

interface Func {
  params: string[];
  body: Stmt[];
}

class Parser {
  private i = 0;
  readonly items: Item[] = [];
  readonly funcs = new Map<string, Func>();
  /** Where the statement being parsed is: what break, continue, next and return may appear in. */
  private loops = 0;
  private inFunction = false;
  private inBeginEnd = false;

  constructor(private readonly t: Tok[]) {}

  private get tok(): Tok {
    return this.t[this.i]!;
  }
  private peek(n = 1): Tok {
    return this.t[Math.min(this.i + n, this.t.length - 1)]!;
  }
  private is(text: string, kind: TokKind = "op"): boolean {
    return this.tok.kind === kind && this.tok.text === text;
  }
  private eat(text: string, kind: TokKind = "op"): boolean {
    if (!this.is(text, kind)) return false;
    this.i++;
    return true;
  }
  private expect(text: string, kind: TokKind = "op"): void {
    if (!this.eat(text, kind)) throw syntaxError(this.tok);
  }
  private nls(): void {
    while (this.tok.kind === "nl") this.i++;
  }
  private terminators(): void {
    while (this.tok.kind === "nl" || this.is(";")) this.i++;
  }

  program(): void {
    this.terminators();
    while (this.tok.kind !== "eof") {
      this.item();
      this.terminators();
    }
  }

  private item(): void {
    if (this.eat("function", "kw")) {
      const name = this.tok;
      if (name.kind !== "funcname" && name.kind !== "name") throw syntaxError(name);
      this.i++;
      this.expect("(");
      const params: string[] = [];
      while (!this.is(")")) {
        if (this.tok.kind !== "name") throw syntaxError(this.tok);
        params.push(this.tok.text);
        this.i++;
        if (!this.eat(",")) break;
        this.nls();
      }
      this.expect(")");
      this.nls();
      this.inFunction = true;
      this.funcs.set(name.text, { params, body: this.block() });
      this.inFunction = false;
      return;
    }
    if (this.is("BEGIN", "kw") || this.is("END", "kw")) {
      const kind = this.tok.text === "BEGIN" ? "begin" : "end";
      this.i++;
      this.nls();
      if (!this.is("{")) throw syntaxError(this.tok);
      this.inBeginEnd = true;
      this.items.push({ kind, pattern: null, pattern2: null, action: this.block(), inRange: false });
      this.inBeginEnd = false;
      return;
    }
    let pattern: Expr | null = null;
    let pattern2: Expr | null = null;
    if (!this.is("{")) {
      pattern = this.expr();
      if (this.eat(",")) {
        this.nls();
        pattern2 = this.expr();
      }
    }
    const action = this.is("{") ? this.block() : null;
    this.items.push({ kind: "main", pattern, pattern2, action, inRange: false });
  }

  private block(): Stmt[] {
    this.expect("{");
    const body: Stmt[] = [];
    this.terminators();
    while (!this.is("}")) {
      if (this.tok.kind === "eof") throw new AwkError(`awk: line ${this.tok.line + 1}: missing } near end of file\n`);
      body.push(this.stmt());
      this.terminators();
    }
    this.i++;
    return body;
  }

  /** The end of a simple statement: ; or newline, or the } or else that follows. */
  private endSimple(): void {
    if (this.is(";") || this.tok.kind === "nl") {
      this.i++;
      return;
    }
    if (this.is("}") || this.tok.kind === "eof" || this.is("else", "kw")) return;
    throw syntaxError(this.tok);
  }

  private stmt(): Stmt {
    const t = this.tok;
    if (this.is("{")) return { k: "block", body: this.block() };
    if (this.eat(";")) return { k: "block", body: [] };
    if (t.kind === "kw") {
      switch (t.text) {
        case "if": {
          this.i++;
          this.expect("(");
          const c = this.expr();
          this.expect(")");
          this.nls();
          const then = this.stmt();
          const save = this.i;
          this.terminators();
          if (this.eat("else", "kw")) {
            this.nls();
            return { k: "if", c, then, else: this.stmt() };
          }
          this.i = save;
          return { k: "if", c, then, else: null };
        }
        case "while": {
          this.i++;
          this.expect("(");
          const c = this.expr();
          this.expect(")");
          if (this.is(";")) {
            this.i++;
            return { k: "while", c, body: { k: "block", body: [] } };
          }
          this.nls();
          return { k: "while", c, body: this.loopBody() };
        }
        case "do": {
          this.i++;
          this.nls();
          const body = this.loopBody();
          this.terminators();
          this.expect("while", "kw");
          this.expect("(");
          const c = this.expr();
          this.expect(")");
          this.endSimple();
          return { k: "do", body, c };
        }
        case "for": {
          this.i++;
          this.expect("(");
          const paren = this.is("(") && this.peek().kind === "name" && this.peek(2).text === ")" && this.peek(3).text === "in";
          if ((this.tok.kind === "name" && this.peek().text === "in" && this.peek().kind === "kw") || paren) {
            if (paren) this.i++;
            const v = this.tok.text;
            this.i++;
            if (paren) this.expect(")");
            this.expect("in", "kw");
            const arr = this.tok;
            if (arr.kind !== "name") throw syntaxError(arr);
            this.i++;
            this.expect(")");
            this.nls();
            return { k: "forin", v, arr: arr.text, body: this.loopBody() };
          }
          const init = this.is(";") ? null : this.simpleStmt();
          this.expect(";");
          this.nls();
          const c = this.is(";") ? null : this.expr();
          this.expect(";");
          this.nls();
          const step = this.is(")") ? null : this.simpleStmt();
          this.expect(")");
          if (this.is(";")) {
            this.i++;
            return { k: "for", init, c, step, body: { k: "block", body: [] } };
          }
          this.nls();
          return { k: "for", init, c, step, body: this.loopBody() };
        }
        case "break":
        case "continue":
        case "next":
        case "nextfile": {
          if ((t.text === "break" || t.text === "continue") && this.loops === 0) throw new AwkError(`awk: line ${t.line}: ${t.text} statement outside of loop\n`);
          if ((t.text === "next" || t.text === "nextfile") && (this.inFunction || this.inBeginEnd)) throw new AwkError(`awk: line ${t.line}: improper use of ${t.text}\n`);
          this.i++;
          this.endSimple();
          return { k: t.text as "break" };
        }
        case "exit":
        case "return": {
          if (t.text === "return" && !this.inFunction) throw new AwkError(`awk: line ${t.line}: return outside function body\n`);
          this.i++;
          const e = this.is(";") || this.is("}") || this.tok.kind === "nl" || this.tok.kind === "eof" ? null : this.expr();
          this.endSimple();
          return { k: t.text as "exit", e };
        }
      }
    }
    const s = this.simpleStmt();
    this.endSimple();
    return s;
  }

  private loopBody(): Stmt {
    this.loops++;
    try {
      return this.stmt();
    } finally {
      this.loops--;
    }
  }

  private simpleStmt(): Stmt {
    const t = this.tok;
    if (this.is("print", "kw") || this.is("printf", "kw")) {
      this.i++;
      let args: Expr[] = [];
      const end = () => this.is(";") || this.is("}") || this.is(">") || this.is(">>") || this.is("|") || this.tok.kind === "nl" || this.tok.kind === "eof";
      if (!end()) {
        // print (a, b) > "f": a parenthesized list is the argument list.
        const start = this.i;
        if (this.is("(")) {
          this.i++;
          const list = [this.expr(true)];
          while (this.eat(",")) {
            this.nls();
            list.push(this.expr(true));
          }
          if (this.eat(")") && end()) args = list;
          else this.i = start;
        }
        if (args.length === 0) {
          args.push(this.expr(false));
          while (this.eat(",")) {
            this.nls();
            args.push(this.expr(false));
          }
        }
      }
      let dest: { mode: string; e: Expr } | null = null;
      if (this.is(">") || this.is(">>") || this.is("|")) {
        const mode = this.tok.text;
        this.i++;
        dest = { mode, e: this.concat() };
      }
      if (t.text === "printf" && args.length === 0) throw syntaxError(this.tok);
      return { k: "print", args, printf: t.text === "printf", dest };
    }
    if (this.eat("delete", "kw")) {
      const name = this.tok;
      if (name.kind !== "name") throw syntaxError(name);
      this.i++;
      if (!this.eat("[")) return { k: "delete", name: name.text, subs: null };
      const subs = this.exprList();
      this.expect("]");
      return { k: "delete", name: name.text, subs };
    }
    if (this.is("getline", "kw")) throw new AwkError("getline", true);
    return { k: "expr", e: this.expr() };
  }

  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.eat(",")) {
      this.nls();
      out.push(this.expr());
    }
    return out;
  }

  /** `gt`: whether > is a comparison (false in print's unparenthesized arguments, where it redirects). */
  expr(gt = true): Expr {
    const lhs = this.ternary(gt);
    if (this.is("|") && this.peek().text === "getline") throw new AwkError("getline", true);
    const t = this.tok;
    if (t.kind === "op" && ["=", "+=", "-=", "*=", "/=", "%=", "^="].includes(t.text) && isLvalue(lhs)) {
      this.i++;
      this.nls();
      return { k: "assign", op: t.text, lv: lhs, e: this.expr(gt) };
    }
    return lhs;
  }

  private ternary(gt: boolean): Expr {
    const c = this.or(gt);
    if (!this.eat("?")) return c;
    this.nls();
    const a = this.expr(gt);
    this.nls();
    this.expect(":");
    this.nls();
    const b = this.expr(gt);
    return { k: "cond", c, a, b };
  }

  private or(gt: boolean): Expr {
    let a = this.and(gt);
    while (this.eat("||")) {
      this.nls();
      a = { k: "or", a, b: this.and(gt) };
    }
    return a;
  }

  private and(gt: boolean): Expr {
    let a = this.inOp(gt);
    while (this.eat("&&")) {
      this.nls();
      a = { k: "and", a, b: this.inOp(gt) };
    }
    return a;
  }

  private inOp(gt: boolean): Expr {
    let a = this.matchOp(gt);
    while (this.is("in", "kw")) {
      this.i++;
      const arr = this.tok;
      if (arr.kind !== "name") throw syntaxError(arr);
      this.i++;
      a = { k: "in", subs: [a], name: arr.text };
    }
    return a;
  }

  private matchOp(gt: boolean): Expr {
    let a = this.comparison(gt);
    while (this.is("~") || this.is("!~")) {
      const neg = this.tok.text === "!~";
      this.i++;
      a = { k: "match", neg, a, re: this.comparison(gt) };
    }
    return a;
  }

  private comparison(gt: boolean): Expr {
    const a = this.concat();
    const t = this.tok;
    if (t.kind === "op" && ["<", "<=", "!=", "==", ">=", ...(gt ? [">"] : [])].includes(t.text)) {
      this.i++;
      return { k: "cmp", op: t.text, a, b: this.concat() };
    }
    return a;
  }

  /** Whether the current token can begin the next operand of a concatenation (not + - !, which are binary or ambiguous there). */
  private startsConcat(): boolean {
    const t = this.tok;
    if (t.kind === "num" || t.kind === "str" || t.kind === "ere" || t.kind === "name" || t.kind === "funcname" || t.kind === "builtin") return true;
    return t.kind === "op" && ["$", "(", "++", "--"].includes(t.text);
  }

  private concat(): Expr {
    let a = this.additive();
    while (this.startsConcat()) a = { k: "concat", a, b: this.additive() };
    return a;
  }

  private additive(): Expr {
    let a = this.multiplicative();
    while (this.is("+") || this.is("-")) {
      const op = this.tok.text;
      this.i++;
      a = { k: "arith", op, a, b: this.multiplicative() };
    }
    return a;
  }

  private multiplicative(): Expr {
    let a = this.unary();
    while (this.is("*") || this.is("/") || this.is("%")) {
      const op = this.tok.text;
      this.i++;
      a = { k: "arith", op, a, b: this.unary() };
    }
    return a;
  }

  private unary(): Expr {
    if (this.is("!") || this.is("-") || this.is("+")) {
      const op = this.tok.text;
      this.i++;
      return { k: "unary", op, e: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const a = this.postfix();
    if (this.eat("^")) return { k: "arith", op: "^", a, b: this.unaryPower() };
    return a;
  }

  /** The right side of ^: may carry a sign, and ^ is right-associative. */
  private unaryPower(): Expr {
    if (this.is("-") || this.is("+") || this.is("!")) {
      const op = this.tok.text;
      this.i++;
      return { k: "unary", op, e: this.unaryPower() };
    }
    return this.power();
  }

  private postfix(): Expr {
    if (this.is("++") || this.is("--")) {
      const op = this.tok.text as "++";
      this.i++;
      const lv = this.postfix();
      if (!isLvalue(lv)) throw syntaxError(this.tok);
      return { k: "incdec", op, prefix: true, lv };
    }
    const e = this.primary();
    if ((this.is("++") || this.is("--")) && isLvalue(e)) {
      const op = this.tok.text as "++";
      this.i++;
      return { k: "incdec", op, prefix: false, lv: e };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "num":
        this.i++;
        return { k: "num", v: t.value as number };
      case "str":
        this.i++;
        return { k: "str", v: t.value as string };
      case "ere":
        this.i++;
        return { k: "re", src: t.value as string };
      case "name": {
        this.i++;
        if (this.eat("[")) {
          const subs = this.exprList();
          this.expect("]");
          return { k: "index", name: t.text, subs };
        }
        return { k: "var", name: t.text };
      }
      case "funcname": {
        this.i++;
        this.expect("(");
        const args = this.is(")") ? [] : this.exprList();
        this.expect(")");
        return { k: "call", name: t.text, args };
      }
      case "builtin": {
        this.i++;
        if (!this.eat("(")) {
          if (t.text === "length") return { k: "builtin", name: "length", args: [] };
          throw syntaxError(this.tok);
        }
        const args = this.is(")") ? [] : this.exprList();
        this.expect(")");
        return { k: "builtin", name: t.text, args };
      }
      case "kw":
        if (t.text === "getline") throw new AwkError("getline", true);
        throw syntaxError(t);
      case "op":
        if (t.text === "$") {
          this.i++;
          if (this.is("++") || this.is("--") || this.is("-") || this.is("+") || this.is("!")) return { k: "field", e: this.unary() };
          return { k: "field", e: this.primary() };
        }
        if (t.text === "(") {
          this.i++;
          const first = this.expr();
          if (this.is(",")) {
            const subs = [first];
            while (this.eat(",")) {
              this.nls();
              subs.push(this.expr());
            }
            this.expect(")");
            if (!this.is("in", "kw")) throw syntaxError(this.tok);
            this.i++;
            const arr = this.tok;
            if (arr.kind !== "name") throw syntaxError(arr);
            this.i++;
            return { k: "in", subs, name: arr.text };
          }
          this.expect(")");
          return { k: "group", e: first };
        }
        if (t.text === "-" || t.text === "+" || t.text === "!") {
          this.i++;
          return { k: "unary", op: t.text, e: this.unary() };
        }
        throw syntaxError(t);
      default:
        throw syntaxError(t);
    }
  }
}

function isLvalue(e: Expr): boolean {
  return e.k === "var" || e.k === "field" || e.k === "index";
}

// ---------------------------------------------------------------- printf

/** C printf over awk values: %c %d %i %o %x %X %u %e %E %f %F %g %G %s %%, flags, width, precision, `*`. */
function sprintf(format: string, args: Val[], convfmt: string, fn: string, onMissing?: (partial: string) => never, limits: ShellLimits = UNLIMITED): string {
  let out = "";
  let a = 0;
  const next = (): Val => {
    if (a >= args.length) {
      if (onMissing) onMissing(out);
      return UNINIT;
    }
    return args[a++]!;
  };
  const toN = (v: Val) => (v.n !== null ? v.n : strtod(v.s));
  const toS = (v: Val) => (v.s !== null ? v.s : numToStr(v.n, convfmt));
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([cdiouxXeEfFgGs%])/.exec(format.slice(i));
    if (!m) throw new AwkError(`awk: run time error: bad conversion in ${fn}("${format}")\n`);
    i += m[0].length - 1;
    const conv = m[4]!;
    if (conv === "%") {
      out += "%";
      continue;
    }
    let flags = m[1]!;
    let width = m[2] === undefined ? null : m[2] === "*" ? Math.trunc(toN(next())) : Number(m[2]);
    if (width !== null && width < 0) {
      flags += "-";
      width = -width;
    }
    let prec = m[3] === undefined ? null : m[3] === "*" ? Math.trunc(toN(next())) : Number(m[3] || 0);
    if (prec !== null && prec < 0) prec = null;
    // A width or precision alone can ask for more text than the script may hold.
    checkString(limits, Math.max(width ?? 0, prec ?? 0), "`awk`'s output");
    const v = next();
    switch (conv) {
      case "s": {
        const s = toS(v);
        out += padField(prec === null ? s : s.slice(0, prec), flags, width, false);
        break;
      }
      case "c": {
        const s = v.n !== null && v.s === null ? String.fromCharCode(Math.trunc(v.n) & 0xff) : toS(v).slice(0, 1);
        out += padField(s, flags, width, false);
        break;
      }
      case "d":
      case "i": {
        const n = Math.max(-MAX_INT, Math.min(MAX_INT, Math.trunc(toN(v)) || 0));
        out += padField(formatInteger("d", flags, prec, n), flags, width, prec === null);
        break;
      }
      case "o":
      case "x":
      case "X":
      case "u": {
        const n = Math.max(0, Math.min(4294967295, Math.trunc(toN(v)) || 0));
        out += padField(formatInteger(conv, flags, prec, n), flags, width, prec === null);
        break;
      }
      default: {
        const x = toN(v);
        out += padField(formatFloat(conv, flags, prec, x), flags, width, Number.isFinite(x));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- runtime

class NextSignal {}
class NextFileSignal {}
class ExitSignal {}
class BreakSignal {}
class ContinueSignal {}
class ReturnSignal {
  constructor(readonly v: Val) {}
}

/** A script that would run a long time on a real host is stopped: the simulator must not hang. */
const STEP_LIMIT = 20_000_000;

/** A function call's parameters: scalars by value, arrays by reference; a local never set is neither yet. */
interface Frame {
  locals: Set<string>;
  vars: Map<string, Val>;
  arrays: Map<string, Map<string, Val>>;
}

class Runtime {
  readonly globals = new Map<string, Val>();
  readonly arrays = new Map<string, Map<string, Val>>();
  private frames: Frame[] = [];
  stdout = "";
  stderr = "";
  exitCode = 0;
  private record = "";
  private fields: string[] | null = null;
  private steps = 0;
  private seed = 0;
  private prevSeed = 0;
  private randState = 0;
  private readonly regexCache = new Map<string, RegExp>();

  constructor(
    readonly funcs: Map<string, Func>,
    readonly limits: ShellLimits = UNLIMITED,
  ) {
    for (const [k, v] of Object.entries({ FS: " ", OFS: " ", ORS: "\n", RS: "\n", SUBSEP: "\x1c", CONVFMT: "%.6g", OFMT: "%.6g", FILENAME: "" })) this.globals.set(k, str(v));
    for (const k of ["NR", "FNR", "NF", "RSTART", "RLENGTH"]) this.globals.set(k, num(0));
    this.arrays.set("ENVIRON", new Map());
    this.srand(0);
  }

  // ---- values

  toNum(v: Val): number {
    return v.n !== null ? v.n : strtod(v.s);
  }
  toStr(v: Val): string {
    return v.s !== null ? v.s : numToStr(v.n, this.getS("CONVFMT"));
  }
  toOut(v: Val): string {
    return v.s !== null ? v.s : numToStr(v.n, this.getS("OFMT"));
  }
  toBool(v: Val): boolean {
    if (v.s === null) return v.n !== 0;
    if ("strnum" in v) return v.n !== 0;
    return v.s !== "";
  }
  private getS(name: string): string {
    return this.toStr(this.globals.get(name) ?? UNINIT);
  }

  /** Output, and any string made by joining, stays within the script's string limit. */
  write(to: "stdout" | "stderr", text: string): void {
    checkString(this.limits, this[to].length + text.length, "`awk`'s output");
    this[to] += text;
  }
  private joined(a: string, b: string): string {
    checkString(this.limits, a.length + b.length, "a string in `awk`");
    return a + b;
  }

  regex(src: string): RegExp {
    let re = this.regexCache.get(src);
    if (!re) {
      try {
        re = new RegExp(eresToJs(src));
      } catch {
        throw new AwkError(`awk: regular expression compile failed (bad regex)\n${src}\n`);
      }
      this.regexCache.set(src, re);
    }
    return re;
  }
  /** A value used as a regular expression: /re/ literally, anything else as a dynamic regex string. */
  regexOf(e: Expr, f: Frame | null): RegExp {
    return e.k === "re" ? this.regex(e.src) : this.regex(this.toStr(this.eval(e, f)));
  }

  // ---- records and fields

  /** A new $0 is split at once, with the FS of that moment. */
  setRecord(text: string): void {
    this.record = text;
    this.fields = this.split(text);
    this.globals.set("NF", num(this.fields.length));
  }
  private split(text: string): string[] {
    return splitFields(text, this.getS("FS"), (s) => this.regex(s), this.getS("RS") === "");
  }
  private ensureFields(): string[] {
    if (!this.fields) this.fields = this.split(this.record);
    return this.fields;
  }
  getField(i: number): Val {
    if (i === 0) return strnum(this.record);
    if (i < 0) this.runtimeError(`negative field index $${i}`);
    const fs = this.ensureFields();
    return i <= fs.length ? strnum(fs[i - 1]!) : UNINIT;
  }
  setField(i: number, v: string): void {
    if (i === 0) {
      this.setRecord(v);
      return;
    }
    if (i < 0) this.runtimeError(`negative field index $${i}`);
    checkString(this.limits, i, "a record in `awk`");
    const fs = [...this.ensureFields()];
    while (fs.length < i) fs.push("");
    fs[i - 1] = v;
    this.fields = fs;
    this.globals.set("NF", num(fs.length));
    this.record = fs.join(this.getS("OFS"));
  }
  private setNF(n: number): void {
    checkString(this.limits, n, "a record in `awk`");
    const fs = [...this.ensureFields()];
    fs.length = Math.max(0, Math.trunc(n));
    for (let k = 0; k < fs.length; k++) fs[k] ??= "";
    this.fields = fs;
    this.record = fs.join(this.getS("OFS"));
  }

  // ---- variables

  private frameOf(name: string, f: Frame | null): Frame | null {
    return f && f.locals.has(name) ? f : null;
  }
  /** A name used as an array, or not used at all yet: what a function call passes by reference. */
  private arrayOrUntyped(name: string, f: Frame | null): boolean {
    const fr = this.frameOf(name, f);
    return fr ? !fr.vars.has(name) : !this.globals.has(name);
  }
  getVar(name: string, f: Frame | null): Val {
    const fr = this.frameOf(name, f);
    if (fr) return fr.vars.get(name) ?? UNINIT;
    if (name === "NF") this.ensureFields();
    return this.globals.get(name) ?? UNINIT;
  }
  setVar(name: string, v: Val, f: Frame | null): void {
    const fr = this.frameOf(name, f);
    if (fr) {
      fr.vars.set(name, v);
      return;
    }
    this.globals.set(name, v);
    if (name === "NF") this.setNF(this.toNum(v));
  }
  array(name: string, f: Frame | null): Map<string, Val> {
    const fr = this.frameOf(name, f);
    if (fr) {
      let a = fr.arrays.get(name);
      if (!a) {
        a = new Map();
        fr.arrays.set(name, a);
        fr.vars.delete(name);
      }
      return a;
    }
    let a = this.arrays.get(name);
    if (!a) {
      a = new Map();
      this.arrays.set(name, a);
    }
    return a;
  }
  subscript(subs: Expr[], f: Frame | null): string {
    return subs.map((e) => this.toStr(this.eval(e, f))).join(this.getS("SUBSEP"));
  }

  private assignTo(lv: Expr, v: Val, f: Frame | null): void {
    if (v.s !== null) checkString(this.limits, v.s.length, "a string in `awk`");
    if (lv.k === "var") this.setVar(lv.name, v, f);
    else if (lv.k === "field") this.setField(Math.trunc(this.toNum(this.eval(lv.e, f))), this.toStr(v));
    else if (lv.k === "index") this.array(lv.name, f).set(this.subscript(lv.subs, f), v);
  }

  // ---- expressions

  eval(e: Expr, f: Frame | null): Val {
    switch (e.k) {
      case "num":
        return num(e.v);
      case "str":
        return str(e.v);
      case "re":
        return num(this.regex(e.src).test(this.record) ? 1 : 0);
      case "group":
        return this.eval(e.e, f);
      case "var":
        return this.getVar(e.name, f);
      case "field":
        return this.getField(Math.trunc(this.toNum(this.eval(e.e, f))));
      case "index": {
        const a = this.array(e.name, f);
        const k = this.subscript(e.subs, f);
        let v = a.get(k);
        if (v === undefined) {
          v = UNINIT;
          a.set(k, v);
        }
        return v;
      }
      case "assign": {
        let v = this.eval(e.e, f);
        if (e.op !== "=") v = num(arith(e.op.slice(0, -1), this.toNum(this.eval(e.lv, f)), this.toNum(v)));
        this.assignTo(e.lv, v, f);
        return v;
      }
      case "cond":
        return this.toBool(this.eval(e.c, f)) ? this.eval(e.a, f) : this.eval(e.b, f);
      case "and":
        return num(this.toBool(this.eval(e.a, f)) && this.toBool(this.eval(e.b, f)) ? 1 : 0);
      case "or":
        return num(this.toBool(this.eval(e.a, f)) || this.toBool(this.eval(e.b, f)) ? 1 : 0);
      case "in":
        return num(this.array(e.name, f).has(this.subscript(e.subs, f)) ? 1 : 0);
      case "match": {
        const s = this.toStr(this.eval(e.a, f));
        return num(this.regexOf(e.re, f).test(s) !== e.neg ? 1 : 0);
      }
      case "cmp":
        return num(this.compare(e.op, this.eval(e.a, f), this.eval(e.b, f)) ? 1 : 0);
      case "concat":
        return str(this.joined(this.toStr(this.eval(e.a, f)), this.toStr(this.eval(e.b, f))));
      case "arith":
        return num(arith(e.op, this.toNum(this.eval(e.a, f)), this.toNum(this.eval(e.b, f))));
      case "unary": {
        const v = this.eval(e.e, f);
        if (e.op === "!") return num(this.toBool(v) ? 0 : 1);
        const n = this.toNum(v);
        return num(e.op === "-" ? -n : n);
      }
      case "incdec": {
        const old = this.toNum(this.eval(e.lv, f));
        const nv = e.op === "++" ? old + 1 : old - 1;
        this.assignTo(e.lv, num(nv), f);
        return num(e.prefix ? nv : old);
      }
      case "call":
        return this.call(e.name, e.args, f);
      case "builtin":
        return this.builtin(e.name, e.args, f);
    }
  }

  private compare(op: string, a: Val, b: Val): boolean {
    const numeric = (v: Val) => v.s === null || "strnum" in v;
    let c: number;
    if (numeric(a) && numeric(b)) {
      const x = this.toNum(a);
      const y = this.toNum(b);
      c = x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    } else {
      const x = this.toStr(a);
      const y = this.toStr(b);
      c = x < y ? -1 : x > y ? 1 : 0;
    }
    switch (op) {
      case "<":
        return c < 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case ">=":
        return c >= 0;
      case "==":
        return c === 0;
      default:
        return c !== 0;
    }
  }

  private call(name: string, args: Expr[], f: Frame | null): Val {
    const fn = this.funcs.get(name);
    if (!fn) throw new AwkError(`awk: function ${name} never defined\n`);
    if (args.length > fn.params.length) throw new AwkError(`awk: too many arguments in call to ${name}\n`);
    const frame: Frame = { locals: new Set(fn.params), vars: new Map(), arrays: new Map() };
    fn.params.forEach((p, k) => {
      const a = args[k];
      if (!a) return;
      if (a.k === "var" && this.arrayOrUntyped(a.name, f)) frame.arrays.set(p, this.array(a.name, f));
      else frame.vars.set(p, this.eval(a, f));
    });
    if (this.frames.length > 1000) throw new AwkError("awk: function call nesting too deep\n");
    this.frames.push(frame);
    try {
      this.execAll(fn.body, frame);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.v;
      throw e;
    } finally {
      this.frames.pop();
    }
    return UNINIT;
  }

  private builtin(name: string, args: Expr[], f: Frame | null): Val {
    const arg = (k: number) => this.eval(args[k]!, f);
    const s = (k: number) => this.toStr(arg(k));
    const n = (k: number) => this.toNum(arg(k));
    switch (name) {
      case "length": {
        if (args.length === 0) return num([...this.record].length);
        const a = args[0]!;
        const fr = this.frameOf(a.k === "var" ? a.name : "", f);
        if (a.k === "var" && (fr ? fr.arrays.has(a.name) : this.arrays.has(a.name))) return num(this.array(a.name, f).size);
        return num([...s(0)].length);
      }
      case "substr": {
        // mawk truncates both numbers, and a start before 1 lengthens rather than shortens (substr("hello", 0, 2) is "he").
        const text = s(0);
        let start = Math.trunc(n(1)) || 0;
        let len = args.length > 2 ? Math.trunc(n(2)) || 0 : Infinity;
        if (start < 1) {
          len -= start;
          start = 1;
        }
        return str(len > 0 ? text.slice(start - 1, start - 1 + Math.min(len, text.length)) : "");
      }
      case "index":
        return num(s(0).indexOf(s(1)) + 1);
      case "split": {
        const text = s(0);
        const a = args[1];
        if (!a || a.k !== "var") throw new AwkError("awk: split: second argument is not an array\n");
        const sep = args[2];
        const parts = sep?.k === "re" ? splitRegex(text, this.regex(sep.src)) : splitFields(text, sep ? s(2) : this.getS("FS"), (x) => this.regex(x), false);
        const arr = this.array(a.name, f);
        arr.clear();
        parts.forEach((p, k) => arr.set(String(k + 1), strnum(p)));
        return num(parts.length);
      }
      case "sub":
      case "gsub": {
        const re = this.regexOf(args[0]!, f);
        const repl = s(1);
        const target: Expr = args[2] ?? { k: "field", e: { k: "num", v: 0 } };
        if (args[2] && !isLvalue(args[2])) {
          // A value that is not a variable is searched but cannot be changed.
          return num(substitute(this.toStr(this.eval(target, f)), re, repl, name === "gsub").count);
        }
        const r = substitute(this.toStr(this.eval(target, f)), re, repl, name === "gsub");
        if (r.count > 0) this.assignTo(target, str(r.text), f);
        return num(r.count);
      }
      case "match": {
        const text = s(0);
        const m = this.regexOf(args[1]!, f).exec(text);
        const start = m ? m.index + 1 : 0;
        this.globals.set("RSTART", num(start));
        this.globals.set("RLENGTH", num(m ? m[0].length : -1));
        return num(start);
      }
      case "sprintf": {
        if (args.length === 0) return str("");
        const vals = args.slice(1).map((a) => this.eval(a, f));
        const fmt = s(0);
        return str(sprintf(fmt, vals, this.getS("CONVFMT"), "sprintf", () => this.notEnough("sprintf", fmt), this.limits));
      }
      case "tolower":
        return str(s(0).toLowerCase());
      case "toupper":
        return str(s(0).toUpperCase());
      case "int":
        return num(Math.trunc(n(0)));
      case "sqrt":
        return num(Math.sqrt(n(0)));
      case "exp":
        return num(Math.exp(n(0)));
      case "log":
        return num(Math.log(n(0)));
      case "sin":
        return num(Math.sin(n(0)));
      case "cos":
        return num(Math.cos(n(0)));
      case "atan2":
        return num(Math.atan2(n(0), n(1)));
      case "rand":
        return num(this.rand());
      case "srand": {
        const prev = this.seed;
        this.srand(args.length ? n(0) : this.prevSeed + 1);
        return num(prev);
      }
      case "close":
      case "fflush":
        for (const a of args) this.eval(a, f);
        return num(0);
      default:
        throw new AwkError(`${name}()`, true);
    }
  }

  private notEnough(fn: string, fmt: string): never {
    this.runtimeError(`not enough arguments passed to ${fn}("${fmt}")`);
  }

  /** mawk's run time error: the message and where in the input it happened. */
  runtimeError(what: string): never {
    throw new AwkError(`awk: run time error: ${what}\n\tFILENAME="${this.getS("FILENAME")}" FNR=${this.getS("FNR")} NR=${this.getS("NR")}\n`);
  }

  /** A seeded linear congruential generator: the same script gives the same numbers on every run. */
  private srand(seed: number): void {
    this.prevSeed = this.seed;
    this.seed = seed;
    this.randState = (Math.trunc(seed) >>> 0) ^ 0x5deece66;
  }
  private rand(): number {
    this.randState = (Math.imul(this.randState, 1103515245) + 12345) >>> 0;
    return this.randState / 4294967296;
  }

  // ---- statements

  execAll(stmts: Stmt[], f: Frame | null): void {
    for (const s of stmts) this.exec(s, f);
  }

  exec(s: Stmt, f: Frame | null): void {
    if (++this.steps > STEP_LIMIT) throw new AwkError("awk: the script ran past the simulator's step limit (an endless loop?)\n");
    if ((this.steps & 1023) === 0) this.limits.tick();
    switch (s.k) {
      case "expr":
        this.eval(s.e, f);
        return;
      case "print": {
        let text: string;
        if (s.printf) {
          const vals = s.args.slice(1).map((a) => this.eval(a, f));
          const fmt = this.toStr(this.eval(s.args[0]!, f));
          text = sprintf(
            fmt,
            vals,
            this.getS("CONVFMT"),
            "printf",
            (partial) => {
              // mawk has written what came before the missing argument.
              if (!s.dest) this.write("stdout", partial);
              return this.notEnough("printf", fmt);
            },
            this.limits,
          );
        } else {
          const parts = s.args.length ? s.args.map((a) => this.toOut(this.eval(a, f))) : [this.record];
          text = parts.join(this.getS("OFS")) + this.getS("ORS");
        }
        if (!s.dest) {
          this.write("stdout", text);
          return;
        }
        const to = this.toStr(this.eval(s.dest.e, f));
        if (s.dest.mode !== "|" && (to === "/dev/stdout" || to === "-")) this.write("stdout", text);
        else if (s.dest.mode !== "|" && to === "/dev/stderr") this.write("stderr", text);
        else throw new AwkError(s.dest.mode === "|" ? "printing to a command" : `writing to the file ${to}`, true);
        return;
      }
      case "if":
        if (this.toBool(this.eval(s.c, f))) this.exec(s.then, f);
        else if (s.else) this.exec(s.else, f);
        return;
      case "while":
        while (this.toBool(this.eval(s.c, f))) if (this.loopBody(s.body, f)) break;
        return;
      case "do":
        do {
          if (this.loopBody(s.body, f)) break;
        } while (this.toBool(this.eval(s.c, f)));
        return;
      case "for":
        if (s.init) this.exec(s.init, f);
        while (!s.c || this.toBool(this.eval(s.c, f))) {
          if (this.loopBody(s.body, f)) break;
          if (s.step) this.exec(s.step, f);
        }
        return;
      case "forin": {
        const keys = [...this.array(s.arr, f).keys()];
        for (const k of keys) {
          this.setVar(s.v, strnum(k), f);
          if (this.loopBody(s.body, f)) break;
        }
        return;
      }
      case "block":
        this.execAll(s.body, f);
        return;
      case "next":
        throw new NextSignal();
      case "nextfile":
        throw new NextFileSignal();
      case "break":
        throw new BreakSignal();
      case "continue":
        throw new ContinueSignal();
      case "exit":
        if (s.e) this.exitCode = Math.trunc(this.toNum(this.eval(s.e, f))) & 0xff;
        throw new ExitSignal();
      case "return":
        throw new ReturnSignal(s.e ? this.eval(s.e, f) : UNINIT);
      case "delete": {
        const a = this.array(s.name, f);
        if (s.subs) a.delete(this.subscript(s.subs, f));
        else a.clear();
        return;
      }
      case "getline":
        throw new AwkError("getline", true);
    }
  }

  /** One pass of a loop body; true to leave the loop. */
  private loopBody(body: Stmt, f: Frame | null): boolean {
    try {
      this.exec(body, f);
    } catch (e) {
      if (e instanceof BreakSignal) return true;
      if (e instanceof ContinueSignal) return false;
      throw e;
    }
    return false;
  }
}

function arith(op: string, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    default:
      return a ** b;
  }
}

/** An awk ERE as a JavaScript regular expression: POSIX classes, and a ] first in a bracket is literal. */
function eresToJs(src: string): string {
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\" && i + 1 < src.length) {
      out += c + src[++i]!;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      let body = "";
      if (src[j] === "^") body += src[j++];
      if (src[j] === "]") {
        body += "\\]";
        j++;
      }
      while (j < src.length && src[j] !== "]") {
        if (src.startsWith("[:", j)) {
          const end = src.indexOf(":]", j + 2);
          if (end > 0) {
            body += src.slice(j, end + 2);
            j = end + 2;
            continue;
          }
        }
        if (src[j] === "\\" && j + 1 < src.length) {
          body += src[j]! + src[j + 1]!;
          j += 2;
          continue;
        }
        body += src[j] === "[" ? "\\[" : src[j];
        j++;
      }
      out += posixClasses(`[${body}]`);
      i = j;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Field splitting by FS: " " splits on runs of blanks and newlines, ignoring
 * them at the ends; one other character literally; anything longer as a
 * regex. In paragraph mode (RS "") a newline always separates fields too.
 */
function splitFields(text: string, fs: string, regex: (s: string) => RegExp, paragraph: boolean): string[] {
  if (text === "") return [];
  if (fs === " ") return text.split(/[ \t\n]+/).filter((f) => f !== "");
  if (fs.length === 1 && fs !== "\\") {
    const parts = text.split(fs);
    return paragraph ? parts.flatMap((p) => p.split("\n")) : parts;
  }
  return splitRegex(text, regex(paragraph ? `(?:${fs})|\n` : fs));
}

function splitRegex(text: string, re: RegExp): string[] {
  if (text === "") return [];
  const g = new RegExp(re.source, "g");
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(g)) {
    if (m[0] === "") continue;
    out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** sub/gsub: & is the match, \& a literal &, \\ a backslash. */
function substitute(text: string, re: RegExp, repl: string, global: boolean): { text: string; count: number } {
  const g = new RegExp(re.source, "g");
  let out = "";
  let count = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    const at = m.index;
    out += text.slice(last, at);
    for (let k = 0; k < repl.length; k++) {
      const c = repl[k]!;
      if (c === "\\" && (repl[k + 1] === "&" || repl[k + 1] === "\\")) out += repl[++k];
      else if (c === "&") out += m[0];
      else out += c;
    }
    count++;
    if (m[0] === "") {
      if (at < text.length) out += text[at];
      last = at + 1;
      g.lastIndex = at + 1;
    } else last = at + m[0].length;
    if (!global) break;
  }
  if (last <= text.length) out += text.slice(last);
  return { text: out, count };
}

/** Records of an input by RS: a newline, another single character, a regex, or "" (paragraphs). */
function records(text: string, rs: string, regex: (s: string) => RegExp): string[] {
  if (text === "") return [];
  let parts: string[];
  if (rs === "") {
    parts = text.replace(/^\n+/, "").split(/\n\n+/);
    if (parts[parts.length - 1] !== undefined) parts[parts.length - 1] = parts[parts.length - 1]!.replace(/\n+$/, "");
    return parts.filter((p, k) => p !== "" || k < parts.length - 1);
  }
  parts = rs.length === 1 ? text.split(rs) : splitRegex(text, regex(rs));
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

// ---------------------------------------------------------------- the command

export const awk: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "Fvf");
  if (bad) return fail(2, `awk: ${bad}\n`);
  let fs: string | null = null;
  const assigns: string[] = [];
  for (const [o, v] of opts) {
    if (o === "F") fs = v!;
    else if (o === "v") assigns.push(v!);
    else if (o === "f") return unsupportedOption("awk", "a program file (-f)");
    else return unsupportedOption("awk", `the option -${o}`);
  }
  if (operands.length === 0) return fail(2, "usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]\n");
  const [program, ...rest] = operands;
  let parser: Parser;
  try {
    parser = new Parser(lex(program!));
    parser.program();
  } catch (e) {
    return awkFailure(e);
  }
  const rt = new Runtime(parser.funcs, io.limits);
  if (fs !== null) rt.globals.set("FS", str(fs === "t" ? "\t" : unescape(fs)));
  const assign = (a: string): boolean => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
    if (!m) return false;
    rt.setVar(m[1]!, strnum(unescape(m[2]!)), null);
    return true;
  };
  for (const a of assigns) if (!assign(a)) return fail(2, `awk: improper assignment: -v ${a}\n`);
  rt.globals.set("ARGC", num(rest.length + 1));
  const argv = rt.array("ARGV", null);
  argv.set("0", str("awk"));
  rest.forEach((a, k) => argv.set(String(k + 1), strnum(a)));

  const items = parser.items;
  const main = items.filter((i) => i.kind === "main");
  const ends = items.filter((i) => i.kind === "end");
  let exiting = false;
  try {
    try {
      for (const b of items.filter((i) => i.kind === "begin")) rt.execAll(b.action!, null);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      exiting = true;
    }
    if (!exiting && (main.length > 0 || ends.length > 0)) exiting = runMain(rt, main, rest, io, assign);
    if (!exiting || ends.length > 0) {
      try {
        for (const b of ends) rt.execAll(b.action!, null);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
      }
    }
  } catch (e) {
    const r = awkFailure(e);
    return { status: r.status, stdout: rt.stdout + r.stdout, stderr: rt.stderr + r.stderr };
  }
  return { status: rt.exitCode, stdout: rt.stdout, stderr: rt.stderr };
};

/** The main rules over every input record; true when `exit` ran (END still runs). */
function runMain(rt: Runtime, main: Item[], operands: string[], io: ToolIo, assign: (a: string) => boolean): boolean {
  const files = operands.filter((o) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(o));
  const sources = files.length ? operands : [...operands, "-"];
  let nr = 0;
  for (const src of sources) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(src)) {
      assign(src);
      continue;
    }
    const { inputs: ins, unsupported } = inputs([src], io);
    if (unsupported !== null) throw new AwkError(`reading the file ${unsupported}`, true);
    const read = ins[0]!.read;
    if (!read.ok) throw new AwkError(read.error === IS_A_DIRECTORY ? `awk: read error (${read.error})\n` : `awk: cannot open ${src} (${read.error})\n`);
    rt.globals.set("FILENAME", str(src));
    let fnr = 0;
    try {
      for (const rec of records(read.content, rt.toStr(rt.globals.get("RS") ?? UNINIT), (s) => rt.regex(s))) {
        rt.globals.set("NR", num(++nr));
        rt.globals.set("FNR", num(++fnr));
        rt.setRecord(rec);
        try {
          for (const item of main) {
            if (!matches(rt, item)) continue;
            if (item.action) rt.execAll(item.action, null);
            else rt.write("stdout", rt.toOut(rt.getField(0)) + rt.toStr(rt.globals.get("ORS")!));
          }
        } catch (e) {
          if (!(e instanceof NextSignal)) throw e;
        }
        nr = rt.toNum(rt.globals.get("NR")!);
      }
    } catch (e) {
      if (e instanceof ExitSignal) return true;
      if (!(e instanceof NextFileSignal)) throw e;
    }
  }
  return false;
}

function matches(rt: Runtime, item: Item): boolean {
  if (!item.pattern) return true;
  if (!item.pattern2) return rt.toBool(rt.eval(item.pattern, null));
  if (!item.inRange) {
    if (!rt.toBool(rt.eval(item.pattern, null))) return false;
    item.inRange = !rt.toBool(rt.eval(item.pattern2, null));
    return true;
  }
  if (rt.toBool(rt.eval(item.pattern2, null))) item.inRange = false;
  return true;
}

function awkFailure(e: unknown): { status: number; stdout: string; stderr: string } {
  if (!(e instanceof AwkError)) throw e;
  if (e.unsupported) return unsupportedOption("awk", e.message);
  return fail(2, e.message);
}
