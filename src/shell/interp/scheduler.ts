// Processes of one script run side by side on a virtual clock. Each one is
// a chain of promises (a background job, the script itself); a process that
// waits for time or for another process blocks here, and only when none can
// run does the clock move: to the earliest wake-up, or until an event makes
// a waiter's condition hold. The clock is the host's (the simulated
// kernel's event queue), so a background ping's echoes and a foreground
// sleep interleave as the kernel's events order them, and every run is the
// same run.

/** What the scheduler moves: the host's virtual time. */
export interface ShellClock {
  /** Virtual milliseconds. */
  now(): number;
  /**
   * Runs the host's events until `until` (the clock then ends exactly there)
   * or until `stop()` holds after some event ran (null: nothing to look at,
   * the host may run the whole stretch at once). It may throw (the step's
   * timeout): every waiter then gets that error.
   */
  run(until: number, stop: (() => boolean) | null): void;
}

/** A signal delivered to a process that was waiting: what it does about it is its own affair. */
export class Signalled extends Error {
  constructor(readonly signal: number) {
    super(`signal ${signal}`);
    this.name = "Signalled";
  }
}

/** The clock has nothing left to run and every process waits for ever: bash would hang until the step's timeout. */
export class Deadlock extends Error {
  constructor() {
    super("every process waits and nothing is left to happen");
    this.name = "Deadlock";
  }
}

/** The script ended with this process still running: it is stopped there. */
export class Abandoned extends Error {
  constructor() {
    super("the script ended");
    this.name = "Abandoned";
  }
}

/** One process of the script: the script itself or a background job. */
export class Proc {
  /** A signal sent while it was running; it takes it at its next wait. */
  pending: number | null = null;
  /** The last signal sent to it: a job that ends with 128+N of it died of it. */
  lastSignal: number | null = null;
  /** Signals sent to it so far. */
  signals = 0;
  /**
   * A background job of a shell without job control: SIGINT and SIGQUIT are
   * ignored (SIG_IGN from the fork on), unless a program it runs sets a
   * handler of its own (ping, tcpdump).
   */
  ignoresInt = false;
  /** An error from a job it started that ends the script (a refusal, a limit): taken at its next wait. */
  failure: unknown = null;
  ended = false;
  constructor(readonly pid: number) {}
}

interface Waiter {
  proc: Proc;
  /** Woken only once no other process can run (yieldIdle). */
  idle: boolean;
  /** Signals the waiting program handles itself. */
  handles: readonly number[];
  until: number;
  stop: (() => boolean) | null;
  /** What only another process's end can make hold (`wait` for a job): not looked at between events. */
  ready?: () => boolean;
  seq: number;
  resolve: (stopped: boolean) => void;
  reject: (e: unknown) => void;
}

export class Scheduler {
  readonly main: Proc;
  private runnable = 1;
  private waiters: Waiter[] = [];
  private seq = 0;
  private nextPid: number;
  private advancing = false;

  constructor(
    readonly clock: ShellClock,
    /** The script's own pid ($$); background jobs are numbered after it. */
    pid = 1,
  ) {
    this.main = new Proc(pid);
    this.nextPid = pid + 1;
  }

  get now(): number {
    return this.clock.now();
  }

  /** Background processes that have not ended. */
  live = 0;
  private closed = false;
  private drained: (() => void) | null = null;

  /**
   * The script ended: every process still running is stopped where it
   * waits (its program's cleanup runs: a capture lets go of its device).
   * Resolves once they all ended.
   */
  /** The script's own process ended; its jobs run on until they end. */
  finish(): Promise<void> {
    if (this.live === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => (this.drained = resolve));
    this.runnable--;
    this.settle();
    return done;
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.live === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => (this.drained = resolve));
    this.failAll(new Abandoned());
    return done;
  }

  /** A new process, running from now on. */
  spawn(): Proc {
    this.runnable++;
    this.live++;
    return new Proc(this.nextPid++);
  }

  /** A process ended: whoever waited for it may go on. */
  exit(p: Proc): void {
    if (p.ended) return;
    p.ended = true;
    this.runnable--;
    this.live--;
    if (this.live === 0) this.drained?.();
    this.settle();
  }

  /**
   * Blocks `p` until virtual time `until` or until `stop()` holds (checked
   * whenever an event ran or a process ended); true when stop() ended it.
   * Rejects with Signalled when the process is signalled meanwhile.
   */
  wait(p: Proc, until: number, stop: (() => boolean) | null = null, handles: readonly number[] = []): Promise<boolean> {
    if (this.closed) return Promise.reject(new Abandoned());
    if (p.failure !== null) return Promise.reject(p.failure);
    if (p.pending !== null) {
      const sig = p.pending;
      p.pending = null;
      return Promise.reject(new Signalled(sig));
    }
    return new Promise<boolean>((resolve, reject) => {
      this.waiters.push({ proc: p, idle: false, handles, until, stop, seq: this.seq++, resolve, reject });
      this.runnable--;
      this.settle();
    });
  }

  /** Blocks `p` until `ready()` holds (looked at whenever a process ends or poke() is called), or until `until`. */
  waitFor(p: Proc, ready: () => boolean, until = Infinity): Promise<boolean> {
    if (this.closed) return Promise.reject(new Abandoned());
    if (p.failure !== null) return Promise.reject(p.failure);
    return new Promise<boolean>((resolve, reject) => {
      this.waiters.push({ proc: p, idle: false, handles: [], until, stop: null, ready, seq: this.seq++, resolve, reject });
      this.runnable--;
      this.settle();
    });
  }

  /** Something a waiter's ready() looks at changed. */
  poke(): void {
    this.settle();
  }

  /**
   * Lets every other process that can run go on until it waits or ends,
   * without moving the clock: a job just signalled dies before the shell's
   * next command, as it does within microseconds on a real machine.
   */
  yieldIdle(p: Proc): Promise<boolean> {
    if (this.runnable <= 1) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.waiters.push({ proc: p, idle: true, handles: [], until: this.clock.now(), stop: null, seq: this.seq++, resolve, reject });
      this.runnable--;
      this.settle();
    });
  }

  /** Sends a signal: a waiting process is woken with it, a running one takes it at its next wait. */
  signal(p: Proc, sig: number): void {
    if (p.ended) return;
    if (p.ignoresInt && (sig === 2 || sig === 3) && !this.waiters.some((w) => w.proc === p && w.handles.includes(sig))) return;
    p.lastSignal = sig;
    p.signals++;
    if (!this.interrupt(p, new Signalled(sig))) p.pending = sig;
  }

  /** Ends the script's process with an error a job of it met (a refusal, a limit): at once when it waits, else at its next wait. */
  fail(p: Proc, e: unknown): void {
    if (!this.interrupt(p, e)) p.failure = e;
  }

  private interrupt(p: Proc, e: unknown): boolean {
    const i = this.waiters.findIndex((w) => w.proc === p);
    if (i < 0) return false;
    const [w] = this.waiters.splice(i, 1);
    this.runnable++;
    w!.reject(e);
    return true;
  }

  /** Wakes the waiters whose time came or whose condition holds; when none can run, moves the clock. */
  private settle(): void {
    if (this.advancing) return;
    this.advancing = true;
    try {
      for (;;) {
        if (this.wakeReady() > 0 || this.runnable > 0 || this.waiters.length === 0) return;
        const until = Math.min(...this.waiters.map((w) => w.until));
        const before = this.clock.now();
        const stops = this.waiters.flatMap((w) => (w.stop ? [w.stop] : []));
        try {
          this.clock.run(until, stops.length > 0 ? () => stops.some((f) => f()) : null);
        } catch (e) {
          this.failAll(e);
          return;
        }
        if (until === Infinity && this.clock.now() === before && !stops.some((f) => f())) {
          this.failAll(new Deadlock());
          return;
        }
      }
    } finally {
      this.advancing = false;
    }
  }

  private wakeReady(): number {
    const now = this.clock.now();
    let ready = this.waiters.filter((w) => !w.idle && (w.until <= now || (w.stop?.() ?? false) || (w.ready?.() ?? false)));
    if (ready.length === 0 && this.runnable === 0) ready = this.waiters.filter((w) => w.idle);
    if (ready.length === 0) return 0;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    ready.sort((a, b) => a.seq - b.seq);
    this.runnable += ready.length;
    for (const w of ready) w.resolve(w.stop?.() ?? false);
    return ready.length;
  }

  private failAll(e: unknown): void {
    const all = this.waiters;
    this.waiters = [];
    this.runnable += all.length;
    for (const w of all) w.reject(e);
  }
}

/** A clock with no events of its own (a host that is not a simulated kernel): waiting only moves time. */
export function bareClock(): ShellClock {
  let t = 0;
  return {
    now: () => t,
    run(until) {
      if (until !== Infinity) t = Math.max(t, until);
    },
  };
}
