// `ip rule show`: the IPv4 policy rules (only the three defaults exist in the simulator).

import type { ExecResult } from "../../shell/index.js";
import { done, type IpCtx } from "./common.js";
import { jsonOut } from "./json.js";
import { tableName } from "./route-format.js";

export function ruleShow(ctx: IpCtx): ExecResult {
  const rules = ctx.net.fib.rules;
  if (ctx.g.json) return done(jsonOut(rules.map((r) => ({ priority: r.priority, src: "all", table: tableName(r.table) })), ctx.g.pretty));
  return done(rules.map((r) => `${r.priority}:\tfrom all lookup ${tableName(r.table)}\n`).join(""));
}
