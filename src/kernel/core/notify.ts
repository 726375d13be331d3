// The netdevice notifier chain, per device: upper devices (a bridge, later
// ipvlan/macvlan ports) subscribe to their lower device's events instead of
// the core knowing about them.

import type { NetDevice } from "../devices/net-device.js";
import { sideTable } from "../fork.js";

export type NetdevEvent = "up" | "down" | "change" | "changeaddr" | "changemtu" | "unregister";
export type NetdevNotifier = (dev: NetDevice, ev: NetdevEvent) => void;

const chains = sideTable<NetDevice, Set<NetdevNotifier>>();

export function registerNetdevNotifier(dev: NetDevice, fn: NetdevNotifier): void {
  let s = chains.get(dev);
  if (!s) {
    s = new Set();
    chains.set(dev, s);
  }
  s.add(fn);
}

export function unregisterNetdevNotifier(dev: NetDevice, fn: NetdevNotifier): void {
  chains.get(dev)?.delete(fn);
}

export function callNetdevNotifiers(dev: NetDevice, ev: NetdevEvent): void {
  const s = chains.get(dev);
  if (s) for (const fn of [...s]) fn(dev, ev);
}
