// `bridge` (iproute2 6.1) against the simulated kernel: `bridge fdb show` as
// rtnl_fdb_dump + fdb_fill_info report a Linux bridge's forwarding database,
// and `bridge link show` for its ports. Other objects and commands are refused
// with a pointer to the real engines.

import { BridgeDevice, brSetport, STRERROR, type Net, type NetDevice } from "../kernel/index.js";
import { emptyBridgeSlaveOptions, parseOnOff, setBrportFlag } from "../shell/iproute2/link-types.js";
import { portCost } from "./ip/link-details-bridge.js";
import type { ExecResult } from "../shell/index.js";
import { devices, done, failWith, invarg, notSimulated } from "./ip/common.js";
import { flagNames } from "./ip/link-info.js";
import type { Tool } from "./tool.js";

/** iproute2's matches(): a non-empty prefix of the keyword. */
const matches = (arg: string, word: string): boolean => arg.length > 0 && word.startsWith(arg);

/** incomplete_command() behind NEXT_ARG. */
const incompleteCommand = (): ExecResult => failWith(`Command line is not complete. Try option "help"\n`, 255);

/** nodev(). */
const nodev = (name: string): ExecResult => failWith(`Cannot find device "${name}"\n`, 255);

const duparg = (key: string, arg: string): ExecResult => failWith(`Error: duplicate "${key}": "${arg}" is the second value.\n`, 255);

const NUD_REACHABLE = 0x02;
const NUD_STALE = 0x04;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;

/** The main() options that change what fdb/link show print. */
interface Globals {
  details: boolean;
  stats: boolean;
  /** _SL_: -oneline turns the details line break into a backslash. */
  sl: string;
}

/** One RTM_NEWNEIGH of the dump, as fdb_fill_info or nlmsg_populate_fdb_fill builds it. */
interface FdbMsg {
  mac: string;
  /** ndm_ifindex. */
  dev: NetDevice;
  /** NDA_VLAN (0: none). */
  vid: number;
  /** NTF_SELF: the device's own address lists (ndo_dflt_fdb_dump), not the bridge's table. */
  self: boolean;
  /** NDA_MASTER. */
  master: BridgeDevice | null;
  state: number;
}

/** ndo_dflt_fdb_dump: the unicast list (always empty here) then the multicast list. */
function ndoDfltFdbDump(dev: NetDevice): FdbMsg[] {
  return dev.mcList().map((mac) => ({ mac, dev, vid: 0, self: true, master: null, state: NUD_PERMANENT }));
}

/**
 * br_fdb_dump: without filter_dev (the bridge dumping itself) the bridge's
 * own address lists, then its entries with no port; with filter_dev a port's
 * entries. fdb_create adds at the head of fdb_list, so the newest entry comes
 * first. A local entry exists once more for VLAN 1 (the default pvid, added
 * after the VLAN-less one, so listed before it): the bridge keeps a local
 * entry per VLAN even with vlan_filtering off. Learned entries have no VLAN
 * with filtering off.
 */
function brFdbDump(br: BridgeDevice, filterDev: NetDevice | null): FdbMsg[] {
  const out = filterDev ? [] : ndoDfltFdbDump(br);
  const port = filterDev ? br.ports.get(filterDev) : null;
  const now = br.net.now;
  for (const [mac, e] of [...br.fdb.entries].reverse()) {
    if ((e.port ?? null) !== (port ?? null)) continue;
    const dev = e.port ? e.port.dev : br;
    if (e.isLocal) {
      out.push({ mac, dev, vid: 1, self: false, master: br, state: NUD_PERMANENT });
      out.push({ mac, dev, vid: 0, self: false, master: br, state: NUD_PERMANENT });
    } else if (br.fdb.find(mac, now)) {
      out.push({ mac, dev, vid: 0, self: false, master: br, state: e.isStatic ? NUD_NOARP : NUD_REACHABLE });
    }
  }
  return out;
}

/**
 * rtnl_fdb_dump, device by device (ifindex order): a bridge port first asks
 * its bridge for the entries that point at it, then every device dumps
 * itself. With NDA_MASTER only that bridge and its ports take part (so a
 * device that is not a bridge selects nothing); with a port index only that
 * device.
 */
function rtnlFdbDump(net: Net, brDev: NetDevice | null, brport: NetDevice | null): FdbMsg[] {
  const out: FdbMsg[] = [];
  for (const dev of devices(net)) {
    if (brport && dev !== brport) continue;
    const master = dev.master instanceof BridgeDevice ? dev.master : null;
    if (brDev) {
      if (dev !== brDev && !master) continue;
      if (brDev !== master && !(dev instanceof BridgeDevice)) continue;
    }
    if (master) out.push(...brFdbDump(master, dev));
    out.push(...(dev instanceof BridgeDevice ? brFdbDump(dev, null) : ndoDfltFdbDump(dev)));
  }
  return out;
}

function stateN2a(s: number): string {
  if (s & NUD_PERMANENT) return "permanent";
  if (s & NUD_NOARP) return "static";
  if (s & NUD_STALE) return "stale";
  if (s & NUD_REACHABLE) return "";
  return `state=${s === 0 ? "0" : `0x${s.toString(16)}`}`;
}

/** get_unsigned(s, arg, 0): strtoul with base 0 that must take the whole word. */
function getUnsigned(arg: string): number | null {
  const m = /^\s*\+?(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(arg);
  if (!m) return null;
  const n = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : parseInt(m[3]!, 10);
  return n > 0xffffffff ? null : n;
}

function stateA2n(arg: string): number | null {
  if (matches(arg, "permanent")) return NUD_PERMANENT;
  if (matches(arg, "static") || matches(arg, "temp")) return NUD_NOARP;
  if (matches(arg, "stale")) return NUD_STALE;
  if (matches(arg, "reachable") || matches(arg, "dynamic")) return NUD_REACHABLE;
  if (arg === "all") return 0xffffffff;
  return getUnsigned(arg);
}

interface FdbFilter {
  /** filter_index: with it print_fdb leaves the `dev` word out. */
  index: NetDevice | null;
  vlan: number;
  state: number;
  dynamic: boolean;
}

/** print_fdb, text output. */
function printFdb(m: FdbMsg, f: FdbFilter): string {
  if (f.index && f.index !== m.dev) return "";
  if (f.state && !((m.state & f.state) >>> 0)) return "";
  if (f.vlan && f.vlan !== m.vid) return "";
  if (f.dynamic && m.state & NUD_PERMANENT) return "";
  let s = `${m.mac} `;
  if (!f.index) s += `dev ${m.dev.name} `;
  if (m.vid) s += `vlan ${m.vid} `;
  if (m.self) s += "self ";
  if (m.master) s += `master ${m.master.name} `;
  return `${s}${stateN2a(m.state)}\n`;
}

const FDB_USAGE =
  "Usage: bridge fdb { add | append | del | replace } ADDR dev DEV\n" +
  "              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]\n" +
  "              [ sticky ] [ local | static | dynamic ] [ vlan VID ]\n" +
  "              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }\n" +
  "\t       [ via DEV ] [ src_vni VNI ]\n" +
  "       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]\n" +
  "              [ state STATE ] [ dynamic ] ]\n" +
  "       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV\n" +
  "              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]\n" +
  "       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ]\n" +
  "              [ self ] [ master ] [ [no]permanent | [no]static | [no]dynamic ]\n" +
  "              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]\n" +
  "              [ [no]offloaded ]\n";

/**
 * fdb_show: the arguments are all read before any name is looked up (the
 * bridge first); words it does not know are ignored, as iproute2 does.
 */
function fdbShow(net: Net, g: Globals, args: string[]): ExecResult {
  if (g.stats) return notSimulated("bridge -s fdb show");
  let filterDev: string | null = null;
  let br: string | null = null;
  const f: FdbFilter = { index: null, vlan: 0, state: 0, dynamic: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "brport" || a === "dev" || a === "br" || a === "vlan" || a === "state") {
      const v = args[++i];
      if (v === undefined) return incompleteCommand();
      if (a === "br") br = v;
      else if (a === "vlan") {
        if (f.vlan) return duparg("vlan", v);
        // atoi; the filter is an unsigned int, so a negative VLAN matches nothing.
        const n = parseInt(v, 10);
        f.vlan = Number.isNaN(n) ? 0 : n;
      } else if (a === "state") {
        const s = stateA2n(v);
        if (s === null) return invarg("invalid state", v);
        f.state = (f.state | s) >>> 0;
      } else filterDev = v;
    } else if (a === "dynamic") f.dynamic = true;
    else if (matches(a, "help")) return failWith(FDB_USAGE, 255);
  }
  let brDev: NetDevice | null = null;
  if (br !== null) {
    brDev = net.devByName(br) ?? null;
    if (!brDev) return failWith(`Cannot find bridge device "${br}"\n`, 255);
  }
  if (filterDev !== null) {
    f.index = net.devByName(filterDev) ?? null;
    if (!f.index) return nodev(filterDev);
  }
  return done(rtnlFdbDump(net, brDev, f.index).map((m) => printFdb(m, f)).join(""));
}

function doFdb(net: Net, g: Globals, args: string[]): ExecResult {
  if (args.length === 0) return fdbShow(net, g, []);
  const [cmd, ...rest] = args as [string, ...string[]];
  for (const c of ["add", "append", "replace", "delete", "get"]) if (matches(cmd, c)) return notSimulated(`bridge fdb ${c}`);
  if (matches(cmd, "show") || matches(cmd, "lst") || matches(cmd, "list")) return fdbShow(net, g, rest);
  if (cmd === "flush") return notSimulated("bridge fdb flush");
  if (matches(cmd, "help")) return failWith(FDB_USAGE, 255);
  return failWith(`Command "${cmd}" is unknown, try "bridge fdb help".\n`, 255);
}

/**
 * print_name_and_link and print_link_flags for a PF_BRIDGE dump, which
 * carries IFLA_LINK without IFLA_LINK_NETNSID: the link's index is looked up
 * in bridge's own namespace, whatever namespace it is in, so a veth whose
 * peer is elsewhere is named after the local device with the peer's index
 * (or "ifN"), and M-DOWN follows that local device.
 */
function brlinkName(net: Net, dev: NetDevice): string {
  const flags = flagNames(dev).filter((f) => f !== "M-DOWN");
  const link = dev.ndoGetIflink();
  if (!link) return `${dev.name}: <${flags.join(",")}>`;
  const local = net.devByIndex(link.ifindex);
  // ll_index_to_flags gives an unknown index every flag, UP included.
  const mdown = local && !local.isUp ? ",M-DOWN" : "";
  return `${dev.name}@${local ? local.name : `if${link.ifindex}`}: <${flags.join(",")}${mdown}>`;
}

/**
 * brlink_show + print_linkinfo: the RTM_GETLINK dump of PF_BRIDGE answers for
 * bridge ports only (br_getlink skips the bridge itself).
 */
function brlinkShow(net: Net, g: Globals, args: string[]): ExecResult {
  let filterDev: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "dev") continue;
    const v = args[++i];
    if (v === undefined) return incompleteCommand();
    if (filterDev !== null) return duparg("dev", v);
    filterDev = v;
  }
  let only: NetDevice | null = null;
  if (filterDev !== null) {
    only = net.devByName(filterDev) ?? null;
    if (!only) return nodev(filterDev);
  }
  let out = "";
  for (const dev of devices(net)) {
    if ((only && dev !== only) || !(dev.master instanceof BridgeDevice)) continue;
    const p = dev.master.ports.get(dev)!;
    // br_port_state: with STP off a port forwards once it and the bridge are up, else it is disabled.
    const state = p.forwarding ? "forwarding" : "disabled";
    out += `${dev.ifindex}: ${brlinkName(net, dev)} mtu ${dev.mtu} master ${dev.master.name} state ${state} priority ${p.priority} cost ${portCost(p)} `;
    if (g.details) {
      const on = (b: boolean) => (b ? "on" : "off");
      out += `${g.sl}    hairpin ${on(p.hairpin)} guard off root_block off fastleave off learning ${on(p.learning)} flood ${on(p.flood)} mcast_flood ${on(p.mcastFlood)} bcast_flood ${on(p.bcastFlood)} mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated ${on(p.isolated)} locked off `;
    }
    out += "\n";
  }
  return done(out);
}

const LINK_USAGE =
  "Usage: bridge link set dev DEV [ cost COST ] [ priority PRIO ] [ state STATE ]\n" +
  "                               [ guard {on | off} ]\n" +
  "                               [ hairpin {on | off} ]\n" +
  "                               [ fastleave {on | off} ]\n" +
  "                               [ root_block {on | off} ]\n" +
  "                               [ learning {on | off} ]\n" +
  "                               [ learning_sync {on | off} ]\n" +
  "                               [ flood {on | off} ]\n" +
  "                               [ mcast_router MULTICAST_ROUTER ]\n" +
  "                               [ mcast_flood {on | off} ]\n" +
  "                               [ bcast_flood {on | off} ]\n" +
  "                               [ mcast_to_unicast {on | off} ]\n" +
  "                               [ neigh_suppress {on | off} ]\n" +
  "                               [ vlan_tunnel {on | off} ]\n" +
  "                               [ isolated {on | off} ]\n" +
  "                               [ locked {on | off} ]\n" +
  "                               [ hwmode {vepa | veb} ]\n" +
  "                               [ backup_port DEVICE ] [ nobackup_port ]\n" +
  "                               [ self ] [ master ]\n" +
  "       bridge link show [dev DEV]\n";

/** atoi: the leading integer of the word, 0 when there is none. */
function atoi(v: string): number {
  const m = /^\s*([+-]?\d+)/.exec(v);
  return m ? Math.trunc(Number(m[1])) | 0 : 0;
}

/**
 * brlink_modify: every option is an exact word (strcmp); the device is looked
 * up after all are read; a port's options go to br_setport through
 * rtnl_bridge_setlink, which refuses a device that is no bridge port.
 */
function brlinkModify(net: Net, args: string[]): ExecResult {
  const o = emptyBridgeSlaveOptions();
  let d: string | null = null;
  const ON_OFF = ["guard", "hairpin", "fastleave", "root_block", "learning", "learning_sync", "flood", "mcast_flood", "bcast_flood", "mcast_to_unicast", "neigh_suppress", "vlan_tunnel", "isolated", "locked"];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): string | null => (i + 1 < args.length ? args[++i]! : null);
    if (a === "dev") {
      const v = next();
      if (v === null) return incompleteCommand();
      d = v;
    } else if (ON_OFF.includes(a)) {
      const v = next();
      if (v === null) return incompleteCommand();
      const on = parseOnOff(a, v);
      // parse_on_off's -EINVAL is brlink_modify's return value, and bridge's exit status.
      if (typeof on === "string") return failWith(on, 234);
      setBrportFlag(o, a, on);
    } else if (a === "cost" || a === "priority" || a === "mcast_router") {
      const v = next();
      if (v === null) return incompleteCommand();
      const n = atoi(v);
      // cost is sent only when above 0 (as an unsigned), priority (an __s16) and mcast_router only when not negative.
      if (a === "cost" && n >>> 0 > 0) o.cost = n >>> 0;
      else if (a === "priority" && (n << 16) >> 16 >= 0) o.priority = (n << 16) >> 16;
      else if (a === "mcast_router" && ((n << 24) >> 24) >= 0) o.unmodelled.push("mcast_router");
    } else if (a === "state" || a === "hwmode" || a === "backup_port") {
      if (next() === null) return incompleteCommand();
      o.unmodelled.push(a);
    } else if (a === "self" || a === "master" || a === "nobackup_port") o.unmodelled.push(a);
    else return failWith(LINK_USAGE, 255);
  }
  if (d === null) return failWith("Device is a required argument.\n", 255);
  const dev = net.devByName(d);
  if (!dev) return failWith(`Cannot find bridge device "${d}"\n`, 255);
  if (o.unmodelled.length) return notSimulated(`bridge link set ... ${o.unmodelled[0]!}`);
  const r = brSetport(dev, o);
  return r.ok ? done() : failWith(`RTNETLINK answers: ${STRERROR[r.errno]}\n`, 255);
}

function doLink(net: Net, g: Globals, args: string[]): ExecResult {
  if (args.length === 0) return brlinkShow(net, g, []);
  const [cmd, ...rest] = args as [string, ...string[]];
  if (matches(cmd, "set") || matches(cmd, "change")) return brlinkModify(net, rest);
  if (matches(cmd, "show") || matches(cmd, "lst") || matches(cmd, "list")) return brlinkShow(net, g, rest);
  if (matches(cmd, "help")) return notSimulated("bridge link help");
  return failWith(`Command "${cmd}" is unknown, try "bridge link help".\n`, 255);
}

/** bridge.c main(): the options before the object. */
function parseGlobals(args: string[]): Globals | ExecResult {
  const g: Globals = { details: false, stats: false, sl: "\n" };
  while (args.length > 0) {
    let opt = args[0]!;
    if (opt === "--") {
      args.shift();
      break;
    }
    if (!opt.startsWith("-")) break;
    if (opt[1] === "-") opt = opt.slice(1);
    if (matches(opt, "-help")) return notSimulated("bridge -help");
    else if (matches(opt, "-Version")) return notSimulated("bridge -Version");
    else if (matches(opt, "-stats") || matches(opt, "-statistics")) g.stats = true;
    else if (matches(opt, "-details")) g.details = true;
    else if (matches(opt, "-oneline")) g.sl = "\\";
    // do_fdb and do_link reset timestamp, and neither dump looks at the family.
    else if (matches(opt, "-timestamp") || opt === "-4" || opt === "-6") void 0;
    else if (matches(opt, "-family")) {
      args.shift();
      const v = args[0];
      if (v === undefined || v === "help") return notSimulated("bridge -family help");
      if (v !== "inet" && v !== "inet6") return invarg("invalid protocol family", v);
    } else if (matches(opt, "-netns")) return notSimulated("bridge -netns");
    else if (matches(opt.split("=")[0]!, "-color")) return notSimulated("bridge -color");
    // compressvlans is for vlan show, force for batch files, pretty for JSON.
    else if (matches(opt, "-compressvlans") || matches(opt, "-force") || matches(opt, "-pretty")) void 0;
    else if (matches(opt, "-json")) return notSimulated("bridge -json");
    else if (matches(opt, "-batch")) return notSimulated("bridge -batch");
    else return failWith(`Option "${opt}" is unknown, try "bridge help".\n`, 255);
    args.shift();
  }
  return g;
}

export const bridgeTool: Tool = (argv, ctx) => {
  const args = argv.slice(1);
  const g = parseGlobals(args);
  if ("exitCode" in g) return g;
  const [object, ...rest] = args;
  if (object === undefined) return notSimulated("bridge help");
  // do_cmd: the first object the word is a prefix of, in cmds[] order.
  if (matches(object, "link")) return doLink(ctx.net, g, rest);
  if (matches(object, "fdb")) return doFdb(ctx.net, g, rest);
  for (const o of ["mdb", "vlan", "vni", "monitor"]) if (matches(object, o)) return notSimulated(`bridge ${o}`);
  if (matches(object, "help")) return notSimulated("bridge help");
  return failWith(`Object "${object}" is unknown, try "bridge help".\n`, 255);
};
