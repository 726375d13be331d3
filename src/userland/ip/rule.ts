// `ip rule show`: the policy rules (only the defaults exist in the simulator:
// IPv4's three, IPv6's local and main, which fib6_rules_net_init makes
// whether or not IPv6 is disabled).

import type { ExecResult } from "../../shell/index.js";
import { done, type IpCtx } from "./common.js";
import { jsonOut } from "./json.js";
import { tableName } from "./route-format.js";

const RULES6 = [
  { priority: 0, table: 255 },
  { priority: 32766, table: 254 },
];

export function ruleShow(ctx: IpCtx): ExecResult {
  const rules = ctx.g.family === "inet6" ? RULES6 : ctx.net.fib.rules;
  if (ctx.g.json) return done(jsonOut(rules.map((r) => ({ priority: r.priority, src: "all", table: tableName(r.table) })), ctx.g.pretty));
  return done(rules.map((r) => `${r.priority}:\tfrom all lookup ${tableName(r.table)}\n`).join(""));
}
