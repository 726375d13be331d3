import { parseAddr } from "./addr.js";
import type { IpCommand, IpGlobals, IpParse } from "./ast.js";
import { IpError, fail255, incomplete, matches } from "./errors.js";
import type { Family } from "./inet.js";
import { parseLink } from "./link.js";
import { parseNeigh } from "./neigh.js";
import { parseNetns } from "./netns.js";
import { parseRoute } from "./route.js";

/** ip.c's object table, in its order: `ip a` is address, `ip n` neighbor, `ip net` netns, `ip r` route. */
const OBJECTS = [
  "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "ntbl", "link", "l2tp",
  "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm",
  "mroute", "mrule", "netns", "netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "help", "stats",
];

/** The object a (possibly abbreviated) name selects, or null. */
export function ipObject(name: string): string | null {
  return OBJECTS.find((o) => matches(name, o)) ?? null;
}

const USAGE = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n";

function globals(argv: string[]): { g: IpGlobals; rest: string[] } {
  const g: IpGlobals = { netns: null, family: null, brief: false, json: false, pretty: false, details: 0, stats: 0, oneline: false, color: false, force: false, all: false };
  let i = 0;
  for (; i < argv.length; i++) {
    let opt = argv[i]!;
    if (opt === "--") {
      i++;
      break;
    }
    if (!opt.startsWith("-")) break;
    if (opt[1] === "-") opt = opt.slice(1);
    const m = (k: string): boolean => matches(opt, k);
    if (m("-loops") || m("-family") || m("-batch") || m("-rcvbuf")) {
      if (i + 1 >= argv.length) throw fail255(USAGE);
      const v = argv[++i]!;
      if (m("-family")) {
        const fam = ({ inet: "inet", inet6: "inet6", link: "link" } as const)[v as "inet"];
        if (!fam) throw fail255(`Error: argument "${v}" is wrong: invalid protocol family\n`);
        g.family = fam;
      } else if (m("-batch")) throw new IpError("ip -batch is not supported by --engine sim\n", 255);
    } else if (opt === "-4") g.family = "inet";
    else if (opt === "-6") g.family = "inet6";
    else if (opt === "-0") g.family = "link";
    else if (opt === "-M" || opt === "-B") throw new IpError(`Option "${opt}" is not supported by --engine sim\n`, 255);
    else if (m("-human") || m("-human-readable") || m("-iec") || m("-resolve") || m("-timestamp") || m("-tshort") || m("-Numeric") || opt === "-echo") continue;
    else if (m("-stats") || m("-statistics")) g.stats++;
    else if (m("-details")) g.details++;
    else if (m("-oneline")) g.oneline = true;
    else if (m("-Version")) throw new IpError("", 255);
    else if (m("-force")) g.force = true;
    else if (m("-brief")) g.brief = true;
    else if (m("-json")) g.json = true;
    else if (m("-pretty")) g.pretty = true;
    else if (m("-color") || m("-colour") || /^-colou?r=/.test(opt)) g.color = true;
    else if (m("-help")) throw fail255(USAGE);
    else if (m("-netns")) {
      if (i + 1 >= argv.length) throw incomplete();
      g.netns = argv[++i]!;
    } else if (m("-all")) g.all = true;
    else throw fail255(`Option "${opt}" is unknown, try "ip -help".\n`);
  }
  return { g, rest: argv.slice(i) };
}

function family(g: IpGlobals): Family {
  return g.family === "inet" || g.family === "inet6" ? g.family : "any";
}

/** `argv` without the leading "ip". */
export function parseIp(argv: string[]): IpParse {
  try {
    const { g, rest } = globals(argv);
    if (rest.length === 0) throw fail255(USAGE);
    const obj = ipObject(rest[0]!);
    const args = rest.slice(1);
    let cmd: IpCommand;
    switch (obj) {
      case "address":
        cmd = parseAddr(args, family(g));
        break;
      case "route":
        cmd = parseRoute(args, family(g));
        break;
      case "neighbor":
      case "neighbour":
        cmd = parseNeigh(args, family(g));
        break;
      case "link":
        cmd = parseLink(args);
        break;
      case "netns":
        cmd = parseNetns(args, g.all);
        break;
      case "rule":
        if (args.length > 0 && !["show", "list", "lst"].some((k) => matches(args[0]!, k))) {
          throw new IpError(`ip rule ${args[0]} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it\n`, 255);
        }
        cmd = { object: "rule", command: "show", args: args.slice(1) };
        break;
      case "help":
        cmd = { object: "help", args };
        break;
      case null:
        throw new IpError(`Object "${rest[0]}" is unknown, try "ip help".\n`, 1);
      default:
        throw new IpError(`ip ${obj} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it\n`, 255);
    }
    return { ok: true, value: { globals: g, cmd } };
  } catch (e) {
    if (e instanceof IpError) return { ok: false, stderr: e.stderr, exitCode: e.exitCode };
    throw e;
  }
}
