import { lstatSync, readdirSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";

/*
 * A lab's commands can reach the work directory (they run as root beside the
 * driver that writes it), so when a run is over, before ipvlab reads a byte of
 * it, everything in it that reading could turn against this machine goes: a
 * symbolic link (it could lead to any file here, and --pcap copies what it
 * reads), a FIFO (a read would wait forever), a device, a socket, a second name
 * of a file that lives elsewhere. A file larger than ipvlab will hold in memory
 * is cut short. A lab can spoil its own results this way, and nothing else.
 */

/** The most of one result file that ipvlab reads. */
export const MAX_WORK_FILE_BYTES = 64 * 1024 * 1024;

/** Leaves only directories and plain files of at most MAX_WORK_FILE_BYTES under `dir`; returns what it removed or cut. */
export function makeSafeToRead(dir: string): string[] {
  const changed: string[] = [];
  // A walk with a list of its own, not recursion: the depth of the tree is the lab's to choose.
  const dirs = [dir];
  for (let d = dirs.pop(); d !== undefined; d = dirs.pop()) {
    for (const name of readdirOrNone(d)) {
      const path = join(d, name);
      try {
        const st = lstatSync(path);
        if (st.isDirectory()) {
          dirs.push(path);
        } else if (!st.isFile() || st.nlink > 1) {
          rmSync(path);
          changed.push(path);
        } else if (st.size > MAX_WORK_FILE_BYTES) {
          truncateSync(path, MAX_WORK_FILE_BYTES);
          changed.push(path);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw new Error(`the lab left ${path} in the work directory, and it cannot be made safe to read: ${(e as Error).message}`);
      }
    }
  }
  return changed;
}

function readdirOrNone(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
