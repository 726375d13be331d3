import sh, { type MvFile, type MvLit, type MvNode, type MvRedirect, type MvStmt, type MvWord } from "mvdan-sh";
import { ShellScriptError, unsupported } from "../errors.js";
import { LimitExceeded } from "../interp/limits.js";
import type { Arith, ArithBinOp, Assign, Command, DeclItem, IfBranch, ParamOp, Pos, Redir, RedirOp, Script, Stmt, TestExpr, Word, WordPart } from "./ast.js";
import { ansiC } from "./ansi-c.js";
import { ARITH_ASSIGN, ARITH_BINARY, ARITH_UNARY, BIN_CMD, PARAM_EXP, REDIR, TEST_BINARY, TEST_UNARY } from "./ops.js";

/* mvdan-sh nodes are Go structs seen through GopherJS: fields are read by name. */
type Any = MvNode & Record<string, unknown>;

const SUPPORTED_REDIRS = new Set([">", ">>", "<", ">&", "<&", "&>", "&>>", ">|", "<<", "<<-", "<<<", "<>"]);

const CASE_OPS: Record<number, ";;" | ";&" | ";;&"> = { 30: ";;", 31: ";&", 32: ";;&" };

const UNSUPPORTED_CMD: Record<string, string> = {
  TimeClause: "`time`",
  CoprocClause: "`coproc`",
  TestDecl: "`@test`",
};

const UNSUPPORTED_PART: Record<string, string> = {
  ProcSubst: "process substitution `<( )`/`>( )`",
  ExtGlob: "an extended glob",
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
    return { file, stmts: new Converter(file, text).stmts(parsed.Stmts) };
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
  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  /** The source between two offsets of a node, less `trim` characters at each end. */
  private src(n: MvNode, trimStart: number, trimEnd: number): string {
    const a = (n.Pos() as unknown as { Offset(): number }).Offset();
    const b = (n as unknown as { End(): { Offset(): number } }).End().Offset();
    return this.text.slice(a + trimStart, b - trimEnd);
  }

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
    if (s.Coprocess) throw this.reject(s, "`coproc`");
    return {
      pos: this.pos(s),
      negated: s.Negated,
      ...(s.Background ? { background: true, text: this.jobText(s) } : {}),
      cmd: s.Cmd ? this.command(s.Cmd as Any) : null,
      redirs: Array.from(s.Redirs ?? [], (r) => this.redir(r)),
    };
  }

  /** A statement as bash's `jobs` shows it (make_command_string): words one space apart, `( a )`, `{ a; b; }`. */
  private jobText(s: MvStmt): string {
    const c = s.Cmd as Any | null;
    let text = "";
    if (c) {
      const type = sh.syntax.NodeType(c);
      const inner = (list: unknown) => Array.from((list as MvStmt[]) ?? [], (x) => this.jobText(x) + (x.Background ? " &" : "")).join("; ");
      if (type === "CallExpr") text = [...Array.from((c.Assigns as Any[]) ?? [], (a) => this.src(a, 0, 0)), ...Array.from((c.Args as MvWord[]) ?? [], (w) => this.src(w, 0, 0))].join(" ");
      else if (type === "Subshell") text = `( ${inner(c.Stmts)} )`;
      else if (type === "Block") text = `{ ${inner(c.Stmts)}; }`;
      else if (type === "BinaryCmd") text = `${this.jobText(c.X as MvStmt)} ${BIN_CMD[c.Op as number]} ${this.jobText(c.Y as MvStmt)}`;
      else text = this.src(c, 0, 0);
    }
    for (const r of Array.from(s.Redirs ?? [], (r) => r as unknown as MvNode)) text += ` ${this.src(r, 0, 0).replace(/^(\d*)(\S+?)\s*(?=\S)/, "$1$2 ")}`;
    return `${s.Negated ? "! " : ""}${text}`.trim();
  }

  private redir(r: MvRedirect): Redir {
    const op = REDIR[r.Op] ?? `#${r.Op}`;
    if (!SUPPORTED_REDIRS.has(op) || !r.Word) throw this.reject(r, `the redirection \`${op}\``);
    const fd = r.N ? Number(r.N.Value) : null;
    if (op === "<<" || op === "<<-") return { pos: this.pos(r), fd, op: "<<", target: this.heredoc(r, op === "<<-") };
    return { pos: this.pos(r), fd, op: op as RedirOp, target: this.word(r.Word) };
  }

  /** A quoted delimiter keeps the body as written; otherwise it expands as in double quotes, where `"` is a plain character. */
  private heredoc(r: MvRedirect, stripTabs: boolean): Word {
    const quoted = (r.Word!.Parts ?? []).some((p) => sh.syntax.NodeType(p) !== "Lit") || (r.Word!.Parts ?? []).some((p) => (p as MvLit).Value?.includes("\\"));
    const parts = r.Hdoc ? Array.from(r.Hdoc.Parts ?? [], (p) => p as Any) : [];
    if (quoted) {
      let text = parts.map((p) => (p.Value as string) ?? "").join("");
      if (stripTabs) text = text.replace(/^\t+/gm, "");
      return { pos: this.pos(r), parts: [{ kind: "sq", value: text }] };
    }
    let lineStart = true;
    const conv: WordPart[] = [];
    for (const p of parts) {
      const wp = this.part(p);
      if (wp.kind === "lit" && stripTabs) {
        const v: string = wp.value.replace(lineStart ? /(^|\n)\t+/g : /(\n)\t+/g, "$1");
        conv.push({ kind: "lit", value: v });
        lineStart = v.endsWith("\n");
      } else {
        conv.push(wp);
        lineStart = false;
      }
    }
    return { pos: this.pos(r), parts: [{ kind: "dq", parts: conv, heredoc: true }] };
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
      case "Subshell":
        return { kind: "subshell", stmts: this.stmts(c.Stmts as MvStmt[]) };
      case "CaseClause":
        return {
          kind: "case",
          word: this.word(c.Word as MvWord),
          items: Array.from((c.Items as Any[]) ?? [], (it) => ({
            patterns: Array.from((it.Patterns as MvWord[]) ?? [], (w) => this.word(w)),
            body: this.stmts(it.Stmts as MvStmt[]),
            then: CASE_OPS[it.Op as number] ?? ";;",
          })),
        };
      case "ArithmCmd":
        return { kind: "arith", exprs: [this.arith(c.X as Any)], let: false, src: [this.src(c, 2, 2)] };
      case "LetClause":
        return { kind: "arith", exprs: Array.from((c.Exprs as Any[]) ?? [], (x) => this.arith(x)), let: true, src: Array.from((c.Exprs as Any[]) ?? [], (x) => this.src(x, 0, 0)) };
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
    if (sh.syntax.NodeType(loop) === "CStyleLoop") {
      const opt = (x: unknown) => (x ? this.arith(x as Any) : null);
      return { kind: "cfor", init: opt(loop.Init), cond: opt(loop.Cond), post: opt(loop.Post), body: this.stmts(c.Do as MvStmt[]) };
    }
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
    const arr = a.Array as Any | null;
    return {
      name: (a.Name as MvLit).Value,
      value: a.Value ? this.word(a.Value as MvWord) : null,
      append: Boolean(a.Append),
      index: a.Index ? this.indexWord(a.Index as Any) : null,
      array: arr ? Array.from((arr.Elems as Any[]) ?? [], (e) => ({ index: e.Index ? this.indexWord(e.Index as Any) : null, value: e.Value ? this.word(e.Value as MvWord) : { pos: this.pos(e), parts: [] } })) : null,
    };
  }

  /** An index is arithmetic for indexed arrays and a word for associative ones: kept as a word, evaluated as the array needs. */
  private indexWord(x: Any): Word {
    if (sh.syntax.NodeType(x) === "Word") return this.word(x as unknown as MvWord);
    return { pos: this.pos(x), parts: [{ kind: "arith", expr: this.arith(x) }] };
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
        return { kind: "sq", value: p.Dollar ? ansiC(p.Value as string) : (p.Value as string) };
      case "DblQuoted":
        if (p.Dollar) throw this.reject(p, "locale quoting `$\"...\"`");
        return { kind: "dq", parts: Array.from((p.Parts as Any[]) ?? [], (q) => this.part(q)) };
      case "ParamExp":
        return this.paramExp(p);
      case "CmdSubst":
        return { kind: "cmdsubst", stmts: this.stmts(p.Stmts as MvStmt[]) };
      case "ArithmExp":
        if (p.Bracket) throw this.reject(p, "the old arithmetic form `$[ ]`");
        return { kind: "arith", expr: this.arith(p.X as Any), src: this.src(p, 3, 2) };
      default:
        throw this.reject(p, UNSUPPORTED_PART[type] ?? `the word part ${type}`);
    }
  }

  private paramExp(p: Any): WordPart {
    if (p.Width) throw this.reject(p, "this parameter expansion");
    const exp = p.Exp as Any | null;
    let op: ParamOp | null = null;
    if (exp) {
      const name = PARAM_EXP[exp.Op as number];
      if (!name) throw this.reject(p, "this parameter expansion operator");
      op = name as ParamOp;
    }
    if (op === "@") {
      const w = exp!.Word as MvWord | null;
      const what = w ? Array.from(w.Parts ?? [], (q) => (q as MvLit).Value ?? "").join("") : "";
      if (!["Q", "U", "L", "u", "E"].includes(what)) throw this.reject(p, `this parameter expansion (\${X@${what}})`);
    }
    const repl = p.Repl as Any | null;
    const slice = p.Slice as Any | null;
    let replPart: NonNullable<Extract<WordPart, { kind: "param" }>["repl"]> | null = null;
    if (repl) {
      const orig: Word = repl.Orig ? this.word(repl.Orig as MvWord) : { pos: this.pos(p), parts: [] };
      let anchor: "#" | "%" | null = null;
      const first = orig.parts[0];
      if (first?.kind === "lit" && (first.value.startsWith("#") || first.value.startsWith("%"))) {
        anchor = first.value[0] as "#" | "%";
        orig.parts = [{ kind: "lit", value: first.value.slice(1) }, ...orig.parts.slice(1)];
      }
      replPart = { orig, with: repl.With ? this.word(repl.With as MvWord) : null, all: Boolean(repl.All), anchor };
    }
    const names = p.Names as number;
    return {
      kind: "param",
      name: (p.Param as MvLit).Value,
      length: Boolean(p.Length),
      op,
      arg: exp && exp.Word ? this.word(exp.Word as MvWord) : exp ? { pos: this.pos(p), parts: [] } : null,
      index: p.Index ? this.indexWord(p.Index as Any) : null,
      excl: Boolean(p.Excl),
      names: names === 38 ? "*" : names ? "@" : null,
      repl: replPart,
      slice: slice ? { offset: this.arith(slice.Offset as Any), length: slice.Length ? this.arith(slice.Length as Any) : null } : null,
    };
  }

  private arith(x: Any): Arith {
    const type = sh.syntax.NodeType(x);
    if (type === "Word") return this.arithWord(this.word(x as unknown as MvWord));
    if (type === "ParenArithm") return this.arith(x.X as Any);
    if (type === "BinaryArithm") {
      if (x.Op === 72) {
        const branches = x.Y as Any;
        return { kind: "cond", c: this.arith(x.X as Any), x: this.arith(branches.X as Any), y: this.arith(branches.Y as Any) };
      }
      const assign = ARITH_ASSIGN[x.Op as number];
      if (assign) return { kind: "assign", op: assign, x: this.arith(x.X as Any), y: this.arith(x.Y as Any) };
      const op = ARITH_BINARY[x.Op as number];
      if (!op) throw this.reject(x, "this arithmetic operator");
      return { kind: "bin", op: op as ArithBinOp, x: this.arith(x.X as Any), y: this.arith(x.Y as Any) };
    }
    if (type === "UnaryArithm") {
      if (x.Op === 36 || x.Op === 37) return { kind: "incdec", op: x.Op === 36 ? "++" : "--", post: Boolean(x.Post), x: this.arith(x.X as Any) };
      const op = ARITH_UNARY[x.Op as number];
      if (!op) throw this.reject(x, "this arithmetic operator");
      return { kind: "un", op: op as "!" | "-" | "+" | "~", x: this.arith(x.X as Any) };
    }
    throw this.reject(x, `the arithmetic expression ${type}`);
  }

  /** A bare name (or `a[i]`) is a variable the expression may assign; anything else is text evaluated as a number. */
  private arithWord(w: Word): Arith {
    const only = w.parts.length === 1 ? w.parts[0]! : null;
    if (only?.kind === "lit" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(only.value)) return { kind: "var", name: only.value, index: null, raw: w };
    if (only?.kind === "param" && !only.length && !only.op && !only.excl && !only.repl && !only.slice && only.index && (w as unknown as { short?: boolean })) {
      const idx = only.index;
      const single = idx.parts.length === 1 ? idx.parts[0]! : null;
      const index: Arith = single?.kind === "arith" ? single.expr : this.arithWord(idx);
      return { kind: "var", name: only.name, index, raw: w };
    }
    return { kind: "num", word: w };
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
