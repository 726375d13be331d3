// The files a lab writes on one host (mm/shmem.c's tmpfs, as /tmp is on most
// distributions): regular files and directories in memory, under the
// directories a lab script writes to. Paths outside them are not this file
// system's (the shell refuses them), so nothing answers for /etc or /usr.
// Plain data: a forked world copies it with the rest of the kernel.

export type FsError = "No such file or directory" | "Is a directory" | "Not a directory" | "File exists" | "Directory not empty";

export type FsResult = { ok: true } | { ok: false; error: FsError };

const OK: FsResult = { ok: true };

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export class Tmpfs {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>();
  /** mktemp's names: a counter, so every run makes the same ones. */
  private made = 0;

  constructor(roots: string[] = ["/tmp", "/var/tmp", "/root", "/run", "/home"]) {
    for (const r of roots) this.dirs.add(r);
  }

  /** "missing" for a path in one of its directories that is not there; null for a path it does not hold. */
  stat(path: string): "file" | "dir" | "missing" | null {
    if (this.dirs.has(path)) return "dir";
    if (this.files.has(path)) return "file";
    if (this.dirs.has(parentOf(path))) return "missing";
    // Below a file or a missing directory of its own: not there either.
    for (let p = parentOf(path); p !== "/"; p = parentOf(p)) {
      if (this.files.has(p)) return "missing";
      if (this.dirs.has(parentOf(p))) return "missing";
    }
    return null;
  }

  read(path: string): { ok: true; content: string } | { ok: false; error: FsError } | null {
    const s = this.stat(path);
    if (s === null) return null;
    if (s === "dir") return { ok: false, error: "Is a directory" };
    if (s === "missing") return { ok: false, error: this.files.has(parentOf(path)) ? "Not a directory" : "No such file or directory" };
    return { ok: true, content: this.files.get(path)! };
  }

  write(path: string, data: string, append: boolean): FsResult | null {
    const s = this.stat(path);
    if (s === null) return null;
    if (s === "dir") return { ok: false, error: "Is a directory" };
    if (!this.dirs.has(parentOf(path))) return { ok: false, error: this.files.has(parentOf(path)) ? "Not a directory" : "No such file or directory" };
    this.files.set(path, (append ? (this.files.get(path) ?? "") : "") + data);
    return OK;
  }

  mkdir(path: string, parents: boolean): FsResult | null {
    const s = this.stat(path);
    if (s === null && !parents) return null;
    if (s === "dir") return parents ? OK : { ok: false, error: "File exists" };
    if (s === "file") return { ok: false, error: "File exists" };
    const parent = parentOf(path);
    if (!this.dirs.has(parent)) {
      if (!parents) return { ok: false, error: this.files.has(parent) ? "Not a directory" : "No such file or directory" };
      if (this.stat(parent) === null) return null;
      const r = this.mkdir(parent, true);
      if (!r || !r.ok) return r;
    }
    this.dirs.add(path);
    return OK;
  }

  /** unlink, or with `recursive` a whole directory; `dir` allows an empty directory (rmdir, rm -d). */
  remove(path: string, recursive: boolean, dir = false): FsResult | null {
    const s = this.stat(path);
    if (s === null) return null;
    if (s === "missing") return { ok: false, error: "No such file or directory" };
    if (s === "file") {
      this.files.delete(path);
      return OK;
    }
    const inside = [...this.files.keys(), ...this.dirs].filter((p) => p.startsWith(path + "/"));
    if (!recursive && !dir) return { ok: false, error: "Is a directory" };
    if (!recursive && inside.length) return { ok: false, error: "Directory not empty" };
    for (const p of inside) {
      this.files.delete(p);
      this.dirs.delete(p);
    }
    this.dirs.delete(path);
    return OK;
  }

  /** The entries of a directory, sorted; null when it is not one of its directories. */
  list(path: string): string[] | null {
    if (!this.dirs.has(path)) return null;
    const prefix = path === "/" ? "/" : path + "/";
    return [...this.files.keys(), ...this.dirs].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/")).map((p) => p.slice(prefix.length)).sort();
  }

  /** mktemp: the template's trailing X's replaced by a name not yet taken. */
  mktemp(template: string, dir: boolean): { ok: true; path: string } | { ok: false; error: FsError } | null {
    const xs = /X*$/.exec(template)![0].length;
    for (;;) {
      const n = (this.made++).toString(36).padStart(xs, "0").slice(-xs);
      const path = template.slice(0, template.length - xs) + n.replace(/^0/, "a");
      const s = this.stat(path);
      if (s === null) return null;
      if (s !== "missing") continue;
      const r = dir ? this.mkdir(path, false) : this.write(path, "", false);
      if (!r || !r.ok) return r ?? null;
      return { ok: true, path };
    }
  }
}
