// `ip` (iproute2 6.1) against the simulated kernel: the parsed command line
// is carried out in the namespace ip runs in (or the one -n names), with
// iproute2's output formats, messages and exit statuses.

import { ipObject, parseIp, type ExecResult, type IpInvocation } from "../../shell/index.js";
import type { Tool, ToolContext } from "../tool.js";
import { addrFlush, addrModify } from "./addr.js";
import { addrShow } from "./addr-show.js";
import { notSimulated, type IpCtx } from "./common.js";
import { linkModify } from "./link.js";
import { linkShow } from "./link-show.js";
import { neighList, neighModify } from "./neigh.js";
import { cannotOpen, netnsCmd } from "./netns.js";
import { routeGetCmd, routeModify, routeShow } from "./route.js";
import { ruleShow } from "./rule.js";

function run(ctx: IpCtx, inv: IpInvocation): ExecResult | Promise<ExecResult> {
  const cmd = inv.cmd;
  switch (cmd.object) {
    case "link":
      return cmd.command === "show" ? linkShow(ctx, cmd) : linkModify(ctx, cmd);
    case "address":
      if ("local" in cmd) return addrModify(ctx, cmd);
      return cmd.command === "show" ? addrShow(ctx, cmd) : addrFlush(ctx, cmd);
    case "route":
      if (cmd.command === "get") return routeGetCmd(ctx, cmd);
      return cmd.command === "show" || cmd.command === "flush" ? routeShow(ctx, { ...cmd, command: cmd.command }) : routeModify(ctx, { ...cmd, command: cmd.command });
    case "neigh":
      return "lladdr" in cmd ? neighModify(ctx, cmd) : neighList(ctx, cmd);
    case "netns":
      return netnsCmd(ctx, cmd);
    case "rule":
      return ruleShow(ctx);
    case "help":
      return notSimulated("ip help");
  }
}

/**
 * `table all` lists every table, as `table unspec` (0) does; the parser knows
 * only the latter, so the word is translated before parsing.
 */
function tableAll(argv: string[]): string[] {
  const i = argv.findIndex((a, j) => !a.startsWith("-") && !["-n", "-netns", "-family", "-f"].includes(argv[j - 1] ?? ""));
  if (i < 0 || ipObject(argv[i]!) !== "route") return argv;
  return argv.map((a, j) => (a === "all" && j > i && argv[j - 1] === "table" ? "unspec" : a));
}

/** argv[0] is the command name, as for every userland tool (no ip object is called "ip", so its absence is tolerated). */
export const ipTool: Tool = (argv: string[], tool: ToolContext) => {
  const p = parseIp(tableAll(/(^|\/)ip$/.test(argv[0] ?? "") ? argv.slice(1) : argv));
  if (!p.ok) return { exitCode: p.exitCode, stdout: "", stderr: p.stderr };
  const inv = p.value;
  // print_num() and size_columns() change the statistics' text; JSON keeps the numbers.
  if (inv.globals.human && inv.globals.stats && !inv.globals.json) notSimulated("ip -human (or -iec) with -stats");
  let net = tool.net;
  if (inv.globals.netns !== null) {
    const n = tool.kernel.netns.get(inv.globals.netns);
    if (!n) return cannotOpen(inv.globals.netns);
    net = n;
  }
  return run({ tool, kernel: tool.kernel, net, g: inv.globals }, inv);
};
