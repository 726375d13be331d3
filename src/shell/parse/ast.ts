/**
 * ipvlab's own shell AST: the bash that --engine sim interprets.
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
  | { kind: "dq"; parts: WordPart[]; heredoc?: boolean }
  | ParamPart
  | { kind: "cmdsubst"; stmts: Stmt[] }
  /** `src`: the expression as written, which bash's arithmetic errors quote. */
  | { kind: "arith"; expr: Arith; src?: string };

export type ParamOp = ":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?" | "#" | "##" | "%" | "%%" | "^" | "^^" | "," | ",," | "@";

export interface ParamPart {
  kind: "param";
  name: string;
  /** `${#X}` */
  length: boolean;
  op: ParamOp | null;
  arg: Word | null;
  /** `${X[i]}`, `${X[@]}`, `${X[*]}` */
  index?: Word | null;
  /** `${!X}`: the variable X names; with index @ or *: the array's keys. */
  excl?: boolean;
  /** `${!PREFIX*}` / `${!PREFIX@}`: the names of the variables that begin with it. */
  names?: "*" | "@" | null;
  repl?: { orig: Word; with: Word | null; all: boolean; anchor: "#" | "%" | null } | null;
  slice?: { offset: Arith; length: Arith | null } | null;
}

export interface Word {
  pos: Pos;
  parts: WordPart[];
}

export type Arith =
  | { kind: "num"; word: Word }
  /** A variable named in the expression (or an element `a[i]`): what assignments and ++ change. */
  | { kind: "var"; name: string; index: Arith | null; raw: Word }
  | { kind: "bin"; op: ArithBinOp; x: Arith; y: Arith }
  | { kind: "un"; op: "!" | "-" | "+" | "~"; x: Arith }
  | { kind: "incdec"; op: "++" | "--"; post: boolean; x: Arith }
  | { kind: "assign"; op: string; x: Arith; y: Arith }
  | { kind: "cond"; c: Arith; x: Arith; y: Arith };

export type ArithBinOp = "+" | "-" | "*" | "/" | "%" | "**" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||" | "&" | "|" | "^" | "<<" | ">>" | ",";

export type TestExpr =
  | { kind: "word"; word: Word }
  | { kind: "unary"; op: string; x: TestExpr }
  | { kind: "binary"; op: string; x: TestExpr; y: TestExpr };

export interface Assign {
  name: string;
  value: Word | null;
  append: boolean;
  /** `a[i]=v` */
  index?: Word | null;
  /** `a=(x [k]=y)` */
  array?: Array<{ index: Word | null; value: Word }> | null;
}

export type RedirOp = ">" | ">>" | "<" | ">&" | "<&" | "&>" | "&>>" | ">|" | "<<" | "<<<" | "<>";

export interface Redir {
  pos: Pos;
  /** The file descriptor written before the operator (`2>`), or null. */
  fd: number | null;
  op: RedirOp;
  /** For `<<`, the here-document's body (a `dq` with heredoc set, or `sq` for a quoted delimiter). */
  target: Word;
}

export interface Stmt {
  pos: Pos;
  negated: boolean;
  /** `cmd &` */
  background?: boolean;
  /** A background statement as `jobs` shows it. */
  text?: string;
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
  | { kind: "subshell"; stmts: Stmt[] }
  | { kind: "case"; word: Word; items: CaseItem[] }
  | { kind: "arith"; exprs: Arith[]; let: boolean; src: string[] }
  | { kind: "cfor"; init: Arith | null; cond: Arith | null; post: Arith | null; body: Stmt[] }
  /** `export`, `local`, `declare`, `readonly`: their `a=b` operands are never split or globbed. */
  | { kind: "decl"; variant: string; items: DeclItem[] };

export interface CaseItem {
  patterns: Word[];
  body: Stmt[];
  /** `;;` ends the case, `;&` falls into the next body, `;;&` tests the next patterns. */
  then: ";;" | ";&" | ";;&";
}

export type DeclItem = { kind: "assign"; assign: Assign } | { kind: "word"; word: Word };

export interface Script {
  file: string;
  stmts: Stmt[];
}
