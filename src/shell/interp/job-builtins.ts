// bash's `wait`, `jobs` and `kill` over the interpreter's job table, with
// bash 5.2's messages and statuses.

import type { BuiltinContext } from "./builtins.js";
import { SIGNAL_NAMES, refuseSelf, signalNumber, type Job } from "./jobs.js";

type Builtin = (ctx: BuiltinContext, argv: string[]) => number | Promise<number>;

function say(ctx: BuiltinContext, msg: string): void {
  ctx.io.err(`${ctx.sh.prefix()}${msg}\n`);
}

/** A pid or job spec operand: the job, or the status bash returns for it after saying why. */
function operand(ctx: BuiltinContext, who: string, a: string): Job | { status: number } {
  const table = ctx.sh.jobs;
  if (a.startsWith("%")) {
    const job = table.byJobSpec(a);
    if (job) return job;
    say(ctx, `${who}: ${a}: no such job`);
    return { status: who === "wait" ? 127 : 1 };
  }
  if (!/^-?\d+$/.test(a)) {
    say(ctx, who === "wait" ? `wait: \`${a}': not a pid or valid job spec` : `kill: ${a}: arguments must be process or job IDs`);
    return { status: 1 };
  }
  const job = table.byPid(Number(a));
  if (job) return job;
  // bash keeps the statuses of the jobs it reaped (bgpids): a pid waited for again answers the same.
  const saved = who === "wait" ? table.reaped.get(Number(a)) : undefined;
  if (saved !== undefined) return { status: saved };
  // The script itself, or its process group (0, -PGID): the signal would end the script.
  if (Number(a) === ctx.sh.sched.main.pid || Number(a) <= 0) refuseSelf();
  if (who === "wait") say(ctx, `wait: pid ${a} is not a child of this shell`);
  else say(ctx, `kill: (${a}) - No such process`);
  return { status: who === "wait" ? 127 : 1 };
}

/** Blocks the shell's process until `done()` holds. */
async function block(ctx: BuiltinContext, done: () => boolean): Promise<void> {
  if (done()) return;
  await ctx.sh.sched.waitFor(ctx.sh.proc, done);
}

const wait: Builtin = async (ctx, argv) => {
  const sh = ctx.sh;
  let args = argv.slice(1);
  let any = false;
  while (args[0]?.startsWith("-") && args[0] !== "-" && !/^-\d+$/.test(args[0])) {
    if (args[0] === "--") {
      args = args.slice(1);
      break;
    }
    if (args[0] === "-n") any = true;
    else sh.unsupported(ctx.io, sh.pos(), `wait ${args[0]}`);
    args = args.slice(1);
  }
  const table = sh.jobs;
  // The jobs a signal killed were reaped as the command began: told, and gone (`wait %1` finds none).
  sh.notifyJobs(ctx.io);
  if (any) {
    // wait -n: the next job to end (one that ended and was not waited for first); 127 when there is none.
    const pool = args.length ? args.map((a) => operand(ctx, "wait", a)).filter((j): j is Job => "proc" in j) : table.jobs;
    if (pool.length === 0) return 127;
    await block(ctx, () => pool.some((j) => j.done));
    const job = pool.find((j) => j.done)!;
    table.remove(job);
    sh.notifyJobs(ctx.io);
    return job.status!;
  }
  if (args.length === 0) {
    const all = [...table.jobs];
    await block(ctx, () => all.every((j) => j.done));
    sh.notifyJobs(ctx.io);
    for (const j of all) table.remove(j);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const r = operand(ctx, "wait", a);
    if (!("proc" in r)) {
      status = r.status;
      continue;
    }
    await block(ctx, () => r.done);
    sh.notifyJobs(ctx.io);
    table.remove(r);
    status = r.status!;
  }
  return status;
};

const jobs: Builtin = (ctx, argv) => {
  const sh = ctx.sh;
  let withPid = false;
  let pidsOnly = false;
  let running = false;
  let args = argv.slice(1);
  while (args[0]?.startsWith("-") && args[0].length > 1) {
    if (args[0] === "--") {
      args = args.slice(1);
      break;
    }
    for (const o of args[0].slice(1)) {
      if (o === "l") withPid = true;
      else if (o === "p") pidsOnly = true;
      else if (o === "r") running = true;
      else if (o === "s") return 0;
      else sh.unsupported(ctx.io, sh.pos(), `jobs -${o}`);
    }
    args = args.slice(1);
  }
  const table = sh.jobs;
  // Killed jobs are reaped (and told) before the listing.
  sh.notifyJobs(ctx.io);
  let shown: Job[] = table.jobs;
  let status = 0;
  if (args.length) {
    shown = [];
    for (const a of args) {
      const j = table.byJobSpec(a.startsWith("%") ? a : `%${a}`);
      if (j) shown.push(j);
      else {
        say(ctx, `jobs: ${a}: no such job`);
        status = 1;
      }
    }
  }
  if (running) shown = shown.filter((j) => !j.done);
  let out = "";
  for (const j of shown) out += pidsOnly ? `${j.proc.pid}\n` : table.line(j, withPid);
  ctx.io.out(out);
  // A finished job is listed once, then forgotten.
  for (const j of shown) if (j.done) table.remove(j);
  return status;
};

const kill: Builtin = async (ctx, argv) => {
  const sh = ctx.sh;
  let args = argv.slice(1);
  let sig = 15;
  const usage = (): number => {
    ctx.io.err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
    return 2;
  };
  if (args.length === 0) return usage();
  const a0 = args[0]!;
  if (a0 === "-l" || a0 === "-L") {
    if (args.length === 1) {
      ctx.io.out(
        SIGNAL_NAMES.slice(1)
          .map((n, i) => `${String(i + 1).padStart(2)}) SIG${n}`)
          .reduce((acc, cell, i) => acc + cell + ((i + 1) % 5 === 0 ? "\n" : "\t"), "")
          .replace(/\t$/, "\n"),
      );
      return 0;
    }
    let status = 0;
    for (const a of args.slice(1)) {
      // A status names the signal that ended it (128+N).
      const n = /^\d+$/.test(a) && Number(a) > 128 ? signalNumber(String(Number(a) - 128)) : signalNumber(a);
      if (n === null) {
        say(ctx, `kill: ${a}: invalid signal specification`);
        status = 1;
      } else ctx.io.out(/^\d+$/.test(a) ? `${SIGNAL_NAMES[n] ?? n}\n` : `${n}\n`);
    }
    return status;
  }
  if (a0 === "-s" || a0 === "-n") {
    if (args[1] === undefined) {
      say(ctx, `kill: ${a0}: option requires an argument`);
      return usage();
    }
    const n = signalNumber(args[1]);
    if (n === null) {
      say(ctx, `kill: ${args[1]}: invalid signal specification`);
      return 1;
    }
    sig = n;
    args = args.slice(2);
  } else if (a0.startsWith("-") && a0 !== "-" && a0 !== "--" && !/^-\d+$/.test(a0) === true) {
    const n = signalNumber(a0.slice(1));
    if (n === null) {
      say(ctx, `kill: ${a0.slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = n;
    args = args.slice(1);
  } else if (/^-\d+$/.test(a0)) {
    const n = signalNumber(a0.slice(1));
    if (n === null) {
      say(ctx, `kill: ${a0.slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = n;
    args = args.slice(1);
  }
  if (args[0] === "--") args = args.slice(1);
  if (args.length === 0) return usage();
  let status = 0;
  for (const a of args) {
    const r = operand(ctx, "kill", a);
    if (!("proc" in r)) {
      status = r.status;
      continue;
    }
    // Signal 0 only asks whether it is there; a job that ended and was not reaped is still there.
    if (sig !== 0 && !r.done) {
      if (sig === 19 || sig === 20 || sig === 18) sh.unsupported(ctx.io, sh.pos(), `stopping or continuing a job (kill -${SIGNAL_NAMES[sig]})`);
      sh.sched.signal(r.proc, sig);
      await sh.sched.yieldIdle(sh.proc);
    }
  }
  return status;
};

export const JOB_BUILTINS: Record<string, Builtin> = { wait, jobs, kill };
