// nd_tbl's proxy entries (net/core/neighbour.c's pneigh_*, net/ipv6/ndisc.c's
// pndisc_*): addresses a device answers neighbour solicitations for without
// holding them, filled by `ip -6 neigh add proxy ADDR dev DEV`. ndisc_recv_ns
// answers for one only on a device that forwards, with proxy_ndp on (conf/all
// or the device's); a multicast solicitation is answered after a random wait
// below proxy_delay. An entry joins its solicited-node group on the device
// (pndisc_constructor), so that the solicitations get past ip6_mc_input; a
// device going down loses its entries (pneigh_ifdown).

import { solicitedNode, type Ipv6 } from "../../wire/ipv6-addr.js";
import type { NetDevice } from "../devices/net-device.js";
import type { Net } from "../net.js";
import { ipv6DevMcDec, ipv6DevMcInc } from "./mcast.js";

export interface Pneigh6 {
  readonly key: Ipv6;
  readonly dev: NetDevice;
}

/** pneigh_lookup(&nd_tbl, ..., creat): the entry, made when asked (an existing one is no error). */
export function pneighLookup6(net: Net, key: Ipv6, dev: NetDevice, creat = false): Pneigh6 | null {
  const hit = net.pneigh6.find((p) => p.key === key && p.dev === dev);
  if (hit || !creat) return hit ?? null;
  const p: Pneigh6 = { key, dev };
  net.pneigh6.unshift(p);
  ipv6DevMcInc(dev, solicitedNode(key));
  return p;
}

/** pneigh_delete: false when there was none. */
export function pneighDelete6(net: Net, key: Ipv6, dev: NetDevice): boolean {
  const i = net.pneigh6.findIndex((p) => p.key === key && p.dev === dev);
  if (i < 0) return false;
  net.pneigh6.splice(i, 1);
  ipv6DevMcDec(dev, solicitedNode(key));
  return true;
}

/** pneigh_ifdown_and_unlock: the device's entries go with NETDEV_DOWN. */
export function pneighIfdown6(dev: NetDevice): void {
  const net = dev.net;
  for (let i = net.pneigh6.length - 1; i >= 0; i--) {
    const p = net.pneigh6[i]!;
    if (p.dev !== dev) continue;
    net.pneigh6.splice(i, 1);
    ipv6DevMcDec(dev, solicitedNode(p.key));
  }
}

/** The proxy_ndp test of ndisc_recv_ns: forwarding on the device, proxy_ndp in conf/all or on it. */
export function pndiscAnswers(dev: NetDevice): boolean {
  const idev = dev.in6Dev;
  if (!idev) return false;
  return idev.cnf.forwarding !== 0 && (dev.net.ipv6ConfAll.proxy_ndp !== 0 || idev.cnf.proxy_ndp !== 0);
}
