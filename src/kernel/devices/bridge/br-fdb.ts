// net/bridge/br_fdb.c: the forwarding database. Learned entries age out
// after ageing_time on the virtual clock (checked when looked up, which is
// what br_fdb_cleanup would have done by then).

import type { Mac } from "../../../wire/mac.js";
import type { BridgePort } from "./bridge.js";

export interface FdbEntry {
  /** null: the bridge device's own address. */
  port: BridgePort | null;
  isLocal: boolean;
  isStatic: boolean;
  updated: number;
  used: number;
}

export class Fdb {
  readonly entries = new Map<Mac, FdbEntry>();
  ageingMs = 300_000;

  /** br_fdb_find_rcu, skipping expired entries (has_expired). */
  find(mac: Mac, now: number): FdbEntry | null {
    const e = this.entries.get(mac);
    if (!e) return null;
    if (!e.isStatic && !e.isLocal && now > e.updated + this.ageingMs) {
      this.entries.delete(mac);
      return null;
    }
    return e;
  }

  /** br_fdb_update: learn or move; a frame claiming one of our own addresses teaches nothing. */
  update(port: BridgePort, mac: Mac, now: number): void {
    const e = this.find(mac, now);
    if (e) {
      if (e.isLocal) return;
      e.port = port;
      e.updated = now;
      return;
    }
    this.entries.set(mac, { port, isLocal: false, isStatic: false, updated: now, used: now });
  }

  /**
   * fdb_add_local: an address learned on a port gives way to the local one,
   * deleted and created anew, so it is the newest entry (insertion order
   * stands for fdb_list, where fdb_create adds at the head).
   */
  insertLocal(mac: Mac, port: BridgePort | null): void {
    const e = this.entries.get(mac);
    if (e?.isLocal) return;
    this.entries.delete(mac);
    this.entries.set(mac, { port, isLocal: true, isStatic: true, updated: 0, used: 0 });
  }

  deleteLocal(mac: Mac, port: BridgePort | null): void {
    const e = this.entries.get(mac);
    if (e?.isLocal && e.port === port) this.entries.delete(mac);
  }

  deletePort(port: BridgePort): void {
    for (const [mac, e] of this.entries) if (e.port === port) this.entries.delete(mac);
  }
}
