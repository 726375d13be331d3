// net/ipv4/fib_trie.c + fib_rules.c, as behaviour rather than as a trie: a
// table maps each prefix to its alias list (ordered by priority, then by
// insertion), lookups try the longest prefix first and fall back to shorter
// ones when no alias there matches, and the default rules visit local, main
// and default in turn.

import type { Ipv4 } from "../../wire/ipv4-addr.js";
import type { NetDevice } from "../devices/net-device.js";
import { fail, okVoid, type KResult } from "../errno.js";

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export type RouteType = "unicast" | "local" | "broadcast" | "multicast" | "blackhole" | "unreachable" | "prohibit" | "throw";

/** fib_props[type].error: what a lookup that lands on this type returns. */
const TYPE_ERROR: Partial<Record<RouteType, "EINVAL" | "EHOSTUNREACH" | "EACCES" | "EAGAIN">> = {
  blackhole: "EINVAL",
  unreachable: "EHOSTUNREACH",
  prohibit: "EACCES",
  throw: "EAGAIN",
};

/** fib_props[type].scope: the narrowest scope a route of this type may have. */
export const TYPE_MIN_SCOPE: Record<RouteType, number> = {
  unicast: RT_SCOPE_UNIVERSE,
  local: RT_SCOPE_HOST,
  broadcast: RT_SCOPE_LINK,
  multicast: RT_SCOPE_UNIVERSE,
  blackhole: RT_SCOPE_UNIVERSE,
  unreachable: RT_SCOPE_UNIVERSE,
  prohibit: RT_SCOPE_UNIVERSE,
  throw: RT_SCOPE_UNIVERSE,
};

export interface FibNh {
  readonly dev: NetDevice | null;
  readonly gw: Ipv4;
  /** nh_scope: HOST for a directly connected nexthop, LINK (or wider) for a gateway, NOWHERE for local routes. */
  readonly scope: number;
  readonly onlink: boolean;
  dead: boolean;
  linkdown: boolean;
}

/** A fib_alias with its fib_info folded in. */
export interface FibRoute {
  readonly table: number;
  readonly dst: Ipv4;
  readonly len: number;
  readonly type: RouteType;
  readonly scope: number;
  readonly protocol: string;
  readonly priority: number;
  readonly prefsrc: Ipv4;
  readonly nh: FibNh;
}

export interface FibResult {
  readonly route: FibRoute;
  readonly type: RouteType;
  readonly dev: NetDevice | null;
  readonly gw: Ipv4;
}

export interface Flowi4 {
  daddr: Ipv4;
  saddr: Ipv4;
  oif: number;
  scope: number;
}

export type FibLookup = { ok: true; res: FibResult } | { ok: false; errno: "ENETUNREACH" | "EINVAL" | "EHOSTUNREACH" | "EACCES" };

const key = (dst: Ipv4, len: number): string => `${len}/${dst}`;

/** A route's answer never changes (its nexthop's device and gateway are fixed), so each is built once. */
const OK_LOOKUP = new WeakMap<FibRoute, FibLookup>();
function okLookup(r: FibRoute): FibLookup {
  let l = OK_LOOKUP.get(r);
  if (!l) {
    l = { ok: true, res: { route: r, type: r.type, dev: r.nh.dev, gw: r.nh.gw } };
    OK_LOOKUP.set(r, l);
  }
  return l;
}

/**
 * One prefix length's alias lists, as a trie level holds its few children
 * side by side: the networks in one array, searched in order (a namespace's
 * tables have a handful per length), and a Map beside them once there are
 * many (a router's). The networks are compared as unsigned 32-bit numbers.
 */
interface FibLevel {
  readonly nets: number[];
  readonly lists: FibRoute[][];
  index: Map<number, FibRoute[]> | null;
}

/** Above this many networks at one prefix length a level keeps its Map index. */
const FIB_LEVEL_SCAN = 8;

/** The mask of each prefix length, /0 to /32. */
const MASKS: readonly number[] = Array.from({ length: 33 }, (_, len) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0));

function levelGet(level: FibLevel, net: number): FibRoute[] | undefined {
  if (level.index) return level.index.get(net);
  const nets = level.nets;
  for (let i = 0; i < nets.length; i++) if (nets[i] === net) return level.lists[i];
  return undefined;
}

export class FibTable {
  private readonly aliases = new Map<string, FibRoute[]>();
  /** The same alias lists by prefix length, then network address: what a lookup probes. */
  private readonly byLen: (FibLevel | undefined)[] = [];
  /** Prefix lengths present, longest first, so a lookup tries only those (as the LC-trie skips empty levels). */
  private lens: number[] = [];

  private setAliases(dst: Ipv4, len: number, list: FibRoute[]): void {
    this.aliases.set(key(dst, len), list);
    let level = this.byLen[len];
    if (!level) {
      level = this.byLen[len] = { nets: [], lists: [], index: null };
      this.lens = [...this.lens, len].sort((a, b) => b - a);
    }
    const net = dst >>> 0;
    const i = level.nets.indexOf(net);
    if (i >= 0) level.lists[i] = list;
    else {
      level.nets.push(net);
      level.lists.push(list);
    }
    if (level.index) level.index.set(net, list);
    else if (level.nets.length > FIB_LEVEL_SCAN) level.index = new Map(level.nets.map((n, j) => [n, level.lists[j]!]));
  }

  private deleteAliases(dst: Ipv4, len: number): void {
    this.aliases.delete(key(dst, len));
    const level = this.byLen[len];
    if (!level) return;
    const net = dst >>> 0;
    const i = level.nets.indexOf(net);
    if (i < 0) return;
    level.nets.splice(i, 1);
    level.lists.splice(i, 1);
    level.index?.delete(net);
    if (level.nets.length === 0) {
      this.byLen[len] = undefined;
      this.lens = this.lens.filter((l) => l !== len);
    }
  }

  /** fib_new_table has made it: a route was put in it once. Until then fib_get_table finds no table. */
  created = false;

  constructor(readonly id: number) {}

  /** Every route, longest prefix first, as `ip route show table` walks them (minus its address ordering). */
  routes(): FibRoute[] {
    return [...this.aliases.values()].flat();
  }

  lookup(fl: Flowi4, ignoreLinkState: boolean): FibLookup | null {
    const lens = this.lens;
    const daddr = fl.daddr;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i]!;
      const list = levelGet(this.byLen[len]!, (daddr & MASKS[len]!) >>> 0);
      if (!list) continue;
      for (const r of list) {
        if (r.scope < fl.scope) continue;
        const err = r.type === "unicast" || r.type === "local" ? undefined : TYPE_ERROR[r.type];
        if (err === "EAGAIN") return null;
        if (err) return { ok: false, errno: err };
        if (!nhGood(r.nh, fl, ignoreLinkState)) continue;
        return okLookup(r);
      }
    }
    return null;
  }

  /**
   * fib_table_insert. `excl` is NLM_F_EXCL (ip route add), `append` NLM_F_APPEND
   * (kernel routes from fib_magic, ip route append); neither is prepend.
   */
  insert(r: FibRoute, o: { excl: boolean; append: boolean; replace?: boolean }): KResult {
    this.created = true;
    const k = key(r.dst, r.len);
    const list = this.aliases.get(k) ?? [];
    const samePrio = list.filter((a) => a.priority === r.priority);
    if (samePrio.length > 0) {
      if (o.excl) return fail("EEXIST");
      if (o.replace) {
        list[list.indexOf(samePrio[0]!)] = r;
        return okVoid;
      }
      if (samePrio.some((a) => a.type === r.type && sameInfo(a, r))) return fail("EEXIST");
      const at = o.append ? list.indexOf(samePrio[samePrio.length - 1]!) + 1 : list.indexOf(samePrio[0]!);
      list.splice(at, 0, r);
    } else {
      const at = list.findIndex((a) => a.priority > r.priority);
      list.splice(at < 0 ? list.length : at, 0, r);
    }
    this.setAliases(r.dst, r.len, list);
    return okVoid;
  }

  /** fib_table_delete: the first alias of the prefix that matches every field given. */
  delete(m: RouteMatch): KResult<FibRoute> {
    const k = key(m.dst, m.len);
    const list = this.aliases.get(k);
    const i = list?.findIndex((a) => routeMatches(a, m)) ?? -1;
    if (!list || i < 0) return fail("ESRCH");
    const [r] = list.splice(i, 1);
    if (list.length === 0) this.deleteAliases(m.dst, m.len);
    return { ok: true, value: r! };
  }

  /** fib_table_flush: drop dead routes (and every route when `all`). */
  flush(pred: (r: FibRoute) => boolean): FibRoute[] {
    const gone: FibRoute[] = [];
    for (const list of [...this.aliases.values()]) {
      const keep = list.filter((r) => !pred(r));
      if (keep.length === list.length) continue;
      gone.push(...list.filter((r) => pred(r)));
      // Filtering in place keeps the list (and the key's place in listing order).
      list.length = 0;
      list.push(...keep);
      if (keep.length === 0) this.deleteAliases(gone[gone.length - 1]!.dst, gone[gone.length - 1]!.len);
    }
    return gone;
  }
}

export interface RouteMatch {
  dst: Ipv4;
  len: number;
  type?: RouteType;
  scope?: number;
  prefsrc?: Ipv4;
  protocol?: string;
  priority?: number;
  dev?: NetDevice;
  gw?: Ipv4;
}

function routeMatches(a: FibRoute, m: RouteMatch): boolean {
  return (
    (m.type === undefined || a.type === m.type) &&
    (m.scope === undefined || a.scope === m.scope) &&
    (!m.prefsrc || a.prefsrc === m.prefsrc) &&
    (m.protocol === undefined || a.protocol === m.protocol) &&
    (!m.priority || a.priority === m.priority) &&
    (m.dev === undefined || a.nh.dev === m.dev) &&
    (!m.gw || a.nh.gw === m.gw)
  );
}

function sameInfo(a: FibRoute, b: FibRoute): boolean {
  return a.scope === b.scope && a.protocol === b.protocol && a.prefsrc === b.prefsrc && a.nh.dev === b.nh.dev && a.nh.gw === b.nh.gw && a.nh.onlink === b.nh.onlink;
}

/** fib_lookup_good_nhc. */
function nhGood(nh: FibNh, fl: Flowi4, ignoreLinkState: boolean): boolean {
  if (nh.dead) return false;
  if (nh.linkdown && !ignoreLinkState && nh.dev?.inDev && nh.dev.inDev.net.confAll.ignore_routes_with_linkdown + nh.dev.inDev.conf.ignore_routes_with_linkdown > 0) return false;
  if (fl.oif && (!nh.dev || fl.oif !== nh.dev.ifindex)) return false;
  return true;
}

export interface FibRule {
  readonly priority: number;
  readonly table: number;
}

export class Fib {
  readonly tables = new Map<number, FibTable>([
    [RT_TABLE_LOCAL, new FibTable(RT_TABLE_LOCAL)],
    [RT_TABLE_MAIN, new FibTable(RT_TABLE_MAIN)],
    [RT_TABLE_DEFAULT, new FibTable(RT_TABLE_DEFAULT)],
  ]);
  readonly rules: FibRule[] = [
    { priority: 0, table: RT_TABLE_LOCAL },
    { priority: 32766, table: RT_TABLE_MAIN },
    { priority: 32767, table: RT_TABLE_DEFAULT },
  ];
  /** fib_has_custom_local_routes: a user added a local route, so fib_validate_source must do a full check. */
  hasCustomLocalRoutes = false;
  hasCustomRules = false;

  table(id: number): FibTable {
    let t = this.tables.get(id);
    if (!t) {
      t = new FibTable(id);
      this.tables.set(id, t);
    }
    return t;
  }

  /** fib_lookup through the rules; ENETUNREACH when no table has a route. */
  lookup(fl: Flowi4, ignoreLinkState = false): FibLookup {
    for (const rule of this.rules) {
      const r = this.tables.get(rule.table)?.lookup(fl, ignoreLinkState);
      if (r) return r;
    }
    return { ok: false, errno: "ENETUNREACH" };
  }

  flush(pred: (r: FibRoute) => boolean): FibRoute[] {
    return [...this.tables.values()].flatMap((t) => t.flush(pred));
  }

  /** inet_addr_type_table: how the local table classifies an address. */
  addrType(addr: Ipv4): RouteType {
    if (addr === 0xffffffff || addr >>> 24 === 0) return "broadcast";
    if (addr >>> 28 === 0xe) return "multicast";
    // __inet_dev_addr_type starts from RTN_BROADCAST and keeps it when there is no local table:
    // a namespace whose loopback never went up and that has no address up yet has none, and
    // there every address passes as broadcast (a raw socket binds to any, ping -I too).
    if (!this.tables.get(RT_TABLE_LOCAL)?.created) return "broadcast";
    const r = this.table(RT_TABLE_LOCAL).lookup({ daddr: addr, saddr: 0, oif: 0, scope: RT_SCOPE_UNIVERSE }, true);
    return r?.ok ? r.res.type : "unicast";
  }
}
