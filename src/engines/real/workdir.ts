import { mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * A real engine's work directory (plans, outputs, captures; under uml also the
 * kernel's pid file and mconsole socket) is named after the ipvlab process that
 * owns it: ipvlab-<engine>-<pid namespace>-<pid>-<start time>-XXXXXX. The start
 * time tells a live owner from a later process that was given the same pid; a
 * pid means something only in its own pid namespace (containers may share a
 * $TMPDIR), so a directory from another is left alone. A run removes its own
 * directory when it ends; one killed before it could (SIGKILL) leaves it
 * behind, and the next real-engine run removes it.
 */

const NAME = /^ipvlab-(?:uml|host)-(\d+)-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

/** This process's pid namespace, as the number of its inode. */
function pidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? "0";
  } catch {
    return "0";
  }
}

/** Who owns a work directory this process makes: "<pid namespace>-<pid>-<start time>". */
export function workDirOwner(): string {
  return `${pidNamespace()}-${process.pid}-${processStart("self") ?? "0"}`;
}

/** When a process started, in clock ticks since boot (field 22 of /proc/PID/stat); null when it is not running. */
export function processStart(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function ownerAlive(pid: number, start: string): boolean {
  return processStart(pid) === start;
}

/** Removes every work directory in `dir` whose owning ipvlab is gone; returns their names. */
export function sweepWorkDirs(dir: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const swept: string[] = [];
  const ns = pidNamespace();
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || m[1] !== ns || ownerAlive(Number(m[2]), m[3]!)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      swept.push(name);
    } catch {
      // Not ours to remove after all (another user's, or still held): the next run tries again.
    }
  }
  return swept;
}

/** A new work directory for this process, after clearing the ones dead runs left behind. */
export function makeWorkDir(engine: "uml" | "host"): string {
  sweepWorkDirs();
  return mkdtempSync(join(tmpdir(), `ipvlab-${engine}-${workDirOwner()}-`));
}

/**
 * The end of a work directory: removed, or with IPVLAB_KEEP set renamed out of
 * the sweep's reach and named on stderr, for looking into a run by hand.
 */
export function dropWorkDir(work: string): void {
  if (process.env.IPVLAB_KEEP) {
    const kept = `${work}-kept`;
    renameSync(work, kept);
    process.stderr.write(`ipvlab: IPVLAB_KEEP: the work directory is ${kept}\n`);
    return;
  }
  try {
    rmSync(work, { recursive: true, force: true });
  } catch {
    // A file the lab made that cannot be removed (immutable, say): the sweep of a later run tries again.
  }
}
