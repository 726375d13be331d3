// iputils arping (20221126): ARP requests (or replies with -A) from an
// AF_PACKET socket on one device, and the replies it hears. Output, the
// timer-driven event loop and the exit code follow arping.c: send_pack,
// recv_pack, finish and the end of event_loop.

import { IFF_LOOPBACK, IFF_NOARP, PacketSocket, routeGet, type NetDevice } from "../kernel/index.js";
import type { ExecResult } from "../shell/index.js";
import { ETH_P_ARP } from "../wire/ethernet.js";
import { formatIpv4, type Ipv4 } from "../wire/ipv4-addr.js";
import { BROADCAST_MAC, type Mac } from "../wire/mac.js";
import { inetSelectAddr } from "../kernel/ipv4/devinet.js";
import { RT_SCOPE_LINK } from "../kernel/index.js";
import { gnuGetopt, inetAton } from "./ping.js";
import { Interrupted, runTool, type Tool, type ToolContext, type ToolRun } from "./tool.js";

const USAGE = `
Usage:
  arping [options] <destination>

Options:
  -f            quit on first reply
  -q            be quiet
  -b            keep on broadcasting, do not unicast
  -D            duplicate address detection mode
  -U            unsolicited ARP mode, update your neighbours
  -A            ARP answer mode, update your neighbours
  -V            print version and exit
  -c <count>    how many packets to send
  -w <timeout>  how long to wait for a reply
  -i <interval> set interval between packets (default: 1 second)
  -I <device>   which ethernet device to use
  -s <source>   source IP address
  <destination> dns name or IP address

For more details see arping(8).
`;

const upperMac = (m: Mac) => m.toUpperCase();

interface ArpingOpts {
  broadcastOnly: boolean;
  dad: boolean;
  quitOnReply: boolean;
  unsolicited: boolean;
  advert: boolean;
  quiet: boolean;
  count: number;
  timeout: number;
  interval: number;
  device: string | null;
  source: string | null;
  target: string;
}

function parseArgs(argv: string[]): ArpingOpts | ExecResult {
  const g = gnuGetopt("arping", argv.slice(1), "h?bfDUAqc:w:i:s:I:V");
  if ("error" in g) return { exitCode: 2, stdout: "", stderr: `${g.error}\n${USAGE}` };
  const o: ArpingOpts = { broadcastOnly: false, dad: false, quitOnReply: false, unsolicited: false, advert: false, quiet: false, count: -1, timeout: 0, interval: 1, device: null, source: null, target: "" };
  const num = (v: string, min: number): number | ExecResult => {
    if (!/^[+-]?\d+$/.test(v)) return { exitCode: 1, stdout: "", stderr: `arping: invalid argument: '${v}'\n` };
    const n = Number(v);
    if (n < min || n > 2147483647) return { exitCode: 1, stdout: "", stderr: `arping: invalid argument: '${v}': out of range: ${min} <= value <= 2147483647\n` };
    return n;
  };
  for (const [c, v] of g.opts) {
    switch (c) {
      case "b":
        o.broadcastOnly = true;
        break;
      case "D":
        o.dad = true;
        o.quitOnReply = true;
        break;
      case "U":
        o.unsolicited = true;
        break;
      case "A":
        o.advert = true;
        o.unsolicited = true;
        break;
      case "q":
        o.quiet = true;
        break;
      case "f":
        o.quitOnReply = true;
        break;
      case "c":
      case "w":
      case "i": {
        const n = num(v, c === "c" ? 1 : 0);
        if (typeof n !== "number") return n;
        if (c === "c") o.count = n;
        else if (c === "w") o.timeout = n;
        else o.interval = n;
        break;
      }
      case "I":
        o.device = v;
        break;
      case "s":
        o.source = v;
        break;
      case "V":
        return { exitCode: 0, stdout: "arping from iputils 20221126\n", stderr: "" };
      default:
        return { exitCode: 2, stdout: "", stderr: USAGE };
    }
  }
  if (g.operands.length !== 1) return { exitCode: 2, stdout: "", stderr: USAGE };
  o.target = g.operands[0]!;
  return o;
}

const isLocal = (devs: Iterable<NetDevice>, a: Ipv4) => [...devs].some((d) => (d.inDev?.ifaList ?? []).some((i) => i.local === a));

export const arpingTool: Tool = (argv, ctx) => runTool(arpingRun(argv, ctx), ctx);

function* arpingRun(argv: string[], ctx: ToolContext): ToolRun {
  const parsed = parseArgs(argv);
  if ("exitCode" in parsed) return parsed;
  const o = parsed;
  const net = ctx.net;
  const sim = ctx.sim;
  let stdout = "";
  const stderr = "";
  // How much of stdout arping has fflush()ed: all a kill leaves of it.
  let flushed = 0;
  const gdst = inetAton(o.target);
  if (gdst === null) return { exitCode: 2, stdout, stderr: `arping: ${o.target}: Name or service not known\n` };

  // guess_device: the route's output device when no -I is given.
  let devName = o.device === "" ? null : o.device;
  if (devName === null) {
    const r = routeGet(net, { daddr: gdst });
    if (r.ok && !(r.value.dev.flags & IFF_LOOPBACK)) devName = r.value.dev.name;
  }
  // check_device / check_ifflags.
  let dev: NetDevice | null = null;
  if (devName !== null) {
    const d = net.devByName(devName);
    if (d) {
      if (!d.isUp) return { exitCode: 2, stdout: o.quiet ? "" : `Interface "${devName}" is down\n`, stderr };
      if (d.flags & (IFF_NOARP | IFF_LOOPBACK)) return { exitCode: o.dad ? 0 : 2, stdout: o.quiet ? "" : `Interface "${devName}" is not ARPable\n`, stderr };
      dev = d;
    }
  }
  if (!dev) {
    if (devName !== null) return { exitCode: 2, stdout, stderr: `arping: Device ${devName} not available.\n` };
    return { exitCode: 2, stdout, stderr: "arping: Suitable device could not be determined. Please, use option -I.\n" };
  }

  let gsrc: Ipv4 = 0;
  if (o.source !== null) {
    const s = inetAton(o.source);
    if (s === null) return { exitCode: 2, stdout, stderr: `arping: invalid source ${o.source}\n` };
    gsrc = s;
  }
  if (!o.dad && o.unsolicited && o.source === null) gsrc = gdst;
  if (!o.dad || o.source !== null) {
    if (o.source !== null || gsrc) {
      if (!isLocal(net.devices.values(), gsrc)) return { exitCode: 2, stdout, stderr: "arping: bind: Cannot assign requested address\n" };
    } else if (!o.dad && !o.unsolicited) {
      // SO_DONTROUTE + SO_BINDTODEVICE + connect(): an on-link route out of dev.
      const r = routeGet(net, { daddr: gdst, oif: dev });
      if (r.ok) gsrc = r.value.src;
      else gsrc = inetSelectAddr(dev, gdst, RT_SCOPE_LINK);
    }
  }

  const me = dev.mac;
  let he: Mac = BROADCAST_MAC;
  if (!o.quiet) stdout += `ARPING ${formatIpv4(gdst)} from ${formatIpv4(gsrc)} ${dev.name}\n`;
  if (!o.source && !gsrc && !o.dad) return { exitCode: 2, stdout, stderr: stderr + "arping: no source address in not-DAD mode\n" };

  const sock = new PacketSocket(dev, ETH_P_ARP);
  let sent = 0;
  let brdSent = 0;
  let received = 0;
  let brdRecv = 0;
  let reqRecv = 0;
  let unicasting = false;
  let last: number | null = null;
  let exit = false;

  const sendPack = () => {
    const frame = {
      dst: he,
      src: me,
      payload: { kind: "arp" as const, arp: { op: o.advert ? 2 : 1, sha: me, spa: gsrc, tha: o.advert ? me : he, tpa: gdst } },
    };
    const r = sock.send(frame);
    if (r !== "ENETDOWN") {
      last = sim.now;
      sent++;
      if (!unicasting) brdSent++;
    }
  };

  sock.onRecv = (r) => {
    if (exit) return;
    if (r.pktType !== "host" && r.pktType !== "broadcast" && r.pktType !== "multicast") return;
    if (r.frame.payload.kind !== "arp") return;
    const a = r.frame.payload.arp;
    if (a.op !== 1 && a.op !== 2) return;
    if (!o.dad) {
      if (a.spa !== gdst || a.tpa !== gsrc || a.tha !== me) return;
    } else {
      if (a.spa !== gdst || a.sha === me) return;
      if (gsrc && gsrc !== a.tpa) return;
    }
    if (!o.quiet) {
      let line = `${r.pktType === "host" ? "Unicast" : "Broadcast"} ${a.op === 2 ? "reply" : "request"} from ${formatIpv4(a.spa)} [${upperMac(a.sha)}] `;
      let sPrinted = false;
      if (a.tpa !== gsrc) {
        line += `for ${formatIpv4(a.tpa)} `;
        sPrinted = true;
      }
      if (a.tha !== me) line += `${sPrinted ? "" : "for "}[${upperMac(a.tha)}]`;
      if (last !== null) {
        let usecs = Math.round((sim.now - last) * 1000);
        const msecs = Math.trunc((usecs + 500) / 1000);
        usecs -= msecs * 1000 - 500;
        line += ` ${msecs}.${String(usecs).padStart(3, "0")}ms\n`;
      } else line += " UNSOLICITED?\n";
      stdout += line;
      flushed = stdout.length;
    }
    received++;
    if (o.timeout && received === o.count) {
      exit = true;
      return;
    }
    if (r.pktType !== "host") brdRecv++;
    if (a.op === 1) reqRecv++;
    if (o.quitOnReply || (o.count === 0 && received === sent)) {
      exit = true;
      return;
    }
    if (!o.broadcastOnly) {
      he = a.sha;
      unicasting = true;
    }
  };

  const start = sim.now;
  const timeoutAt = o.timeout ? start + o.timeout * 1000 : Infinity;
  let totalExpires = 1;
  let nextTick = o.interval ? start + o.interval * 1000 : Infinity;
  try {
    sendPack();
    while (!exit) {
      const wake = Math.min(nextTick, timeoutAt);
      const early: boolean = yield { until: wake, stop: () => exit, flushed: () => ({ stdout: stdout.slice(0, flushed), stderr }), eventsFlush: true };
      if (early) break;
      if (sim.now >= nextTick) {
        totalExpires++;
        nextTick += o.interval * 1000;
        if (o.count > 0 && o.count < totalExpires) break;
        sendPack();
      }
      if (sim.now >= timeoutAt) break;
    }
  } catch (e) {
    throw new Interrupted(e, stdout.slice(0, flushed), stderr);
  } finally {
    sock.close();
  }

  let rc = 0;
  if (!o.quiet) {
    stdout += `Sent ${sent} probes (${brdSent} broadcast(s))\nReceived ${received} response(s)`;
    if (brdRecv || reqRecv) {
      stdout += " (";
      if (reqRecv) stdout += `${reqRecv} request(s)`;
      if (brdRecv) stdout += `${reqRecv ? ", " : ""}${brdRecv} broadcast(s)`;
      stdout += ")";
    }
    stdout += "\n";
  }
  rc |= o.dad ? (received ? 1 : 0) : o.unsolicited ? 0 : received ? 0 : 1;
  if (o.unsolicited) {
    /* nothing */
  } else if (o.dad && o.quitOnReply) rc |= brdSent !== received ? 0 : 1;
  else if (o.timeout && !(o.count > 0)) rc |= received > 0 ? 0 : 1;
  else rc |= sent !== received ? 1 : 0;
  return { exitCode: rc, stdout, stderr };
}
