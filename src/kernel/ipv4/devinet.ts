// net/ipv4/devinet.c: per-device IPv4 state (in_device), its addresses and
// its conf, and the address-selection helpers the routing code calls.

import { inPrefix, prefixMask, type Ipv4 } from "../../wire/ipv4-addr.js";
import type { NetDevice } from "../devices/net-device.js";
import type { Net } from "../net.js";
import type { ConfKey, DevConf, NeighParms } from "../sysctl-defaults.js";
import { rngBelow } from "../rng.js";
import { RT_SCOPE_HOST, RT_SCOPE_LINK } from "./fib.js";

export interface InIfaddr {
  readonly local: Ipv4;
  readonly prefixlen: number;
  readonly mask: Ipv4;
  /** Only when given explicitly (`brd`); 0 otherwise, as iproute2 sends none by default. */
  readonly broadcast: Ipv4;
  readonly scope: number;
  secondary: boolean;
  readonly noprefixroute: boolean;
  readonly label: string;
  /** ifa_rt_priority: the metric of the prefix route. */
  readonly rtPriority: number;
}

export class InDevice {
  readonly ifaList: InIfaddr[] = [];
  /** in_dev->dead: the device is going away, so deleting its addresses keeps no route for another. */
  dead = false;
  readonly conf: DevConf;
  /** Keys written for this device: a later write to conf/default no longer reaches them (devinet_copy_dflt_conf). */
  readonly confSet: Set<ConfKey>;
  readonly arpParms: NeighParms;
  /** parms->reachable_time: base_reachable_time with its random spread, drawn once. */
  reachableTime: number;

  constructor(readonly dev: NetDevice) {
    this.conf = { ...dev.net.confDflt };
    this.confSet = new Set(dev.net.confDfltSet);
    this.arpParms = { ...dev.net.neighDflt };
    const base = this.arpParms.base_reachable_time_ms;
    this.reachableTime = Math.floor(base / 2) + rngBelow(dev.net.kernel.sim.rng, base);
  }

  /**
   * ipv4_devconf_setall: every key counts as written by hand, so conf/default
   * no longer reaches this device. The kernel does it when an address is added
   * (rtm_to_ifaddr) and when lo comes up.
   */
  devconfSetall(): void {
    for (const k of Object.keys(this.conf)) this.confSet.add(k as ConfKey);
  }

  get net(): Net {
    return this.dev.net;
  }
}

// The IN_DEV_* accessors of include/linux/inetdevice.h: each knob combines
// conf/all and the device's conf in its own way.
export const inDevConf = (d: InDevice, k: ConfKey): number => d.conf[k];
export const inDevAndConf = (d: InDevice, k: ConfKey): boolean => d.net.confAll[k] !== 0 && d.conf[k] !== 0;
export const inDevOrConf = (d: InDevice, k: ConfKey): boolean => d.net.confAll[k] !== 0 || d.conf[k] !== 0;
export const inDevMaxConf = (d: InDevice, k: ConfKey): number => Math.max(d.net.confAll[k], d.conf[k]);

/** The sysctls that give a knob its non-zero value on this device (conf/all, conf/DEV): what a trace names, so that a reader knows which one to write. */
export function confSources(d: InDevice, k: ConfKey): string {
  const set = ([["all", d.net.confAll[k]], [d.dev.name, d.conf[k]]] as const).filter(([, v]) => v !== 0);
  return set.map(([dir, v]) => `net.ipv4.conf.${dir}.${k}=${v}`).join(", ");
}

export const IN_DEV_FORWARD = (d: InDevice): boolean => inDevConf(d, "forwarding") !== 0;
export const IN_DEV_RPFILTER = (d: InDevice): number => inDevMaxConf(d, "rp_filter");
export const IN_DEV_ACCEPT_LOCAL = (d: InDevice): boolean => inDevOrConf(d, "accept_local");
export const IN_DEV_TX_REDIRECTS = (d: InDevice): boolean => inDevOrConf(d, "send_redirects");
export const IN_DEV_ROUTE_LOCALNET = (d: InDevice): boolean => inDevOrConf(d, "route_localnet");
export const IN_DEV_PROXY_ARP = (d: InDevice): boolean => inDevOrConf(d, "proxy_arp");
export const IN_DEV_ARPFILTER = (d: InDevice): boolean => inDevOrConf(d, "arp_filter");
export const IN_DEV_ARP_ANNOUNCE = (d: InDevice): number => inDevMaxConf(d, "arp_announce");
export const IN_DEV_ARP_IGNORE = (d: InDevice): number => inDevMaxConf(d, "arp_ignore");
export const IN_DEV_ARP_ACCEPT = (d: InDevice): number => inDevMaxConf(d, "arp_accept");
export const IN_DEV_PROMOTE_SECONDARIES = (d: InDevice): boolean => inDevOrConf(d, "promote_secondaries");
export const IN_DEV_ARP_EVICT_NOCARRIER = (d: InDevice): boolean => inDevAndConf(d, "arp_evict_nocarrier");
export const IN_DEV_DROP_GRATUITOUS_ARP = (d: InDevice): boolean => inDevOrConf(d, "drop_gratuitous_arp");
export const IN_DEV_MEDIUM_ID = (d: InDevice): number => inDevConf(d, "medium_id");
export const IN_DEV_BFORWARD = (d: InDevice): boolean => inDevAndConf(d, "bc_forwarding");
export const IN_DEV_IGNORE_ROUTES_WITH_LINKDOWN = (d: InDevice): boolean => inDevOrConf(d, "ignore_routes_with_linkdown");

export const inetIfaMatch = (addr: Ipv4, ifa: InIfaddr): boolean => inPrefix(addr, ifa.local, ifa.prefixlen);

/** inetdev_init: a device registered in a netns takes that netns's conf/default. */
export function inetdevInit(dev: NetDevice): InDevice {
  dev.inDev = new InDevice(dev);
  return dev.inDev;
}

/** inet_select_addr: the primary address to use as source towards dst at the given scope. */
export function inetSelectAddr(dev: NetDevice, dst: Ipv4, scope: number): Ipv4 {
  const inDev = dev.inDev;
  let addr = 0;
  if (inDev) {
    const localnetScope = IN_DEV_ROUTE_LOCALNET(inDev) ? RT_SCOPE_LINK : RT_SCOPE_HOST;
    for (const ifa of inDev.ifaList) {
      if (ifa.secondary) continue;
      if (Math.min(ifa.scope, localnetScope) > scope) continue;
      if (!dst || inetIfaMatch(dst, ifa)) return ifa.local;
      if (!addr) addr = ifa.local;
    }
    if (addr) return addr;
  }
  // Any other device of the netns, lo first because it is first in dev_base.
  for (const d of dev.net.devices.values()) {
    const a = inDevSelectAddr(d.inDev, scope);
    if (a) return a;
  }
  return 0;
}

function inDevSelectAddr(inDev: InDevice | null, scope: number): Ipv4 {
  if (!inDev) return 0;
  for (const ifa of inDev.ifaList) {
    if (ifa.secondary) continue;
    if (ifa.scope !== RT_SCOPE_LINK && ifa.scope <= scope) return ifa.local;
  }
  return 0;
}

/** confirm_addr_indev, used by arp_ignore through inet_confirm_addr. */
function confirmAddrIndev(inDev: InDevice, dst: Ipv4, local: Ipv4, scope: number): Ipv4 {
  const localnetScope = IN_DEV_ROUTE_LOCALNET(inDev) ? RT_SCOPE_LINK : RT_SCOPE_HOST;
  let addr = 0;
  let same = false;
  for (const ifa of inDev.ifaList) {
    const minScope = Math.min(ifa.scope, localnetScope);
    if (!addr && (local === ifa.local || !local) && minScope <= scope) {
      addr = ifa.local;
      if (same) break;
    }
    if (!same) {
      same = (!local || inetIfaMatch(local, ifa)) && (!dst || inetIfaMatch(dst, ifa));
      if (same && addr) {
        if (local || !dst) break;
        if (inetIfaMatch(addr, ifa)) break;
        if (minScope <= scope) {
          addr = ifa.local;
          break;
        }
        same = false;
      }
    }
  }
  return same ? addr : 0;
}

/** inet_confirm_addr: with inDev null, any device of the netns may confirm. */
export function inetConfirmAddr(net: Net, inDev: InDevice | null, dst: Ipv4, local: Ipv4, scope: number): Ipv4 {
  if (inDev) return confirmAddrIndev(inDev, dst, local, scope);
  for (const d of net.devices.values()) {
    if (!d.inDev) continue;
    const a = confirmAddrIndev(d.inDev, dst, local, scope);
    if (a) return a;
  }
  return 0;
}

/** __ip_dev_find / inet_lookup_ifaddr_rcu: the device holding `addr` as a local address. */
export function ipDevFind(net: Net, addr: Ipv4): NetDevice | null {
  const holders = net.inetAddrLst.get(addr);
  if (!holders) return null;
  if (holders.length === 1) return holders[0]!;
  // Several devices hold it: the first in device order, as the scan always answered.
  for (const d of net.devices.values()) {
    if (d.inDev?.ifaList.some((ifa) => ifa.local === addr)) return d;
  }
  return null;
}

/** inet_hash_insert / inet_hash_remove. */
export function inetHashInsert(dev: NetDevice, ifa: InIfaddr): void {
  const lst = dev.net.inetAddrLst;
  const holders = lst.get(ifa.local);
  if (holders) holders.push(dev);
  else lst.set(ifa.local, [dev]);
}

export function inetHashRemove(dev: NetDevice, ifa: InIfaddr): void {
  const lst = dev.net.inetAddrLst;
  const holders = lst.get(ifa.local);
  if (!holders) return;
  const i = holders.indexOf(dev);
  if (i >= 0) holders.splice(i, 1);
  if (holders.length === 0) lst.delete(ifa.local);
}

/** inet_ifa_byprefix: the primary address of that prefix on the device. */
export function inetIfaByprefix(inDev: InDevice, prefix: Ipv4, mask: Ipv4): InIfaddr | null {
  return inDev.ifaList.find((ifa) => !ifa.secondary && ifa.mask === mask && ((ifa.local & mask) >>> 0) === prefix) ?? null;
}

export function makeIfaddr(local: Ipv4, prefixlen: number, o: { broadcast?: Ipv4; scope?: number; noprefixroute?: boolean; label: string; metric?: number }): InIfaddr {
  return {
    local,
    prefixlen,
    mask: prefixMask(prefixlen),
    broadcast: o.broadcast ?? 0,
    scope: o.scope ?? 0,
    secondary: false,
    noprefixroute: o.noprefixroute ?? false,
    label: o.label,
    rtPriority: o.metric ?? 0,
  };
}
