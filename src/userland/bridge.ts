// `bridge` (iproute2 6.1) against the simulated kernel: `bridge fdb show` as
// rtnl_fdb_dump + fdb_fill_info report a Linux bridge's forwarding database,
// and `bridge link show` for its ports. Other objects and commands are refused
// with a pointer to the real engines.

import { BridgeDevice, type Net, type NetDevice } from "../kernel/index.js";
import type { ExecResult } from "../shell/index.js";
import { devices, done, failWith, notSimulated } from "./ip/common.js";
import { flagNames } from "./ip/link-info.js";
import { linkName } from "./ip/link-format.js";
import type { Tool } from "./tool.js";

/** iproute2's matches(): a prefix of the keyword. */
const matches = (arg: string, word: string): boolean => arg.length > 0 && word.startsWith(arg);

interface FdbFilter {
  br: BridgeDevice | null;
  port: NetDevice | null;
}

/** fdb_show's arguments: br BR, brport|dev DEV. */
function parseFdbShow(net: Net, args: string[]): FdbFilter | ExecResult {
  const f: FdbFilter = { br: null, port: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === "br" || a === "brport" || a === "dev") {
      if (v === undefined) return failWith(`Command line is not complete. Try option "help"\n`, 255);
      i++;
      const dev = net.devByName(v);
      if (a === "br") {
        if (!(dev instanceof BridgeDevice)) return failWith(`Cannot find bridge device "${v}"\n`, 255);
        f.br = dev;
      } else {
        if (!dev) return failWith(`Cannot find device "${v}"\n`, 255);
        f.port = dev;
      }
    } else {
      return notSimulated(`bridge fdb show ${a}`);
    }
  }
  return f;
}

/**
 * The device's multicast address list as ndo_dflt_fdb_dump reports it
 * (`self permanent`), in the order the addresses were joined: IPv6's
 * all-nodes group at registration (even with IPv6 disabled), a snooping
 * bridge's all-snoopers groups when it opens, and IPv4's all-hosts group
 * while the device is up (ip_mc_up). Loopback has none.
 */
function mcList(dev: NetDevice): string[] {
  if (dev === dev.net.loopback) return [];
  const list = ["33:33:00:00:00:01"];
  if (dev instanceof BridgeDevice && dev.isUp && dev.mcastSnooping) list.push("01:00:5e:00:00:6a", "33:33:00:00:00:6a");
  if (dev.isUp && dev.inDev) list.push("01:00:5e:00:00:01");
  return list;
}

/**
 * One line per entry, in rtnl_fdb_dump's order, device by device (ifindex):
 * for a bridge port the bridge's entries that point at it, then its own
 * multicast list; for a bridge its multicast list, then its own addresses;
 * for any other device its multicast list. A port's and the bridge's own
 * addresses are permanent and listed for VLAN 1 too (a local entry per VLAN,
 * even with vlan_filtering off). With a device filter the `dev` word is left
 * out, as print_fdb does. Learned entries come before local ones (the kernel
 * walks its hash table: labs sort).
 */
function fdbShow(net: Net, f: FdbFilter): string {
  let out = "";
  for (const dev of devices(net)) {
    if (dev === net.loopback || (f.port && dev !== f.port)) continue;
    const br = dev instanceof BridgeDevice ? dev : dev.master instanceof BridgeDevice ? dev.master : null;
    if (f.br && br !== f.br) continue;
    const devWord = f.port ? "" : `dev ${dev.name} `;
    const self = mcList(dev).map((mac) => `${mac} ${devWord}self permanent\n`).join("");
    if (!br) {
      out += self;
      continue;
    }
    const port = br === dev ? null : br.ports.get(dev);
    const learned: string[] = [];
    const local: string[] = [];
    for (const [mac, e] of br.fdb.entries) {
      if ((e.port ?? null) !== (port ?? null)) continue;
      if (e.isLocal) local.push(`${mac} ${devWord}vlan 1 master ${br.name} permanent\n`, `${mac} ${devWord}master ${br.name} permanent\n`);
      else if (br.fdb.find(mac, net.now)) learned.push(`${mac} ${devWord}master ${br.name} ${e.isStatic ? "static " : ""}\n`);
    }
    const master = learned.join("") + local.join("");
    out += br === dev ? self + master : master + self;
  }
  return out;
}

/** `bridge link show`: print_linkinfo for bridge ports only. */
function linkShow(net: Net, args: string[], details: boolean): ExecResult {
  let only: NetDevice | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "dev" || args[i + 1] === undefined) return notSimulated(`bridge link show ${args[i]}`);
    only = net.devByName(args[++i]!) ?? null;
    if (!only) return failWith(`Cannot find device "${args[i]}"\n`, 255);
  }
  let out = "";
  for (const dev of devices(net)) {
    if ((only && dev !== only) || !(dev.master instanceof BridgeDevice)) continue;
    const p = dev.master.ports.get(dev)!;
    // br_port_state: with STP off a port forwards once it and the bridge are up, else it is disabled.
    const state = p.forwarding ? "forwarding" : "disabled";
    // port_cost: a veth reports 10000 Mb/s, which costs 2.
    out += `${dev.ifindex}: ${linkName(dev)}: <${flagNames(dev).join(",")}> mtu ${dev.mtu} master ${dev.master.name} state ${state} priority 32 cost 2 \n`;
    if (details) {
      const on = (b: boolean) => (b ? "on" : "off");
      out += `    hairpin ${on(p.hairpin)} guard off root_block off fastleave off learning ${on(p.learning)} flood on mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n`;
    }
  }
  return done(out);
}

export const bridgeTool: Tool = (argv, ctx) => {
  const args = argv.slice(1);
  let details = false;
  while (args[0]?.startsWith("-")) {
    const opt = args.shift()!;
    if (opt === "-d" || opt === "-details") details = true;
    else if (!["-s", "-stats", "-statistics"].includes(opt)) return notSimulated(`bridge ${opt}`);
  }
  const [object = "", command = "show", ...rest] = args;
  if (matches(object, "fdb")) {
    if (!(matches(command, "show") || matches(command, "list") || command === "lst")) return notSimulated(`bridge fdb ${command}`);
    const f = parseFdbShow(ctx.net, rest);
    return "exitCode" in f ? f : done(fdbShow(ctx.net, f));
  }
  if (matches(object, "link")) {
    if (!(matches(command, "show") || matches(command, "list") || command === "lst")) return notSimulated(`bridge link ${command}`);
    return linkShow(ctx.net, rest, details);
  }
  if (object === "" || matches(object, "help")) return notSimulated("bridge help");
  if (["mdb", "vlan", "monitor", "vni"].some((o) => matches(object, o))) return notSimulated(`bridge ${object}`);
  return failWith(`Object "${object}" is unknown, try "bridge help".\n`, 255);
};
