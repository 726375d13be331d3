import type { Kernel, Net, Sim } from "../kernel/index.js";
import type { ExecResult } from "../shell/index.js";

/**
 * What a simulated command (ip, ping, arping, sysctl, ...) runs against: the
 * lab host's kernel and the network namespace it was started in.
 */
export interface ToolContext {
  sim: Sim;
  kernel: Kernel;
  net: Net;
  stdin: string;
  env: Record<string, string>;
  /** Runs another command in a namespace of this host (`ip netns exec NS cmd`, `ip -n NS ...`). */
  exec(argv: string[], net: Net): ExecResult | Promise<ExecResult>;
}

/**
 * A tool stopped by an exception from what it waited on (the step's timeout
 * killing it): `by` is that exception; stdout and stderr are what the tool had
 * written where a kill leaves it, i.e. the stdout it had flushed (stdio
 * buffers the rest when stdout is a pipe or a file) and all of its
 * unbuffered stderr.
 */
export class Interrupted extends Error {
  constructor(
    readonly by: unknown,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/**
 * A command. It may run the virtual clock (`ctx.sim.run({ for: ms })`) while it
 * waits, as ping does for its replies; nothing else runs meanwhile.
 */
export type Tool = (argv: string[], ctx: ToolContext) => ExecResult | Promise<ExecResult>;
