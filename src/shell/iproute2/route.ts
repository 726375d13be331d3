import type { IpCommand, RouteSpec } from "./ast.js";
import { Args, duparg2, fail1, fail255, invarg, matches } from "./errors.js";
import { getAddr, getPrefix, type Family, type InetPrefix } from "./inet.js";

const TYPES = ["unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"];
const SCOPES = ["global", "universe", "site", "link", "host", "nowhere"];
const PROTOS = ["redirect", "kernel", "boot", "static", "gated", "ra", "mrt", "zebra", "bird", "dnrouted", "xorp", "ntk", "dhcp", "keepalived", "babel", "openr", "bgp", "isis", "ospf", "rip", "eigrp"];
const TABLES = ["main", "local", "default", "unspec"];

function empty(): RouteSpec {
  return { type: null, to: null, via: null, dev: null, src: null, metric: null, scope: null, table: null, proto: null, onlink: false };
}

/** iproute_modify()'s argument loop (and the listing filter's common words). */
function spec(a: Args, family: Family): RouteSpec {
  const r = empty();
  let fam = family;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "src") r.src = getAddr(a.next(), fam);
    else if (arg === "via") {
      if (r.via) throw invarg("use nexthop syntax to specify multiple via\n", arg);
      let v = a.next();
      if (v === "inet" || v === "inet6") v = a.next();
      r.via = getAddr(v, fam);
    } else if (matches(arg, "metric") || matches(arg, "priority") || arg === "preference") {
      const v = a.next();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw invarg('"metric" value is invalid\n', v);
      r.metric = Number(v);
    } else if (arg === "scope") {
      const v = a.next();
      if (!SCOPES.includes(v) && !/^\d+$/.test(v)) throw invarg('invalid "scope" value\n', v);
      r.scope = v;
    } else if (arg === "onlink") r.onlink = true;
    else if (matches(arg, "protocol")) {
      const v = a.next();
      if (!PROTOS.includes(v) && !/^\d+$/.test(v)) throw invarg('"protocol" value is invalid\n', v);
      r.proto = v;
    } else if (matches(arg, "table")) {
      const v = a.next();
      if (!TABLES.includes(v) && !/^\d+$/.test(v)) throw invarg('"table" value is invalid\n', v);
      r.table = v;
    } else if (arg === "dev" || arg === "oif") r.dev = a.next();
    else {
      let v = arg;
      if (v === "to") v = a.next();
      if ((v[0]! < "0" || v[0]! > "9") && TYPES.includes(v)) {
        r.type = v;
        v = a.next();
      }
      if (matches(v, "help")) throw fail255("Usage: ip route { list | flush } SELECTOR\n");
      if (r.to) throw duparg2("to", v);
      r.to = getPrefix(v, fam);
      if (fam === "any" && !r.to.special) fam = r.to.family;
    }
  }
  return r;
}

function get(a: Args, family: Family): IpCommand {
  let to: InetPrefix | null = null;
  let from: InetPrefix | null = null;
  let iif: string | null = null;
  let oif: string | null = null;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (arg === "from") from = getPrefix(a.next(), family);
    else if (arg === "iif") iif = a.next();
    else if (arg === "oif" || arg === "dev") oif = a.next();
    else {
      const v = arg === "to" ? a.next() : arg;
      if (to) throw duparg2("to", v);
      to = getPrefix(v, family);
    }
  }
  if (!to) throw fail1("need at least a destination address\n");
  return { object: "route", command: "get", to, from, iif, oif };
}

export function parseRoute(argv: string[], family: Family): IpCommand {
  const sub = argv[0];
  const a = new Args(argv);
  a.i = 1;
  if (sub === undefined) return { object: "route", command: "show", route: empty() };
  if (matches(sub, "add")) return { object: "route", command: "add", route: spec(a, family) };
  if (matches(sub, "change") || sub === "chg") return { object: "route", command: "change", route: spec(a, family) };
  if (matches(sub, "replace")) return { object: "route", command: "replace", route: spec(a, family) };
  if (matches(sub, "prepend")) return { object: "route", command: "prepend", route: spec(a, family) };
  if (matches(sub, "append")) return { object: "route", command: "append", route: spec(a, family) };
  if (matches(sub, "delete")) return { object: "route", command: "delete", route: spec(a, family) };
  if (matches(sub, "list") || matches(sub, "show")) return { object: "route", command: "show", route: spec(a, family) };
  if (matches(sub, "get")) return get(a, family);
  if (matches(sub, "flush")) return { object: "route", command: "flush", route: spec(a, family) };
  if (matches(sub, "help")) return { object: "help", args: argv };
  throw fail255(`Command "${sub}" is unknown, try "ip route help".\n`);
}
