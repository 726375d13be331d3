/**
 * ipvlab's own shell AST: the subset of bash that --engine sim interprets.
 * The parser adapter rejects everything else up front, so the interpreter
 * never meets a construct it cannot run halfway through a script.
 */

export interface Pos {
  line: number;
  col: number;
}

export type WordPart =
  /** Unquoted text as written, backslashes included (the expander removes them). */
  | { kind: "lit"; value: string }
  | { kind: "sq"; value: string }
  /** Double-quoted: its `lit` parts keep their backslashes too. */
  | { kind: "dq"; parts: WordPart[] }
  | { kind: "param"; name: string; length: boolean; op: ParamOp | null; arg: Word | null }
  | { kind: "cmdsubst"; stmts: Stmt[] }
  | { kind: "arith"; expr: Arith };

export type ParamOp = ":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?" | "#" | "##" | "%" | "%%";

export interface Word {
  pos: Pos;
  parts: WordPart[];
}

export type Arith =
  | { kind: "num"; word: Word }
  | { kind: "bin"; op: ArithBinOp; x: Arith; y: Arith }
  | { kind: "un"; op: "!" | "-" | "+"; x: Arith };

export type ArithBinOp = "+" | "-" | "*" | "/" | "%" | "**" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||";

export type TestExpr =
  | { kind: "word"; word: Word }
  | { kind: "unary"; op: string; x: TestExpr }
  | { kind: "binary"; op: string; x: TestExpr; y: TestExpr };

export interface Assign {
  name: string;
  value: Word | null;
  append: boolean;
}

export type RedirOp = ">" | ">>" | "<" | ">&" | "<&" | "&>" | "&>>" | ">|";

export interface Redir {
  pos: Pos;
  /** The file descriptor written before the operator (`2>`), or null. */
  fd: number | null;
  op: RedirOp;
  target: Word;
}

export interface Stmt {
  pos: Pos;
  negated: boolean;
  cmd: Command | null;
  redirs: Redir[];
}

export interface IfBranch {
  cond: Stmt[];
  body: Stmt[];
}

export type Command =
  | { kind: "call"; assigns: Assign[]; args: Word[] }
  | { kind: "binary"; op: "&&" | "||" | "|" | "|&"; x: Stmt; y: Stmt }
  | { kind: "if"; branches: IfBranch[]; otherwise: Stmt[] | null }
  | { kind: "while"; until: boolean; cond: Stmt[]; body: Stmt[] }
  /** `items` null means `for x; do` (the positional parameters). */
  | { kind: "for"; name: string; items: Word[] | null; body: Stmt[] }
  | { kind: "block"; stmts: Stmt[] }
  | { kind: "func"; name: string; body: Stmt }
  | { kind: "test"; expr: TestExpr }
  /** `export`, `local`, `declare`, `readonly`: their `a=b` operands are never split or globbed. */
  | { kind: "decl"; variant: string; items: DeclItem[] };

export type DeclItem = { kind: "assign"; assign: Assign } | { kind: "word"; word: Word };

export interface Script {
  file: string;
  stmts: Stmt[];
}
