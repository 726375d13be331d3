// net/ipv6/mcast.c: the groups a device joins (solicited-node groups for
// its addresses, all-nodes from registration) and the MLDv2 reports a host
// sends unasked: change reports when it joins (mld_ifc_event, sent
// robustness-variable times, the next within the unsolicited report
// interval) and the state of every group once its link-local address has
// passed DAD (ipv6_mc_dad_complete). A report goes from the link-local
// address, or from :: while there is none. Link-local all-nodes is never
// reported. Queries, leaving reports and source filters are not modelled.

import type { Mld2Grec } from "../../wire/icmpv6.js";
import { IN6ADDR_ANY, IN6ADDR_LINKLOCAL_ALLNODES, IN6ADDR_MLDV2_ROUTERS, ipv6McastMac, ipv6McScope, type Ipv6 } from "../../wire/ipv6-addr.js";
import type { Ipv6Repr } from "../../wire/ipv6.js";
import { IFF_LOOPBACK, type NetDevice } from "../devices/net-device.js";
import { kernelFn } from "../fork.js";
import { rngBelow } from "../rng.js";
import { ipv6GetLladdr } from "./addrconf.js";
import { MLD_QRV_DEFAULT, type Inet6Dev } from "./inet6-dev.js";
import { ip6FinishOutput2 } from "./ip6-output.js";
import { IPV6_HOUSEKEEPING } from "../trace.js";

const MLD2_CHANGE_TO_EXCLUDE = 4;

/** MAF_NOREPORT: all-nodes and groups narrower than link scope are never reported. */
const noReport = (g: Ipv6): boolean => g === IN6ADDR_LINKLOCAL_ALLNODES || ipv6McScope(g) < 2;

/** ipv6_chk_mcast_addr: the device has joined the group. */
export function ipv6ChkMcastAddr(dev: NetDevice, group: Ipv6): boolean {
  return group === IN6ADDR_LINKLOCAL_ALLNODES || (dev.in6Dev?.mcList.has(group) ?? false);
}

/** ipv6_dev_mc_inc: one more user of the group; a new group is reported while the device is up. */
export function ipv6DevMcInc(dev: NetDevice, group: Ipv6): void {
  const idev = dev.in6Dev;
  if (!idev) return;
  const users = idev.mcList.get(group) ?? 0;
  idev.mcList.set(group, users + 1);
  // lo reports nothing (uml: no MLD neighbour ever appears on lo).
  if (users > 0 || noReport(group) || !dev.isUp || dev.flags & IFF_LOOPBACK) return;
  idev.mcCrcount.set(group, MLD_QRV_DEFAULT);
  mldIfcEvent(idev);
}

/** ipv6_dev_mc_dec: one user fewer; the group goes with its last. */
export function ipv6DevMcDec(dev: NetDevice, group: Ipv6): void {
  const idev = dev.in6Dev;
  if (!idev) return;
  const users = (idev.mcList.get(group) ?? 0) - 1;
  if (users > 0) idev.mcList.set(group, users);
  else {
    idev.mcList.delete(group);
    idev.mcCrcount.delete(group);
  }
}

/** mld_ifc_event: robustness-variable change reports, the first right away. */
function mldIfcEvent(idev: Inet6Dev): void {
  idev.mcIfcCount = MLD_QRV_DEFAULT;
  mldIfcStartWork(idev, 1);
}

function mldIfcStartWork(idev: Inet6Dev, delay: number): void {
  if (idev.mcIfcTimer) idev.mcIfcTimer.cancelled = true;
  idev.mcIfcTimer = idev.dev.net.kernel.sim.queue.schedule(rngBelow(idev.dev.net.kernel.sim.rng6, delay), mldIfcWork, "timer", idev, IPV6_HOUSEKEEPING);
}

/** mld_ifc_work: one change report, then the next within the unsolicited report interval. */
function mldIfcWork(idev: Inet6Dev): void {
  idev.mcIfcTimer = null;
  if (idev.dead || !idev.dev.isUp) return;
  mldSendReport(idev);
  for (const [g, n] of idev.mcCrcount) {
    if (n <= 1) idev.mcCrcount.delete(g);
    else idev.mcCrcount.set(g, n - 1);
  }
  if (idev.mcIfcCount > 0) idev.mcIfcCount--;
  if (idev.mcIfcCount > 0) mldIfcStartWork(idev, idev.cnf.mldv2_unsolicited_report_interval);
}
kernelFn(mldIfcWork);

/** ipv6_mc_dad_complete: the link-local address is usable; report every group, robustness-variable times. */
export function ipv6McDadComplete(idev: Inet6Dev): void {
  idev.mcDadCount = MLD_QRV_DEFAULT;
  mldSendReport(idev);
  idev.mcDadCount--;
  if (idev.mcDadCount > 0) {
    if (idev.mcDadTimer) idev.mcDadTimer.cancelled = true;
    idev.mcDadTimer = idev.dev.net.kernel.sim.queue.schedule(rngBelow(idev.dev.net.kernel.sim.rng6, idev.cnf.mldv2_unsolicited_report_interval), mldDadWork, "timer", idev, IPV6_HOUSEKEEPING);
  }
}

function mldDadWork(idev: Inet6Dev): void {
  idev.mcDadTimer = null;
  if (idev.dead || !idev.dev.isUp) return;
  mldSendReport(idev);
  idev.mcDadCount--;
  if (idev.mcDadCount > 0) idev.mcDadTimer = idev.dev.net.kernel.sim.queue.schedule(rngBelow(idev.dev.net.kernel.sim.rng6, idev.cnf.mldv2_unsolicited_report_interval), mldDadWork, "timer", idev, IPV6_HOUSEKEEPING);
}
kernelFn(mldDadWork);

/** mld_sendpack: one MLDv2 report naming every reportable group, hop limit 1, with the Router Alert. */
function mldSendReport(idev: Inet6Dev): void {
  const dev = idev.dev;
  const grecs: Mld2Grec[] = [...idev.mcList.keys()].filter((g) => !noReport(g)).map((group) => ({ type: MLD2_CHANGE_TO_EXCLUDE, group, sources: [] }));
  if (grecs.length === 0) return;
  const src = ipv6GetLladdr(dev) ?? IN6ADDR_ANY;
  const ip6: Ipv6Repr = { tclass: 0, flowLabel: 0, hopLimit: 1, src, dst: IN6ADDR_MLDV2_ROUTERS, routerAlert: true, payload: { kind: "icmpv6", icmp: { type: "mld2-report", grecs } } };
  dev.net.mibInc("Icmp6OutMLDv2Reports");
  if (dev.net.tracing) dev.net.trace(dev, "mld_sendpack", `MLDv2 report of ${grecs.length} group(s) from ${src}`);
  ip6FinishOutput2(ip6, dev, IN6ADDR_MLDV2_ROUTERS);
}

/**
 * ipv6_mc_up: every group is added again (igmp6_group_added), so each
 * reportable one gets robustness-variable change reports (mld_ifc_event).
 */
export function ipv6McUp(idev: Inet6Dev): void {
  if (idev.dev.flags & IFF_LOOPBACK) return;
  let any = false;
  for (const g of idev.mcList.keys()) {
    if (noReport(g)) continue;
    idev.mcCrcount.set(g, MLD_QRV_DEFAULT);
    any = true;
  }
  if (any) mldIfcEvent(idev);
}

/** ipv6_mc_down: the report timers stop. */
export function ipv6McDown(idev: Inet6Dev): void {
  for (const t of [idev.mcIfcTimer, idev.mcDadTimer]) if (t) t.cancelled = true;
  idev.mcIfcTimer = null;
  idev.mcDadTimer = null;
  idev.mcIfcCount = 0;
  idev.mcDadCount = 0;
  idev.mcCrcount.clear();
}

/** The MACs the joined groups add to the device's multicast list (ipv6_eth_mc_map), in join order. */
export function ipv6McMacs(dev: NetDevice): string[] {
  const idev = dev.in6Dev;
  if (!idev) return [];
  return [...new Set([...idev.mcList.keys()].map(ipv6McastMac))];
}
