import { spawn } from "node:child_process";
import type { Lab } from "../../lab/types.js";
import { plannedProgress, plannedSteps } from "../planned.js";
import { xstateFixNote } from "./xstate-fix.js";
import { count } from "../../plural.js";

export interface DriverRun {
  code: number | null;
  /** What the kernel or sandbox printed that was not progress, for error messages. */
  console: string;
  fatal: string | null;
}

/**
 * Runs a driver wrapper in a process group of its own. The wrapper reads its
 * stdin until EOF and then kills its group, so if ipvlab dies (even by SIGKILL)
 * the kernel and every helper die with it. After a normal end the group is
 * killed too, so no helper outlives the run.
 */
export function runWrapper(
  command: string,
  args: string[],
  onEvent: (event: string, arg: string) => void,
  timeoutSeconds: number,
): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    // IPVLAB_RUN marks every process of the run (UML's too), so a test can prove none is left.
    const env = { ...process.env, IPVLAB_RUN: process.env.IPVLAB_RUN ?? `ipvlab-${process.pid}` };
    const child = spawn(command, args, { detached: true, stdio: ["pipe", "pipe", "pipe"], env });
    let timedOut = false;
    // Closing the wrapper's stdin is how it is told to kill everything it started.
    const timer = setTimeout(() => {
      timedOut = true;
      child.stdin.end();
    }, timeoutSeconds * 1000);
    let consoleText = "";
    let fatal: string | null = null;
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8").replace(/\r/g, "");
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^@@ipvlab (\S+) ?(.*)$/.exec(line);
        if (!m) consoleText += line + "\n";
        else if (m[1] === "fatal") fatal = m[2]!;
        else onEvent(m[1]!, m[2]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => (consoleText += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup(child.pid!);
      if (timedOut) fatal = `gave up after ${timeoutSeconds} s (the sum of the steps' timeouts and a margin)`;
      resolve({ code, console: consoleText, fatal });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

/** How long a whole run may take: every step at its timeout, plus boot and matrices. */
export function runBudget(labs: Lab[]): number {
  let s = 60;
  for (const lab of labs) for (const p of plannedSteps(lab)) s += p.setup ? p.timeout : p.step.kind === "matrix" ? 60 : p.step.timeout + 15;
  return s;
}

/** Turns the driver's events into "lab 1 of 2 (name): step 3 of 12: label" lines. */
export function progressReporter(labs: Lab[], say: (line: string) => void): (event: string, arg: string) => void {
  let lab = 0;
  const prefix = () => (labs.length > 1 ? `[${lab + 1}/${labs.length} ${labs[lab]!.name}] ` : "");
  return (event, arg) => {
    if (event === "lab") {
      lab = Number(arg.split("-").pop());
      say(`${prefix()}building the lab: ${count(labs[lab]!.hosts.length, "host")}, ${count(labs[lab]!.networks.length, "network")}`);
    } else if (event === "step") {
      say(`${prefix()}${plannedProgress(labs[lab]!, Number(arg))}`);
    } else if (event === "lab-done") {
      say(`${prefix()}all ${count(labs[lab]!.steps.length, "step")} done`);
    } else if (event === "boot") {
      say(`kernel ${arg} booted`);
    } else if (event === "xstate-fix") {
      say(xstateFixNote(arg));
    }
  };
}
