import type { Arith, ArithBinOp, Word } from "../parse/ast.js";
import { expandString, type ExpandEnv } from "./expand.js";

/** An arithmetic error: bash prints `EXPR: MESSAGE` after who evaluated it (`((: `, `let: `, or nothing for `$(( ))`). */
export class ArithError extends Error {
  /** The expression bash names: a variable's value when the error is inside it. */
  expr: string | null = null;
}

const MAX_DEPTH = 1024;

/** bash's arithmetic (expr.c): 64-bit integers, variables by name evaluated in turn, assignments, ++/--, ?:, bit operations, the comma. */
export async function evalArith(env: ExpandEnv, e: Arith, depth = 0): Promise<bigint> {
  if (depth > MAX_DEPTH) throw new ArithError("expression recursion level exceeded (error token is \"\")");
  const ev = (x: Arith) => evalArith(env, x, depth + 1);
  switch (e.kind) {
    case "num": {
      const text = (await expandString(env, e.word)).trim();
      return evalText(env, text, depth + 1);
    }
    case "var":
      return evalText(env, (await readVar(env, e)) ?? "", depth + 1, e.name);
    case "un": {
      const x = await ev(e.x);
      return e.op === "!" ? (x === 0n ? 1n : 0n) : e.op === "-" ? BigInt.asIntN(64, -x) : e.op === "~" ? BigInt.asIntN(64, ~x) : x;
    }
    case "incdec": {
      const target = lvalue(e.x);
      const old = await evalText(env, (await readVar(env, target)) ?? "", depth + 1, target.name);
      const now = BigInt.asIntN(64, e.op === "++" ? old + 1n : old - 1n);
      await writeVar(env, target, now);
      return e.post ? old : now;
    }
    case "assign": {
      const target = lvalue(e.x);
      const y = await ev(e.y);
      const v = e.op === "=" ? y : binary(e.op.slice(0, -1), await evalText(env, (await readVar(env, target)) ?? "", depth + 1, target.name), y);
      await writeVar(env, target, v);
      return v;
    }
    case "cond":
      return (await ev(e.c)) !== 0n ? ev(e.x) : ev(e.y);
    case "bin": {
      if (e.op === "&&") return (await ev(e.x)) !== 0n && (await ev(e.y)) !== 0n ? 1n : 0n;
      if (e.op === "||") return (await ev(e.x)) !== 0n || (await ev(e.y)) !== 0n ? 1n : 0n;
      if (e.op === ",") {
        await ev(e.x);
        return ev(e.y);
      }
      const x = await ev(e.x);
      const y = await ev(e.y);
      try {
        return binary(e.op, x, y);
      } catch (err) {
        if (err instanceof ArithError) err.message = err.message.replace(/\(error token is "[^"]*"\)$/, `(error token is "${lastToken(e.y)}")`);
        throw err;
      }
    }
  }
}

/** The last token of an operand as written: what bash's messages call the error token. */
function lastToken(e: Arith): string {
  switch (e.kind) {
    case "num":
      return e.word.parts.map((p) => (p.kind === "lit" || p.kind === "sq" ? p.value : "")).join("").trim();
    case "var":
      return e.index ? "]" : e.name;
    case "un":
    case "incdec":
      return e.kind === "incdec" && e.post ? e.op : lastToken(e.x);
    case "bin":
    case "assign":
      return lastToken(e.y);
    case "cond":
      return lastToken(e.y);
  }
}

function lvalue(x: Arith): Extract<Arith, { kind: "var" }> {
  if (x.kind !== "var") throw new ArithError("attempted assignment to non-variable (error token is \"\")");
  return x;
}

async function readVar(env: ExpandEnv, v: Extract<Arith, { kind: "var" }>): Promise<string | undefined> {
  if (v.index === null) {
    const val = env.lookup(v.name);
    if (val === undefined && env.nounset()) env.fail(`${v.name}: unbound variable`);
    return val;
  }
  const key = await indexKey(env, v);
  return env.element(v.name, key.startsWith("-") ? lastPlus(env, v.name, key) : key);
}

/** A negative index counts from the end of the array. */
function lastPlus(env: ExpandEnv, name: string, key: string): string {
  const keys = env.array(name)?.keys ?? [];
  return String((keys.length ? Number(keys[keys.length - 1]) + 1 : 0) + Number(key));
}

async function indexKey(env: ExpandEnv, v: Extract<Arith, { kind: "var" }>): Promise<string> {
  const index = v.index!;
  if (env.isAssoc(v.name)) return index.kind === "num" ? expandString(env, index.word) : index.kind === "var" ? index.name : String(await evalArith(env, index));
  return String(await evalArith(env, v.index!));
}

async function writeVar(env: ExpandEnv, v: Extract<Arith, { kind: "var" }>, value: bigint): Promise<void> {
  if (v.index === null) env.assign(v.name, String(value));
  else env.assignElement(v.name, await indexKey(env, v), String(value));
}

export function binary(op: ArithBinOp | string, x: bigint, y: bigint): bigint {
  const b = (v: boolean): bigint => (v ? 1n : 0n);
  switch (op) {
    case "+": return BigInt.asIntN(64, x + y);
    case "-": return BigInt.asIntN(64, x - y);
    case "*": return BigInt.asIntN(64, x * y);
    case "/":
    case "%":
      if (y === 0n) throw new ArithError("division by 0 (error token is \"0\")");
      return BigInt.asIntN(64, op === "/" ? x / y : x % y);
    case "**":
      if (y < 0n) throw new ArithError("exponent less than 0 (error token is \"0\")");
      return pow64(x, y);
    case "==": return b(x === y);
    case "!=": return b(x !== y);
    case "<": return b(x < y);
    case ">": return b(x > y);
    case "<=": return b(x <= y);
    case ">=": return b(x >= y);
    case "&": return BigInt.asIntN(64, x & y);
    case "|": return BigInt.asIntN(64, x | y);
    case "^": return BigInt.asIntN(64, x ^ y);
    case "<<": return BigInt.asIntN(64, x << (y & 63n));
    case ">>": return BigInt.asIntN(64, x >> (y & 63n));
  }
  throw new ArithError(`unknown arithmetic operator ${op}`);
}

/** x ** y in 64 bits, wrapping as bash does, without ever holding the exact power (`2**100000000`). */
function pow64(x: bigint, y: bigint): bigint {
  let result = 1n;
  let base = BigInt.asUintN(64, x);
  for (let e = y; e > 0n; e >>= 1n) {
    if (e & 1n) result = BigInt.asUintN(64, result * base);
    base = BigInt.asUintN(64, base * base);
  }
  return BigInt.asIntN(64, result);
}

/** A value as bash reads it in arithmetic: empty is 0, a number, a name evaluated in turn, else an expression of its own. */
async function evalText(env: ExpandEnv, text: string, depth: number, from?: string): Promise<bigint> {
  const t = text.trim();
  if (t === "") return 0n;
  const n = parseInteger(t);
  if (n !== null) return n;
  if (depth > MAX_DEPTH) throw new ArithError(`expression recursion level exceeded (error token is "${t}")`);
  void from;
  try {
    return await evalArith(env, parseArith(t), depth + 1);
  } catch (e) {
    if (e instanceof ArithError && e.expr === null) e.expr = t;
    throw e;
  }
}

export function parseInteger(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*|[0-9]+#[0-9a-zA-Z@_]+)$/.exec(text);
  if (!m) return null;
  const digits = m[2]!;
  let v: bigint;
  if (digits.includes("#")) {
    const [b, ds] = digits.split("#") as [string, string];
    const base = Number(b);
    if (base < 2 || base > 64) return null;
    v = 0n;
    for (const c of ds) {
      const d = base <= 36 ? parseInt(c, 36) : "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@_".indexOf(c);
      if (Number.isNaN(d) || d < 0 || d >= base) return null;
      v = v * BigInt(base) + BigInt(d);
    }
  } else v = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return BigInt.asIntN(64, m[1] === "-" ? -v : v);
}

const litWord = (value: string): Word => ({ pos: { line: 0, col: 0 }, parts: [{ kind: "sq", value }] });

const BIN_PREC: Array<[string[], number]> = [
  [["||"], 1], [["&&"], 2], [["|"], 3], [["^"], 4], [["&"], 5], [["==", "!="], 6], [["<=", ">=", "<", ">"], 7],
  [["<<", ">>"], 8], [["+", "-"], 9], [["*", "/", "%"], 10],
];
const PREC = new Map<string, number>(BIN_PREC.flatMap(([ops, p]) => ops.map((o) => [o, p] as [string, number])));
const ASSIGN_OPS = ["<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "="];
const TOKENS = ["<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", "?", ":", "(", ")", ",", "[", "]"];

/** Parses arithmetic text met at run time (a variable's value, `let`'s quoted operands) into the same tree the parser makes. */
export function parseArith(text: string): Arith {
  const toks: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const word = /^(?:[0-9]+#[0-9a-zA-Z@_]+|0[xX][0-9a-fA-F]*|[0-9A-Za-z_]+)/.exec(text.slice(i));
    if (word) {
      at.push(i);
      toks.push(word[0]);
      i += word[0].length;
      continue;
    }
    const op = TOKENS.find((t) => text.startsWith(t, i));
    if (!op) throw new ArithError(`syntax error: invalid arithmetic operator (error token is "${text.slice(i)}")`);
    at.push(i);
    toks.push(op);
    i += op.length;
  }
  let k = 0;
  // bash's error token: the text from the token it stopped at (the last one, at the end).
  const rest = () => text.slice(at[Math.min(k, at.length - 1)] ?? text.length);
  const operandExpected = (): never => {
    throw new ArithError(`syntax error: operand expected (error token is "${rest()}")`);
  };
  const comma = (): Arith => {
    let x = assign();
    while (toks[k] === ",") {
      k++;
      x = { kind: "bin", op: ",", x, y: assign() };
    }
    return x;
  };
  const assign = (): Arith => {
    const start = k;
    const x = ternary();
    const op = toks[k];
    if (op && ASSIGN_OPS.includes(op)) {
      if (x.kind !== "var") {
        k = start;
        throw new ArithError(`attempted assignment to non-variable (error token is "${op} ${toks.slice(k + 2).join(" ")}")`);
      }
      k++;
      return { kind: "assign", op, x, y: assign() };
    }
    return x;
  };
  const ternary = (): Arith => {
    const c = binaryAt(1);
    if (toks[k] !== "?") return c;
    k++;
    const x = comma();
    if (toks[k] !== ":") throw new ArithError(`syntax error: \`:' expected for conditional expression (error token is "${rest()}")`);
    k++;
    return { kind: "cond", c, x, y: assign() };
  };
  const binaryAt = (min: number): Arith => {
    let x = power();
    for (;;) {
      const op = toks[k];
      const p = op === undefined ? undefined : PREC.get(op);
      if (p === undefined || p < min) return x;
      k++;
      const y = binaryAt(p + 1);
      x = { kind: "bin", op: op as ArithBinOp, x, y };
    }
  };
  const power = (): Arith => {
    const x = unary();
    if (toks[k] === "**") {
      k++;
      return { kind: "bin", op: "**", x, y: power() };
    }
    return x;
  };
  const unary = (): Arith => {
    const t = toks[k];
    if (t === "!" || t === "~" || t === "-" || t === "+") {
      k++;
      return { kind: "un", op: t, x: unary() };
    }
    if (t === "++" || t === "--") {
      k++;
      return { kind: "incdec", op: t, post: false, x: unary() };
    }
    return postfix();
  };
  const postfix = (): Arith => {
    const x = primary();
    const t = toks[k];
    if ((t === "++" || t === "--") && x.kind === "var") {
      k++;
      return { kind: "incdec", op: t, post: true, x };
    }
    return x;
  };
  const primary = (): Arith => {
    const t = toks[k];
    if (t === undefined) return operandExpected();
    if (t === "(") {
      k++;
      const x = comma();
      if (toks[k] !== ")") throw new ArithError(`syntax error: missing \`)' (error token is "${rest()}")`);
      k++;
      return x;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) {
      k++;
      if (toks[k] === "[") {
        k++;
        const index = comma();
        if (toks[k] !== "]") operandExpected();
        k++;
        return { kind: "var", name: t, index, raw: litWord(t) };
      }
      return { kind: "var", name: t, index: null, raw: litWord(t) };
    }
    if (/^[0-9]/.test(t)) {
      if (parseInteger(t) === null) throw new ArithError(`${t}: value too great for base (error token is "${t}")`);
      k++;
      return { kind: "num", word: litWord(t) };
    }
    return operandExpected();
  };
  const e = comma();
  if (k < toks.length) throw new ArithError(`syntax error in expression (error token is "${rest()}")`);
  return e;
}
