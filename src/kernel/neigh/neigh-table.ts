// struct neigh_table for arp_tbl: one per kernel, shared by every network
// namespace in it, so the entries of all of them count against the same
// gc_thresh2 and gc_thresh3. Their sysctls exist only in the machine's
// initial namespace, which no lab host is on a real engine (each is a
// namespace of its own), so a lab always meets the defaults; only the
// machine's administrator (here: code driving the kernel directly, such as
// the benchmark) changes them. neigh_alloc and neigh_forced_gc are in
// neighbour.ts.

import type { Neighbour } from "./neighbour.js";

/** The defaults of arp_tbl (net/ipv4/arp.c). */
export const GC_THRESH2 = 512;
export const GC_THRESH3 = 1024;

export class NeighTable {
  /** Past this many entries, a new one first runs forced gc if it has not run for 5 s. */
  gcThresh2 = GC_THRESH2;
  /** Past this many entries, a new one is refused unless forced gc frees one ("neighbor table overflow!"). */
  gcThresh3 = GC_THRESH3;
  /** gc_list, oldest first: the entries that count (all but PERMANENT ones); its size is gc_entries. */
  readonly gcList = new Set<Neighbour>();
  /** How many entries of gcList have no timer running (neighbour.ts keeps it). */
  gcIdle = 0;
  /** last_flush: when forced gc last ran (the table is made at boot, time 0). */
  lastFlush = 0;
  /** NEIGH_CACHE_STAT forced_gc_runs and table_fulls (/proc/net/stat/arp_cache). */
  forcedGcRuns = 0;
  tableFulls = 0;
}
