import { Killed, NotSimulated, ShellScriptError, unsupported } from "../errors.js";
import type { Arith, Assign, Command, Pos, Redir, Stmt, TestExpr } from "../parse/ast.js";
import { ArithError, evalArith, parseArith } from "./arith.js";
import { globMatch } from "./pattern.js";
import { PROGRAM_BUILTINS, RUNNERS } from "./programs.js";
import { TOOLS } from "../tools/index.js";
import { BUILTINS, decl, type BuiltinContext } from "./builtins.js";
import { expandFields, expandPattern, expandString, type ExpandEnv } from "./expand.js";
import { PROC_SYS, normalizePath, readPath, statPath } from "./files.js";
import type { ShellHost } from "./host.js";
import { Input, discard, type Sink, type Streams } from "./io.js";
import { LimitExceeded, checkString, type ShellLimits } from "./limits.js";
import { BreakSignal, ContinueSignal, ExitSignal, ReturnSignal } from "./signals.js";
import type { ShArray, ShellState } from "./state.js";
import { parseScript } from "../parse/parse.js";
import { TestError, binaryTest, unaryTest } from "./test-expr.js";
import { Abandoned, bareClock, Scheduler, Signalled, type Proc } from "./scheduler.js";
import { JobTable, notifyJobs } from "./jobs.js";

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
  /** Conditions being tested (if, while, && ||, !): set -e and the ERR trap stay silent inside them, functions included. */
  inCond = 0;
  /** A subshell or substitution: its ERR and EXIT traps are its own. */
  child = false;
  /** `timeout` commands running now. */
  timeouts = 0;
  private calledAsBuiltin = false;
  /** The statement's stderr before its redirections: where bash tells an assignment-only command's errors. */
  private stmtErr: Sink | null = null;
  /** The processes of the run and their clock: the host's, or one of the script's own. */
  sched: Scheduler;
  /** The process this interpreter runs in: the script, or a background job. */
  proc: Proc;
  /** This shell's background jobs. */
  jobs = new JobTable();

  constructor(
    readonly host: ShellHost,
    readonly file: string,
    readonly state: ShellState,
    readonly limits: ShellLimits,
    /** Only the script's own interpreter has one: subshells and substitutions are not trapped. */
    readonly trap: ErrTrap | null = null,
    proc?: Proc,
  ) {
    this.sched = host.scheduler ?? new Scheduler(bareClock());
    this.proc = proc ?? this.sched.main;
  }

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
    this.takePending();
    if (s.background) return this.background(s, io);
    let status: number;
    this.stmtErr = io.err;
    const redirected = await this.redirect(s.redirs, io);
    if (redirected === null) {
      status = 1;
    } else {
      const inner = cond || s.negated;
      if (inner) this.inCond++;
      try {
        status = s.cmd ? await this.command(s.cmd, redirected.io, inner) : 0;
      } finally {
        if (inner) this.inCond--;
        redirected.after();
      }
      status = redirected.status() ?? status;
    }
    if (s.negated) status = status === 0 ? 1 : 0;
    this.state.status = status;
    const quiet = cond || s.negated || this.inCond > 0;
    // Function bodies are not trapped (no errtrace): their call is, when it returns non-zero.
    if (status !== 0 && !quiet && this.state.frames.length === 0 && errTrapFires(s.cmd)) {
      this.trap?.report(s.pos.line, status);
      const action = this.state.traps.get("ERR");
      if (action) await this.runTrap(action, io);
      this.state.status = status;
    }
    if (this.state.opts.errexit && status !== 0 && !quiet && errexitApplies(s.cmd)) throw new ExitSignal(status);
    return status;
  }

  /** A trap's action runs as eval would, with $? as it was. */
  async runTrap(action: string, io: Streams): Promise<void> {
    const status = this.state.status;
    await this.evalString(action, io);
    this.state.status = status;
  }

  /** `eval`, `trap` actions: the text parsed and run here, its syntax errors told as bash tells them. */
  async evalString(text: string, io: Streams, who = "eval"): Promise<number> {
    let stmts: Stmt[];
    try {
      stmts = parseScript(text, this.file).stmts;
    } catch (e) {
      if (e instanceof ShellScriptError && e.kind === "syntax") {
        io.err(`${this.file}: ${who}: line ${e.line}: syntax error: ${e.reason}\n`);
        return 2;
      }
      if (e instanceof ShellScriptError) {
        io.err(`${this.prefix()}${e.reason}\n`);
        throw new FatalError(2, new ShellScriptError(this.file, this.line, 1, e.reason, "unsupported"));
      }
      throw e;
    }
    const line = this.line;
    const shifted = stmts.map((st) => shiftLines(st, line - 1));
    return this.runStmts(shifted, io);
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
      case "subshell":
        return this.subshell(c.stmts, io);
      case "case":
        return this.caseClause(c, io, cond);
      case "arith":
        return this.arithCommand(c, io);
      case "cfor":
        return this.cfor(c, io, cond);
    }
  }

  private async caseClause(c: Extract<Command, { kind: "case" }>, io: Streams, cond: boolean): Promise<number> {
    const env = this.expandEnv(io);
    const word = await expandString(env, c.word);
    let status = 0;
    let fall = false;
    for (const it of c.items) {
      let hit = fall;
      if (!hit) {
        for (const p of it.patterns) {
          if (globMatch(await expandPattern(env, p), word)) {
            hit = true;
            break;
          }
        }
      }
      if (!hit) continue;
      status = await this.runStmts(it.body, io, cond);
      if (it.then === ";;") return status;
      fall = it.then === ";&";
    }
    return status;
  }

  /** `(( ))` and `let`: 0 when the last value is non-zero; an error prints and returns 1, bash goes on. */
  private async arithCommand(c: Extract<Command, { kind: "arith" }>, io: Streams): Promise<number> {
    let v = 0n;
    for (const [i, e] of c.exprs.entries()) {
      try {
        v = await evalArith(this.expandEnv(io), e);
      } catch (err) {
        if (!(err instanceof ArithError)) throw err;
        io.err(`${this.prefix()}${c.let ? "let" : "(("}: ${err.expr ?? (c.src[i] ?? "").trim()}: ${err.message}\n`);
        return 1;
      }
    }
    if (c.let && c.exprs.length === 0) {
      io.err(`${this.prefix()}let: expression expected\n`);
      return 1;
    }
    return v !== 0n ? 0 : 1;
  }

  private async cfor(c: Extract<Command, { kind: "cfor" }>, io: Streams, cond: boolean): Promise<number> {
    const ev = async (e: Arith | null): Promise<bigint> => {
      if (!e) return 1n;
      try {
        return await evalArith(this.expandEnv(io), e);
      } catch (err) {
        if (!(err instanceof ArithError)) throw err;
        io.err(`${this.prefix()}((: ${err.message}\n`);
        throw new FatalError(1);
      }
    };
    await ev(c.init);
    let first = true;
    return this.loop(
      io,
      async () => {
        if (!first) await ev(c.post);
        first = false;
        return (await ev(c.cond)) !== 0n;
      },
      () => this.runStmts(c.body, io, cond),
    );
  }

  private async loop(io: Streams, next: () => Promise<boolean>, body: () => Promise<number>): Promise<number> {
    let status = 0;
    this.state.loopDepth++;
    try {
      for (;;) {
        try {
          if (!(await next())) break;
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
      const signals = this.proc.signals;
      const status = await this.subshell(p.stmt, { stdin: input, out, err });
      statuses.push(status);
      input = new Input(buf);
      // A signal to the job reaches every process of its pipeline (bash's kill_pid of a job): those
      // after this one die of it too, even when this one handled it (tcpdump on SIGTERM).
      const sig = this.proc.lastSignal;
      if (this.proc.signals > signals && sig !== null && i < parts.length - 1) {
        while (statuses.length < parts.length) statuses.push(128 + sig);
        break;
      }
    }
    const failed = statuses.filter((s) => s !== 0);
    return this.state.opts.pipefail && failed.length ? failed[failed.length - 1]! : statuses[statuses.length - 1]!;
  }

  /** What another process sent this one while it ran: a signal, or a job's failure that ends the script. */
  private takePending(): void {
    const p = this.proc;
    if (p.failure !== null) throw p.failure;
    if (p.pending !== null) {
      const sig = p.pending;
      p.pending = null;
      throw new Signalled(sig);
    }
  }

  /**
   * `cmd &`: the statement runs as a process of its own, from now on beside
   * the script; its standard input is /dev/null (no job control). A job
   * that meets what ends the whole script (a refusal, a limit, the step's
   * timeout) hands it to the process that started it.
   */
  private background(s: Stmt, io: Streams): number {
    const proc = this.sched.spawn();
    proc.ignoresInt = true;
    const job = this.jobs.add(proc, s.text ?? "", s.pos.line);
    this.state.lastBg = proc.pid;
    const parent = this.proc;
    const run = async (): Promise<void> => {
      let status: number;
      try {
        status = await this.subshell({ ...s, background: false }, { ...io, stdin: Input.empty() }, false, proc);
      } catch (e) {
        status = e instanceof FatalError || e instanceof ExitSignal ? e.status : 1;
        if (!(e instanceof ExitSignal) && !(e instanceof Abandoned)) this.sched.fail(parent, e);
      }
      if (proc.lastSignal !== null && status === 128 + proc.lastSignal) job.signal = proc.lastSignal;
      job.status = status;
      this.sched.exit(proc);
    };
    void run();
    this.state.status = 0;
    return 0;
  }

  /** bash reaps its jobs as it waits for a command: the ones a signal killed are told then. */
  notifyJobs(io: Streams): void {
    notifyJobs(this.jobs, io, this.prefix());
  }

  async subshell(s: Stmt | Stmt[], io: Streams, substitution = false, proc: Proc = this.proc): Promise<number> {
    const state = this.state.clone();
    // A subshell does not inherit the traps; a command substitution does not inherit set -e (no inherit_errexit).
    state.traps.clear();
    if (substitution) state.opts.errexit = false;
    const child = new Interpreter(this.host, this.file, state, this.limits, null, proc);
    child.sched = this.sched;
    if (proc === this.proc) child.jobs = this.jobs.copy();
    child.line = this.line;
    child.inCond = this.inCond;
    child.child = true;
    let status: number;
    try {
      status = Array.isArray(s) ? await child.runStmts(s, io) : await child.runStmt(s, io);
    } catch (e) {
      if (e instanceof ExitSignal) status = e.status;
      else if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) status = child.state.status;
      else if (e instanceof FatalError && e.unsupported === null) status = e.status;
      // A process a signal ended runs no traps.
      else if (e instanceof Signalled) return 128 + e.signal;
      else throw e;
    }
    return child.exitTrap(status, io);
  }

  /** The EXIT trap runs once, as the shell ends; an `exit` inside it sets the status. */
  async exitTrap(status: number, io: Streams): Promise<number> {
    const action = this.state.traps.get("EXIT");
    if (!action) return status;
    this.state.traps.delete("EXIT");
    this.state.status = status;
    try {
      await this.evalString(action, io);
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (e instanceof FatalError && e.unsupported === null) return e.status;
      throw e;
    }
    return status;
  }

  private async call(c: Extract<Command, { kind: "call" }>, io: Streams): Promise<number> {
    const env = this.expandEnv(io);
    this.substStatus = null;
    if (c.args.length === 0) {
      const errIo = this.stmtErr ? { ...io, err: this.stmtErr } : io;
      for (const a of c.assigns) {
        if (this.state.opts.xtrace && !a.array) io.err(`+ ${a.name}${a.append ? "+" : ""}=${a.value ? await expandString(env, a.value) : ""}\n`);
        if (!(await this.assign(a, errIo))) {
          // A readonly variable assigned on its own ends a non-interactive bash.
          throw new FatalError(1);
        }
      }
      return this.substStatus ?? 0;
    }
    const assigns: Array<[string, string]> = [];
    for (const a of c.assigns) {
      if (a.array || a.index) {
        await this.assign(a, io);
        continue;
      }
      const v = a.value ? await expandString(env, a.value) : "";
      const value = a.append ? (this.lookup(a.name) ?? "") + v : v;
      this.checkString(value.length, `the variable ${a.name}`);
      if (this.state.readonly.has(a.name)) {
        io.err(`${this.prefix()}${a.name}: readonly variable\n`);
        continue;
      }
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

  /** `x=v`, `x+=v`, `a[i]=v`, `a=(...)`, `a+=(...)`; false when the variable is readonly (told on stderr). */
  async assign(a: Assign, io: Streams, assoc = false): Promise<boolean> {
    const env = this.expandEnv(io);
    if (this.state.readonly.has(a.name)) {
      io.err(`${this.prefix()}${a.name}: readonly variable\n`);
      return false;
    }
    if (a.array) {
      const isAssoc = assoc || (this.state.arrays.get(a.name)?.assoc ?? false);
      const arr = a.append ? this.arrayOf(a.name, isAssoc) : { assoc: isAssoc, items: new Map<string, string>() };
      let next = a.append && !isAssoc ? this.nextIndex(arr) : 0;
      for (const el of a.array) {
        if (el.index) {
          const key = isAssoc ? await expandString(env, el.index) : String(await this.indexValue(el.index, io));
          const v = await expandString(env, el.value);
          arr.items.set(key, v);
          if (!isAssoc) next = Number(key) + 1;
        } else if (isAssoc) {
          io.err(`${this.prefix()}${a.name}: ${await expandString(env, el.value)}: must use subscript when assigning associative array\n`);
        } else {
          for (const v of await expandFields(env, [el.value])) arr.items.set(String(next++), v);
        }
      }
      this.state.vars.delete(a.name);
      this.state.arrays.set(a.name, arr);
      return true;
    }
    const v = a.value ? await expandString(env, a.value) : "";
    if (a.index) {
      const arr = this.arrayOf(a.name, false);
      let key = arr.assoc ? await expandString(env, a.index) : String(await this.indexValue(a.index, io));
      if (!arr.assoc && Number(key) < 0) {
        const k = this.nextIndex(arr) + Number(key);
        if (k < 0) {
          io.err(`${this.prefix()}${a.name}[${key}]: bad array subscript\n`);
          return true;
        }
        key = String(k);
      }
      arr.items.set(key, a.append ? (arr.items.get(key) ?? "") + v : v);
      return true;
    }
    const value = a.append ? (this.lookup(a.name) ?? "") + v : v;
    this.setVar(a.name, value);
    return true;
  }

  private async indexValue(w: import("../parse/ast.js").Word, io: Streams): Promise<bigint> {
    const only = w.parts.length === 1 ? w.parts[0]! : null;
    const env = this.expandEnv(io);
    try {
      return only?.kind === "arith" ? await evalArith(env, only.expr) : await evalArith(env, { kind: "num", word: w });
    } catch (e) {
      if (e instanceof ArithError) env.fail(`${await expandString(env, w)}: ${e.message}`);
      throw e;
    }
  }

  /** The array a name holds, made from its scalar value (element 0) or empty when it has none. */
  arrayOf(name: string, assoc: boolean): ShArray {
    let arr = this.state.arrays.get(name);
    if (!arr) {
      arr = { assoc, items: new Map() };
      const v = this.state.vars.get(name);
      if (v !== undefined) arr.items.set("0", v);
      this.state.vars.delete(name);
      this.state.arrays.set(name, arr);
    }
    return arr;
  }

  private nextIndex(arr: ShArray): number {
    let max = -1;
    for (const k of arr.items.keys()) max = Math.max(max, Number(k));
    return max + 1;
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
    const runner = Object.hasOwn(RUNNERS, name) ? RUNNERS[name] : undefined;
    if (runner) return this.refusable(io, async () => runner(this, argv, io));
    this.calledAsBuiltin = true;
    let status: number | null;
    try {
      status = await this.external(argv, assigns, io);
    } finally {
      this.calledAsBuiltin = false;
    }
    if (status === null) {
      io.err(`${this.prefix()}${name}: command not found\n`);
      return 127;
    }
    return status;
  }

  /** A program found on PATH (the shell's text tools, the host's commands, or the builtins that are programs too); null when there is none. */
  async external(argv: string[], assigns: Array<[string, string]>, io: Streams): Promise<number | null> {
    const name = argv[0]!;
    if (PROGRAM_BUILTINS.has(name)) return this.refusable(io, async () => BUILTINS[name]!(this.context(io), argv));
    const runner = Object.hasOwn(RUNNERS, name) ? RUNNERS[name] : undefined;
    if (runner) return this.refusable(io, async () => runner(this, argv, io));
    const tool = Object.hasOwn(TOOLS, name) ? TOOLS[name] : undefined;
    const r = await this.refusable(io, async () => {
      if (tool) {
        const t = tool(argv.slice(1), { stdin: () => (NO_STDIN.has(name) ? "" : io.stdin.rest()), readFile: (p) => readPath(this.host, this.resolve(p)), limits: this.limits, fs: this.host.fs, resolve: (p) => this.resolve(p) });
        return { exitCode: t.status, stdout: t.stdout, stderr: t.stderr };
      }
      const env = { ...this.state.env(), ...Object.fromEntries(assigns) };
      return this.host.exec(argv, { stdin: io.stdin.peek(), env, proc: this.proc, out: io.out, err: io.err });
    });
    if (!tool && r !== null) this.notifyJobs(io);
    if (r === null) return null;
    io.out(r.stdout);
    // printf and echo are builtins in bash: their complaints carry the script's `FILE: line N: `.
    io.err(this.calledAsBuiltin && (name === "printf" || name === "echo") ? r.stderr.replace(/^(?=.)/gm, this.prefix()) : r.stderr);
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
      // Under `timeout` the kill goes to timeout, which tells its own from the step's.
      if (e instanceof Killed && this.timeouts > 0) throw e;
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
        return e.op === "!" ? !(await this.evalTest(e.x, io)) : unaryTest(e.op, await str(e.x), (p) => this.stat(p, io), (p) => this.sizeOf(p));
      case "binary":
        if (e.op === "&&") return (await this.evalTest(e.x, io)) && this.evalTest(e.y, io);
        if (e.op === "||") return (await this.evalTest(e.x, io)) || this.evalTest(e.y, io);
        if (e.op === "=~") return new RegExp(await str(e.y)).test(await str(e.x));
        if (e.op === "==" || e.op === "=" || e.op === "!=") {
          const rhs = e.y.kind === "word" ? await expandPattern(env, e.y.word) : await str(e.y);
          return binaryTest(e.op, await str(e.x), rhs, true);
        }
        // In [[ ]] the operands of -eq and the like are arithmetic expressions.
        if (/^-(eq|ne|lt|le|gt|ge)$/.test(e.op)) {
          const num = async (x: TestExpr): Promise<string> => {
            const t = await str(x);
            try {
              return String(await evalArith(env, parseArith(t)));
            } catch (err) {
              if (err instanceof ArithError) throw new TestError(`${t}: ${err.message}`);
              throw err;
            }
          };
          return binaryTest(e.op, await num(e.x), await num(e.y), false);
        }
        return binaryTest(e.op, await str(e.x), await str(e.y), false);
    }
  }

  /** For test -e/-f/-d: null when the path is not there; a path the host does not model is refused here. */
  stat(path: string, io: Streams): "file" | "dir" | null {
    const s = statPath(this.host, this.resolve(path));
    if (s === null) this.unsupported(io, this.pos(), `testing the file ${path}`);
    return s === "missing" ? null : s;
  }

  /** A file's st_size: a directory's is never 0; procfs files are 0. */
  sizeOf(path: string): number {
    const r = readPath(this.host, this.resolve(path));
    if (!r || !r.ok) return 4096;
    return r.size ?? new TextEncoder().encode(r.content).length;
  }

  setVar(name: string, value: string): void {
    this.checkString(value.length, `the variable ${name}`);
    const arr = this.state.arrays.get(name);
    if (arr) arr.items.set("0", value);
    else this.state.vars.set(name, value);
  }

  /** A path as the script names it, made absolute against the working directory. */
  resolve(path: string): string {
    if (path === "") return path;
    return normalizePath(path.startsWith("/") ? path : `${this.state.cwd}/${path}`);
  }

  checkString(length: number, what: string): void {
    checkString(this.limits, length, what);
  }

  lookup(name: string): string | undefined {
    if (name === "?") return String(this.state.status);
    if (name === "#") return String(this.state.positional.length);
    if (name === "$") return String(this.sched.main.pid);
    if (name === "!") return this.state.lastBg === null ? undefined : String(this.state.lastBg);
    if (name === "0") return this.file;
    if (name === "-") return "hB";
    if (/^[1-9][0-9]*$/.test(name)) return this.state.positional[Number(name) - 1];
    const arr = this.state.arrays.get(name);
    if (arr) return arr.items.get("0");
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
        this.substStatus = await this.subshell(stmts, { stdin: Input.empty(), out: sink, err: io.err }, true);
        this.state.status = this.substStatus;
        return out;
      },
      fail: (message) => {
        io.err(`${this.prefix()}${message}\n`);
        throw new FatalError(1);
      },
      element: (n, k) => {
        const arr = this.state.arrays.get(n);
        if (arr) return arr.items.get(k);
        return k === "0" ? this.lookup(n) : undefined;
      },
      assignElement: (n, k, v) => {
        if (this.state.readonly.has(n)) {
          io.err(`${this.prefix()}${n}: readonly variable\n`);
          return;
        }
        this.arrayOf(n, false).items.set(k, v);
      },
      isAssoc: (n) => this.state.arrays.get(n)?.assoc ?? false,
      array: (n) => {
        const arr = this.state.arrays.get(n);
        if (arr) {
          const keys = this.state.keys(arr);
          return { keys, values: keys.map((k) => arr.items.get(k)!) };
        }
        const v = this.lookup(n);
        return v === undefined ? null : { keys: ["0"], values: [v] };
      },
      names: (prefix) => [...new Set([...this.state.vars.keys(), ...this.state.arrays.keys()])].filter((n) => n.startsWith(prefix)).sort(),
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
      if (r.op === "<<" || r.op === "<<<") {
        const text = await expandString(this.expandEnv(io), r.target);
        if ((r.fd ?? 0) !== 0) this.unsupported(io, r.pos, `redirecting file descriptor ${r.fd}`);
        stdin = new Input(r.op === "<<<" ? `${text}\n` : text);
        continue;
      }
      const target = await expandString(this.expandEnv(io), r.target);
      const fd = r.fd ?? (r.op === "<" || r.op === "<&" || r.op === "<>" ? 0 : 1);
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
      const path = this.resolve(target);
      if (r.op === "<" || r.op === "<&" || r.op === "<>") {
        const rd = readPath(this.host, path);
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
      else if (path.startsWith(PROC_SYS) && this.host.procSys) {
        if (this.host.procSys.stat?.(path.slice(PROC_SYS.length)) === null) this.unsupported(io, r.pos, `writing to the file ${target}`);
        const w = { path, data: [] as string[], pos: r.pos };
        writes.push(w);
        sink = (t) => void w.data.push(t);
      } else {
        const fs = this.host.fs;
        const opened = fs?.write(path, "", r.op === ">>" || r.op === "&>>") ?? null;
        if (!fs || opened === null) this.unsupported(io, r.pos, `writing to the file ${target}`);
        if (!opened.ok) {
          io.err(`${this.prefix(r.pos.line)}${target}: ${opened.error}\n`);
          return null;
        }
        sink = (t) => {
          checkString(this.limits, ((fs.read(path) as { content?: string } | null)?.content?.length ?? 0) + t.length, `the file ${target}`);
          fs.write(path, t, true);
        };
      }
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
  return c.kind === "call" || c.kind === "test" || c.kind === "decl" || c.kind === "subshell" || c.kind === "arith";
}

/** set -e looks at simple commands and pipelines; compound commands and && || lists leave it to their parts. */
function errexitApplies(c: Command | null): boolean {
  if (c === null) return false;
  if (c.kind === "binary") return c.op === "|" || c.op === "|&";
  return !["if", "while", "for", "block", "func", "case", "cfor"].includes(c.kind);
}

/** A statement parsed from text run at `line` (eval, a trap): its lines counted from there. */
function shiftLines<T>(node: T, by: number): T {
  if (by === 0) return node;
  const walk = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) return n.forEach(walk);
    const o = n as Record<string, unknown>;
    if (o.pos && typeof o.pos === "object" && typeof (o.pos as Pos).line === "number") o.pos = { ...(o.pos as Pos), line: (o.pos as Pos).line + by };
    for (const [k, v] of Object.entries(o)) if (k !== "pos") walk(v);
  };
  walk(node);
  return node;
}
