import { NotSimulated } from "../errors.js";
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

/** matches_color(): `-color` with no value is "always"; "auto" and "never" are the others. */
function colorOption(opt: string): "always" | "auto" | "never" | null {
  const eq = opt.indexOf("=");
  const name = eq < 0 ? opt : opt.slice(0, eq);
  const v = eq < 0 ? "" : opt.slice(eq + 1);
  if (!matches(name, "-color")) return null;
  if (v === "" || v === "always") return "always";
  return v === "auto" || v === "never" ? v : null;
}

/**
 * ip.c main(): the options before the object, tested in its order, so an
 * abbreviation means what it means there (`-r` is -resolve, `-b` -batch,
 * `-h` -human). Options that change what ip prints or does in ways the
 * simulator does not model are refused.
 */
function globals(argv: string[]): { g: IpGlobals; rest: string[] } {
  const g: IpGlobals = { netns: null, family: null, brief: false, json: false, pretty: false, details: 0, stats: 0, oneline: false, force: false, all: false, human: false };
  let color: "always" | "auto" | "never" = "never";
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
    const arg = (): string => {
      if (i + 1 >= argv.length) throw fail255(USAGE);
      return argv[++i]!;
    };
    const c = colorOption(opt);
    if (m("-loops")) arg();
    else if (m("-family")) {
      const v = arg();
      if (v === "help") throw fail255(USAGE);
      if (v === "mpls" || v === "bridge") throw NotSimulated.what(`ip -family ${v}`);
      const fam = ({ inet: "inet", inet6: "inet6", link: "link" } as const)[v as "inet"];
      if (!fam) throw fail255(`Error: argument "${v}" is wrong: invalid protocol family\n`);
      g.family = fam;
    } else if (opt === "-4") g.family = "inet";
    else if (opt === "-6") g.family = "inet6";
    else if (opt === "-0") g.family = "link";
    else if (opt === "-M" || opt === "-B") throw NotSimulated.what(`ip ${opt}`);
    else if (m("-human") || m("-human-readable") || m("-iec")) g.human = true;
    else if (m("-stats") || m("-statistics")) g.stats++;
    else if (m("-details")) g.details++;
    else if (m("-resolve")) throw NotSimulated.what("ip -resolve");
    else if (m("-oneline")) g.oneline = true;
    // Only `ip monitor` prints timestamps.
    else if (m("-timestamp") || m("-tshort")) continue;
    else if (m("-Version")) throw new IpError("", 255);
    else if (m("-force")) g.force = true;
    else if (m("-batch")) {
      arg();
      throw NotSimulated.what("ip -batch");
    } else if (m("-brief")) g.brief = true;
    else if (m("-json")) g.json = true;
    else if (m("-pretty")) g.pretty = true;
    else if (m("-rcvbuf")) {
      const v = arg();
      if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) || Number(v) > 0xffffffff) throw fail255(`Invalid rcvbuf size '${v}'\n`);
    } else if (c !== null) color = c;
    else if (m("-help")) throw fail255(USAGE);
    else if (m("-netns")) {
      if (i + 1 >= argv.length) throw incomplete();
      g.netns = argv[++i]!;
    } else if (m("-Numeric")) throw NotSimulated.what("ip -Numeric");
    else if (m("-all")) g.all = true;
    else if (opt === "-echo") throw NotSimulated.what("ip -echo");
    else throw fail255(`Option "${opt}" is unknown, try "ip -help".\n`);
  }
  // check_enable_color(): -color (always) colours even a pipe, unless -json.
  if (color === "always" && !g.json) throw NotSimulated.what("ip -color");
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
          throw NotSimulated.what(`ip rule ${args[0]}`);
        }
        cmd = { object: "rule", command: "show", args: args.slice(1) };
        break;
      case "help":
        cmd = { object: "help", args };
        break;
      case null:
        throw new IpError(`Object "${rest[0]}" is unknown, try "ip help".\n`, 1);
      default:
        throw NotSimulated.what(`ip ${obj}`);
    }
    return { ok: true, value: { globals: g, cmd } };
  } catch (e) {
    if (e instanceof IpError) return { ok: false, stderr: e.stderr, exitCode: e.exitCode };
    throw e;
  }
}
