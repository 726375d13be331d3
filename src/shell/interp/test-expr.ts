import { globMatch } from "./pattern.js";
import { parseInteger } from "./arith.js";

/** A failed test: bash prints it (`[: x: integer expression expected`) and the test returns 2. */
export class TestError extends Error {}

export type Stat = (path: string) => "file" | "dir" | null;

/** st_size of a path that exists (0 for procfs files), for -s. */
export type Size = (path: string) => number;

export const UNARY = new Set(["-z", "-n", "-e", "-f", "-d", "-a", "-s", "-r", "-w", "-x", "-L", "-h", "-b", "-c", "-S", "-p", "-g", "-u", "-k", "-O", "-G", "-N", "-t"]);
export const BINARY = new Set(["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"]);

export function unaryTest(op: string, arg: string, stat: Stat, size?: Size): boolean {
  switch (op) {
    case "-z":
      return arg === "";
    case "-n":
      return arg !== "";
    case "-d":
      return stat(arg) === "dir";
    case "-f":
      return stat(arg) === "file";
    case "-s":
      return stat(arg) !== null && (size ? size(arg) > 0 : true);
    case "-t":
      // A lab's commands have no terminal.
      return false;
    case "-b":
    case "-c":
    case "-S":
    case "-p":
    case "-g":
    case "-u":
    case "-k":
    case "-N":
      // Block and character devices, sockets, pipes, set-id and sticky bits: none among the files the simulator has.
      stat(arg);
      return false;
    default:
      // -e -a -s -r -w -x -L -h: existence is all a lab can observe.
      return stat(arg) !== null;
  }
}

/** `pattern` true: [[ == ]] with a glob right-hand side. */
export function binaryTest(op: string, a: string, b: string, pattern: boolean): boolean {
  switch (op) {
    case "=":
    case "==":
      return pattern ? globMatch(b, a) : a === b;
    case "!=":
      return pattern ? !globMatch(b, a) : a !== b;
    case "<":
      return a < b;
    case ">":
      return a > b;
  }
  const x = integer(a);
  const y = integer(b);
  switch (op) {
    case "-eq": return x === y;
    case "-ne": return x !== y;
    case "-lt": return x < y;
    case "-le": return x <= y;
    case "-gt": return x > y;
    case "-ge": return x >= y;
  }
  throw new TestError(`${op}: binary operator expected`);
}

function integer(s: string): bigint {
  const t = s.trim();
  const v = /^[+-]?[0-9]+$/.test(t) ? parseInteger(t.replace(/^([+-]?)0+(?=\d)/, "$1")) : null;
  if (v === null) throw new TestError(`${s}: integer expression expected`);
  return v;
}

/** `test` / `[` over its arguments, POSIX's argument-count rules first, then -a/-o/!/( ) by precedence. */
export function evalTestArgs(args: string[], stat: Stat, size?: Size): boolean {
  let i = 0;
  const peek = (): string | undefined => args[i];
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === "-o") {
      i++;
      v = andExpr() || v;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (peek() === "-a") {
      i++;
      v = notExpr() && v;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (peek() === "!" && i + 1 < args.length) {
      i++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const a = args[i];
    if (a === undefined) throw new TestError("argument expected");
    if (a === "(" && args.length - i >= 3) {
      i++;
      const v = orExpr();
      if (args[i] !== ")") throw new TestError("`)' expected");
      i++;
      return v;
    }
    if (i + 2 < args.length + 0 && BINARY.has(args[i + 1]!) && args[i + 2] !== undefined) {
      const v = binaryTest(args[i + 1]!, a, args[i + 2]!, false);
      i += 3;
      return v;
    }
    if (UNARY.has(a) && i + 1 < args.length) {
      i += 2;
      return unaryTest(a, args[i - 1]!, stat, size);
    }
    i++;
    return a !== "";
  };
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== "";
  if (args.length === 2 && args[0] === "!") return args[1] === "";
  if (args.length === 2 && !UNARY.has(args[0]!)) throw new TestError(`${args[0]}: unary operator expected`);
  if (args.length === 3 && BINARY.has(args[1]!)) return binaryTest(args[1]!, args[0]!, args[2]!, false);
  const v = orExpr();
  if (i < args.length) throw new TestError(args.length > 4 ? "too many arguments" : `${args[i]}: binary operator expected`);
  return v;
}
