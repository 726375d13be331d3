// RTM_NEWADDR / RTM_DELADDR: what `ip addr add/del/flush` asks of the kernel.

import { type Ipv4 } from "../wire/ipv4-addr.js";
import type { NetDevice } from "./devices/net-device.js";
import { fail, type KResult } from "./errno.js";
import { makeIfaddr, type InIfaddr } from "./ipv4/devinet.js";
import { inetDelAll, inetDelIfa, inetInsertIfa } from "./ipv4/ifaddr.js";

export interface AddrAddRequest {
  local: Ipv4;
  prefixlen: number;
  /** `brd`: only then is a broadcast address stored with the address. */
  broadcast?: Ipv4;
  /** RT_SCOPE_*; iproute2 sends host for 127/8 and universe otherwise. */
  scope?: number;
  label?: string;
  noprefixroute?: boolean;
  metric?: number;
}

export function addrAdd(dev: NetDevice, req: AddrAddRequest): KResult {
  const inDev = dev.inDev;
  if (!inDev) return fail("ENODEV");
  if (req.prefixlen < 0 || req.prefixlen > 32) return fail("EINVAL");
  // rtm_to_ifaddr: from the first address on, the device's conf stops following conf/default.
  inDev.devconfSetall();
  const o: Parameters<typeof makeIfaddr>[2] = { label: req.label ?? dev.name };
  if (req.broadcast !== undefined) o.broadcast = req.broadcast;
  if (req.scope !== undefined) o.scope = req.scope;
  if (req.noprefixroute !== undefined) o.noprefixroute = req.noprefixroute;
  if (req.metric !== undefined) o.metric = req.metric;
  return inetInsertIfa(inDev, makeIfaddr(req.local, req.prefixlen, o));
}

/** inet_rtm_deladdr: matches the local address, and the prefix length when given. */
export function addrDel(dev: NetDevice, local: Ipv4, prefixlen?: number): KResult {
  const inDev = dev.inDev;
  if (!inDev) return fail("ENODEV");
  const ifa = inDev.ifaList.find((a) => a.local === local && (prefixlen === undefined || a.prefixlen === prefixlen));
  if (!ifa) return fail("EADDRNOTAVAIL");
  inetDelIfa(inDev, ifa);
  return { ok: true, value: undefined };
}

export function addrFlush(dev: NetDevice): void {
  if (dev.inDev) inetDelAll(dev.inDev);
}

export function addrList(dev: NetDevice): readonly InIfaddr[] {
  return dev.inDev?.ifaList ?? [];
}
