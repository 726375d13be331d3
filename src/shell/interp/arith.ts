import type { Arith } from "../parse/ast.js";
import { expandString, type ExpandEnv } from "./expand.js";

/** `$(( ))` basics: integers, variables by name or `$`, + - * / % ** comparisons ! && ||, in 64-bit like bash. */
export async function evalArith(env: ExpandEnv, e: Arith): Promise<bigint> {
  switch (e.kind) {
    case "num":
      return valueOf(env, (await expandString(env, e.word)).trim(), 0);
    case "un": {
      const x = await evalArith(env, e.x);
      return e.op === "!" ? (x === 0n ? 1n : 0n) : e.op === "-" ? BigInt.asIntN(64, -x) : x;
    }
    case "bin": {
      if (e.op === "&&") return (await evalArith(env, e.x)) !== 0n && (await evalArith(env, e.y)) !== 0n ? 1n : 0n;
      if (e.op === "||") return (await evalArith(env, e.x)) !== 0n || (await evalArith(env, e.y)) !== 0n ? 1n : 0n;
      return binary(env, e.op, await evalArith(env, e.x), await evalArith(env, e.y));
    }
  }
}

function binary(env: ExpandEnv, op: string, x: bigint, y: bigint): bigint {
  const b = (v: boolean): bigint => (v ? 1n : 0n);
  switch (op) {
    case "+": return BigInt.asIntN(64, x + y);
    case "-": return BigInt.asIntN(64, x - y);
    case "*": return BigInt.asIntN(64, x * y);
    case "/":
    case "%":
      if (y === 0n) env.fail("division by 0 (error token is \"0\")");
      return op === "/" ? x / y : x % y;
    case "**":
      if (y < 0n) env.fail("exponent less than 0");
      return pow64(x, y);
    case "==": return b(x === y);
    case "!=": return b(x !== y);
    case "<": return b(x < y);
    case ">": return b(x > y);
    case "<=": return b(x <= y);
    case ">=": return b(x >= y);
  }
  return env.fail(`unknown arithmetic operator ${op}`);
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

/** A number, or a variable name whose value is evaluated in turn, as bash does. */
function valueOf(env: ExpandEnv, text: string, depth: number): bigint {
  if (text === "") return 0n;
  const n = parseInteger(text);
  if (n !== null) return n;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && depth < 16) return valueOf(env, (env.lookup(text) ?? "").trim(), depth + 1);
  return env.fail(`${text}: syntax error: operand expected (error token is "${text}")`);
}

export function parseInteger(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const digits = m[2]!;
  const v = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return BigInt.asIntN(64, m[1] === "-" ? -v : v);
}
