// net/ipv6/addrconf.c: a device's IPv6 addresses. Every device gets an
// inet6_dev at registration; lo gets ::1 when it comes up, an Ethernet-like
// device a link-local address once it is up with carrier (addr_gen_mode
// eui64: the MAC around ff:fe, or around dev_id where the driver sets one;
// none: no link-local at all). Every address but lo's, or one added nodad,
// or on a NOARP device, or with accept_dad 0, is tentative while duplicate
// address detection runs (dad_transmits probes a retrans_time apart after a
// random wait below rtr_solicit_delay); its local route is inserted when DAD
// completes, and an answer or a competing probe leaves it dadfailed. The
// first link-local to pass DAD triggers the MLD state reports and the router
// solicitations. Going down removes every address (keep_addr_on_down keeps
// the global ones) and every route through the device.

import type { Mac } from "../../wire/mac.js";
import { IN6ADDR_LINKLOCAL_ALLROUTERS, IN6ADDR_LOOPBACK, ipv6IsLinkLocal, ipv6IsLoopback, ipv6IsMulticast, ipv6Network, solicitedNode, type Ipv6 } from "../../wire/ipv6-addr.js";
import type { Timer } from "../clock.js";
import { IFF_LOOPBACK, IFF_NOARP, type NetDevice } from "../devices/net-device.js";
import { fail, okVoid, type KResult } from "../errno.js";
import { kernelFn } from "../fork.js";
import { neighIfdown } from "../neigh/neighbour.js";
import type { Net } from "../net.js";
import { randomBytes, rngBelow } from "../rng.js";
import { IN6_ADDR_GEN_MODE_EUI64, IN6_ADDR_GEN_MODE_RANDOM, IN6_ADDR_GEN_MODE_STABLE_PRIVACY, Inet6Dev } from "./inet6-dev.js";
import { IDGEN_DELAY_MS, IDGEN_RETRIES, ipv6GenerateStableAddress, ipv6GenModeRandomInit } from "./stable-address.js";
import { ipv6DevMcDec, ipv6DevMcInc, ipv6McDadComplete, ipv6McDown, ipv6McUp } from "./mcast.js";
import { ndiscSendNs, ndiscSendRs } from "./ndisc.js";
import { fib6Add, fib6Del, rt6DelDev } from "./route.js";
import { IPV6_HOUSEKEEPING } from "../trace.js";

export interface Inet6Ifaddr {
  /** Printed form, as iproute2 shows it (fe80::ff:fe00:a10). */
  readonly addr: Ipv6;
  readonly prefixlen: number;
  readonly scope: "host" | "link" | "global";
  readonly idev: Inet6Dev;
  /** IFA_F_TENTATIVE: duplicate address detection has not ended (it stays set on failure). */
  tentative: boolean;
  /** IFA_F_DADFAILED: another node has the address. */
  dadfailed: boolean;
  readonly nodad: boolean;
  readonly noprefixroute: boolean;
  /** IFA_F_STABLE_PRIVACY: an RFC 7217 id (addr_gen_mode stable_privacy or random), and how many DAD conflicts regenerated it. */
  readonly stablePrivacy: boolean;
  readonly stablePrivacyRetry: number;
  /** Probes still to send, and the nonce they carry (enhanced DAD). */
  dadProbes: number;
  dadNonce: Uint8Array | null;
  dadTimer: Timer | null;
  /** addrconf_dad_begin has joined the address's solicited-node group (the kernel's state past PREDAD). */
  solictJoined: boolean;
}

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

/** IPV6_ADDR_SCOPE of an address for the address list's order: global 0xe, link 2, host 1. */
const srcScope = (a: Inet6Ifaddr): number => (a.scope === "global" ? 0x0e : a.scope === "link" ? 0x02 : 0x01);

/**
 * addrconf_join_solict / addrconf_leave_solict: the solicited-node group of an
 * address. A NOARP device (an ipvlan l3 slave) and lo join none, so they send
 * no MLD report for their addresses.
 */
function addrconfJoinSolict(dev: NetDevice, addr: Ipv6): void {
  if (!(dev.flags & (IFF_NOARP | IFF_LOOPBACK))) ipv6DevMcInc(dev, solicitedNode(addr));
}
function addrconfLeaveSolict(dev: NetDevice, addr: Ipv6): void {
  if (!(dev.flags & (IFF_NOARP | IFF_LOOPBACK))) ipv6DevMcDec(dev, solicitedNode(addr));
}

/** ipv6_add_dev at NETDEV_REGISTER: no inet6_dev below the minimum MTU; disable_ipv6 as the module was loaded. */
export function ipv6AddDev(dev: NetDevice): void {
  if (dev.mtu < 1280 && !(dev.flags & IFF_LOOPBACK)) return;
  const net = dev.net;
  dev.in6Dev = new Inet6Dev(dev, net.ipv6ConfDflt, net.ipv6StableSecretDflt);
}

/** ipv6_get_ifaddr: the address on dev (any device of the namespace when dev is null), in any state. */
export function ipv6GetIfaddr(net: Net, addr: Ipv6, dev: NetDevice | null): Inet6Ifaddr | null {
  const devs = dev ? [dev] : net.devices.values();
  for (const d of devs) for (const a of d.in6Dev?.addrList ?? []) if (a.addr === addr) return a;
  return null;
}

/** ipv6_get_lladdr(dev, IFA_F_TENTATIVE): the device's first usable link-local address. */
export function ipv6GetLladdr(dev: NetDevice): Ipv6 | null {
  for (const a of dev.in6Dev?.addrList ?? []) if (a.scope === "link" && !a.tentative && !a.dadfailed) return a.addr;
  return null;
}

/** accept_dad is the larger of conf/all and the device's. */
const acceptDad = (idev: Inet6Dev): number => Math.max(idev.dev.net.ipv6ConfAll.accept_dad, idev.cnf.accept_dad);

/** ipv6_link_dev_addr: before the first address of the same or a narrower scope. */
function linkDevAddr(idev: Inet6Dev, ifp: Inet6Ifaddr): void {
  const i = idev.addrList.findIndex((a) => srcScope(ifp) >= srcScope(a));
  if (i < 0) idev.addrList.push(ifp);
  else idev.addrList.splice(i, 0, ifp);
}

/** addrconf_prefix_route: PREFIX/LEN dev D proto kernel metric 256 in main (once per prefix and device). */
function addrconfPrefixRoute(dev: NetDevice, addr: Ipv6, plen: number): void {
  const dst = ipv6Network(addr, plen);
  const net = dev.net;
  if (net.fib6.some((r) => r.table === "main" && r.dst === dst && r.plen === plen && r.dev === dev && r.metric === 256)) return;
  fib6Add(net, { table: "main", type: "unicast", dst, plen, dev, gateway: null, metric: 256, proto: "kernel" });
}

export interface Inet6AddrRequest {
  addr: Ipv6;
  prefixlen: number;
  nodad?: boolean;
  noprefixroute?: boolean;
  /** The kernel's own link-local: its fe80::/64 route is added apart, and it is not noprefixroute. */
  noRoute?: boolean;
  stablePrivacy?: boolean;
  stablePrivacyRetry?: number;
  /** addrconf_mod_dad_work's delay for a regenerated id (idgen_delay). */
  dadDelayMs?: number;
}

/** ipv6_add_addr (+ the prefix route and addrconf_dad_start). EACCES with IPv6 disabled, EEXIST when present. */
export function ipv6AddAddr(dev: NetDevice, req: Inet6AddrRequest): KResult<Inet6Ifaddr> {
  const idev = dev.in6Dev;
  if (!idev || idev.cnf.disable_ipv6) return fail("EACCES");
  if (ipv6IsMulticast(req.addr) || req.addr === "::") return fail("EADDRNOTAVAIL");
  if (idev.addrList.some((a) => a.addr === req.addr)) return fail("EEXIST");
  const v = dev.inet6addrValidate(req.addr);
  if (!v.ok) return v;
  const scope = ipv6IsLoopback(req.addr) ? "host" : ipv6IsLinkLocal(req.addr) ? "link" : "global";
  const ifp: Inet6Ifaddr = { addr: req.addr, prefixlen: req.prefixlen, scope, idev, tentative: true, dadfailed: false, nodad: req.nodad ?? false, noprefixroute: req.noprefixroute ?? false, stablePrivacy: req.stablePrivacy ?? false, stablePrivacyRetry: req.stablePrivacyRetry ?? 0, dadProbes: 0, dadNonce: null, dadTimer: null, solictJoined: false };
  linkDevAddr(idev, ifp);
  dev.inet6addrEvent("up", req.addr);
  // On a device that is down the prefix route waits for NETDEV_UP (addrconf_permanent_addr), as uml shows.
  if (dev.isUp && !ifp.noprefixroute && !req.noRoute && req.prefixlen < 128 && !(dev.flags & IFF_LOOPBACK)) addrconfPrefixRoute(dev, req.addr, req.prefixlen);
  addrconfDadStart(ifp, req.dadDelayMs ?? 0);
  return { ok: true, value: ifp };
}

/** inet6_addr_del: the address, its local route, its solicited-node group; its prefix route if no other address needs it. */
export function ipv6DelAddr(dev: NetDevice, addr: Ipv6, prefixlen: number | null): KResult {
  const idev = dev.in6Dev;
  if (!idev) return fail("ENODEV");
  const ifp = idev.addrList.find((a) => a.addr === addr && (prefixlen === null || a.prefixlen === prefixlen));
  if (!ifp) return fail("EADDRNOTAVAIL");
  delIfaddr(ifp, true);
  return okVoid;
}

function delIfaddr(ifp: Inet6Ifaddr, prefixRoute: boolean): void {
  const idev = ifp.idev;
  const dev = idev.dev;
  const net = dev.net;
  if (ifp.dadTimer) ifp.dadTimer.cancelled = true;
  ifp.dadTimer = null;
  idev.addrList.splice(idev.addrList.indexOf(ifp), 1);
  dev.inet6addrEvent("down", ifp.addr);
  fib6Del(net, (r) => r.table === "local" && r.type === "local" && r.dst === ifp.addr && r.dev === dev);
  if (ifp.solictJoined) addrconfLeaveSolict(dev, ifp.addr);
  if (prefixRoute && !ifp.noprefixroute && ifp.prefixlen < 128) {
    const dst = ipv6Network(ifp.addr, ifp.prefixlen);
    const still = idev.addrList.some((a) => !a.noprefixroute && a.prefixlen === ifp.prefixlen && ipv6Network(a.addr, a.prefixlen) === dst);
    if (!still) fib6Del(net, (r) => r.table === "main" && r.dst === dst && r.plen === ifp.prefixlen && r.dev === dev && r.proto === "kernel");
  }
}

/**
 * addrconf_dad_start: the solicited-node group is joined at once, even on a
 * device that is down (addrconf_dad_begin joins before it finds the device
 * not ready), so an ipvlan l3 slave's address added before its first up,
 * while the slave is not yet NOARP, has its group, and a link-local made at
 * up has none. DAD itself waits for the device to be up with carrier
 * (IF_READY); a regenerated id waits idgen_delay first.
 */
function addrconfDadStart(ifp: Inet6Ifaddr, delayMs = 0): void {
  const dev = ifp.idev.dev;
  if (delayMs === 0) joinSolictOnce(ifp);
  if (!dev.isUp || !dev.carrier) return;
  if (delayMs > 0) ifp.dadTimer = dev.net.kernel.sim.queue.schedule(delayMs, addrconfDadBeginLater, "timer", ifp, IPV6_HOUSEKEEPING);
  else addrconfDadBegin(ifp);
}

/** The address's solicited-node group, joined once for its life (left when it goes). */
function joinSolictOnce(ifp: Inet6Ifaddr): void {
  if (ifp.solictJoined) return;
  addrconfJoinSolict(ifp.idev.dev, ifp.addr);
  ifp.solictJoined = true;
}

function addrconfDadBeginLater(ifp: Inet6Ifaddr): void {
  ifp.dadTimer = null;
  if (ifp.idev.dead || !ifp.idev.addrList.includes(ifp) || !ifp.idev.dev.isUp) return;
  addrconfDadBegin(ifp);
}
kernelFn(addrconfDadBeginLater);

/** addrconf_dad_begin: join the solicited-node group (if addrconf_dad_start has not); no DAD where it does not apply, else addrconf_dad_kick. */
function addrconfDadBegin(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  const dev = idev.dev;
  const net = dev.net;
  joinSolictOnce(ifp);
  if (dev.flags & (IFF_NOARP | IFF_LOOPBACK) || acceptDad(idev) < 1 || !ifp.tentative || ifp.nodad) {
    ifp.tentative = false;
    ifp.dadfailed = false;
    addrconfDadCompleted(ifp);
    return;
  }
  const rng = net.kernel.sim.rng6;
  const delay = rngBelow(rng, idev.cnf.rtr_solicit_delay || 1);
  ifp.dadNonce = null;
  if (Math.max(net.ipv6ConfAll.enhanced_dad, idev.cnf.enhanced_dad)) {
    do ifp.dadNonce = randomBytes(rng, 6);
    while (ifp.dadNonce.every((b) => b === 0));
  }
  ifp.dadProbes = idev.cnf.dad_transmits;
  if (net.tracing) net.trace(dev, "addrconf_dad_kick", `${ifp.addr} tentative`, `duplicate address detection: ${ifp.dadProbes} probe(s) after ${delay} ms`);
  ifp.dadTimer = net.kernel.sim.queue.schedule(delay, addrconfDadWork, "timer", ifp, IPV6_HOUSEKEEPING);
}

/** addrconf_dad_work: one probe and a retrans_time to wait, or, with none left, DAD completed. */
function addrconfDadWork(ifp: Inet6Ifaddr): void {
  ifp.dadTimer = null;
  const idev = ifp.idev;
  const dev = idev.dev;
  if (idev.dead || !ifp.tentative || ifp.dadfailed || !idev.addrList.includes(ifp)) return;
  if (ifp.dadProbes === 0) {
    ifp.tentative = false;
    addrconfDadCompleted(ifp);
    return;
  }
  ifp.dadProbes--;
  ifp.dadTimer = dev.net.kernel.sim.queue.schedule(Math.max(idev.ndParms.retrans_time_ms, 10), addrconfDadWork, "timer", ifp, IPV6_HOUSEKEEPING);
  ndiscSendNs(dev, ifp.addr, solicitedNode(ifp.addr), "::", ifp.dadNonce);
}
kernelFn(addrconfDadWork);

/** ipv6_accept_ra: 1 unless forwarding, 2 always. */
const ipv6AcceptRa = (idev: Inet6Dev): boolean => (idev.cnf.forwarding ? idev.cnf.accept_ra > 1 : idev.cnf.accept_ra > 0);

/**
 * addrconf_dad_completed: the local route goes in (__ipv6_ifa_notify); the
 * first usable link-local starts the MLD reports and router solicitation.
 */
function addrconfDadCompleted(ifp: Inet6Ifaddr): void {
  const idev = ifp.idev;
  const dev = idev.dev;
  const net = dev.net;
  fib6Add(net, { table: "local", type: "local", dst: ifp.addr, plen: 128, dev, gateway: null, metric: 0, proto: "kernel" });
  const ac = idev.cnf.forwarding ? anycastOf(ifp) : null;
  if (ac) addrconfJoinSolict(dev, ac);
  if (net.tracing && !(dev.flags & IFF_LOOPBACK)) net.trace(dev, "addrconf_dad_completed", `${ifp.addr} is usable`);
  const lonely = ifp.scope === "link" && idev.addrList.filter((a) => a.scope === "link" && !a.tentative && !a.dadfailed).length === 1;
  if (!lonely) return;
  ipv6McDadComplete(idev);
  if (ipv6AcceptRa(idev) && idev.cnf.rtr_solicits !== 0 && !(dev.flags & IFF_LOOPBACK) && idev.rsTimer === null) {
    ndiscSendRs(dev, ifp.addr, IN6ADDR_LINKLOCAL_ALLROUTERS);
    idev.rsProbes = 1;
    idev.rsInterval = rfc3315S14BackoffInit(net, idev.cnf.rtr_solicit_interval);
    idev.rsTimer = net.kernel.sim.queue.schedule(idev.rsInterval, addrconfRsTimer, "timer", idev, IPV6_HOUSEKEEPING);
  }
}

/** rfc3315_s14_backoff_init: the interval, give or take a tenth. */
function rfc3315S14BackoffInit(net: Net, irt: number): number {
  return Math.floor(((900000 + rngBelow(net.kernel.sim.rng6, 200001)) * irt) / 1000000);
}

/** rfc3315_s14_backoff_update: about twice the last, at most the maximum (give or take a tenth). */
function rfc3315S14BackoffUpdate(net: Net, rt: number, mrt: number): number {
  const t = Math.floor(((1900000 + rngBelow(net.kernel.sim.rng6, 200001)) * rt) / 1000000);
  return t > mrt ? Math.floor(((900000 + rngBelow(net.kernel.sim.rng6, 200001)) * mrt) / 1000000) : t;
}

/** addrconf_rs_timer: solicit again (rtr_solicits -1 is without end), no router ever answering in a lab. */
function addrconfRsTimer(idev: Inet6Dev): void {
  idev.rsTimer = null;
  const dev = idev.dev;
  if (idev.dead || !dev.isUp || !ipv6AcceptRa(idev)) return;
  if (!(idev.rsProbes++ < idev.cnf.rtr_solicits || idev.cnf.rtr_solicits < 0)) return;
  const lladdr = ipv6GetLladdr(dev);
  if (lladdr === null) return;
  ndiscSendRs(dev, lladdr, IN6ADDR_LINKLOCAL_ALLROUTERS);
  idev.rsInterval = rfc3315S14BackoffUpdate(dev.net, idev.rsInterval, idev.cnf.rtr_solicit_max_interval);
  const wait = idev.rsProbes === idev.cnf.rtr_solicits ? idev.cnf.rtr_solicit_delay : idev.rsInterval;
  idev.rsTimer = dev.net.kernel.sim.queue.schedule(wait, addrconfRsTimer, "timer", idev, IPV6_HOUSEKEEPING);
}
kernelFn(addrconfRsTimer);

/**
 * addrconf_dad_failure: the address stays, tentative and dadfailed, and is
 * never used. A stable-privacy id is generated again with the next DAD
 * count (up to idgen_retries), its DAD an idgen_delay later.
 */
export function addrconfDadFailure(ifp: Inet6Ifaddr, why: string): void {
  ifp.dadfailed = true;
  if (ifp.dadTimer) ifp.dadTimer.cancelled = true;
  ifp.dadTimer = null;
  const idev = ifp.idev;
  const dev = idev.dev;
  if (dev.net.tracing) dev.net.trace(dev, "addrconf_dad_failure", `${ifp.addr} dadfailed`, why);
  if (!ifp.stablePrivacy) return;
  const retries = ifp.stablePrivacyRetry + 1;
  const next = retries > IDGEN_RETRIES ? null : ipv6GenerateStableAddress(ifp.addr, retries, idev);
  if (next === null || idev.addrList.some((a) => a.addr === next)) {
    if (dev.net.tracing) dev.net.trace(dev, "addrconf_dad_failure", `no new id for ${ifp.addr}`, "privacy stable address generation failed because of DAD conflicts");
    return;
  }
  if (dev.net.tracing) dev.net.trace(dev, "addrconf_dad_failure", `${next} tentative`, "generating new stable privacy address because of DAD conflict");
  const r = ipv6AddAddr(dev, { addr: next, prefixlen: ifp.prefixlen, noRoute: true, noprefixroute: ifp.noprefixroute, stablePrivacy: true, stablePrivacyRetry: retries, dadDelayMs: IDGEN_DELAY_MS });
  void r;
}

/**
 * addrconf_notify NETDEV_UP / NETDEV_CHANGE: configure once the device is
 * up and has carrier: addresses added while it was down start DAD, the
 * multicast route and the link-local address are added.
 */
export function addrconfDevUp(dev: NetDevice): void {
  const idev = dev.in6Dev;
  const net = dev.net;
  if (!idev || idev.cnf.disable_ipv6 || !dev.isUp) return;
  if (dev.flags & IFF_LOOPBACK) {
    // init_loopback: ::1/128 without DAD and without a prefix route.
    if (!idev.addrList.some((a) => a.addr === IN6ADDR_LOOPBACK)) ipv6AddAddr(dev, { addr: IN6ADDR_LOOPBACK, prefixlen: 128 });
    return;
  }
  if (!dev.carrier) return;
  if (net.fib6.some((r) => r.table === "local" && r.type === "multicast" && r.dev === dev)) {
    // Configured already (IF_READY): the carrier came back. "resend MLD reports, we might have roamed".
    ipv6McUp(idev);
    return;
  }
  // addrconf_permanent_addr: the addresses kept or added while down get their prefix routes and DAD.
  for (const ifp of [...idev.addrList]) {
    if (!ifp.noprefixroute && ifp.prefixlen < 128) addrconfPrefixRoute(dev, ifp.addr, ifp.prefixlen);
    addrconfDadStart(ifp);
  }
  // addrconf_add_dev -> ipv6_find_idev: the groups joined while down are reported now.
  ipv6McUp(idev);
  // addrconf_add_dev -> addrconf_add_mroute: ff00::/8 in table local.
  fib6Add(net, { table: "local", type: "multicast", dst: "ff00::", plen: 8, dev, gateway: null, metric: 256, proto: "kernel" });
  addrconfAddrGen(idev);
}

/**
 * addrconf_addr_gen: a link-local address by addr_gen_mode: eui64 from the
 * MAC; stable_privacy from the stable secret (without one, only the
 * fe80::/64 route); random as stable_privacy with a secret of the device's
 * own, drawn once; none: no address, no fe80::/64.
 */
function addrconfAddrGen(idev: Inet6Dev): void {
  const dev = idev.dev;
  const mode = idev.cnf.addr_gen_mode;
  if (mode === IN6_ADDR_GEN_MODE_EUI64) {
    const ll = eui48LinkLocal(dev.mac, dev.devId);
    if (!idev.addrList.some((a) => a.addr === ll)) addrconfAddLinklocal(dev, ll, false);
    return;
  }
  if (mode !== IN6_ADDR_GEN_MODE_STABLE_PRIVACY && mode !== IN6_ADDR_GEN_MODE_RANDOM) return;
  if (mode === IN6_ADDR_GEN_MODE_RANDOM) ipv6GenModeRandomInit(idev);
  const ll = ipv6GenerateStableAddress("fe80::", 0, idev);
  // Without a secret (or an id): the prefix route alone.
  if (ll === null) addrconfPrefixRoute(dev, "fe80::", 64);
  else if (!idev.addrList.some((a) => a.addr === ll)) addrconfAddLinklocal(dev, ll, true);
}

/**
 * addrconf_add_linklocal: the address through the validators (an ipvlan
 * port refuses one a sibling holds), then, only if it was added, fe80::/64.
 */
function addrconfAddLinklocal(dev: NetDevice, ll: Ipv6, stablePrivacy: boolean): void {
  const r = ipv6AddAddr(dev, { addr: ll, prefixlen: 64, noRoute: true, stablePrivacy });
  if (r.ok) addrconfPrefixRoute(dev, "fe80::", 64);
  else if (dev.net.tracing) dev.net.trace(dev, "addrconf_add_linklocal", `no link-local ${ll}`, r.msg ?? r.errno);
}

/**
 * addrconf_ifdown: every address goes (with keep_addr_on_down, the global
 * ones stay, tentative again), with every route through the device, its
 * neighbours, and the timers; unregistering also ends the inet6_dev.
 */
export function addrconfIfdown(dev: NetDevice, unregister = false): void {
  const idev = dev.in6Dev;
  const net = dev.net;
  if (!idev) return;
  const keep = !unregister && Math.max(net.ipv6ConfAll.keep_addr_on_down, idev.cnf.keep_addr_on_down) > 0;
  rt6DelDev(net, dev);
  neighIfdown(dev, true);
  for (const ifp of [...idev.addrList]) {
    if (keep && ifp.scope === "global") {
      if (ifp.dadTimer) ifp.dadTimer.cancelled = true;
      ifp.dadTimer = null;
      ifp.tentative = true;
      ifp.dadfailed = false;
      if (ifp.solictJoined) addrconfLeaveSolict(dev, ifp.addr);
      ifp.solictJoined = false;
      continue;
    }
    delIfaddr(ifp, false);
  }
  if (idev.rsTimer) idev.rsTimer.cancelled = true;
  idev.rsTimer = null;
  idev.rsProbes = 0;
  ipv6McDown(idev);
  if (unregister) {
    idev.dead = true;
    dev.in6Dev = null;
  }
}

/** The subnet-router anycast address of an address's prefix, if it has one (addrconf_join_anycast). */
function anycastOf(ifp: Inet6Ifaddr): Ipv6 | null {
  if (ifp.prefixlen >= 127 || ifp.scope === "host") return null;
  const a = ipv6Network(ifp.addr, ifp.prefixlen);
  return a === "::" ? null : a;
}

/**
 * dev_forward_change: a device that forwards joins the all-routers groups
 * and, for each usable address, its prefix's subnet-router anycast address
 * (whose solicited-node group it then listens to); stopping leaves them.
 */
export function addrconfForwardChange(idev: Inet6Dev, on: number): void {
  const was = idev.cnf.forwarding !== 0;
  idev.cnf.forwarding = on;
  if (was === (on !== 0) || idev.cnf.disable_ipv6) return;
  const dev = idev.dev;
  const groups = ["ff01::2", "ff02::2", "ff05::2"];
  for (const g of groups) (on ? ipv6DevMcInc : ipv6DevMcDec)(dev, g);
  for (const ifp of idev.addrList) {
    if (ifp.tentative) continue;
    const ac = anycastOf(ifp);
    if (ac) (on ? addrconfJoinSolict : addrconfLeaveSolict)(dev, ac);
  }
}
