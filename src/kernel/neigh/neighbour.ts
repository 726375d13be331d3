// net/core/neighbour.c for arp_tbl and nd_tbl: the NUD state machine on the
// virtual clock, the queue of packets waiting for resolution, and
// neigh_update. An entry keyed by a number is IPv4's (arp_tbl), one keyed by
// a string IPv6's (nd_tbl); each table's constructor, solicit and
// error_report are arp.c's or ndisc.c's.

import type { Ipv4Repr } from "../../wire/ipv4.js";
import type { Ipv6Repr } from "../../wire/ipv6.js";
import { ipv6IsMulticast, type Ipv6 } from "../../wire/ipv6-addr.js";
import { ndiscConstructor, ndiscErrorReport, ndiscSolicit } from "../ipv6/ndisc.js";
import type { Mac } from "../../wire/mac.js";
import { formatIpv4, type Ipv4 } from "../../wire/ipv4-addr.js";
import type { Timer } from "../clock.js";
import type { NetDevice } from "../devices/net-device.js";
import { arpConstructor, arpErrorReport, arpSolicit } from "../ipv4/arp.js";
import type { Rtable } from "../ipv4/route.js";
import { devQueueXmit, type XmitResult } from "../core/dev.js";
import { NEIGH_PARMS_DEFAULTS, type NeighParms } from "../sysctl-defaults.js";
import { ipv4IsMulticast } from "../../wire/ipv4-addr.js";
import { rngBelow } from "../rng.js";
import type { NeighTable } from "./neigh-table.js";
import { kernelFn } from "../fork.js";

export type NudState = "none" | "incomplete" | "reachable" | "stale" | "delay" | "probe" | "failed" | "noarp" | "permanent";

const VALID: ReadonlySet<NudState> = new Set(["permanent", "noarp", "reachable", "probe", "stale", "delay"]);
const CONNECTED: ReadonlySet<NudState> = new Set(["permanent", "noarp", "reachable"]);
const IN_TIMER: ReadonlySet<NudState> = new Set(["incomplete", "reachable", "delay", "probe"]);
export const nudValid = (s: NudState): boolean => VALID.has(s);
export const nudConnected = (s: NudState): boolean => CONNECTED.has(s);

export type QueuedPacket = { readonly ip: Ipv4Repr; readonly rt: Rtable; readonly bytes: number } | { readonly ip6: Ipv6Repr; readonly bytes: number };

export type NeighKey = Ipv4 | Ipv6;

export class Neighbour {
  state: NudState = "none";
  ha: Mac | null = null;
  probes = 0;
  updated: number;
  used: number;
  confirmed: number;
  timer: Timer | null = null;
  readonly queue: QueuedPacket[] = [];
  queueBytes = 0;
  /** NTF_ROUTER: the neighbour said it is a router (an NA with the R flag). */
  isRouter = false;

  constructor(
    readonly dev: NetDevice,
    readonly key: NeighKey,
  ) {
    const now = dev.net.now;
    this.updated = now;
    this.used = now;
    this.confirmed = now - 2 * parms(dev).base_reachable_time_ms;
  }
}

export const parms = (dev: NetDevice): NeighParms => dev.inDev?.arpParms ?? NEIGH_PARMS_DEFAULTS;
/** The table's parms for this entry: nd_tbl's are the inet6_dev's. */
const nParms = (n: Neighbour): NeighParms => (typeof n.key === "string" ? (n.dev.in6Dev?.ndParms ?? NEIGH_PARMS_DEFAULTS) : parms(n.dev));
const nReachable = (n: Neighbour): number => (typeof n.key === "string" ? n.dev.in6Dev?.reachableTime : n.dev.inDev?.reachableTime) ?? nParms(n).base_reachable_time_ms;
const tblOf = (n: Neighbour): NeighTable => (typeof n.key === "string" ? n.dev.net.kernel.ndTbl : n.dev.net.kernel.arpTbl);
const mapOf = (n: Neighbour): Map<NeighKey, Neighbour> => (typeof n.key === "string" ? n.dev.neigh6 : n.dev.neigh) as Map<NeighKey, Neighbour>;
/** The entry's address as `ip neigh` prints it. */
export const neighKeyText = (k: NeighKey): string => (typeof k === "string" ? k : formatIpv4(k));
const maxProbes = (n: Neighbour, p: NeighParms): number => (n.state === "probe" ? p.ucast_solicit : p.ucast_solicit + p.app_solicit + p.mcast_solicit);

/** neigh_rand_reach_time: uniform in [base/2, 3*base/2). */
export function reachableTime(dev: NetDevice): number {
  const base = parms(dev).base_reachable_time_ms;
  return Math.floor(base / 2) + rngBelow(dev.net.kernel.sim.rng, base);
}

/**
 * __neigh_lookup: find, and with `create` make one through arp_constructor;
 * null when the table refuses a new entry. `exemptFromGc` (a PERMANENT
 * entry made by `ip neigh add`) neither counts nor is refused.
 */
export function neighLookup(dev: NetDevice, key: NeighKey, create: boolean, exemptFromGc = false): Neighbour | null {
  const v6 = typeof key === "string";
  const map = (v6 ? dev.neigh6 : dev.neigh) as Map<NeighKey, Neighbour>;
  let n = map.get(key) ?? null;
  if (!n && create) {
    const tbl = v6 ? dev.net.kernel.ndTbl : dev.net.kernel.arpTbl;
    if (!exemptFromGc && !neighAlloc(tbl, dev, key)) return null;
    n = new Neighbour(dev, key);
    if (v6) ndiscConstructor(n);
    else arpConstructor(n);
    map.set(key, n);
    if (!exemptFromGc) gcListAdd(tbl, n);
  }
  return n;
}

/**
 * neigh_alloc's limit: at gc_thresh3 entries (or gc_thresh2 with no forced
 * gc for 5 s) forced gc runs first, and at gc_thresh3 a new entry is refused
 * unless it freed one.
 */
function neighAlloc(tbl: NeighTable, dev: NetDevice, key: NeighKey): boolean {
  const entries = tbl.gcList.size;
  const now = dev.net.now;
  if (entries < tbl.gcThresh3 && !(entries >= tbl.gcThresh2 && now > tbl.lastFlush + 5000)) return true;
  if (neighForcedGc(tbl, now, entries + 1) > 0 || entries < tbl.gcThresh3) return true;
  tbl.tableFulls++;
  const net = dev.net;
  if (net.tracing) net.trace(dev, "neigh_alloc", `no entry for ${neighKeyText(key)}: neighbor table overflow!`, `${entries} entries across all of ${net.kernel.hostname}'s namespaces reach gc_thresh3 (${tbl.gcThresh3}), and forced gc freed none: each is resolving, reachable or updated in the last 5 s`);
  return false;
}

/**
 * neigh_forced_gc: oldest first, frees entries nothing else holds (no timer
 * running) that are FAILED, NOARP, multicast or not updated for 5 s, until
 * the table is back to gc_thresh2. `gcEntries` counts the entry being made.
 */
function neighForcedGc(tbl: NeighTable, now: number, gcEntries: number): number {
  const maxClean = gcEntries - tbl.gcThresh2;
  const tref = now - 5000;
  let shrunk = 0;
  tbl.forcedGcRuns++;
  // Every entry with a timer is skipped: with none idle, the walk would free nothing.
  if (tbl.gcIdle === 0) {
    tbl.lastFlush = now;
    return 0;
  }
  for (const n of tbl.gcList) {
    if (n.timer !== null) continue;
    if (n.state === "failed" || n.state === "noarp" || (typeof n.key === "string" ? ipv6IsMulticast(n.key) : ipv4IsMulticast(n.key)) || tref > n.updated) {
      neighDestroy(n);
      shrunk++;
    }
    if (shrunk >= maxClean) break;
  }
  tbl.lastFlush = now;
  return shrunk;
}

/** neigh_update_gc_list: a PERMANENT entry leaves the gc list, any other (re)joins it at the tail. */
function neighUpdateGcList(n: Neighbour): void {
  if (mapOf(n).get(n.key) !== n) return;
  const tbl = tblOf(n);
  if (n.state === "permanent") gcListDelete(tbl, n);
  else if (!tbl.gcList.has(n)) gcListAdd(tbl, n);
}

/**
 * gc_list membership and the timer go through these, which keep
 * NeighTable.gcIdle (entries on the list with no timer: the only ones
 * forced gc can free) exact.
 */
function gcListAdd(tbl: NeighTable, n: Neighbour): void {
  if (tbl.gcList.has(n)) return;
  tbl.gcList.add(n);
  if (n.timer === null) tbl.gcIdle++;
}

function gcListDelete(tbl: NeighTable, n: Neighbour): void {
  if (!tbl.gcList.delete(n)) return;
  if (n.timer === null) tbl.gcIdle--;
}

function timerAssign(n: Neighbour, t: Timer | null): void {
  if ((n.timer === null) !== (t === null)) {
    const tbl = tblOf(n);
    if (tbl.gcList.has(n)) tbl.gcIdle += t === null ? 1 : -1;
  }
  n.timer = t;
}

function setTimer(n: Neighbour, delay: number): void {
  if (n.timer) n.timer.cancelled = true;
  timerAssign(n, n.dev.net.kernel.sim.queue.schedule(delay, neighTimerHandler, "timer", n));
}

function delTimer(n: Neighbour): void {
  if (n.timer) n.timer.cancelled = true;
  timerAssign(n, null);
}

/** neigh_output: sent now, or queued until the neighbour resolves (which is no error for the sender). */
export function neighOutput(n: Neighbour, ip: Ipv4Repr, rt: Rtable, bytes: number): XmitResult {
  return neighOutputPkt(n, { ip, rt, bytes });
}

/** neigh_output for nd_tbl. */
export function neighOutput6(n: Neighbour, ip6: Ipv6Repr, bytes: number): XmitResult {
  return neighOutputPkt(n, { ip6, bytes });
}

function neighOutputPkt(n: Neighbour, pkt: QueuedPacket): XmitResult {
  n.used = n.dev.net.now;
  if (nudConnected(n.state) || !neighEventSend(n, pkt)) return neighXmit(n, pkt);
  return "ok";
}

function neighXmit(n: Neighbour, pkt: QueuedPacket): XmitResult {
  const dev = n.dev;
  if ("ip6" in pkt) return devQueueXmit({ frame: { dst: n.ha!, src: dev.mac, payload: { kind: "ipv6", ip6: pkt.ip6 } }, dev, pktType: "outgoing", rt: null, iif: null });
  return devQueueXmit({ frame: { dst: n.ha!, src: dev.mac, payload: { kind: "ipv4", ip: pkt.ip } }, dev, pktType: "outgoing", rt: pkt.rt, iif: null });
}

/** __neigh_event_send: true when the packet was queued (or dropped) rather than sendable now. */
export function neighEventSend(n: Neighbour, pkt: QueuedPacket | null): boolean {
  const p = nParms(n);
  const net = n.dev.net;
  if (n.state === "delay" || n.state === "probe" || nudConnected(n.state)) return false;
  if (n.state !== "stale" && n.state !== "incomplete") {
    if (p.mcast_solicit + p.app_solicit === 0) {
      n.state = "failed";
      return true;
    }
    n.probes = p.ucast_solicit;
    delTimer(n);
    n.state = "incomplete";
    n.updated = net.now;
    if (net.tracing) net.trace(n.dev, "__neigh_event_send", `${neighKeyText(n.key)}: INCOMPLETE, resolving`);
    if (pkt) enqueue(n, pkt, p);
    setTimer(n, Math.max(p.retrans_time_ms, 10));
    neighProbe(n);
    return true;
  }
  if (n.state === "stale") {
    delTimer(n);
    n.state = "delay";
    n.updated = net.now;
    setTimer(n, p.delay_first_probe_time * 1000);
    return false;
  }
  if (pkt) enqueue(n, pkt, p);
  return true;
}

/** The queue is bounded by unres_qlen_bytes; the oldest packets are dropped first. */
function enqueue(n: Neighbour, pkt: QueuedPacket, p: NeighParms): void {
  while (n.queue.length > 0 && n.queueBytes + pkt.bytes > p.unres_qlen_bytes) {
    n.queueBytes -= n.queue.shift()!.bytes;
    n.dev.net.mibInc(typeof n.key === "string" ? "NdiscUnresolvedDiscards" : "ArpUnresolvedDiscards");
  }
  n.queue.push(pkt);
  n.queueBytes += pkt.bytes;
}

/** neigh_probe: the solicit sees the count before this probe (so PROBE's first ucast_solicit probes are unicast). */
function neighProbe(n: Neighbour): void {
  const last = n.queue[n.queue.length - 1] ?? null;
  if (typeof n.key === "string") ndiscSolicit(n, last && "ip6" in last ? last.ip6 : null);
  else arpSolicit(n, last && "ip" in last ? last.ip : null);
  n.probes++;
}

/** neigh_timer_handler. */
function neighTimerHandler(n: Neighbour): void {
  timerAssign(n, null);
  const now = n.dev.net.now;
  const p = nParms(n);
  let next = now + 1000;
  if (n.state === "reachable") {
    const rt = nReachable(n);
    if (now <= n.confirmed + rt) {
      next = n.confirmed + rt;
    } else if (now <= n.used + p.delay_first_probe_time * 1000) {
      n.state = "delay";
      n.updated = now;
      next = now + p.delay_first_probe_time * 1000;
    } else {
      n.state = "stale";
      n.updated = now;
      return;
    }
  } else if (n.state === "delay") {
    if (now <= n.confirmed + p.delay_first_probe_time * 1000) {
      n.state = "reachable";
      n.updated = now;
      next = n.confirmed + nReachable(n);
    } else {
      n.state = "probe";
      n.updated = now;
      n.probes = 0;
      next = now + p.retrans_time_ms;
    }
  } else {
    next = now + p.retrans_time_ms;
  }
  if ((n.state === "incomplete" || n.state === "probe") && n.probes >= maxProbes(n, p)) {
    n.state = "failed";
    n.updated = now;
    neighInvalidate(n);
    return;
  }
  // The kernel never re-arms sooner than HZ/100.
  setTimer(n, Math.max(next - now, 10));
  if (n.state === "incomplete" || n.state === "probe") neighProbe(n);
}
kernelFn(neighTimerHandler);

/** neigh_invalidate: resolution failed; every queued packet gets arp_error_report. */
function neighInvalidate(n: Neighbour): void {
  const net = n.dev.net;
  if (net.tracing) net.trace(n.dev, "neigh_invalidate", `${neighKeyText(n.key)}: FAILED after ${n.probes} probes`, `${n.queue.length} queued packet(s) get host unreachable`);
  const q = n.queue.splice(0);
  n.queueBytes = 0;
  for (const pkt of q) {
    if ("ip6" in pkt) ndiscErrorReport(n, pkt.ip6);
    else arpErrorReport(n, pkt);
  }
}

export interface NeighUpdateFlags {
  override?: boolean;
  admin?: boolean;
  /** NEIGH_UPDATE_F_WEAK_OVERRIDE: a new address without override leaves a connected entry STALE. */
  weakOverride?: boolean;
  /** NEIGH_UPDATE_F_OVERRIDE_ISROUTER with NEIGH_UPDATE_F_ISROUTER: set (true) or clear (false) NTF_ROUTER. */
  isRouter?: boolean;
}

/** neigh_update (__neigh_update, then neigh_update_gc_list). */
export function neighUpdate(n: Neighbour, lladdr: Mac | null, newState: NudState, flags: NeighUpdateFlags): void {
  neighUpdateState(n, lladdr, newState, flags);
  neighUpdateGcList(n);
}

function neighUpdateState(n: Neighbour, lladdr: Mac | null, newState: NudState, flags: NeighUpdateFlags): void {
  const old = n.state;
  const now = n.dev.net.now;
  if (!flags.admin && (old === "noarp" || old === "permanent")) return;
  if (!nudValid(newState)) {
    delTimer(n);
    n.state = newState;
    if ((old === "incomplete" || old === "probe") && newState === "failed") neighInvalidate(n);
    return;
  }
  let addr = lladdr;
  if (addr === null) {
    if (!nudValid(old)) return;
    addr = n.ha;
  }
  if (nudConnected(newState)) n.confirmed = now;
  let state = newState;
  let updateIsRouter = flags.isRouter !== undefined;
  if (nudValid(old)) {
    if (addr !== n.ha && !flags.override) {
      updateIsRouter = false;
      if (!(flags.weakOverride && nudConnected(old))) return;
      addr = n.ha;
      state = "stale";
    }
    if (addr === n.ha && state === "stale" && !flags.admin) state = old;
  }
  if (updateIsRouter) n.isRouter = flags.isRouter!;
  if (state !== old || addr !== n.ha) n.updated = now;
  if (state !== old) {
    delTimer(n);
    if (state === "probe") n.probes = 0;
    if (IN_TIMER.has(state)) setTimer(n, state === "reachable" ? nReachable(n) : 0);
    n.state = state;
  }
  if (addr !== n.ha) {
    n.ha = addr;
    if (!nudConnected(state)) n.confirmed = now - 2 * nParms(n).base_reachable_time_ms;
  }
  if (!nudValid(old) && n.queue.length > 0) {
    const q = n.queue.splice(0);
    n.queueBytes = 0;
    for (const pkt of q) neighXmit(n, pkt);
  }
}

/** neigh_event_ns: an ARP request from `key` creates or refreshes a STALE entry. */
export function neighEventNs(dev: NetDevice, key: Ipv4, lladdr: Mac): Neighbour | null {
  const n = neighLookup(dev, key, true);
  if (n) neighUpdate(n, lladdr, "stale", { override: true });
  return n;
}

function neighDestroy(n: Neighbour): void {
  delTimer(n);
  gcListDelete(tblOf(n), n);
  mapOf(n).delete(n.key);
  n.queue.length = 0;
  n.queueBytes = 0;
}

/** neigh_ifdown on arp_tbl (or nd_tbl with `v6`): every entry on the device, permanent ones too. */
export function neighIfdown(dev: NetDevice, v6 = false): void {
  for (const n of [...(v6 ? dev.neigh6 : dev.neigh).values()]) neighDestroy(n);
}

/** neigh_carrier_down: with arp_evict_nocarrier, the non-permanent entries go. */
export function neighCarrierDown(dev: NetDevice, v6 = false): void {
  for (const n of [...(v6 ? dev.neigh6 : dev.neigh).values()]) if (n.state !== "permanent") neighDestroy(n);
}

export function neighDelete(dev: NetDevice, key: NeighKey): boolean {
  const n = (typeof key === "string" ? dev.neigh6.get(key) : dev.neigh.get(key));
  if (!n) return false;
  neighDestroy(n);
  return true;
}
