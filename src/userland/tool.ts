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
 * A command. It may run the virtual clock (`ctx.sim.run({ for: ms })`) while it
 * waits, as ping does for its replies; nothing else runs meanwhile.
 */
export type Tool = (argv: string[], ctx: ToolContext) => ExecResult | Promise<ExecResult>;
