// plugins/meta/tuning (plugins v1.1.1): a chained plugin that changes the
// interface the plugin before it made: net.* sysctls in the container's
// namespace ("IFNAME" in a key is CNI_IFNAME, in ADD only, as 1.1.1 does),
// the MAC and the MTU, with the original values kept in
// /run/cni/tuning/ID_IFNAME.json for DEL to restore. It needs a prevResult
// and hands it on (with the new MAC). promisc and allmulti are not simulated.

import { IFF_PROMISC } from "../../kernel/devices/net-device.js";
import { linkSetAddress, linkSetMtu, sysctlRead, sysctlStatus, sysctlValueUnmodelled, sysctlWrite, type Net } from "../../kernel/index.js";
import { NotSimulated } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { field, GoError } from "./gojson.js";
import { goErrno, prevResult } from "./link.js";
import { loadNetConf } from "./netconf.js";
import { getNs, NsPathNotExist, openNetns } from "./ns.js";
import { printResult } from "./result.js";
import type { CmdArgs, CniPlugin } from "./skel.js";

interface TuningConf {
  cniVersion: string;
  raw: Record<string, unknown>;
  dataDir: string;
  sysctl: Array<[string, string]>;
  mac: string;
  mtu: number;
}

function parseConf(args: CmdArgs): TuningConf {
  const conf = loadNetConf(args.stdin, "TuningConf", "failed to load netconf: ");
  const raw = conf.raw;
  const where = "TuningConf";
  const sysctl = (field(raw, "sysctl", "object", where, "map[string]string") as Record<string, unknown> | undefined) ?? {};
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sysctl)) {
    if (typeof v !== "string") throw new GoError(`failed to load netconf: json: cannot unmarshal ${typeof v} into Go struct field TuningConf.sysctl of type string`);
    pairs.push([k, v]);
  }
  for (const k of ["promisc", "allmulti"]) if (raw[k] !== undefined && raw[k] !== false) throw NotSimulated.what(`the tuning plugin's "${k}"`);
  const cniArgs = (raw.args as Record<string, unknown> | undefined)?.cni;
  if (cniArgs !== undefined || /(^|;)MAC=/.test(args.args) || raw.runtimeConfig !== undefined) throw NotSimulated.what("the tuning plugin's args, CNI_ARGS MAC= and runtimeConfig");
  const mtu = field(raw, "mtu", "number", where, "int") as number | undefined;
  const mac = field(raw, "mac", "string", where, "string") as string | undefined;
  const dataDir = field(raw, "dataDir", "string", where, "string") as string | undefined;
  return { cniVersion: conf.cniVersion, raw, dataDir: dataDir || "/run/cni/tuning", sysctl: pairs, mac: mac ?? "", mtu: mtu ?? 0 };
}

/** ioutil.WriteFile to /proc/sys/KEY: the value a sysctl takes, or Go's error. */
function writeSysctl(net: Net, key: string, value: string): void {
  const path = key.replace(/\./g, "/");
  const file = `/proc/sys/${path}`;
  if (!file.startsWith("/proc/sys/net/")) throw new GoError(`invalid net sysctl key: ${JSON.stringify(key)}`);
  const status = sysctlStatus(net, path);
  if (status === "absent") throw new GoError(`open ${file}: no such file or directory`);
  if (status === "dir") throw new GoError(`open ${file}: is a directory`);
  if (status === "unmodelled" || !/^\s*-?\d+\s*$/.test(value) || sysctlValueUnmodelled(net, path, Number(value))) throw NotSimulated.what(`the tuning plugin writing ${value} to ${file}`);
  const r = sysctlWrite(net, path, Number(value));
  if (!r.ok) throw new GoError(`write ${file}: ${goErrno(r.errno)}`);
}

function readSysctl(net: Net, key: string): string {
  const path = key.replace(/\./g, "/");
  const file = `/proc/sys/${path}`;
  const status = sysctlStatus(net, path);
  if (status === "absent") throw new GoError(`open ${file}: no such file or directory`);
  if (status === "unmodelled" || status === "dir") throw NotSimulated.what(`the tuning plugin reading ${file}`);
  const r = sysctlRead(net, path);
  if (!r.ok) throw new GoError(`read ${file}: ${goErrno(r.errno)}`);
  return String(r.value);
}

function link(net: Net, ifName: string, why: string) {
  const dev = net.devByName(ifName);
  if (!dev) throw new GoError(why);
  return dev;
}

const backupPath = (c: TuningConf, args: CmdArgs) => `${c.dataDir.replace(/\/+$/, "")}/${args.containerId}_${args.ifName}.json`;

function cmdAdd(args: CmdArgs, ctx: ToolContext): string {
  const c = parseConf(args);
  if (c.raw.prevResult === undefined || c.raw.prevResult === null) throw new GoError("Required prevResult missing");
  const prev = prevResult(c.raw, c.cniVersion, "Required prevResult missing");
  const net = openNetns(args, ctx);
  for (const [k, v] of c.sysctl) writeSysctl(net, k.replace("IFNAME", args.ifName), v);
  if (c.mac !== "" || c.mtu !== 0) {
    // createBackup: what DEL puts back, marshalled as Go's MarshalIndent(config, "", " ").
    const dev = link(net, args.ifName, `failed to get ${JSON.stringify(args.ifName)}: Link not found`);
    const keep: Record<string, unknown> = {};
    if (c.mac !== "") keep.mac = dev.mac;
    if (c.mtu !== 0) keep.mtu = dev.mtu;
    ctx.kernel.files.set(backupPath(c, args), JSON.stringify(keep, null, 1));
  }
  if (c.mac !== "") {
    const dev = link(net, args.ifName, `failed to get ${JSON.stringify(args.ifName)}: Link not found`);
    if (!/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(c.mac)) throw new GoError(`invalid args ${c.mac} for MAC addr: address ${c.mac}: invalid MAC address`);
    const r = linkSetAddress(dev, c.mac);
    if (!r.ok) throw new GoError(goErrno(r.errno));
    for (const i of prev.interfaces) if (i.name === args.ifName) i.mac = c.mac;
  }
  if (c.mtu !== 0) {
    const r = linkSetMtu(link(net, args.ifName, `failed to get ${JSON.stringify(args.ifName)}: Link not found`), c.mtu);
    if (!r.ok) throw new GoError(goErrno(r.errno));
  }
  return printResult(prev, c.cniVersion);
}

function cmdCheck(args: CmdArgs, ctx: ToolContext): string {
  const c = parseConf(args);
  prevResult(c.raw, c.cniVersion, "Required prevResult missing");
  const net = openNetns(args, ctx);
  // 1.1.1 reads the key as written: "IFNAME" is not replaced here.
  for (const [k, v] of c.sysctl) {
    const cur = readSysctl(net, k);
    if (cur !== v) throw new GoError(`Error: Tuning configured value of /proc/sys/${k.replace(/\./g, "/")} is ${v}, current value is ${cur}`);
  }
  const dev = link(net, args.ifName, `Cannot find container link ${args.ifName}`);
  if (c.mac !== "" && c.mac !== dev.mac) throw new GoError(`Error: Tuning configured Ethernet of ${args.ifName} is ${c.mac}, current value is ${dev.mac}`);
  if (dev.flags & IFF_PROMISC) throw new GoError(`Error: Tuning link ${args.ifName} configured promisc is false, current value is 1`);
  if (c.mtu !== 0 && c.mtu !== dev.mtu) throw new GoError(`Error: Tuning configured MTU of ${args.ifName} is ${c.mtu}, current value is ${dev.mtu}`);
  return "";
}

/** restoreBackup: the MTU, then the MAC, as they were; its errors are not DEL's. */
function cmdDel(args: CmdArgs, ctx: ToolContext): string {
  const c = parseConf(args);
  let net: Net;
  try {
    net = getNs(args.netns, ctx);
  } catch (e) {
    if (e instanceof NsPathNotExist || e instanceof GoError) return "";
    throw e;
  }
  const path = backupPath(c, args);
  const text = ctx.kernel.files.get(path);
  if (text === undefined) return "";
  const dev = net.devByName(args.ifName);
  if (!dev) return "";
  const keep = JSON.parse(text) as { mac?: string; mtu?: number };
  let failed = false;
  if (keep.mtu) failed = !linkSetMtu(dev, keep.mtu).ok || failed;
  if (keep.mac) failed = !linkSetAddress(dev, keep.mac).ok || failed;
  if (!failed) ctx.kernel.files.delete(path);
  return "";
}

export const tuningPlugin: CniPlugin = { name: "tuning", add: cmdAdd, check: cmdCheck, del: cmdDel };
