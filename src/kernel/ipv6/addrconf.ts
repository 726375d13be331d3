// net/ipv6/addrconf.c, as far as the simulator goes: the addresses IPv6
// configures by itself. lo gets ::1 when it comes up; every other device a
// link-local fe80::/64 (and its prefix route) once it is up with carrier,
// tentative until duplicate address detection ends; going down takes them
// all. No IPv6 packet is sent: labs that capture or use IPv6 traffic run on
// a real kernel (src/engines/sim.ts).

import type { Mac } from "../../wire/mac.js";
import { IFF_LOOPBACK, IFF_NOARP, type NetDevice } from "../devices/net-device.js";
import { kernelFn } from "../fork.js";
import { rngBelow } from "../rng.js";

export interface Inet6Ifaddr {
  /** Printed form, as iproute2 shows it (fe80::ff:fe00:a10). */
  readonly addr: string;
  readonly prefixlen: number;
  readonly scope: "host" | "link";
  /** IFA_F_TENTATIVE: duplicate address detection has not ended. */
  tentative: boolean;
}

/** A kernel route of table main that `ip -6 route` lists. */
export interface Rt6Info {
  readonly dst: string;
  readonly dev: NetDevice;
}

/** RTR_SOLICIT_DELAY and RETRANS_TIMER with dad_transmits 1: DAD waits a random part of 1 s, then one second for an answer. */
const RTR_SOLICIT_DELAY_MS = 1000;
const RETRANS_TIMER_MS = 1000;

/** addrconf_ifid_eui48: the MAC around ff:fe with the U/L bit flipped, or around the device's dev_id, unflipped. */
export function eui48LinkLocal(mac: Mac, devId: number): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  const eui = devId ? [b[0]!, b[1]!, b[2]!, (devId >> 8) & 0xff, devId & 0xff, b[3]!, b[4]!, b[5]!] : [b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i]! << 8) | eui[i + 1]!).toString(16));
  return compress(["fe80", "0", "0", "0", ...groups]);
}

/** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
function compress(groups: string[]): string {
  let best = -1;
  let len = 0;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > len && j - i >= 2) [best, len] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + len).join(":")}`;
}

function addAddr(dev: NetDevice, ifa: Inet6Ifaddr): void {
  dev.in6Addrs.push(ifa);
}

/** addrconf_notify NETDEV_UP / NETDEV_CHANGE: configure once the device is up and has carrier. */
export function addrconfDevUp(dev: NetDevice): void {
  const net = dev.net;
  if (!net.kernel.ipv6 || !dev.isUp || dev.in6Addrs.length > 0) return;
  if (dev.flags & IFF_LOOPBACK) {
    addAddr(dev, { addr: "::1", prefixlen: 128, scope: "host", tentative: false });
    return;
  }
  if (!dev.carrier) return;
  net.rt6.push({ dst: "fe80::/64", dev });
  const ifa: Inet6Ifaddr = { addr: eui48LinkLocal(dev.mac, dev.devId), prefixlen: 64, scope: "link", tentative: !(dev.flags & IFF_NOARP) };
  addAddr(dev, ifa);
  if (!ifa.tentative) return;
  // addrconf_dad_kick: a random delay below rtr_solicit_delay, then dad_transmits probes a retrans_time apart.
  const delay = rngBelow(net.kernel.sim.rng, RTR_SOLICIT_DELAY_MS) + RETRANS_TIMER_MS;
  net.kernel.sim.queue.schedule(delay, addrconfDadCompleted, "timer", ifa);
}

/** addrconf_dad_completed: the last probe met no answer, the address is no longer tentative. */
function addrconfDadCompleted(ifa: Inet6Ifaddr): void {
  ifa.tentative = false;
}
kernelFn(addrconfDadCompleted);

/** addrconf_ifdown: a device going down, or away, loses every IPv6 address and route. */
export function addrconfIfdown(dev: NetDevice): void {
  dev.in6Addrs.length = 0;
  const net = dev.net;
  for (let i = net.rt6.length - 1; i >= 0; i--) if (net.rt6[i]!.dev === dev) net.rt6.splice(i, 1);
}
