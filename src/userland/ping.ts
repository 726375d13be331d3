// iputils ping (20221126, as Debian 12 ships it), IPv4 only, over a raw
// ICMP socket of the simulated kernel. Output, timing and exit codes follow
// ping/ping.c and ping/ping_common.c: the main loop's exit conditions,
// schedule_exit's linger, acknowledge()'s pipe size, pinger's pacing of an
// unlimited flood, rcvd_tbl's duplicates, finish()'s statistics.

import { ipv6GetIfaddr, pingEchoFilter, STRERROR, RawSocket, Raw6Socket, routeGet, type Errno, type Net, type NetDevice } from "../kernel/index.js";
import type { Icmp6Repr } from "../wire/icmpv6.js";
import type { Ipv6Repr } from "../wire/ipv6.js";
import { ipv6FromBytes, ipv6IsLinkLocal, ipv6IsMulticast, parseIpv6, type Ipv6 } from "../wire/ipv6-addr.js";
import { NotSimulated, type ExecResult } from "../shell/index.js";
import type { IcmpRepr } from "../wire/icmp.js";
import type { Ipv4Repr } from "../wire/ipv4.js";
import { formatIpv4, ipv4IsMulticast, type Ipv4 } from "../wire/ipv4-addr.js";
import { handled, Interrupted, runClockUntil, runTool, type Tool, type ToolContext, type ToolRun } from "./tool.js";

/** GNU getopt with argument permutation: options may follow operands; `spec` is the optstring. */
export function gnuGetopt(
  prog: string,
  argv: string[],
  spec: string,
): { opts: Array<[string, string]>; operands: string[] } | { error: string } {
  const opts: Array<[string, string]> = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ":") return { error: `${prog}: invalid option -- '${c}'` };
      if (spec[at + 1] === ":") {
        const rest = a.slice(j + 1);
        if (rest) opts.push([c, rest]);
        else if (i + 1 < argv.length) opts.push([c, argv[++i]!]);
        else return { error: `${prog}: option requires an argument -- '${c}'` };
        break;
      }
      opts.push([c, ""]);
    }
  }
  return { opts, operands };
}

/** inet_aton: dotted quad with 1 to 4 parts, each decimal, octal (0...) or hex (0x...). */
export function inetAton(text: string): Ipv4 | null {
  const parts = text.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = parseInt(p, 10);
    else return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255)) return null;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][nums.length]!;
  if (last > max) return null;
  let v = 0;
  nums.forEach((n, i) => (v += n * 2 ** (24 - 8 * i)));
  return (v + last) >>> 0;
}

export { runClockUntil };

const MAXWAIT_MS = 10_000;
/** SCHINT's floor: no interval is shorter. */
const MIN_INTERVAL_MS = 10;
const DEFDATALEN = 56;
/** The bits of rcvd_tbl: one per sequence number, so the window is the whole 16-bit sequence space. */
const MAX_DUP_CHK = 0x10000;

/**
 * rcvd_tbl: which sequence numbers have had their reply. A number's bit is
 * cleared when it is sent (again, after the 16-bit sequence wraps), so only
 * a second reply to the same transmission is a duplicate.
 */
class RcvdTbl {
  private readonly bitmap = new Uint32Array(MAX_DUP_CHK / 32);

  set(seq: number): void {
    const bit = seq % MAX_DUP_CHK;
    this.bitmap[bit >>> 5] |= 1 << (bit & 31);
  }

  clear(seq: number): void {
    const bit = seq % MAX_DUP_CHK;
    this.bitmap[bit >>> 5] &= ~(1 << (bit & 31));
  }

  test(seq: number): boolean {
    const bit = seq % MAX_DUP_CHK;
    return (this.bitmap[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

function strerror(e: Errno): string {
  return STRERROR[e];
}

function usage(): ExecResult {
  return { exitCode: 2, stdout: "", stderr: "\nUsage\n  ping [options] <destination>\n\nFor more details see ping(8).\n" };
}

const UNREACH_TEXT: Record<number, string> = {
  0: "Destination Net Unreachable",
  1: "Destination Host Unreachable",
  2: "Destination Protocol Unreachable",
  3: "Destination Port Unreachable",
  5: "Source Route Failed",
  6: "Destination Net Unknown",
  7: "Destination Host Unknown",
  8: "Source Host Isolated",
  9: "Destination Net Prohibited",
  10: "Destination Host Prohibited",
  11: "Destination Net Unreachable for Type of Service",
  12: "Destination Host Unreachable for Type of Service",
  13: "Packet filtered",
  14: "Precedence Violation",
  15: "Precedence Cutoff",
};

/** ping6's pr_icmph for an error, without the trailing newline. */
function icmp6Description(i: Icmp6Repr): string {
  switch (i.type) {
    case "dest-unreach": {
      const what = ["No route", "Administratively prohibited", "Beyond scope of source address", "Address unreachable", "Port unreachable"][i.code] ?? `Unknown code ${i.code}`;
      return `Destination unreachable: ${what}`;
    }
    case "packet-too-big":
      return `Packet too big: mtu=${i.mtu}`;
    case "time-exceeded":
      return `Time exceeded: ${i.code === 0 ? "Hop limit" : i.code === 1 ? "Defragmentation failure" : `code ${i.code}`}`;
    default:
      return "";
  }
}

/**
 * getaddrinfo of an IPv6 literal, with %DEV as its scope. A link-local
 * address needs a device: its %DEV, or -I's (ping6_run gives the first hop
 * -I's ifindex and every echo request goes out with it in IPV6_PKTINFO).
 */
function parseTarget6(text: string, net: Net, device: NetDevice | null): { addr: Ipv6; scopeDev: NetDevice | null } | { error: string } | null {
  const [a, scope, extra] = text.split("%");
  if (extra !== undefined) return null;
  const addr = parseIpv6(a!);
  if (addr === null) return null;
  if (scope === undefined) {
    if (ipv6IsLinkLocal(addr) && !device) throw NotSimulated.what("ping of a link-local address without %DEV or -I DEV");
    return { addr, scopeDev: null };
  }
  const dev = /^\d+$/.test(scope) ? net.devByIndex(Number(scope)) : net.devByName(scope);
  if (!dev) return { error: `ping: ${text}: Name or service not known\n` };
  return { addr, scopeDev: ipv6IsLinkLocal(addr) || ipv6IsMulticast(addr) ? dev : null };
}

/**
 * rawv6_bind of ping's socket to -I's address: a link-local one needs the
 * socket's device (its scope id, or SO_BINDTODEVICE), and the address must
 * be one of the namespace's (on that device, for a link-local) that is not
 * tentative (ipv6_chk_addr leaves out IFA_F_TENTATIVE, which a dadfailed
 * address keeps).
 */
function rawv6Bind(net: Net, addr: Ipv6, dev: NetDevice | null): Errno | null {
  const scoped = ipv6IsLinkLocal(addr) || ipv6IsMulticast(addr);
  if (scoped && !dev) return "EINVAL";
  if (ipv6IsMulticast(addr)) return null;
  const ifa = ipv6GetIfaddr(net, addr, scoped ? dev : null);
  return ifa && !ifa.tentative && !ifa.dadfailed ? null : "EADDRNOTAVAIL";
}

/** pr_icmph, without the trailing newline. */
export function icmpDescription(type: number, code: number, info: number): string {
  switch (type) {
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${info})`;
      return UNREACH_TEXT[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 11:
      return code === 0 ? "Time to live exceeded" : code === 1 ? "Frag reassembly time exceeded" : `Time exceeded, Bad Code: ${code}`;
    case 5: {
      const what = ["Redirect Network", "Redirect Host", "Redirect Type of Service and Network", "Redirect Type of Service and Host"][code] ?? `Redirect, Bad Code: ${code}`;
      return `${what}(New nexthop: ${formatIpv4(info)})`;
    }
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/** The echo request an ICMP error quotes: inner destination, protocol, and the echo's type, id and seq. */
export function quotedEcho(original: Uint8Array): { dst: Ipv4; icmpType: number; id: number; seq: number } | null {
  if (original.length < 20) return null;
  const ihl = (original[0]! & 0xf) * 4;
  if (original[0]! >> 4 !== 4 || ihl < 20 || original.length < ihl + 8) return null;
  if (original[9] !== 1) return null;
  const v = new DataView(original.buffer, original.byteOffset, original.byteLength);
  return { dst: v.getUint32(16), icmpType: original[ihl]!, id: v.getUint16(ihl + 4), seq: v.getUint16(ihl + 6) };
}

function icmpTypeCode(i: IcmpRepr): { type: number; code: number; info: number; original: Uint8Array } | null {
  switch (i.type) {
    case "dest-unreach":
      return { type: 3, code: i.code, info: i.mtu, original: i.original };
    case "time-exceeded":
      return { type: 11, code: i.code, info: 0, original: i.original };
    case "redirect":
      return { type: 5, code: i.code, info: i.gateway, original: i.original };
    default:
      return null;
  }
}

/** ping's " time=..." text for a round trip in microseconds. */
export function formatTriptime(us: number): string {
  if (us >= 100000 - 50) return `${Math.trunc((us + 500) / 1000)}`;
  if (us >= 10000 - 5) return `${Math.trunc((us + 50) / 1000)}.${Math.trunc(((us + 50) % 1000) / 100)}`;
  if (us >= 1000) return `${Math.trunc((us + 5) / 1000)}.${String(Math.trunc(((us + 5) % 1000) / 10)).padStart(2, "0")}`;
  return `0.${String(us).padStart(3, "0")}`;
}

function fmtMs(us: number): string {
  return `${Math.trunc(us / 1000)}.${String(Math.trunc(us % 1000)).padStart(3, "0")}`;
}

/** llsqrt: integer Newton iteration, as finish() computes mdev. */
function llsqrt(a: number): number {
  let prev = Number.MAX_SAFE_INTEGER;
  let x = a;
  if (x > 0) {
    while (x < prev) {
      prev = x;
      x = Math.trunc((x + Math.trunc(a / x)) / 2);
    }
  }
  return x;
}

/** printf("%g") for the loss percentage. */
function fmtG(x: number): string {
  if (x === 0) return "0";
  const p = Number(x.toPrecision(6));
  return String(p);
}

interface PingOpts {
  count: number;
  deadline: number;
  intervalMs: number;
  lingerMs: number;
  device: string | null;
  source: Ipv4 | null;
  broadcast: boolean;
  quiet: boolean;
  /** -O: report a probe still unanswered when the next is sent. */
  outstanding: boolean;
  ttl: number | null;
  target: string;
  /** -4 / -6, or ping6: the family asked for. */
  v4: boolean;
  v6: boolean;
  /** -I with an IPv6 address. */
  source6: Ipv6 | null;
}

function parseArgs(argv: string[]): PingOpts | ExecResult {
  const g = gnuGetopt("ping", argv.slice(1), "h?4bRT:6F:N:aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:");
  if ("error" in g) return { ...usage(), stderr: `${g.error}\n${usage().stderr}` };
  const o: PingOpts = { count: 0, deadline: 0, intervalMs: 1000, lingerMs: MAXWAIT_MS, device: null, source: null, broadcast: false, quiet: false, outstanding: false, ttl: null, target: "", v4: false, v6: false, source6: null };
  const strtol = (v: string, min: number, max: number): number | ExecResult => {
    if (!/^[+-]?\d+$/.test(v.trim()) || v.trim() !== v.trimStart()) return { exitCode: 1, stdout: "", stderr: `ping: invalid argument: '${v}'\n` };
    const n = Number(v);
    if (n < min || n > max) return { exitCode: 1, stdout: "", stderr: `ping: invalid argument: '${v}': out of range: ${min} <= value <= ${max === Number.MAX_SAFE_INTEGER ? "9223372036854775807" : max}\n` };
    return n;
  };
  for (const [c, v] of g.opts) {
    switch (c) {
      case "c": {
        const n = strtol(v, 1, Number.MAX_SAFE_INTEGER);
        if (typeof n !== "number") return n;
        o.count = n;
        break;
      }
      case "w": {
        const n = strtol(v, 0, 2147483647);
        if (typeof n !== "number") return n;
        o.deadline = n;
        break;
      }
      case "W": {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || v.trim() === "") return { exitCode: 2, stdout: "", stderr: `ping: bad linger time: ${v}\n` };
        o.lingerMs = Math.trunc(n * 1000);
        break;
      }
      case "i": {
        const n = Number(v);
        if (!Number.isFinite(n) || v.trim() === "" || n < 0) return { exitCode: 2, stdout: "", stderr: `ping: bad timing interval: ${v}\n` };
        o.intervalMs = Math.trunc(n * 1000);
        break;
      }
      case "I": {
        // ping.c: with a ':' it is an IPv6 source, its %DEV (if any) the device; else IPv4 or a device name.
        if (v.includes(":")) {
          const cut = v.indexOf("%");
          const a6 = parseIpv6(cut < 0 ? v : v.slice(0, cut));
          if (a6 === null) return { exitCode: 2, stdout: "", stderr: `ping: invalid source address: ${v}\n` };
          o.source6 = a6;
          if (cut >= 0) o.device = v.slice(cut + 1);
          break;
        }
        const a = inetAton(v);
        if (a !== null) o.source = a;
        else o.device = v;
        break;
      }
      case "t": {
        const n = strtol(v, 0, 255);
        if (typeof n !== "number") return { exitCode: 2, stdout: "", stderr: `ping: invalid argument: '${v}'\n` };
        o.ttl = n;
        break;
      }
      case "b":
        o.broadcast = true;
        break;
      case "q":
        o.quiet = true;
        break;
      case "O":
        o.outstanding = true;
        break;
      // No names are looked up, only IPv4 is pinged, and -U changes how a time is taken, not what is printed.
      case "n":
      case "U":
        break;
      case "4":
        o.v4 = true;
        break;
      case "6":
        o.v6 = true;
        break;
      case "h":
      case "?":
        return usage();
      default:
        throw NotSimulated.what(`ping -${c}`);
    }
  }
  if (g.operands.length === 0) return { exitCode: 1, stdout: "", stderr: "ping: usage error: Destination address required\n" };
  o.target = g.operands[g.operands.length - 1]!;
  return o;
}

/** The address the kernel would pick for a UDP connect() to dst (ping's probe socket). */
function routeSource(ctx: ToolContext, dst: Ipv4, oif: number, broadcastOk: boolean): { src: Ipv4 } | { errno: Errno } {
  const dev = oif ? ctx.net.devByIndex(oif) : undefined;
  const r = routeGet(ctx.net, dev ? { daddr: dst, oif: dev } : { daddr: dst });
  if (!r.ok) return { errno: r.errno };
  if (r.value.broadcast && !broadcastOk) return { errno: "EACCES" };
  return { src: r.value.src };
}

/** ping's own handler: SIGINT ends it as the count would, with its statistics (sigexit); SIGTERM kills it. */
const PING_SIGNALS = [2];

export const pingTool: Tool = (argv, ctx) => runTool(pingRun(argv, ctx), ctx);

function* pingRun(argv: string[], ctx: ToolContext): ToolRun {
  const parsed = parseArgs(argv);
  if ("exitCode" in parsed) return parsed;
  const o = parsed;
  const sim = ctx.sim;
  const net = ctx.net;
  let stdout = "";
  let stderr = "";
  // How much of stdout ping has fflush()ed: all a kill leaves of it.
  let flushed = 0;
  if (o.v4 && o.v6) return { exitCode: 2, stdout: "", stderr: "ping: only one -4 or -6 option may be specified\n" };
  const v6 = o.v6 || argv[0] === "ping6" || (!o.v4 && o.target.includes(":"));
  if (v6 && !ctx.kernel.ipv6) throw NotSimulated.what(`${argv[0] === "ping6" ? "ping6" : "ping -6"} with IPv6 disabled`);
  const device = o.device !== null ? (net.devByName(o.device) ?? null) : null;
  const target6 = v6 ? parseTarget6(o.target, net, device) : null;
  if (v6 && (target6 === null || "error" in target6)) return { exitCode: 2, stdout: "", stderr: target6 && "error" in target6 ? target6.error : `ping: ${o.target}: Name or service not known\n` };
  if (v6 && (o.source !== null || o.broadcast || o.ttl !== null)) throw NotSimulated.what("ping -6 with an IPv4 source, -b or -t");
  if (!v6 && o.source6 !== null) return { exitCode: 2, stdout: "", stderr: `ping: ${o.target}: Address family for hostname not supported\n` };
  const whereto = v6 ? 0 : inetAton(o.target);
  if (whereto === null) return { exitCode: 2, stdout: "", stderr: `ping: ${o.target}: Name or service not known\n` };

  let bindDev = null;
  if (o.device !== null) {
    bindDev = device;
    // ping6_run looks the device up by name (if_name2index); ping4_run binds to it first.
    if (!bindDev) return { exitCode: 2, stdout: "", stderr: v6 ? `ping: unknown iface: ${o.device}\n` : `ping: SO_BINDTODEVICE ${o.device}: No such device\n` };
  }
  let source = o.source ?? 0;
  const source6: Ipv6 | null = o.source6;
  let shownSource6 = "::";
  let sock6: Raw6Socket | null = null;
  const scopeDev = target6 && !("error" in target6) ? target6.scopeDev : null;
  if (v6) {
    const t = target6 as { addr: Ipv6; scopeDev: NetDevice | null };
    const probe = new Raw6Socket(net, bindDev);
    const r = probe.route(t.addr, scopeDev);
    probe.close();
    if (!r.ok) return { exitCode: 2, stdout, stderr: stderr + `ping: connect: ${strerror(r.errno)}\n` };
    // A scope and -I's device at odds: sendmsg's IPV6_PKTINFO against the destination's scope id.
    if (scopeDev && bindDev && scopeDev !== bindDev) throw NotSimulated.what("ping -6 with %DEV and -I naming different devices");
    if (source6 !== null) {
      const err = rawv6Bind(net, source6, bindDev);
      if (err) return { exitCode: 2, stdout, stderr: stderr + `ping: bind icmp socket: ${strerror(err)}\n` };
    }
    // ping6_run with -I DEV and no source address: the probe socket's source is not kept, so "from ::" is printed and warned about.
    if (source6 === null && bindDev) stderr += `ping: Warning: source address might be selected on device other than: ${o.device}\n`;
    // pr_addr: a link-local source bound with -I ADDR%DEV carries DEV as its scope id.
    shownSource6 = source6 === null ? "::" : ipv6IsLinkLocal(source6) && bindDev ? `${source6}%${bindDev.name}` : source6;
  } else if (o.source === null) {
    let p = routeSource(ctx, whereto, bindDev?.ifindex ?? 0, false);
    if ("errno" in p && p.errno === "EACCES") {
      if (!o.broadcast) return { exitCode: 2, stdout: "", stderr: "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n" };
      stderr += "WARNING: pinging broadcast address\n";
      p = routeSource(ctx, whereto, bindDev?.ifindex ?? 0, true);
    }
    if ("errno" in p) return { exitCode: 2, stdout, stderr: stderr + `ping: connect: ${strerror(p.errno)}\n` };
    source = p.src;
    if (bindDev && !(bindDev.inDev?.ifaList ?? []).some((a) => a.local === source)) {
      stderr += `ping: Warning: source address might be selected on device other than: ${o.device}\n`;
    }
  } else {
    // raw_bind: inet_addr_valid_or_nonlocal on inet_addr_type_table's answer.
    const type = net.fib.addrType(source);
    if (type !== "local" && type !== "multicast" && type !== "broadcast") return { exitCode: 2, stdout, stderr: stderr + "ping: bind: Cannot assign requested address\n" };
  }
  const where6 = target6 && !("error" in target6) ? target6.addr : "::";
  const multicast = v6 ? ipv6IsMulticast(where6) : o.broadcast || ipv4IsMulticast(whereto);
  const strict = o.source !== null || o.source6 !== null;

  const sock = new RawSocket(net, 1, bindDev);
  if (v6) sock.close();
  const ident = sim.rng.u32() & 0xffff;
  sock.filter = pingEchoFilter(ident);
  if (v6) {
    // ping6_run: the address as getnameinfo gives it back, with its scope.
    const shown = `${where6}${scopeDev ? `%${scopeDev.name}` : ""}`;
    stdout += `PING ${o.target}(${shown}) `;
    if (o.device !== null || strict) stdout += `from ${shownSource6} ${o.device ?? ""}: `;
    stdout += `${DEFDATALEN} data bytes\n`;
    sock6 = new Raw6Socket(net, bindDev ?? scopeDev);
  } else {
    stdout += `PING ${o.target} (${formatIpv4(whereto)}) `;
    if (o.device !== null || strict) stdout += `from ${formatIpv4(source)} ${o.device ?? ""}: `;
    stdout += `${DEFDATALEN}(${DEFDATALEN + 8 + 20}) bytes of data.\n`;
  }

  const start = sim.now;
  let curTime = start;
  let ntransmitted = 0;
  let nreceived = 0;
  let nrepeats = 0;
  let nerrors = 0;
  let pipesize = -1;
  let acked = 0;
  let tmin = Number.MAX_SAFE_INTEGER;
  let tmax = 0;
  let tsum = 0;
  let tsum2 = 0;
  /** rts->rtt: eight times the moving average of the round trip, in us (the ewma finish() prints for -i 0). */
  let rtt = 0;
  let exitAt = Infinity;
  const deadlineAt = o.deadline ? start + o.deadline * 1000 : Infinity;
  const sentAt = new Map<number, number>();
  const rcvd = new RcvdTbl();
  let nextSend = start;
  let oomCount = 0;

  const acknowledge = (seq: number) => {
    const diff = (ntransmitted - seq) & 0xffff;
    if (diff <= 0x7fff) {
      if (diff + 1 > pipesize) pipesize = diff + 1;
      if (((seq - acked) << 16) >> 16 > 0 || (ntransmitted & 0xffff) - acked > 0x7fff) acked = seq;
    }
  };
  /** advance_ntransmitted: acked is invalidated when the 16-bit sequence runs more than half a window past it. */
  const advanceNtransmitted = () => {
    ntransmitted++;
    if ((ntransmitted & 0xffff) - acked > 0x7fff) acked = (ntransmitted & 0xffff) + 1;
  };
  const inFlight = () => {
    const diff = ((ntransmitted & 0xffff) - acked) & 0xffff;
    return diff <= 0x7fff ? diff : ntransmitted - nreceived - nerrors;
  };

  /** A reply with our identifier: counted, timed, printed. */
  const gotReply = (seq: number, from: string, ttl: number, bytes: number, wrongSource: boolean) => {
    {
      nreceived++;
      acknowledge(seq);
      const sent = sentAt.get(seq);
      let triptime = 0;
      if (sent !== undefined) {
        triptime = Math.max(0, Math.round((sim.now - sent) * 1000));
        tsum += triptime;
        tsum2 += triptime * triptime;
        if (triptime < tmin) tmin = triptime;
        if (triptime > tmax) tmax = triptime;
        rtt = rtt ? rtt + triptime - Math.trunc(rtt / 8) : triptime * 8;
      }
      let dup = false;
      if (rcvd.test(seq)) {
        nrepeats++;
        nreceived--;
        dup = true;
      } else rcvd.set(seq);
      // ping4_parse_reply fflush()es after every reply it takes, printed or not (-q).
      if (o.quiet) {
        flushed = stdout.length;
        return;
      }
      let line = `${bytes} bytes from ${from}: icmp_seq=${seq} ttl=${ttl} time=${formatTriptime(triptime)} ms`;
      if (dup && !multicast) line += " (DUP!)";
      if (wrongSource) line += " (DIFFERENT ADDRESS!)";
      stdout += line + "\n";
      flushed = stdout.length;
      return;
    }
  };
  /** An error about one of our echoes, from the error queue. */
  const gotError = (seq: number, from: string, text: string) => {
    acknowledge(seq);
    nerrors++;
    if (!o.quiet) stdout += `From ${from} icmp_seq=${seq} ${text}\n`;
    flushed = stdout.length;
  };
  const onPacket = (ip: Ipv4Repr) => {
    if (ip.payload.kind !== "icmp") return;
    const icmp = ip.payload.icmp;
    if (icmp.type === "echo-reply") {
      if (icmp.id !== ident) return;
      gotReply(icmp.seq, formatIpv4(ip.src), ip.ttl, 8 + icmp.data.length, !o.broadcast && !multicast && ip.src !== whereto);
      return;
    }
    const err = icmpTypeCode(icmp);
    if (!err) return;
    const inner = quotedEcho(err.original);
    if (!inner || inner.icmpType !== 8 || inner.dst !== whereto || inner.id !== ident) return;
    if (err.type === 5) {
      // Redirects reach ping through the raw socket only (raw_err keeps them off the error queue).
      if (!o.quiet) stdout += `From ${formatIpv4(ip.src)}: icmp_seq=${inner.seq} ${icmpDescription(err.type, err.code, err.info)}\n`;
      return;
    }
    // ip_icmp_error: the error queue entry ping4_receive_error_msg reads.
    gotError(inner.seq, formatIpv4(ip.src), icmpDescription(err.type, err.code, err.info));
  };
  sock.onRecv = (r) => onPacket(r.ip);
  /** ping6_parse_reply and ping6_receive_error_msg. */
  const onPacket6 = (ip6: Ipv6Repr) => {
    if (ip6.payload.kind !== "icmpv6") return;
    const icmp = ip6.payload.icmp;
    if (icmp.type === "echo-reply") {
      if (icmp.id !== ident) return;
      // recvmsg gives a link-local sender the arrival device as its scope id.
      const at = scopeDev ?? bindDev;
      const from = ipv6IsLinkLocal(ip6.src) && at ? `${ip6.src}%${at.name}` : ip6.src;
      gotReply(icmp.seq, from, ip6.hopLimit, 8 + icmp.data.length, !multicast && ip6.src !== where6);
      return;
    }
    if (icmp.type !== "dest-unreach" && icmp.type !== "packet-too-big" && icmp.type !== "time-exceeded") return;
    const o6 = icmp.original;
    if (o6.length < 48 || o6[6] !== 58 || o6[40] !== 128 || ((o6[44]! << 8) | o6[45]!) !== ident) return;
    if (ipv6FromBytes(o6, 24) !== where6) return;
    gotError((o6[46]! << 8) | o6[47]!, ip6.src, icmp6Description(icmp));
  };
  if (sock6) {
    sock6.filter = (ip6) => ip6.payload.kind === "icmpv6" && (ip6.payload.icmp.type === "echo-reply" || ip6.payload.icmp.type === "dest-unreach" || ip6.payload.icmp.type === "packet-too-big" || ip6.payload.icmp.type === "time-exceeded");
    sock6.onRecv = (r) => onPacket6(r.ip6);
  }

  const done = () => (o.count > 0 && nreceived + nerrors >= o.count) || (o.deadline > 0 && nerrors > 0);
  let waitScheduled = false;
  try {
    for (;;) {
      if (done()) break;
      if (sim.now >= deadlineAt || sim.now >= exitAt) break;
      const moreToSend = !(o.count > 0 && ntransmitted >= o.count && !o.deadline);
      // pinger: an unlimited flood (-i 0) waits for the echo in flight, at most MININTERVAL, so the sequence never laps its replies.
      if (moreToSend && o.intervalMs === 0 && ntransmitted > 0 && inFlight() >= 1 && sim.now < curTime + MIN_INTERVAL_MS) {
        yield { until: Math.min(curTime + MIN_INTERVAL_MS, exitAt, deadlineAt), stop: () => done() || inFlight() === 0, flushed: () => ({ stdout: stdout.slice(0, flushed), stderr }), eventsFlush: true, handles: PING_SIGNALS };
        continue;
      }
      if (moreToSend && sim.now >= nextSend) {
        // pinger(): -O looks at the previous probe before each send (rcvd_test), quiet or not.
        if (o.outstanding && ntransmitted > 0 && !rcvd.test(ntransmitted)) {
          stdout += `no answer yet for icmp_seq=${ntransmitted % 0x10000}\n`;
          flushed = stdout.length;
        }
        const seq = (ntransmitted + 1) & 0xffff;
        curTime = sim.now;
        rcvd.clear(ntransmitted + 1);
        const send = sock6
          ? sock6.sendIcmp6(where6, scopeDev, source6, { type: "echo-request", id: ident, seq, data: new Uint8Array(DEFDATALEN) }, null)
          : sock.sendIcmp(
              whereto,
              { type: "echo-request", id: ident, seq, data: new Uint8Array(DEFDATALEN) },
              { ...(strict || o.broadcast ? { saddr: source } : {}), ...(o.ttl !== null ? { ttl: o.ttl } : {}) },
            );
        if (!send.ok && send.errno === "ENOBUFS") {
          // pinger: a full device queue (or a driver's drop) is retried after half the interval,
          // at most 500 ms, until that would outlast the linger time; only then is it a hard error.
          const nores = Math.min(Math.max(Math.trunc(o.intervalMs / 2), MIN_INTERVAL_MS), 500);
          oomCount++;
          if (oomCount * nores < o.lingerMs) {
            nextSend = sim.now + nores;
            continue;
          }
        } else if (send.ok) oomCount = 0;
        advanceNtransmitted();
        sentAt.set(seq, sim.now);
        // pinger(): only a full queue that outlasted the linger time falls through as a hard error
        // and is said. Any other failed send goes to receive_error_msg first: its error queue is
        // empty (nothing left the host), which counts as a local error and keeps pinger quiet;
        // the probe still counts as transmitted (iputils 20221126, strace on Linux 6.1:
        // sendto ENETUNREACH, recvmsg(MSG_ERRQUEUE) EAGAIN, nothing printed).
        if (!send.ok && !o.quiet && send.errno === "ENOBUFS") stderr += `ping: sendmsg: ${strerror(send.errno)}\n`;
        nextSend = sim.now + o.intervalMs;
        if (o.count > 0 && ntransmitted >= o.count && !o.deadline && !waitScheduled) {
          waitScheduled = true;
          const waitUs = nreceived ? Math.max(2 * tmax, o.intervalMs * 1000) : o.lingerMs * 1000;
          exitAt = sim.now + Math.max(waitUs / 1000, 0);
        }
        continue;
      }
      const stillSending = !(o.count > 0 && ntransmitted >= o.count && !o.deadline);
      const wake = Math.min(stillSending ? nextSend : Infinity, exitAt, deadlineAt);
      if (wake === Infinity) {
        // Nothing left to wait for but replies: iputils would block forever; the step's timeout ends it.
        yield { until: Infinity, stop: done, flushed: () => ({ stdout: stdout.slice(0, flushed), stderr }), eventsFlush: true, handles: PING_SIGNALS };
        break;
      }
      yield { until: wake, stop: done, flushed: () => ({ stdout: stdout.slice(0, flushed), stderr }), eventsFlush: true, handles: PING_SIGNALS };
    }
  } catch (e) {
    if (handled(e, PING_SIGNALS) === null) throw new Interrupted(e, stdout.slice(0, flushed), stderr);
  } finally {
    sock.close();
    sock6?.close();
  }

  stdout += `\n--- ${o.target} ping statistics ---\n`;
  stdout += `${ntransmitted} packets transmitted, ${nreceived} received`;
  if (nrepeats) stdout += `, +${nrepeats} duplicates`;
  if (nerrors) stdout += `, +${nerrors} errors`;
  if (ntransmitted) {
    const elapsed = Math.round((curTime - start) * 1000); // us
    stdout += `, ${fmtG(((ntransmitted - nreceived) * 100) / ntransmitted)}% packet loss, time ${Math.trunc((elapsed + 500) / 1000)}ms`;
  }
  stdout += "\n";
  let comma = "";
  if (nreceived) {
    const total = nreceived + nrepeats;
    const tmavg = Math.trunc(tsum / total);
    const tmvar = Math.trunc((tsum2 - Math.trunc((tsum * tsum) / total)) / total);
    const tmdev = llsqrt(tmvar);
    stdout += `rtt min/avg/max/mdev = ${fmtMs(tmin)}/${fmtMs(tmavg)}/${fmtMs(tmax)}/${fmtMs(tmdev)} ms`;
    comma = ", ";
  }
  if (pipesize > 1) {
    stdout += `${comma}pipe ${pipesize}`;
    comma = ", ";
  }
  if (nreceived && o.intervalMs === 0 && ntransmitted > 1) {
    const ipg = Math.trunc(Math.round((curTime - start) * 1000) / (ntransmitted - 1));
    stdout += `${comma}ipg/ewma ${fmtMs(ipg)}/${fmtMs(Math.trunc(rtt / 8))} ms`;
  }
  stdout += "\n";
  const exitCode = !nreceived || (o.deadline && nreceived < o.count) ? 1 : 0;
  return { exitCode, stdout, stderr };
}
