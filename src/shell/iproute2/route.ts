import { NotSimulated } from "../errors.js";
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

/** The words of iproute_modify() the simulator does not model, tested in its order (so `t` stays table, `c` cwnd). */
function unmodelledModify(arg: string): string | null {
  if (arg === "as" || arg === "from" || arg === "tos" || matches(arg, "dsfield") || arg === "expires") return arg;
  if (["mtu", "hoplimit", "advmss"].includes(arg)) return arg;
  if (matches(arg, "reordering")) return "reordering";
  if (arg === "rtt" || arg === "rto_min") return arg;
  for (const k of ["window", "cwnd", "initcwnd", "initrwnd", "features", "quickack", "congctl", "rttvar", "ssthresh", "realms"]) if (matches(arg, k)) return k;
  return null;
}

/** The same for words after `onlink` in iproute_modify(): only where they are tested there. */
function unmodelledModifyLate(arg: string): string | null {
  if (arg === "nexthop" || arg === "nhid") return arg;
  return null;
}

/** iproute_modify()'s argument loop. */
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
    } else if (unmodelledModify(arg) !== null) throw NotSimulated.what(`ip route ... ${unmodelledModify(arg)}`);
    else if (matches(arg, "metric") || matches(arg, "priority") || arg === "preference") {
      const v = a.next();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw invarg('"metric" value is invalid\n', v);
      r.metric = Number(v);
    } else if (arg === "scope") {
      const v = a.next();
      if (!SCOPES.includes(v) && !/^\d+$/.test(v)) throw invarg('invalid "scope" value\n', v);
      r.scope = v;
    } else if (arg === "onlink") r.onlink = true;
    else if (unmodelledModifyLate(arg) !== null) throw NotSimulated.what(`ip route ... ${arg}`);
    else if (matches(arg, "protocol")) {
      const v = a.next();
      if (!PROTOS.includes(v) && !/^\d+$/.test(v)) throw invarg('"protocol" value is invalid\n', v);
      r.proto = v;
    } else if (matches(arg, "table")) {
      const v = a.next();
      if (!TABLES.includes(v) && !/^\d+$/.test(v)) throw invarg('"table" value is invalid\n', v);
      r.table = v;
    } else if (matches(arg, "vrf")) throw NotSimulated.what("ip route ... vrf");
    else if (arg === "dev" || arg === "oif") r.dev = a.next();
    else if (matches(arg, "pref") || arg === "encap" || arg === "ttl-propagate" || matches(arg, "fastopen_no_cookie")) {
      throw NotSimulated.what(`ip route ... ${matches(arg, "pref") ? "pref" : matches(arg, "fastopen_no_cookie") ? "fastopen_no_cookie" : arg}`);
    } else {
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

/** iproute_list_flush_or_save()'s selector, in its order. */
function listSpec(a: Args, family: Family): RouteSpec {
  const r = empty();
  let fam = family;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (matches(arg, "table")) {
      const v = a.next();
      if (v === "cache") throw NotSimulated.what("ip route show table cache");
      if (v === "help") throw fail255("Usage: ip route { list | flush } SELECTOR\n");
      if (!TABLES.includes(v) && v !== "all" && !/^\d+$/.test(v)) throw invarg('table id value is invalid\n', v);
      r.table = v;
    } else if (matches(arg, "vrf")) throw NotSimulated.what("ip route show vrf");
    else if (matches(arg, "cached") || matches(arg, "cloned")) throw NotSimulated.what("ip route show cached");
    else if (arg === "tos" || matches(arg, "dsfield")) throw NotSimulated.what("ip route show tos");
    else if (matches(arg, "protocol")) {
      const v = a.next();
      if (v !== "all") {
        if (!PROTOS.includes(v) && !/^\d+$/.test(v)) throw invarg('invalid "protocol"\n', v);
        r.proto = v;
      }
    } else if (matches(arg, "scope")) {
      const v = a.next();
      if (v !== "all") {
        if (!SCOPES.includes(v) && !/^\d+$/.test(v)) throw invarg('invalid "scope"\n', v);
        r.scope = v;
      }
    } else if (matches(arg, "type")) {
      const v = a.next();
      if (!TYPES.includes(v) && !/^\d+$/.test(v)) throw invarg("node type value is invalid\n", v);
      r.type = v;
    } else if (arg === "dev" || arg === "oif") r.dev = a.next();
    else if (arg === "iif" || arg === "mark") throw NotSimulated.what(`ip route show ${arg}`);
    else if (matches(arg, "metric") || matches(arg, "priority") || arg === "preference") {
      const v = a.next();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw invarg('"metric" value is invalid\n', v);
      r.metric = Number(v);
    } else if (arg === "via") {
      let v = a.next();
      if (v === "inet" || v === "inet6") v = a.next();
      r.via = getPrefix(v, fam);
    } else if (arg === "src") r.src = getPrefix(a.next(), fam);
    else if (matches(arg, "realms") || matches(arg, "from")) throw NotSimulated.what(`ip route show ${matches(arg, "from") ? "from" : "realms"}`);
    else {
      let v = arg;
      if (matches(v, "to")) v = a.next();
      if (matches(v, "root") || matches(v, "match")) throw NotSimulated.what(`ip route show ${matches(v, "root") ? "root" : "match"}`);
      if (matches(v, "exact")) v = a.next();
      if (matches(v, "help")) throw fail255("Usage: ip route { list | flush } SELECTOR\n");
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
    if (arg === "tos" || matches(arg, "dsfield")) throw NotSimulated.what("ip route get ... tos");
    else if (matches(arg, "from")) from = getPrefix(a.next(), family);
    else if (matches(arg, "iif")) iif = a.next();
    else if (matches(arg, "mark")) throw NotSimulated.what("ip route get ... mark");
    else if (matches(arg, "oif") || arg === "dev") oif = a.next();
    else if (["notify", "connected", "vrf", "uid", "fibmatch"].some((k) => matches(arg, k)) || arg === "as" || ["sport", "dport", "ipproto"].some((k) => matches(arg, k))) {
      throw NotSimulated.what(`ip route get ... ${arg}`);
    } else {
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
  if (matches(sub, "test")) throw NotSimulated.what("ip route test");
  if (matches(sub, "delete")) return { object: "route", command: "delete", route: spec(a, family) };
  if (matches(sub, "list") || matches(sub, "show") || matches(sub, "lst")) return { object: "route", command: "show", route: listSpec(a, family) };
  if (matches(sub, "get")) return get(a, family);
  if (matches(sub, "flush")) return { object: "route", command: "flush", route: listSpec(a, family) };
  for (const c of ["save", "restore", "showdump"]) if (matches(sub, c)) throw NotSimulated.what(`ip route ${c}`);
  if (matches(sub, "help")) return { object: "help", args: argv };
  throw fail255(`Command "${sub}" is unknown, try "ip route help".\n`);
}
