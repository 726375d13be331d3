// The files a script can read under --engine sim: /dev/null, /proc/sys
// through the host's ProcSys, and whatever else the host's readFile shows.

import type { FileRead, ShellHost } from "./host.js";

export const PROC_SYS = "/proc/sys/";

/** null: the host does not model the path (not supported by --engine sim). */
export function readPath(host: ShellHost, path: string): FileRead | null {
  if (path === "/dev/null") return { ok: true, content: "", size: 0 };
  if (path.startsWith(PROC_SYS) && host.procSys) {
    const r = host.procSys.read(path.slice(PROC_SYS.length));
    return r.ok ? { ok: true, content: r.content, size: 0 } : r;
  }
  return host.readFile?.(path) ?? null;
}

export function statPath(host: ShellHost, path: string): "file" | "dir" | null {
  if (path === "/dev/null") return "file";
  if (path.startsWith(PROC_SYS) && host.procSys?.read(path.slice(PROC_SYS.length)).ok) return "file";
  if (host.stat) return host.stat(path);
  return host.readFile?.(path)?.ok ? "file" : null;
}
