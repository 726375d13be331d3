import sh, { type MvFile, type MvLit, type MvNode, type MvRedirect, type MvStmt, type MvWord } from "mvdan-sh";
import { ShellScriptError, unsupported } from "../errors.js";
import { LimitExceeded } from "../interp/limits.js";
import type { Arith, ArithBinOp, Assign, Command, DeclItem, IfBranch, ParamOp, Pos, Redir, RedirOp, Script, Stmt, TestExpr, Word, WordPart } from "./ast.js";
import { ARITH_BINARY, ARITH_UNARY, BIN_CMD, PARAM_EXP, REDIR, TEST_BINARY, TEST_UNARY } from "./ops.js";

/* mvdan-sh nodes are Go structs seen through GopherJS: fields are read by name. */
type Any = MvNode & Record<string, unknown>;

const SUPPORTED_REDIRS = new Set([">", ">>", "<", ">&", "<&", "&>", "&>>", ">|"]);

const UNSUPPORTED_CMD: Record<string, string> = {
  Subshell: "a subshell `( ... )`",
  CaseClause: "`case`",
  ArithmCmd: "an arithmetic command `(( ... ))`",
  LetClause: "`let`",
  TimeClause: "`time`",
  CoprocClause: "`coproc`",
  TestDecl: "`@test`",
};

const UNSUPPORTED_PART: Record<string, string> = {
  ProcSubst: "process substitution `<( )`/`>( )`",
  ExtGlob: "an extended glob",
  BraceExp: "brace expansion",
};

/**
 * Parse a bash script into ipvlab's AST; throws ShellScriptError for bash
 * syntax errors and for constructs sim does not run, and LimitExceeded for
 * nesting deeper than the parser's stack (bash's own parser gives up too,
 * at a depth of its own).
 */
export function parseScript(text: string, file: string): Script {
  let parsed: MvFile;
  try {
    parsed = sh.syntax.NewParser(sh.syntax.Variant(sh.syntax.LangBash)).Parse(text, file);
  } catch (e) {
    throw tooDeep(e) ?? syntaxError(e, file);
  }
  try {
    return { file, stmts: new Converter(file).stmts(parsed.Stmts) };
  } catch (e) {
    throw tooDeep(e) ?? e;
  }
}

function tooDeep(e: unknown): LimitExceeded | null {
  const msg = e instanceof Error ? e.message : typeof (e as { Error?: unknown }).Error === "function" ? (e as { Error(): string }).Error() : String(e);
  return /Maximum call stack size exceeded/.test(msg) ? new LimitExceeded("nesting", "commands nested deeper than the simulator can parse") : null;
}

function syntaxError(e: unknown, file: string): ShellScriptError {
  const msg = typeof (e as { Error?: unknown }).Error === "function" ? (e as { Error(): string }).Error() : String(e);
  const m = /^.*?:(\d+):(\d+): (.*)$/s.exec(msg);
  if (!m) return new ShellScriptError(file, 1, 1, msg, "syntax");
  return new ShellScriptError(file, Number(m[1]), Number(m[2]), m[3]!, "syntax");
}

class Converter {
  constructor(private readonly file: string) {}

  private pos(n: MvNode): Pos {
    const p = n.Pos();
    return { line: p.Line(), col: p.Col() };
  }

  private reject(n: MvNode, what: string): ShellScriptError {
    const p = this.pos(n);
    return unsupported(this.file, p.line, p.col, what);
  }

  stmts(list: MvStmt[] | null | undefined): Stmt[] {
    return Array.from(list ?? [], (s) => this.stmt(s));
  }

  stmt(s: MvStmt): Stmt {
    if (s.Background) throw this.reject(s, "running a command in the background with `&`");
    if (s.Coprocess) throw this.reject(s, "`coproc`");
    return {
      pos: this.pos(s),
      negated: s.Negated,
      cmd: s.Cmd ? this.command(s.Cmd as Any) : null,
      redirs: Array.from(s.Redirs ?? [], (r) => this.redir(r)),
    };
  }

  private redir(r: MvRedirect): Redir {
    const op = REDIR[r.Op] ?? `#${r.Op}`;
    if (op === "<<" || op === "<<-") throw this.reject(r, "a here-document `<<`");
    if (op === "<<<") throw this.reject(r, "a here-string `<<<`");
    if (!SUPPORTED_REDIRS.has(op) || !r.Word) throw this.reject(r, `the redirection \`${op}\``);
    const fd = r.N ? Number(r.N.Value) : null;
    return { pos: this.pos(r), fd, op: op as RedirOp, target: this.word(r.Word) };
  }

  private command(c: Any): Command {
    const type = sh.syntax.NodeType(c);
    switch (type) {
      case "CallExpr":
        return {
          kind: "call",
          assigns: Array.from((c.Assigns as Any[]) ?? [], (a) => this.assign(a)),
          args: Array.from((c.Args as MvWord[]) ?? [], (w) => this.word(w)),
        };
      case "BinaryCmd":
        return { kind: "binary", op: BIN_CMD[c.Op as number]!, x: this.stmt(c.X as MvStmt), y: this.stmt(c.Y as MvStmt) };
      case "IfClause":
        return this.ifClause(c);
      case "WhileClause":
        return { kind: "while", until: Boolean(c.Until), cond: this.stmts(c.Cond as MvStmt[]), body: this.stmts(c.Do as MvStmt[]) };
      case "ForClause":
        return this.forClause(c);
      case "Block":
        return { kind: "block", stmts: this.stmts(c.Stmts as MvStmt[]) };
      case "FuncDecl":
        return { kind: "func", name: (c.Name as MvLit).Value, body: this.stmt(c.Body as MvStmt) };
      case "TestClause":
        return { kind: "test", expr: this.testExpr(c.X as Any) };
      case "DeclClause":
        return this.declClause(c);
      default:
        throw this.reject(c, UNSUPPORTED_CMD[type] ?? `the construct ${type}`);
    }
  }

  private ifClause(c: Any): Command {
    const branches: IfBranch[] = [];
    let otherwise: Stmt[] | null = null;
    for (let cur: Any | null = c; cur; cur = (cur.Else as Any | null) ?? null) {
      const cond = (cur.Cond as MvStmt[] | null) ?? [];
      if (cur !== c && cond.length === 0) {
        otherwise = this.stmts(cur.Then as MvStmt[]);
        break;
      }
      branches.push({ cond: this.stmts(cond), body: this.stmts(cur.Then as MvStmt[]) });
    }
    return { kind: "if", branches, otherwise };
  }

  private forClause(c: Any): Command {
    if (c.Select) throw this.reject(c, "`select`");
    const loop = c.Loop as Any;
    if (sh.syntax.NodeType(loop) !== "WordIter") throw this.reject(c, "a C-style `for ((...))` loop");
    const inGiven = (loop.InPos as { IsValid(): boolean }).IsValid();
    return {
      kind: "for",
      name: (loop.Name as MvLit).Value,
      items: inGiven ? Array.from((loop.Items as MvWord[]) ?? [], (w) => this.word(w)) : null,
      body: this.stmts(c.Do as MvStmt[]),
    };
  }

  private declClause(c: Any): Command {
    const variant = (c.Variant as MvLit).Value;
    const items: DeclItem[] = Array.from((c.Args as Any[]) ?? [], (a): DeclItem => {
      if (a.Naked) {
        if (a.Name) return { kind: "word", word: { pos: this.pos(a), parts: [{ kind: "lit", value: (a.Name as MvLit).Value }] } };
        return { kind: "word", word: this.word(a.Value as MvWord) };
      }
      return { kind: "assign", assign: this.assign(a) };
    });
    return { kind: "decl", variant, items };
  }

  private assign(a: Any): Assign {
    if (a.Array || a.Index) throw this.reject(a, "an array");
    return { name: (a.Name as MvLit).Value, value: a.Value ? this.word(a.Value as MvWord) : null, append: Boolean(a.Append) };
  }

  word(w: MvWord): Word {
    return { pos: this.pos(w), parts: Array.from(w.Parts ?? [], (p) => this.part(p as Any)) };
  }

  private part(p: Any): WordPart {
    const type = sh.syntax.NodeType(p);
    switch (type) {
      case "Lit":
        return { kind: "lit", value: p.Value as string };
      case "SglQuoted":
        if (p.Dollar) throw this.reject(p, "ANSI-C quoting `$'...'`");
        return { kind: "sq", value: p.Value as string };
      case "DblQuoted":
        if (p.Dollar) throw this.reject(p, "locale quoting `$\"...\"`");
        return { kind: "dq", parts: Array.from((p.Parts as Any[]) ?? [], (q) => this.part(q)) };
      case "ParamExp":
        return this.paramExp(p);
      case "CmdSubst":
        return { kind: "cmdsubst", stmts: this.stmts(p.Stmts as MvStmt[]) };
      case "ArithmExp":
        if (p.Bracket) throw this.reject(p, "the old arithmetic form `$[ ]`");
        return { kind: "arith", expr: this.arith(p.X as Any) };
      default:
        throw this.reject(p, UNSUPPORTED_PART[type] ?? `the word part ${type}`);
    }
  }

  private paramExp(p: Any): WordPart {
    if (p.Excl || p.Index || p.Slice || p.Repl || p.Width || (p.Names as number)) {
      throw this.reject(p, "this parameter expansion (only $X, ${X}, ${#X}, ${X:-w}, ${X-w}, ${X:=w}, ${X:+w}, ${X:?w}, ${X#w}, ${X%w} are)");
    }
    const exp = p.Exp as Any | null;
    let op: ParamOp | null = null;
    if (exp) {
      const name = PARAM_EXP[exp.Op as number];
      if (!name) throw this.reject(p, "this parameter expansion operator");
      op = name as ParamOp;
    }
    return {
      kind: "param",
      name: (p.Param as MvLit).Value,
      length: Boolean(p.Length),
      op,
      arg: exp && exp.Word ? this.word(exp.Word as MvWord) : exp ? { pos: this.pos(p), parts: [] } : null,
    };
  }

  private arith(x: Any): Arith {
    const type = sh.syntax.NodeType(x);
    if (type === "Word") return { kind: "num", word: this.word(x as unknown as MvWord) };
    if (type === "ParenArithm") return this.arith(x.X as Any);
    if (type === "BinaryArithm") {
      const op = ARITH_BINARY[x.Op as number];
      if (!op) throw this.reject(x, "this arithmetic operator (assignments, bit operations and ?: are not)");
      return { kind: "bin", op: op as ArithBinOp, x: this.arith(x.X as Any), y: this.arith(x.Y as Any) };
    }
    if (type === "UnaryArithm") {
      const op = ARITH_UNARY[x.Op as number];
      if (!op || x.Post) throw this.reject(x, "this arithmetic operator (++ and -- are not)");
      return { kind: "un", op: op as "!" | "-" | "+", x: this.arith(x.X as Any) };
    }
    throw this.reject(x, `the arithmetic expression ${type}`);
  }

  private testExpr(x: Any): TestExpr {
    const type = sh.syntax.NodeType(x);
    if (type === "Word") return { kind: "word", word: this.word(x as unknown as MvWord) };
    if (type === "ParenTest") return this.testExpr(x.X as Any);
    if (type === "UnaryTest") {
      const op = TEST_UNARY[x.Op as number];
      if (!op) throw this.reject(x, "this [[ ]] test operator");
      return { kind: "unary", op, x: this.testExpr(x.X as Any) };
    }
    if (type === "BinaryTest" && (x.Op === 10 || x.Op === 11)) return this.testChain(x);
    if (type === "BinaryTest") {
      const op = TEST_BINARY[x.Op as number];
      if (!op || op === "-nt") throw this.reject(x, "this [[ ]] test operator");
      return { kind: "binary", op, x: this.testExpr(x.X as Any), y: this.testExpr(x.Y as Any) };
    }
    throw this.reject(x, `the [[ ]] expression ${type}`);
  }

  /**
   * mvdan/sh nests `a && b || c` to the right with one precedence; bash gives
   * && the higher one and groups to the left. Rebuild the unparenthesised chain.
   */
  private testChain(x: Any): TestExpr {
    const operands: TestExpr[] = [];
    const ops: string[] = [];
    let cur: Any = x;
    while (sh.syntax.NodeType(cur) === "BinaryTest" && (cur.Op === 10 || cur.Op === 11)) {
      operands.push(this.testExpr(cur.X as Any));
      ops.push(cur.Op === 10 ? "&&" : "||");
      cur = cur.Y as Any;
    }
    operands.push(this.testExpr(cur));
    const ands: TestExpr[] = [];
    let acc = operands[0]!;
    ops.forEach((op, i) => {
      if (op === "&&") acc = { kind: "binary", op: "&&", x: acc, y: operands[i + 1]! };
      else {
        ands.push(acc);
        acc = operands[i + 1]!;
      }
    });
    ands.push(acc);
    return ands.reduce((l, r) => ({ kind: "binary", op: "||", x: l, y: r }));
  }
}
