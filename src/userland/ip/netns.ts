// `ip netns`: the host's named namespaces (its private /run/netns).

import type { ExecResult, IpCommand } from "../../shell/index.js";
import { done, failWith, notSimulated, type IpCtx } from "./common.js";
import { jsonOut } from "./json.js";
import { forgetNet, peernet2id } from "./netnsid.js";

type NetnsCmd = Extract<IpCommand, { object: "netns" }>;

export const cannotOpen = (name: string): ExecResult => failWith(`Cannot open network namespace "${name}": No such file or directory\n`, 255);

export function netnsCmd(ctx: IpCtx, cmd: NetnsCmd): ExecResult | Promise<ExecResult> {
  const k = ctx.kernel;
  switch (cmd.command) {
    case "add": {
      const r = k.netnsAdd(cmd.name);
      return r.ok ? done() : failWith(`${r.msg ?? r.errno}\n`, 1);
    }
    case "delete": {
      const gone = k.netns.get(cmd.name);
      const r = k.netnsDel(cmd.name);
      if (!r.ok) return failWith(`${r.msg ?? r.errno}\n`, 1);
      if (gone) forgetNet(k, gone);
      return done();
    }
    case "list": {
      // readdir of a tmpfs /run/netns: the newest name first.
      const names = [...k.netns.entries()].reverse();
      const rows = names.map(([name, net]) => ({ name, id: peernet2id(ctx.net, net) }));
      if (ctx.g.json) return done(jsonOut(rows.map((r) => (r.id === undefined ? { name: r.name } : r)), ctx.g.pretty));
      return done(rows.map((r) => (r.id === undefined ? `${r.name}\n` : `${r.name} (id: ${r.id})\n`)).join(""));
    }
    case "identify": {
      if (cmd.arg !== null && cmd.arg !== "1" && cmd.arg !== "self") return notSimulated("ip netns identify PID");
      const net = cmd.arg === "1" ? k.initNet : ctx.net;
      return done(`${net.name}\n`);
    }
    case "exec": {
      const net = k.netns.get(cmd.name);
      if (!net) return cannotOpen(cmd.name);
      return ctx.tool.exec(cmd.argv, net);
    }
    default:
      return notSimulated(`ip netns ${cmd.command}`);
  }
}
