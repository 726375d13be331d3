// drivers/net/macvlan.c, the structures: the port a lower device carries
// once it has macvlans (struct macvlan_port) and the macvlan itself (struct
// macvlan_dev). Unlike ipvlan, each macvlan has a MAC of its own and a mode
// of its own; only passthru is a property of the whole port. The control
// plane is in macvlan-link.ts, the data plane in macvlan-core.ts.

import { macToBytes, type Mac } from "../../../wire/mac.js";
import type { KResult } from "../../errno.js";
import type { Net } from "../../net.js";
import type { SkBuff } from "../../skb.js";
import type { NetdevEvent, NetdevNotifier } from "../../core/notify.js";
import { bound, kernelFn } from "../../fork.js";
import { NetDevice, type NetdevTx, type RxHandlerResult } from "../net-device.js";
import { macvlanHandleFrame, macvlanStartXmit } from "./macvlan-core.js";
import { macvlanChangeMtu, macvlanOpen, macvlanSetMacAddress, macvlanStop, macvlanUninit } from "./macvlan-link.js";

export type MacvlanMode = "private" | "vepa" | "bridge" | "passthru" | "source";
/** MACVLAN_FLAG_NOPROMISC and MACVLAN_FLAG_NODST. */
export interface MacvlanFlags {
  nopromisc: boolean;
  nodst: boolean;
}
export type MacvlanMacaddrMode = "add" | "del" | "set" | "flush";

/** MACVLAN_DEFAULT_BC_QUEUE_LEN. */
export const MACVLAN_DEFAULT_BC_QUEUE_LEN = 1000;
const MACVLAN_HASH_BITS = 8;

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;

/**
 * macvlan_eth_hash: hash_64 of the six address bytes read as a
 * little-endian word. The bucket decides the order in which
 * hash_for_each_rcu meets the macvlans (macvlan_broadcast) and in which
 * `ip -d link` lists a source macvlan's addresses.
 */
export function macvlanEthHash(addr: Mac): number {
  const b = macToBytes(addr);
  let v = 0n;
  for (let i = 5; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  v = (v << 16n) & MASK64;
  return Number(((v * GOLDEN_RATIO_64) & MASK64) >> BigInt(64 - MACVLAN_HASH_BITS));
}

/** An hlist_head array: buckets by macvlan_eth_hash, each newest first (hlist_add_head_rcu). */
export class MacvlanHash<T> {
  private readonly buckets = new Map<number, T[]>();

  add(addr: Mac, v: T): void {
    const i = macvlanEthHash(addr);
    const b = this.buckets.get(i);
    if (b) b.unshift(v);
    else this.buckets.set(i, [v]);
  }

  del(addr: Mac, pred: (v: T) => boolean): void {
    const i = macvlanEthHash(addr);
    const b = this.buckets.get(i);
    if (!b) return;
    const k = b.findIndex(pred);
    if (k >= 0) b.splice(k, 1);
    if (b.length === 0) this.buckets.delete(i);
  }

  bucket(addr: Mac): readonly T[] {
    return this.buckets.get(macvlanEthHash(addr)) ?? [];
  }

  /** hash_for_each: bucket by bucket, in bucket order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) yield* [...this.buckets.get(i)!];
  }

  deleteWhere(pred: (v: T) => boolean): void {
    for (const [i, b] of this.buckets) {
      const keep = b.filter((v) => !pred(v));
      if (keep.length) this.buckets.set(i, keep);
      else this.buckets.delete(i);
    }
  }
}

/** struct macvlan_source_entry: one allowed source MAC of a source-mode macvlan. */
export interface MacvlanSourceEntry {
  readonly vlan: MacvlanDevice;
  readonly addr: Mac;
}

/** A frame waiting in bc_queue, with MACVLAN_SKB_CB(skb)->src: the macvlan that sent it, when it came back from the wire. */
export interface MacvlanBcEntry {
  readonly skb: SkBuff;
  readonly src: MacvlanDevice | null;
  /** The event cause that queued it (EventQueue.cause). */
  readonly cause: string | null;
}

kernelFn(macvlanHandleFrame);

export class MacvlanPort {
  /** port->vlans: every macvlan of the port, up or down, in creation order. */
  readonly vlans: MacvlanDevice[] = [];
  /** port->vlan_hash: the macvlans that are up, by their MAC (macvlan_hash_add at open). */
  readonly vlanHash = new MacvlanHash<MacvlanDevice>();
  /** port->vlan_source_hash: the allowed source MACs of source-mode macvlans. */
  readonly vlanSourceHash = new MacvlanHash<MacvlanSourceEntry>();
  readonly bcQueue: MacvlanBcEntry[] = [];
  /** port->bc_queue_len_used: the largest bc_queue_len any macvlan of the port asked for. */
  bcQueueLenUsed = 0;
  /** bc_work is queued: macvlan_process_broadcast will run once for everything queued by then. */
  bcWorkScheduled = false;
  /** MACVLAN_F_PASSTHRU. */
  passthru = false;
  /** MACVLAN_F_ADDRCHANGE: the passthru macvlan is the one changing the lower device's MAC. */
  addrChange = false;
  /** port->count: macvlans initialised on the port (macvlan_init / macvlan_uninit). */
  count = 0;
  /** port->perm_addr: the lower device's MAC to restore when a passthru port goes. */
  permAddr: Mac;
  /**
   * The lower device's unicast list (dev_uc_add) as the port filled it. No
   * simulated device has IFF_UNICAST_FLT (veth, the lab NIC and bridges
   * lack it), so a non-empty list makes the lower device promiscuous.
   */
  readonly lowerUc = new Map<Mac, number>();
  /** macvlan_port_destroy has run: cancel_work_sync, nothing more is processed. */
  destroyed = false;
  readonly notifier: NetdevNotifier;
  readonly rxHandler: (skb: SkBuff) => RxHandlerResult;

  constructor(
    /** port->dev: the lower device. */
    readonly dev: NetDevice,
    notifier: (port: MacvlanPort, dev: NetDevice, ev: NetdevEvent) => void,
  ) {
    this.permAddr = dev.mac;
    this.notifier = bound(notifier, this);
    this.rxHandler = bound(macvlanHandleFrame, this);
  }
}

export class MacvlanDevice extends NetDevice {
  readonly kind: string = "macvlan";
  /** macvlan_dev_get_stats64 reports only the per-cpu counters: what DEV_STATS_INC counts never shows. */
  override readonly reportsDevStats = false;
  /** macvlan_common_newlink: max_mtu = lowerdev->max_mtu. */
  override readonly maxMtu: number;
  mode: MacvlanMode = "vepa";
  /** vlan->flags; NetDevice's own flags are the IFF_* ones. */
  macvlanFlags: MacvlanFlags = { nopromisc: false, nodst: false };
  /** vlan->bc_queue_len_req. */
  bcQueueLen = MACVLAN_DEFAULT_BC_QUEUE_LEN;
  /** vlan->port: set by macvlan_common_newlink. */
  port!: MacvlanPort;

  constructor(
    name: string,
    mac: Mac,
    net: Net,
    /** vlan->lowerdev: always the real device, never another macvlan. */
    readonly lowerdev: NetDevice,
  ) {
    super(name, mac, net);
    this.maxMtu = lowerdev.maxMtu;
  }

  /** IFLA_MACVLAN_BC_QUEUE_LEN_USED: the port's. */
  get usedBcQueueLen(): number {
    return this.port.bcQueueLenUsed;
  }

  /** IFLA_MACVLAN_MACADDR_DATA, in macvlan_fill_info's order: the source hash bucket by bucket. */
  get sourceMacs(): Mac[] {
    return [...this.port.vlanSourceHash].filter((e) => e.vlan === this).map((e) => e.addr);
  }

  ndoStartXmit(skb: SkBuff): NetdevTx {
    return macvlanStartXmit(this, skb);
  }

  override ndoGetIflink(): NetDevice | null {
    return this.lowerdev;
  }

  override ndoOpen(): KResult | void {
    return macvlanOpen(this);
  }

  override ndoStop(): void {
    macvlanStop(this);
  }

  override ndoSetMacAddress(mac: Mac): KResult {
    return macvlanSetMacAddress(this, mac);
  }

  override ndoChangeMtu(mtu: number): KResult {
    return macvlanChangeMtu(this, mtu);
  }

  override ndoUninit(): void {
    macvlanUninit(this);
  }
}
