import type { Stmt } from "../parse/ast.js";

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
}

/** Everything a subshell copies and its parent never sees changed. */
export class ShellState {
  vars = new Map<string, string>();
  exported = new Set<string>();
  funcs = new Map<string, Stmt>();
  positional: string[] = [];
  status = 0;
  opts: ShellOptions = { errexit: false, nounset: false, xtrace: false, pipefail: false };
  /** One frame per running function: the values `local` hid, restored on return. */
  frames: Array<Map<string, string | undefined>> = [];
  loopDepth = 0;

  clone(): ShellState {
    const s = new ShellState();
    s.vars = new Map(this.vars);
    s.exported = new Set(this.exported);
    s.funcs = new Map(this.funcs);
    s.positional = [...this.positional];
    s.status = this.status;
    s.opts = { ...this.opts };
    s.frames = this.frames.map((f) => new Map(f));
    s.loopDepth = this.loopDepth;
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
    if (!frame.has(name)) frame.set(name, this.vars.get(name));
  }

  popFrame(): void {
    const frame = this.frames.pop()!;
    for (const [name, value] of frame) {
      if (value === undefined) this.vars.delete(name);
      else this.vars.set(name, value);
    }
  }
}
