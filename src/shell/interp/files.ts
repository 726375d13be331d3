// The files a script can read under --engine sim: /dev/null, /proc/sys
// through the host's ProcSys, and whatever else the host's readFile shows.

import type { FileRead, ShellHost } from "./host.js";

export const PROC_SYS = "/proc/sys/";

/** null: the host does not model the path (not supported by --engine sim). */
export function readPath(host: ShellHost, path: string): FileRead | null {
  if (path === "/dev/null") return { ok: true, content: "", size: 0 };
  if (path.startsWith(PROC_SYS) && host.procSys) {
    const r = host.procSys.read(path.slice(PROC_SYS.length));
    if (r === null) return null;
    return r.ok ? { ok: true, content: r.content, size: 0 } : r;
  }
  return host.readFile?.(path) ?? host.fs?.read(path) ?? null;
}

/** "missing" when the path is not there; null when the host does not model it. */
export function statPath(host: ShellHost, path: string): "file" | "dir" | "missing" | null {
  if (path === "/dev/null") return "file";
  if ((path.startsWith(PROC_SYS) || path === "/proc/sys") && host.procSys?.stat) return host.procSys.stat(path.slice(PROC_SYS.length));
  const s = host.stat ? host.stat(path) : null;
  if (s !== null) return s;
  const f = host.fs?.stat(path) ?? null;
  if (f !== null || host.stat) return f;
  const r = readPath(host, path);
  return r === null ? null : r.ok ? "file" : "missing";
}

/** `/a/./b/../c` as `/a/c`. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}
