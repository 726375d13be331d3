// Link state changes as the IPv4 stack sees them: dev_open/dev_close and the
// carrier changes linkwatch reports, each followed by what the FIB, the
// neighbour table and devinet do on that event.

import type { NetDevice } from "../devices/net-device.js";
import { IFF_LOOPBACK, IFF_NOARP, IFF_UP } from "../devices/net-device.js";
import { IN_DEV_ARP_EVICT_NOCARRIER } from "../ipv4/devinet.js";
import { fibDisableIp, fibNetdevUp, fibSyncCarrier } from "../ipv4/fib-frontend.js";
import { inetDelAll, inetInsertIfa } from "../ipv4/ifaddr.js";
import { makeIfaddr } from "../ipv4/devinet.js";
import { neighCarrierDown, neighIfdown } from "../neigh/neighbour.js";
import { callNetdevNotifiers } from "./notify.js";
import { devSetRxMode } from "./dev-addr-lists.js";
import { addrconfDevUp, addrconfIfdown } from "../ipv6/addrconf.js";
import { pneighIfdown6 } from "../ipv6/pndisc.js";
import { okVoid, type KResult } from "../errno.js";
import { INADDR_LOOPBACK } from "../../wire/ipv4-addr.js";
import { RT_SCOPE_HOST } from "../ipv4/fib.js";

/** dev_open + NETDEV_UP. */
export function devOpen(dev: NetDevice): KResult {
  if (dev.isUp) return okVoid;
  dev.flags |= IFF_UP;
  const r = dev.ndoOpen();
  if (r && !r.ok) {
    dev.flags &= ~IFF_UP;
    return r;
  }
  // __dev_open: the receive filters, now that the device is up.
  devSetRxMode(dev);
  // Every simulated device is IFF_NO_QUEUE (virtual), so dev_activate gives it noqueue.
  dev.qdisc = "noqueue";
  const inDev = dev.inDev;
  if (inDev && dev.flags & IFF_LOOPBACK) {
    // inetdev_event: lo gets 127.0.0.1/8 on every up (EEXIST if still there), with ipv4_devconf_setall.
    inDev.devconfSetall();
    inetInsertIfa(inDev, makeIfaddr(INADDR_LOOPBACK, 8, { scope: RT_SCOPE_HOST, label: dev.name }));
  }
  fibNetdevUp(dev);
  addrconfDevUp(dev);
  if (dev.net.tracing) dev.net.trace(dev, "dev_open", "link up");
  callNetdevNotifiers(dev, "up");
  return okVoid;
}

/** dev_close + NETDEV_DOWN: routes through the device go (local ones stay), its neighbours are flushed. */
export function devClose(dev: NetDevice): void {
  if (!dev.isUp) return;
  dev.flags &= ~IFF_UP;
  dev.ndoStop();
  fibDisableIp(dev, false);
  neighIfdown(dev);
  addrconfIfdown(dev);
  pneighIfdown6(dev);
  if (dev.net.tracing) dev.net.trace(dev, "dev_close", "link down", "routes through it removed (local routes kept), neighbours flushed");
  callNetdevNotifiers(dev, "down");
}

/**
 * netif_carrier_on/off, then linkwatch_do_dev: only a device that is up
 * gets NETDEV_CHANGE (dev_activate/deactivate, netdev_state_change), so a
 * carrier lost while closing reaches no listener (ipvlan slaves keep theirs).
 */
export function netifCarrier(dev: NetDevice, on: boolean): void {
  if (dev.carrier === on) return;
  dev.carrier = on;
  dev.carrierChanges++;
  if (!dev.isUp) return;
  fibSyncCarrier(dev);
  if (on) addrconfDevUp(dev);
  if (!on && dev.inDev && IN_DEV_ARP_EVICT_NOCARRIER(dev.inDev)) neighCarrierDown(dev);
  if (!on) neighCarrierDown(dev, true);
  callNetdevNotifiers(dev, "change");
}

/**
 * dev_change_flags for IFF_NOARP: a device that is up raises NETDEV_CHANGE,
 * on which arp_netdev_event flushes its neighbours (neigh_changeaddr), so
 * every later entry is made by arp_constructor under the new flag.
 */
export function devChangeNoarp(dev: NetDevice, on: boolean): void {
  if (((dev.flags & IFF_NOARP) !== 0) === on) return;
  dev.flags = on ? dev.flags | IFF_NOARP : dev.flags & ~IFF_NOARP;
  if (dev.flags & IFF_UP) neighIfdown(dev);
}

/** The NETDEV_UNREGISTER work for IPv4 (used by netns moves and deletion). */
export function inetdevDestroy(dev: NetDevice): void {
  const inDev = dev.inDev;
  if (inDev) {
    inDev.dead = true;
    inetDelAll(inDev);
  }
  fibDisableIp(dev, true);
  neighIfdown(dev);
  dev.inDev = null;
  addrconfIfdown(dev, true);
  pneighIfdown6(dev);
}

/** NETDEV_CHANGEADDR after a device's MAC changed: arp_netdev_event flushes its neighbours (neigh_changeaddr), then the device's own listeners. */
export function netdevChangeaddr(dev: NetDevice): void {
  neighIfdown(dev);
  callNetdevNotifiers(dev, "changeaddr");
}
