import type { Stmt } from "../parse/ast.js";

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
}

/** An indexed array (keys are decimal indexes) or an associative one. */
export interface ShArray {
  assoc: boolean;
  items: Map<string, string>;
}

/** What `local` hid: a scalar, an array, or nothing. */
export interface Saved {
  v?: string;
  a?: ShArray;
}

/** Everything a subshell copies and its parent never sees changed. */
export class ShellState {
  vars = new Map<string, string>();
  arrays = new Map<string, ShArray>();
  readonly = new Set<string>();
  /** The working directory (a virtual one: paths resolve against it in the host's files). */
  cwd = "/";
  /** `trap ACTION SIGNAL`: the action per condition (EXIT, ERR, INT...). */
  traps = new Map<string, string>();
  exported = new Set<string>();
  funcs = new Map<string, Stmt>();
  positional: string[] = [];
  status = 0;
  opts: ShellOptions = { errexit: false, nounset: false, xtrace: false, pipefail: false };
  /** One frame per running function: the values `local` hid, restored on return. */
  frames: Array<Map<string, Saved>> = [];
  loopDepth = 0;
  /** $!: the pid of the last background job. */
  lastBg: number | null = null;

  clone(): ShellState {
    const s = new ShellState();
    s.vars = new Map(this.vars);
    s.arrays = new Map([...this.arrays].map(([k, a]) => [k, { assoc: a.assoc, items: new Map(a.items) }]));
    s.readonly = new Set(this.readonly);
    s.cwd = this.cwd;
    s.traps = new Map(this.traps);
    s.exported = new Set(this.exported);
    s.funcs = new Map(this.funcs);
    s.positional = [...this.positional];
    s.status = this.status;
    s.opts = { ...this.opts };
    s.frames = this.frames.map((f) => new Map(f));
    s.loopDepth = this.loopDepth;
    s.lastBg = this.lastBg;
    return s;
  }

  env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.exported) {
      const v = this.vars.get(name);
      if (v !== undefined) env[name] = v;
    }
    return env;
  }

  /** `local NAME`: remember the outer value once per function call. */
  makeLocal(name: string): void {
    const frame = this.frames[this.frames.length - 1]!;
    if (!frame.has(name)) frame.set(name, { v: this.vars.get(name), a: this.arrays.get(name) });
  }

  popFrame(): void {
    const frame = this.frames.pop()!;
    for (const [name, saved] of frame) {
      this.vars.delete(name);
      this.arrays.delete(name);
      if (saved.v !== undefined) this.vars.set(name, saved.v);
      if (saved.a !== undefined) this.arrays.set(name, saved.a);
    }
  }

  /** An array's keys in order: indexes ascending, an associative array's in the order they were made. */
  keys(a: ShArray): string[] {
    const ks = [...a.items.keys()];
    return a.assoc ? ks : ks.sort((x, y) => Number(x) - Number(y));
  }
}
