import { realpathSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { resolve, sep } from "node:path";

/*
 * What a lab may write on a real engine. The machine's files are read-only to
 * it; these directories get a writable layer of their own (assets/sandbox.sh),
 * so a lab reads what is there and its writes vanish with the run. /run is not
 * among them: it starts empty, as on a fresh boot, because the machine's /run
 * holds the sockets of its services (systemd, dbus, docker), and a lab's
 * `systemctl restart networking` must not reach them.
 */

/** Where the kernel's own file systems are mounted: never layered over. */
const KERNEL_DIRS = ["/proc", "/sys", "/dev", "/run"];

function inside(dir: string, parent: string): boolean {
  return dir === parent || dir.startsWith(parent === sep ? parent : parent + sep);
}

/** The directory's real path (a layer goes where a link leads), or null when it is not a directory. */
function realDir(dir: string): string | null {
  try {
    return statSync(dir).isDirectory() ? realpathSync(dir) : null;
  } catch {
    return null;
  }
}

/**
 * The directories that get a writable layer: /etc, /tmp, /var, /root, the home
 * directory, the current directory and $TMPDIR, outermost only (a layer over
 * /root already covers /root/lab), never / itself nor a kernel file system.
 */
export function writableDirs(cwd: string = process.cwd(), home: string = homedir(), tmp: string = tmpdir()): string[] {
  const wanted = ["/etc", "/tmp", "/var", "/root", home, cwd, tmp].map((d) => realDir(resolve(d)));
  const usable = wanted.filter((d): d is string => d !== null && d !== sep && !KERNEL_DIRS.some((k) => inside(d, k)));
  return [...new Set(usable)].filter((d) => !usable.some((o) => o !== d && inside(d, o))).sort();
}
