// A non-interactive bash's jobs (jobs.c without job control): the table of
// background jobs, `wait`, `jobs` and `kill`, and the notices bash prints
// on stderr for a job a signal killed ("script.sh: line 4:  1234 Killed
// sleep 10"). No "[1] 1234" lines: bash prints them only when interactive.

import { NotSimulated } from "../errors.js";
import type { Proc } from "./scheduler.js";
import type { Streams } from "./io.js";

/** Linux's signal numbers (signal(7)), 0 for none. */
export const SIGNAL_NAMES = ["EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"];

/** strsignal(3), as bash's job listings word a signal's death. */
const STRSIGNAL: Record<number, string> = {
  1: "Hangup",
  2: "Interrupt",
  3: "Quit",
  4: "Illegal instruction",
  5: "Trace/breakpoint trap",
  6: "Aborted",
  7: "Bus error",
  8: "Floating point exception",
  9: "Killed",
  10: "User defined signal 1",
  11: "Segmentation fault",
  12: "User defined signal 2",
  13: "Broken pipe",
  14: "Alarm clock",
  15: "Terminated",
};

export class Job {
  /** The exit status once it ended. */
  status: number | null = null;
  /** The signal that ended it, when one did. */
  signal: number | null = null;
  /** A job sim cannot finish: the script stops with it at its next command. */
  failure: unknown = null;
  constructor(
    readonly id: number,
    readonly proc: Proc,
    readonly text: string,
    /** Where the script started it. */
    readonly line: number,
  ) {}

  get done(): boolean {
    return this.status !== null;
  }

  /** A `jobs` status column: Running, Done, Exit N, or the signal's name. */
  state(): string {
    if (this.status === null) return "Running";
    if (this.signal !== null) return STRSIGNAL[this.signal] ?? `Signal ${this.signal}`;
    return this.status === 0 ? "Done" : `Exit ${this.status}`;
  }
}

export class JobTable {
  jobs: Job[] = [];

  add(proc: Proc, text: string, line: number): Job {
    const id = this.jobs.reduce((m, j) => Math.max(m, j.id), 0) + 1;
    const job = new Job(id, proc, text, line);
    this.jobs.push(job);
    return job;
  }

  /** The exit statuses of the jobs that ended and left the table, by pid. */
  reaped = new Map<number, number>();

  remove(job: Job): void {
    this.jobs = this.jobs.filter((j) => j !== job);
    if (job.status !== null) this.reaped.set(job.proc.pid, job.status);
  }

  /** The current job (`%+`) and the previous one (`%-`): the two newest the shell has not forgotten, ended or not. */
  marks(): { current: Job | null; previous: Job | null } {
    const j = this.jobs;
    return { current: j[j.length - 1] ?? null, previous: j[j.length - 2] ?? null };
  }

  /** A subshell's copy: it lists its parent's jobs (`$(jobs -p)`), and forgets them on its own. */
  copy(): JobTable {
    const t = new JobTable();
    t.jobs = [...this.jobs];
    t.reaped = new Map(this.reaped);
    return t;
  }

  /** A job spec (%N, %%, %+, %-, %NAME, %?TEXT); null when none matches. */
  byJobSpec(spec: string): Job | null {
    const s = spec.slice(1);
    const { current, previous } = this.marks();
    if (s === "" || s === "%" || s === "+") return current;
    if (s === "-") return previous;
    if (/^\d+$/.test(s)) return this.jobs.find((j) => j.id === Number(s)) ?? null;
    if (s.startsWith("?")) return this.jobs.find((j) => j.text.includes(s.slice(1))) ?? null;
    return this.jobs.find((j) => j.text.startsWith(s)) ?? null;
  }

  byPid(pid: number): Job | null {
    return this.jobs.find((j) => j.proc.pid === pid) ?? null;
  }

  /** `jobs` lines: `[1]+  Running                 sleep 10 &`. */
  line(job: Job, withPid: boolean): string {
    const { current, previous } = this.marks();
    const mark = job === current ? "+" : job === previous ? "-" : " ";
    const pid = withPid ? ` ${job.proc.pid} ` : "  ";
    return `[${job.id}]${mark}${pid}${job.state().padEnd(24)}${job.text}${job.done ? "" : " &"}\n`;
  }
}

/**
 * What bash tells on stderr as it reaps jobs: a job a signal killed, unless
 * it was SIGINT, SIGTERM or SIGPIPE (Debian's bash is built with
 * DONT_REPORT_SIGTERM and DONT_REPORT_SIGPIPE); such jobs leave the table.
 */
export function notifyJobs(table: JobTable, io: Streams, prefix: string): void {
  for (const job of [...table.jobs]) {
    if (!job.done || job.signal === null) continue;
    if (job.signal !== 2 && job.signal !== 13 && job.signal !== 15) io.err(`${prefix}${String(job.proc.pid).padStart(5)} ${job.state().padEnd(24)}${job.text}\n`);
    table.remove(job);
  }
}

/** `kill -s NAME`, `-NAME`, `-N`: the signal's number, or null when bash does not know it. */
export function signalNumber(spec: string): number | null {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n < SIGNAL_NAMES.length || (n >= 34 && n <= 64) ? n : null;
  }
  const name = spec.toUpperCase().replace(/^SIG/, "");
  const i = SIGNAL_NAMES.indexOf(name);
  return i > 0 ? i : null;
}

/** The script's own pid is not a job: a signal to it would end the script in ways sim does not model. */
export function refuseSelf(): never {
  throw NotSimulated.what("sending a signal to the script itself");
}
