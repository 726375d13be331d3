import { NotSimulated } from "../errors.js";
import type { IpCommand, LinkAttrs, LinkType } from "./ast.js";
import { Args, duparg, duparg2, fail1, fail255, invarg, matches } from "./errors.js";
import { llAddr } from "./inet.js";
import { parseLinkType } from "./link-types.js";
import { parseListFilter } from "./list-filter.js";

export function emptyAttrs(): LinkAttrs {
  return { up: null, name: null, dev: null, link: null, address: null, broadcast: null, mtu: null, txqueuelen: null, netns: null, master: null, arp: null, promisc: null, multicast: null, allmulticast: null, alias: null };
}

const IFNAMSIZ = 16;
const badIfname = (s: string): boolean => s === "" || /[/\s]/.test(s);

function int(s: string): number | null {
  return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2 ** 31 - 1 ? Number(s) : null;
}

function onOff(a: Args, what: string): boolean {
  const v = a.next();
  if (v === "on") return true;
  if (v === "off") return false;
  throw fail1(`Error: argument of "${what}" must be "on" or "off", not "${v}"\n`);
}

/**
 * Attributes iplink_parse() knows and the simulator does not model, by how
 * it matches them: the whole word, or any abbreviation (tested where
 * iplink_parse tests them, so `n` stays nomaster and `t` txqueuelen).
 */
const UNMODELLED_EXACT = new Set([
  "index", "xdpgeneric", "xdpdrv", "xdpoffload", "xdp", "trailers", "carrier", "vf", "vrf", "group", "mode", "state",
  "protodown", "protodown_reason", "gso_max_size", "gso_max_segs", "gro_max_size", "parentdev",
]);
const UNMODELLED_PREFIX = ["numtxqueues", "numrxqueues", "addrgenmode", "link-netns", "link-netnsid"];

/** iplink_parse(): attributes up to `type`; returns where the type's own arguments start. */
export function parseLinkAttrs(a: Args, create: boolean): { attrs: LinkAttrs; type: string | null } {
  const at = emptyAttrs();
  let type: string | null = null;
  while (a.more) {
    const arg = a.cur;
    if (arg === "up" || arg === "down") at.up = arg === "up";
    else if (UNMODELLED_EXACT.has(arg)) throw NotSimulated.what(`ip link ... ${arg}`);
    else if (arg === "name") {
      const v = a.next();
      if (at.name !== null) throw duparg("name", v);
      if (v.length >= IFNAMSIZ || badIfname(v)) throw invarg('"name" not a valid ifname', v);
      at.name = v;
      if (at.dev === null) at.dev = v;
    } else if (matches(arg, "link")) at.link = a.next();
    else if (matches(arg, "address")) at.address = llAddr(a.next());
    else if (matches(arg, "broadcast") || arg === "brd") at.broadcast = llAddr(a.next());
    else if (matches(arg, "txqueuelen") || arg === "qlen" || matches(arg, "txqlen")) {
      const v = a.next();
      if (at.txqueuelen !== null) throw duparg("txqueuelen", v);
      at.txqueuelen = int(v) ?? throwErr(invarg('Invalid "txqueuelen" value\n', v));
    } else if (arg === "mtu") {
      const v = a.next();
      if (at.mtu !== null) throw duparg("mtu", v);
      at.mtu = int(v) ?? throwErr(invarg('Invalid "mtu" value\n', v));
    } else if (arg === "netns") {
      const v = a.next();
      if (at.netns !== null) throw duparg("netns", v);
      // A name that is no namespace but an integer is a pid; a missing name is the executor's to report.
      at.netns = /^\d+$/.test(v) ? { pid: Number(v) } : { name: v };
    } else if (arg === "multicast") at.multicast = onOff(a, "multicast");
    else if (arg === "allmulticast") at.allmulticast = onOff(a, "allmulticast");
    else if (arg === "promisc") at.promisc = onOff(a, "promisc");
    else if (arg === "arp") at.arp = onOff(a, "arp");
    else if (matches(arg, "master")) at.master = a.next();
    else if (matches(arg, "nomaster")) at.master = "";
    else if (matches(arg, "dynamic")) throw NotSimulated.what("ip link ... dynamic");
    else if (matches(arg, "type")) {
      type = a.next();
      a.i++;
      break;
    } else if (matches(arg, "alias")) at.alias = a.next();
    else if (UNMODELLED_PREFIX.some((k) => matches(arg, k))) throw NotSimulated.what(`ip link ... ${UNMODELLED_PREFIX.find((k) => matches(arg, k))}`);
    else {
      if (matches(arg, "help")) throw fail255(LINK_USAGE);
      const v = arg === "dev" ? a.next() : arg;
      if (at.dev !== at.name) throw duparg2("dev", v);
      if (badIfname(v)) throw invarg('"dev" not a valid ifname', v);
      at.dev = v;
    }
    a.i++;
  }
  if (at.name === null) at.name = at.dev;
  else if (at.dev === null) at.dev = at.name;
  if (!create) {
    if (at.dev === null) throw fail255('Not enough information: "dev" argument is required.\n');
    if (at.name === at.dev) at.name = null;
  } else if (at.name !== at.dev) {
    throw fail255('both "name" and "dev" cannot be used when creating devices.\n');
  }
  return { attrs: at, type };
}

function throwErr(e: Error): never {
  throw e;
}

export const LINK_USAGE = "Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n";

function modify(a: Args, command: "add" | "set" | "replace" | "delete"): IpCommand {
  const create = command === "add" || command === "replace";
  const { attrs, type } = parseLinkAttrs(a, create);
  let lt: LinkType | null = null;
  if (type !== null) lt = parseLinkType(type, a);
  else if (create) throw fail1('Not enough information: "type" argument is required\n');
  return { object: "link", command, attrs, type: lt };
}

/**
 * ipaddr_list_link(): the address filters are read and, with no address
 * dump for AF_PACKET, change nothing, but for two: a label makes
 * print_linkinfo print nothing of a link, and `to` is parsed in family
 * AF_PACKET. Neither is modelled.
 */
function show(a: Args): IpCommand {
  const filter = parseListFilter(a, "any", LINK_USAGE);
  if (filter.label !== null) throw NotSimulated.what("ip link show label");
  if (filter.to !== null) throw NotSimulated.what("ip link show to");
  return { object: "link", command: "show", filter };
}

/** do_iplink(): the subcommand by iproute2's prefix order. */
export function parseLink(argv: string[]): IpCommand {
  if (argv.length === 0) return show(new Args([]));
  const a = new Args(argv);
  const sub = argv[0]!;
  a.i = 1;
  if (matches(sub, "add")) return modify(a, "add");
  if (matches(sub, "set") || matches(sub, "change")) return modify(a, "set");
  if (matches(sub, "replace")) return modify(a, "replace");
  if (matches(sub, "delete")) return modify(a, "delete");
  if (matches(sub, "show") || matches(sub, "lst") || matches(sub, "list")) return show(a);
  for (const c of ["xstats", "afstats", "property"]) if (matches(sub, c)) throw NotSimulated.what(`ip link ${c}`);
  if (matches(sub, "help")) return { object: "help", args: argv };
  throw fail255(`Command "${sub}" is unknown, try "ip link help".\n`);
}
