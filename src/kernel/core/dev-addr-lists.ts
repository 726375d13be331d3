// net/core/dev_addr_lists.c and __dev_set_rx_mode: a device's secondary
// unicast addresses (dev->uc), which upper devices add when they need frames
// for a MAC that is not the device's own. A device that cannot filter them
// (no IFF_UNICAST_FLT: veth, bridges, the lab NICs) goes promiscuous while
// the list is not empty; one that can (a VLAN) hands the list on to its own
// lower device in ndo_set_rx_mode.

import type { Mac } from "../../wire/mac.js";
import type { NetDevice } from "../devices/net-device.js";

/** dev_uc_add: one more reference to addr. */
export function devUcAdd(dev: NetDevice, addr: Mac): void {
  dev.uc.set(addr, (dev.uc.get(addr) ?? 0) + 1);
  devSetRxMode(dev);
}

/** dev_uc_del: one reference fewer; the address leaves with its last. */
export function devUcDel(dev: NetDevice, addr: Mac): void {
  const n = (dev.uc.get(addr) ?? 0) - 1;
  if (n > 0) dev.uc.set(addr, n);
  else dev.uc.delete(addr);
  devSetRxMode(dev);
}

/** __dev_set_rx_mode: nothing while the device is down (dev_open calls it again). */
export function devSetRxMode(dev: NetDevice): void {
  if (!dev.isUp) return;
  if (!dev.unicastFilter) {
    if (dev.uc.size > 0 && !dev.ucPromisc) {
      dev.promiscuity++;
      dev.ucPromisc = true;
    } else if (dev.uc.size === 0 && dev.ucPromisc) {
      dev.promiscuity--;
      dev.ucPromisc = false;
    }
  }
  dev.ndoSetRxMode();
}

/**
 * dev_uc_sync / dev_uc_unsync: `to` holds one reference for each address of
 * `from`'s list; `synced` remembers which (the kernel's per-address sync_cnt).
 */
export function devUcSync(to: NetDevice, from: NetDevice, synced: Set<Mac>): void {
  for (const a of from.uc.keys()) {
    if (synced.has(a)) continue;
    synced.add(a);
    devUcAdd(to, a);
  }
  for (const a of [...synced]) {
    if (from.uc.has(a)) continue;
    synced.delete(a);
    devUcDel(to, a);
  }
}

export function devUcUnsync(to: NetDevice, synced: Set<Mac>): void {
  for (const a of [...synced]) {
    synced.delete(a);
    devUcDel(to, a);
  }
}
