// plugins/ipam/host-local (plugins v1.1.1): addresses from one or more
// range sets, leased in files under dataDir/NAME on the host (one file per
// address holding "ID\r\nIFNAME", and last_reserved_ip.N per range set),
// handed out round-robin from the last one reserved, skipping the gateway.

import { NotSimulated } from "../../shell/index.js";
import { formatIpv4, parseIpv4, prefixMask } from "../../wire/ipv4-addr.js";
import type { ToolContext } from "../tool.js";
import { field, GoError, jsonKind, str, unmarshal } from "./gojson.js";
import { cniArgs } from "./macvlan.js";
import { emptyResult, printResult, type CniRoute } from "./result.js";
import { versionAtLeast, type CmdArgs, type CniPlugin } from "./skel.js";

const DEFAULT_DATA_DIR = "/var/lib/cni/networks";
const LINE_BREAK = "\r\n";

interface Range {
  subnet: number;
  len: number;
  rangeStart: number;
  rangeEnd: number;
  gateway: number;
}

interface IpamConf {
  name: string;
  cniVersion: string;
  routes: CniRoute[];
  dataDir: string;
  ranges: Range[][];
  ipArgs: number[];
}

const cidr = (ip: number, len: number) => `${formatIpv4(ip)}/${len}`;
const rangeString = (r: Range) => `${formatIpv4(r.rangeStart)}-${formatIpv4(r.rangeEnd)}`;
const setString = (s: Range[]) => s.map(rangeString).join(",");

function parseIp(v: unknown, where: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new GoError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${where} of type net.IP`);
  const ip = parseIpv4(v);
  if (ip === null) {
    if (v.includes(":")) throw NotSimulated.what(`an IPv6 range in host-local (${v})`);
    throw new GoError(`invalid IP address: ${v}`);
  }
  return ip;
}

/** A range as the JSON gives it, then Canonicalize. */
function parseRange(o: Record<string, unknown>, where: string): Range {
  const subnetText = o.subnet;
  if (typeof subnetText !== "string") {
    if (subnetText === undefined) throw new GoError("invalid CIDR address: ");
    throw new GoError(`json: cannot unmarshal ${jsonKind(subnetText)} into Go struct field ${where}.subnet of type string`);
  }
  const m = /^([^/]+)\/(\d{1,2})$/.exec(subnetText);
  const ip = m ? parseIpv4(m[1]!) : null;
  if (!m || ip === null || Number(m[2]) > 32) {
    if (subnetText.includes(":")) throw NotSimulated.what(`an IPv6 subnet in host-local (${subnetText})`);
    throw new GoError(`invalid CIDR address: ${subnetText}`);
  }
  const len = Number(m[2]);
  const gateway = parseIp(o.gateway, `${where}.gateway`);
  const rangeStart = parseIp(o.rangeStart, `${where}.rangeStart`);
  const rangeEnd = parseIp(o.rangeEnd, `${where}.rangeEnd`);
  const net = (ip & prefixMask(len)) >>> 0;
  if (len > 30) throw new GoError(`Network ${cidr(net, len)} too small to allocate from`);
  if (net !== ip) throw new GoError(`Network has host bits set. For a subnet mask of length ${len} the network address is ${formatIpv4(net)}`);
  const r: Range = { subnet: net, len, gateway: gateway ?? net + 1, rangeStart: 0, rangeEnd: 0 };
  const inside = (a: number) => ((a & prefixMask(len)) >>> 0) === net;
  if (rangeStart !== null && !inside(rangeStart)) throw new GoError(`RangeStart ${formatIpv4(rangeStart)} not in network ${cidr(net, len)}`);
  r.rangeStart = rangeStart ?? net + 1;
  if (rangeEnd !== null && !inside(rangeEnd)) throw new GoError(`RangeEnd ${formatIpv4(rangeEnd)} not in network ${cidr(net, len)}`);
  // lastIP: the broadcast address less one.
  r.rangeEnd = rangeEnd ?? ((net | ~prefixMask(len)) >>> 0) - 1;
  return r;
}

const contains = (r: Range, a: number) => ((a & prefixMask(r.len)) >>> 0) === r.subnet && a >= r.rangeStart && a <= r.rangeEnd;
const overlaps = (a: Range, b: Range) => contains(a, b.rangeStart) || contains(a, b.rangeEnd) || contains(b, a.rangeStart) || contains(b, a.rangeEnd);
const rangeFor = (s: Range[], a: number) => s.find((r) => contains(r, a)) ?? null;

/** allocator.LoadIPAMConfig. */
function loadIpamConfig(args: CmdArgs): IpamConf {
  const n = unmarshal(args.stdin, "allocator.Net");
  const ipam = field(n, "ipam", "object", "Net", "allocator.IPAMConfig") as Record<string, unknown> | undefined;
  if (!ipam) throw new GoError("IPAM config missing 'ipam' key");
  if (str(ipam, "resolvConf", "IPAMConfig")) throw NotSimulated.what('host-local\'s "resolvConf"');
  if (n.runtimeConfig || n.args) throw NotSimulated.what('host-local\'s "runtimeConfig" and "args"');
  const conf: IpamConf = { name: str(n, "name", "Net"), cniVersion: str(n, "cniVersion", "Net"), routes: [], dataDir: str(ipam, "dataDir", "IPAMConfig"), ranges: [], ipArgs: [] };
  if (args.args !== "") {
    const ip = cniArgs(args.args).IP;
    if (ip) {
      const a = parseIpv4(ip);
      if (a === null) throw new GoError(`invalid IP address: ${ip}`);
      conf.ipArgs.push(a);
    }
  }
  const routes = field(ipam, "routes", "array", "IPAMConfig", "[]*types.Route") as unknown[] | undefined;
  for (const r of routes ?? []) {
    const o = (r ?? {}) as Record<string, unknown>;
    const dst = String(o.dst ?? "");
    const m = /^([^/]+)\/(\d{1,2})$/.exec(dst);
    if (!m || parseIpv4(m[1]!) === null) {
      if (dst.includes(":")) throw NotSimulated.what(`an IPv6 route in host-local (${dst})`);
      throw new GoError(`invalid CIDR address: ${dst}`);
    }
    const gw = parseIp(o.gw, "route.gw");
    conf.routes.push({ dst, ...(gw !== null ? { gw: formatIpv4(gw) } : {}) });
  }
  const sets: Array<Array<Record<string, unknown>>> = [];
  if (typeof ipam.subnet === "string" && ipam.subnet !== "") sets.push([ipam]);
  const ranges = field(ipam, "ranges", "array", "IPAMConfig", "[]allocator.RangeSet") as unknown[] | undefined;
  for (const s of ranges ?? []) sets.push(Array.isArray(s) ? (s as Array<Record<string, unknown>>) : []);
  if (sets.length === 0) throw new GoError("no IP ranges specified");
  sets.forEach((s, i) => {
    try {
      if (s.length === 0) throw new GoError("empty range set");
      const parsed = s.map((r) => parseRange(r, "Range"));
      for (let a = 0; a < parsed.length; a++) {
        for (let b = a + 1; b < parsed.length; b++) if (overlaps(parsed[a]!, parsed[b]!)) throw new GoError(`subnets ${rangeString(parsed[a]!)} and ${rangeString(parsed[b]!)} overlap`);
      }
      conf.ranges.push(parsed);
    } catch (e) {
      if (e instanceof GoError && !e.message.startsWith("invalid CIDR") && !e.message.startsWith("invalid IP")) throw new GoError(`invalid range set ${i}: ${e.message}`);
      throw e;
    }
  });
  if (conf.ranges.length > 1 && !versionAtLeastSafe(conf.cniVersion, "0.3.0")) throw new GoError(`CNI version ${conf.cniVersion} does not support more than 1 address per family`);
  for (let i = 0; i < conf.ranges.length; i++) {
    for (let j = i + 1; j < conf.ranges.length; j++) {
      if (conf.ranges[i]!.some((a) => conf.ranges[j]!.some((b) => overlaps(a, b)))) throw new GoError(`range set ${i} overlaps with ${j}`);
    }
  }
  return conf;
}

function versionAtLeastSafe(v: string, than: string): boolean {
  try {
    return versionAtLeast(v, than);
  } catch {
    return false;
  }
}

/** disk.Store: the files of one network in the host's file system. */
class Store {
  readonly dir: string;
  constructor(
    private readonly files: Map<string, string>,
    conf: IpamConf,
  ) {
    this.dir = `${(conf.dataDir || DEFAULT_DATA_DIR).replace(/\/+$/, "")}/${conf.name}`;
    if (!this.dir.startsWith("/var/lib/cni/")) throw NotSimulated.what(`host-local's dataDir outside /var/lib/cni (${conf.dataDir})`);
    // NewFileLock: the lock file is created (mode 0600 in Go, whatever it holds).
    if (!files.has(`${this.dir}/lock`)) files.set(`${this.dir}/lock`, "");
  }

  /** filepath.Walk order: the file names, sorted. */
  private entries(): Array<[string, string]> {
    return [...this.files.entries()].filter(([k]) => k.startsWith(`${this.dir}/`) && !k.slice(this.dir.length + 1).includes("/")).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  reserve(id: string, ifname: string, ip: number, rangeId: number): boolean {
    const f = `${this.dir}/${formatIpv4(ip)}`;
    if (this.files.has(f)) return false;
    this.files.set(f, `${id.trim()}${LINE_BREAK}${ifname}`);
    this.files.set(`${this.dir}/last_reserved_ip.${rangeId}`, formatIpv4(ip));
    return true;
  }

  lastReservedIp(rangeId: number): number | null {
    const t = this.files.get(`${this.dir}/last_reserved_ip.${rangeId}`);
    return t === undefined ? null : parseIpv4(t);
  }

  private matching(id: string, ifname: string): Array<[string, string]> {
    const exact = this.entries().filter(([, v]) => v.trim() === `${id.trim()}${LINE_BREAK}${ifname}`);
    return exact.length ? exact : this.entries().filter(([, v]) => v.trim() === id.trim());
  }

  findById(id: string, ifname: string): boolean {
    return this.matching(id, ifname).length > 0;
  }

  releaseById(id: string, ifname: string): void {
    for (const [k] of this.matching(id, ifname)) this.files.delete(k);
  }

  getById(id: string, ifname: string): number[] {
    const both = `${id.trim()}${LINE_BREAK}${ifname}`;
    return this.entries()
      .filter(([, v]) => v.trim() === both || v.trim() === id.trim())
      .map(([k]) => parseIpv4(k.slice(this.dir.length + 1)))
      .filter((a): a is number => a !== null);
  }
}

/** IPAllocator.Get: the requested address, or the next free one after the last reserved. */
function allocate(set: Range[], store: Store, rangeId: number, id: string, ifname: string, requested: number | null): { ip: number; len: number; gateway: number } {
  if (requested !== null) {
    const r = rangeFor(set, requested);
    if (!r) throw new GoError(`${formatIpv4(requested)} not in range set ${setString(set)}`);
    if (requested === r.gateway) throw new GoError(`requested ip ${formatIpv4(requested)} is subnet's gateway`);
    if (!store.reserve(id, ifname, requested, rangeId)) throw new GoError(`requested IP address ${formatIpv4(requested)} is not available in range set ${setString(set)}`);
    return { ip: requested, len: r.len, gateway: r.gateway };
  }
  for (const a of store.getById(id, ifname)) {
    if (rangeFor(set, a)) throw new GoError(`${formatIpv4(a)} has been allocated to ${id}, duplicate allocation is not allowed`);
  }
  // RangeIter.
  let idx = 0;
  let cur: number | null = null;
  let startIp: number | null = null;
  const last = store.lastReservedIp(rangeId);
  if (last !== null && rangeFor(set, last)) {
    idx = set.findIndex((r) => contains(r, last));
    cur = last;
  } else startIp = set[0]!.rangeStart;
  const next = (): Range | null => {
    for (;;) {
      let r = set[idx]!;
      if (cur === null) {
        cur = r.rangeStart;
        startIp = cur;
        if (cur === r.gateway) continue;
        return r;
      }
      if (cur === r.rangeEnd) {
        idx = (idx + 1) % set.length;
        r = set[idx]!;
        cur = r.rangeStart;
      } else cur = cur + 1;
      if (startIp === null) startIp = cur;
      else if (cur === startIp) return null;
      if (cur === r.gateway) continue;
      return r;
    }
  };
  for (let r = next(); r !== null; r = next()) {
    if (store.reserve(id, ifname, cur!, rangeId)) return { ip: cur!, len: r.len, gateway: r.gateway };
  }
  throw new GoError(`no IP addresses available in range set: ${setString(set)}`);
}

function cmdAdd(args: CmdArgs, ctx: ToolContext): string {
  const conf = loadIpamConfig(args);
  const store = new Store(ctx.kernel.files, conf);
  const result = emptyResult();
  const requested = [...conf.ipArgs];
  const done: number[] = [];
  conf.ranges.forEach((set, idx) => {
    const k = requested.findIndex((a) => rangeFor(set, a) !== null);
    const want = k >= 0 ? requested.splice(k, 1)[0]! : null;
    try {
      const got = allocate(set, store, idx, args.containerId, args.ifName, want);
      done.push(idx);
      result.ips.push({ address: cidr(got.ip, got.len), gateway: formatIpv4(got.gateway) });
    } catch (e) {
      if (!(e instanceof GoError)) throw e;
      // Each allocator releases by ID: the first release frees them all.
      if (done.length) store.releaseById(args.containerId, args.ifName);
      throw new GoError(`failed to allocate for range ${idx}: ${e.message}`);
    }
  });
  if (requested.length) {
    if (done.length) store.releaseById(args.containerId, args.ifName);
    throw new GoError(`failed to allocate all requested IPs: ${requested.map(formatIpv4).join(" ")}`);
  }
  result.routes = conf.routes;
  return printResult(result, conf.cniVersion);
}

function cmdDel(args: CmdArgs, ctx: ToolContext): string {
  const conf = loadIpamConfig(args);
  const store = new Store(ctx.kernel.files, conf);
  if (conf.ranges.length) store.releaseById(args.containerId, args.ifName);
  return "";
}

function cmdCheck(args: CmdArgs, ctx: ToolContext): string {
  const conf = loadIpamConfig(args);
  const store = new Store(ctx.kernel.files, conf);
  if (!store.findById(args.containerId, args.ifName)) throw new GoError(`host-local: Failed to find address added by container ${args.containerId}`);
  return "";
}

export const hostLocalPlugin: CniPlugin = { name: "host-local", add: cmdAdd, check: cmdCheck, del: cmdDel };
