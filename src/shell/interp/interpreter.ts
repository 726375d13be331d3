import { Killed, NotSimulated, ShellScriptError, unsupported } from "../errors.js";
import type { Command, Pos, Redir, Stmt, TestExpr } from "../parse/ast.js";
import { TOOLS } from "../tools/index.js";
import { BUILTINS, decl, type BuiltinContext } from "./builtins.js";
import { expandFields, expandPattern, expandString, type ExpandEnv } from "./expand.js";
import { PROC_SYS, readPath, statPath } from "./files.js";
import type { ShellHost } from "./host.js";
import { Input, discard, type Sink, type Streams } from "./io.js";
import { LimitExceeded, checkString, type ShellLimits } from "./limits.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./signals.js";
import type { ShellState } from "./state.js";
import { TestError, binaryTest, unaryTest } from "./test-expr.js";

/** Ends the script at once: bash's fatal errors (unbound variable, ${X:?}) and constructs sim cannot run. */
export class FatalError {
  constructor(
    readonly status: number,
    readonly unsupported: ShellScriptError | null = null,
  ) {}
}

/** Where the top-level interpreter reports its failing commands, as bash's ERR trap sees them. */
export interface ErrTrap {
  report(line: number, status: number): void;
}

/** Tools that never read their input, so a `while read` loop's next line stays for `read`. */
const NO_STDIN = new Set(["echo", "printf"]);

export class Interpreter {
  /** The line of the command running now, for bash's `FILE: line N:` prefix. */
  private line = 1;
  private substStatus: number | null = null;

  constructor(
    readonly host: ShellHost,
    readonly file: string,
    readonly state: ShellState,
    readonly limits: ShellLimits,
    /** Only the script's own interpreter has one: subshells and substitutions are not trapped. */
    readonly trap: ErrTrap | null = null,
  ) {}

  /** The line of the command running now. */
  get currentLine(): number {
    return this.line;
  }

  pos(): Pos {
    return { line: this.line, col: 1 };
  }

  prefix(line = this.line): string {
    return `${this.file}: line ${line}: `;
  }

  /** A construct sim cannot run, found only while running (a redirection to a regular file). */
  unsupported(io: Streams, pos: Pos, what: string): never {
    const e = unsupported(this.file, pos.line, pos.col, what);
    io.err(`${this.prefix(pos.line)}${what} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it\n`);
    throw new FatalError(2, e);
  }

  async runStmts(stmts: Stmt[], io: Streams, cond = false): Promise<number> {
    let status = 0;
    for (const s of stmts) status = await this.runStmt(s, io, cond);
    return status;
  }

  async runStmt(s: Stmt, io: Streams, cond = false): Promise<number> {
    this.line = s.pos.line;
    this.limits.tick();
    let status: number;
    const redirected = await this.redirect(s.redirs, io);
    if (redirected === null) {
      status = 1;
    } else {
      try {
        status = s.cmd ? await this.command(s.cmd, redirected.io, cond || s.negated) : 0;
      } finally {
        redirected.after();
      }
      status = redirected.status() ?? status;
    }
    if (s.negated) status = status === 0 ? 1 : 0;
    this.state.status = status;
    // Function bodies are not trapped (no errtrace): their call is, when it returns non-zero.
    if (this.trap && status !== 0 && !cond && !s.negated && this.state.frames.length === 0 && errTrapFires(s.cmd)) this.trap.report(s.pos.line, status);
    if (this.state.opts.errexit && status !== 0 && !cond && !s.negated && errexitApplies(s.cmd)) throw new ExitSignal(status);
    return status;
  }

  private async command(c: Command, io: Streams, cond: boolean): Promise<number> {
    switch (c.kind) {
      case "call":
        return this.call(c, io);
      case "binary":
        if (c.op === "&&" || c.op === "||") {
          const x = await this.runStmt(c.x, io, true);
          if ((x === 0) !== (c.op === "&&")) return x;
          return this.runStmt(c.y, io, cond);
        }
        return this.pipeline(c, io);
      case "if":
        for (const b of c.branches) {
          if ((await this.runStmts(b.cond, io, true)) === 0) return this.runStmts(b.body, io, cond);
        }
        return c.otherwise ? this.runStmts(c.otherwise, io, cond) : 0;
      case "while":
        return this.loop(io, async () => ((await this.runStmts(c.cond, io, true)) === 0) !== c.until, () => this.runStmts(c.body, io, cond));
      case "for": {
        const items = c.items === null ? [...this.state.positional] : await expandFields(this.expandEnv(io), c.items);
        let i = 0;
        return this.loop(
          io,
          async () => {
            if (i >= items.length) return false;
            this.setVar(c.name, items[i++]!);
            return true;
          },
          () => this.runStmts(c.body, io, cond),
        );
      }
      case "block":
        return this.runStmts(c.stmts, io, cond);
      case "func":
        this.state.funcs.set(c.name, c.body);
        return 0;
      case "test":
        return this.testClause(c.expr, io);
      case "decl":
        return decl(this.context(io), [c.variant], c);
    }
  }

  private async loop(io: Streams, next: () => Promise<boolean>, body: () => Promise<number>): Promise<number> {
    let status = 0;
    this.state.loopDepth++;
    try {
      while (await next()) {
        try {
          status = await body();
        } catch (e) {
          if (e instanceof BreakSignal) {
            if (--e.levels > 0) throw e;
            break;
          }
          if (e instanceof ContinueSignal) {
            if (--e.levels > 0) throw e;
            continue;
          }
          throw e;
        }
      }
    } finally {
      this.state.loopDepth--;
    }
    void io;
    return status;
  }

  /** Elements run one after another, each in a subshell, each reading all the previous one wrote. */
  private async pipeline(c: Extract<Command, { kind: "binary" }>, io: Streams): Promise<number> {
    const parts: Array<{ stmt: Stmt; withErr: boolean }> = [];
    const flatten = (s: Stmt, withErr: boolean): void => {
      if (s.cmd?.kind === "binary" && (s.cmd.op === "|" || s.cmd.op === "|&") && !s.negated && s.redirs.length === 0) {
        flatten(s.cmd.x, s.cmd.op === "|&");
        flatten(s.cmd.y, withErr);
      } else parts.push({ stmt: s, withErr });
    };
    flatten(c.x, c.op === "|&");
    flatten(c.y, false);
    let input = io.stdin;
    const statuses: number[] = [];
    for (const [i, p] of parts.entries()) {
      const last = i === parts.length - 1;
      let buf = "";
      const out: Sink = last
        ? io.out
        : (t) => {
            checkString(this.limits, buf.length + t.length, "a pipe's contents");
            buf += t;
          };
      const err: Sink = !last && p.withErr ? out : io.err;
      statuses.push(await this.subshell(p.stmt, { stdin: input, out, err }));
      input = new Input(buf);
    }
    const failed = statuses.filter((s) => s !== 0);
    return this.state.opts.pipefail && failed.length ? failed[failed.length - 1]! : statuses[statuses.length - 1]!;
  }

  async subshell(s: Stmt | Stmt[], io: Streams): Promise<number> {
    const child = new Interpreter(this.host, this.file, this.state.clone(), this.limits);
    child.line = this.line;
    try {
      return Array.isArray(s) ? await child.runStmts(s, io) : await child.runStmt(s, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) return child.state.status;
      if (e instanceof FatalError && e.unsupported === null) return e.status;
      throw e;
    }
  }

  private async call(c: Extract<Command, { kind: "call" }>, io: Streams): Promise<number> {
    const env = this.expandEnv(io);
    this.substStatus = null;
    const assigns: Array<[string, string]> = [];
    for (const a of c.assigns) {
      const v = a.value ? await expandString(env, a.value) : "";
      const value = a.append ? (this.state.vars.get(a.name) ?? "") + v : v;
      this.checkString(value.length, `the variable ${a.name}`);
      assigns.push([a.name, value]);
    }
    const argv = await expandFields(env, c.args);
    if (this.state.opts.xtrace) io.err(`+ ${[...assigns.map(([n, v]) => `${n}=${v}`), ...argv].join(" ")}\n`);
    if (argv.length === 0) {
      for (const [n, v] of assigns) this.setVar(n, v);
      return this.substStatus ?? 0;
    }
    return this.invoke(argv, assigns, io);
  }

  /** Functions, then builtins, then the shell's own text tools, then the host's commands. */
  async invoke(argv: string[], assigns: Array<[string, string]>, io: Streams): Promise<number> {
    const name = argv[0]!;
    const fn = this.state.funcs.get(name);
    const builtin = BUILTINS[name];
    if (fn || builtin) {
      const saved = assigns.map(([n]) => [n, this.state.vars.get(n)] as const);
      for (const [n, v] of assigns) this.state.vars.set(n, v);
      try {
        return fn ? await this.callFunction(name, fn, argv.slice(1), io) : await this.refusable(io, async () => builtin!(this.context(io), argv));
      } finally {
        for (const [n, v] of saved) {
          if (v === undefined) this.state.vars.delete(n);
          else this.state.vars.set(n, v);
        }
      }
    }
    const tool = Object.hasOwn(TOOLS, name) ? TOOLS[name] : undefined;
    const r = await this.refusable(io, async () => {
      if (tool) {
        const t = tool(argv.slice(1), { stdin: () => (NO_STDIN.has(name) ? "" : io.stdin.rest()), readFile: (p) => readPath(this.host, p), limits: this.limits });
        return { exitCode: t.status, stdout: t.stdout, stderr: t.stderr };
      }
      const env = { ...this.state.env(), ...Object.fromEntries(assigns) };
      return this.host.exec(argv, { stdin: io.stdin.peek(), env });
    });
    if (r === null) {
      io.err(`${this.prefix()}${name}: command not found\n`);
      return 127;
    }
    io.out(r.stdout);
    io.err(r.stderr);
    return r.exitCode;
  }

  /**
   * Runs a command that the host may refuse (NotSimulated: the script stops
   * at this line) or kill (Killed: the script ends, keeping what the command
   * wrote).
   */
  private async refusable<T>(io: Streams, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof Killed) {
        io.out(e.stdout);
        io.err(e.stderr);
        throw new ExitSignal(e.status);
      }
      if (!(e instanceof NotSimulated)) throw e;
      io.err(`${this.prefix()}${e.reason}\n`);
      throw new FatalError(2, new ShellScriptError(this.file, this.line, 1, e.reason, "unsupported"));
    }
  }

  private async callFunction(name: string, body: Stmt, args: string[], io: Streams): Promise<number> {
    // bash without FUNCNEST recurses until it segfaults; here the step ends with the limit named instead.
    if (this.state.frames.length >= this.limits.depth) throw new LimitExceeded("depth", `\`${name}\``);
    const savedArgs = this.state.positional;
    const savedDepth = this.state.loopDepth;
    this.state.positional = args;
    this.state.frames.push(new Map());
    this.state.loopDepth = 0;
    try {
      return await this.runStmt(body, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.state.popFrame();
      this.state.positional = savedArgs;
      this.state.loopDepth = savedDepth;
    }
  }

  private async testClause(e: TestExpr, io: Streams): Promise<number> {
    try {
      return (await this.evalTest(e, io)) ? 0 : 1;
    } catch (err) {
      if (!(err instanceof TestError)) throw err;
      io.err(`${this.prefix()}${err.message}\n`);
      return 2;
    }
  }

  private async evalTest(e: TestExpr, io: Streams): Promise<boolean> {
    const env = this.expandEnv(io);
    const str = async (x: TestExpr): Promise<string> => (x.kind === "word" ? expandString(env, x.word) : String(await this.evalTest(x, io)));
    switch (e.kind) {
      case "word":
        return (await expandString(env, e.word)) !== "";
      case "unary":
        return e.op === "!" ? !(await this.evalTest(e.x, io)) : unaryTest(e.op, await str(e.x), (p) => this.stat(p, io));
      case "binary":
        if (e.op === "&&") return (await this.evalTest(e.x, io)) && this.evalTest(e.y, io);
        if (e.op === "||") return (await this.evalTest(e.x, io)) || this.evalTest(e.y, io);
        if (e.op === "=~") return new RegExp(await str(e.y)).test(await str(e.x));
        if (e.op === "==" || e.op === "=" || e.op === "!=") {
          const rhs = e.y.kind === "word" ? await expandPattern(env, e.y.word) : await str(e.y);
          return binaryTest(e.op, await str(e.x), rhs, true);
        }
        return binaryTest(e.op, await str(e.x), await str(e.y), false);
    }
  }

  /** For test -e/-f/-d: null when the path is not there; a path the host does not model is refused here. */
  stat(path: string, io: Streams): "file" | "dir" | null {
    const s = statPath(this.host, path);
    if (s === null) this.unsupported(io, this.pos(), `testing the file ${path}`);
    return s === "missing" ? null : s;
  }

  setVar(name: string, value: string): void {
    this.checkString(value.length, `the variable ${name}`);
    this.state.vars.set(name, value);
  }

  checkString(length: number, what: string): void {
    checkString(this.limits, length, what);
  }

  lookup(name: string): string | undefined {
    if (name === "?") return String(this.state.status);
    if (name === "#") return String(this.state.positional.length);
    if (name === "$") return "1";
    if (name === "0") return this.file;
    if (/^[1-9][0-9]*$/.test(name)) return this.state.positional[Number(name) - 1];
    return this.state.vars.get(name);
  }

  expandEnv(io: Streams): ExpandEnv {
    return {
      lookup: (n) => this.lookup(n),
      positional: () => this.state.positional,
      assign: (n, v) => this.setVar(n, v),
      nounset: () => this.state.opts.nounset,
      limits: this.limits,
      substitute: async (stmts) => {
        let out = "";
        const sink: Sink = (t) => {
          checkString(this.limits, out.length + t.length, "a command substitution's output");
          out += t;
        };
        this.substStatus = await this.subshell(stmts, { stdin: Input.empty(), out: sink, err: io.err });
        this.state.status = this.substStatus;
        return out;
      },
      fail: (message) => {
        io.err(`${this.prefix()}${message}\n`);
        throw new FatalError(1);
      },
    };
  }

  context(io: Streams): BuiltinContext {
    return { sh: this, io };
  }

  /** Applies a statement's redirections; null when one failed (bash skips the command, status 1). */
  private async redirect(redirs: Redir[], io: Streams): Promise<{ io: Streams; after(): void; status(): number | null } | null> {
    if (redirs.length === 0) return { io, after: () => {}, status: () => null };
    const fds: Sink[] = [io.out, io.out, io.err];
    let stdin = io.stdin;
    const writes: Array<{ path: string; data: string[]; pos: Pos }> = [];
    let failed: number | null = null;
    for (const r of redirs) {
      const target = await expandString(this.expandEnv(io), r.target);
      const fd = r.fd ?? (r.op === "<" || r.op === "<&" ? 0 : 1);
      if (fd > 2) this.unsupported(io, r.pos, `redirecting file descriptor ${fd}`);
      if ((r.op === ">&" || r.op === "<&") && /^[0-2]$/.test(target)) {
        if (fd === 0) continue;
        fds[fd] = fds[Number(target)]!;
        continue;
      }
      if ((r.op === ">&" || r.op === "<&") && target === "-") {
        fds[fd] = discard;
        continue;
      }
      if (r.op === "<" || r.op === "<&") {
        const rd = readPath(this.host, target);
        if (!rd) this.unsupported(io, r.pos, `reading the file ${target}`);
        if (!rd.ok) {
          io.err(`${this.prefix(r.pos.line)}${target}: ${rd.error}\n`);
          return null;
        }
        stdin = new Input(rd.content);
        continue;
      }
      let sink: Sink;
      if (target === "/dev/null") sink = discard;
      else if (target === "/dev/stdout") sink = io.out;
      else if (target === "/dev/stderr") sink = io.err;
      else if (target.startsWith(PROC_SYS) && this.host.procSys) {
        if (this.host.procSys.stat?.(target.slice(PROC_SYS.length)) === null) this.unsupported(io, r.pos, `writing to the file ${target}`);
        const w = { path: target, data: [] as string[], pos: r.pos };
        writes.push(w);
        sink = (t) => void w.data.push(t);
      } else this.unsupported(io, r.pos, `writing to the file ${target}`);
      if (r.op === "&>" || r.op === "&>>" || (r.op === ">&" && r.fd === null)) fds[1] = fds[2] = sink;
      else fds[fd] = sink;
    }
    const err = fds[2]!;
    return {
      io: { stdin, out: fds[1]!, err },
      after: () => {
        for (const w of writes) {
          const res = this.host.procSys!.write(w.path.slice(PROC_SYS.length), w.data.join(""));
          if (res === null) this.unsupported(io, w.pos, `writing ${w.data.join("").trim()} to ${w.path}`);
          if (!res.ok) {
            io.err(`${this.prefix(w.pos.line)}${w.path}: ${res.error}\n`);
            failed = 1;
          }
        }
      },
      status: () => failed,
    };
  }
}

/** bash's ERR trap fires for simple commands, [[ ]], declarations and pipelines; compound commands and && || lists leave it to their parts. */
function errTrapFires(c: Command | null): boolean {
  if (c === null) return true;
  if (c.kind === "binary") return c.op === "|" || c.op === "|&";
  return c.kind === "call" || c.kind === "test" || c.kind === "decl";
}

/** set -e looks at simple commands and pipelines; compound commands and && || lists leave it to their parts. */
function errexitApplies(c: Command | null): boolean {
  if (c === null) return false;
  if (c.kind === "binary") return c.op === "|" || c.op === "|&";
  return !["if", "while", "for", "block", "func"].includes(c.kind);
}
