// struct net: one network namespace. It owns its devices (in dev_base order,
// lo first), its FIB, its IPv4 sysctls, its sockets and its MIB counters.

import type { Pneigh6 } from "./ipv6/pndisc.js";
import type { NetDevice } from "./devices/net-device.js";
import type { Ipv4 } from "../wire/ipv4-addr.js";
import { Fib } from "./ipv4/fib.js";
import type { Kernel } from "./kernel.js";
import type { PacketSocket, Raw6Socket, RawSocket } from "./sockets.js";
import type { SkBuff } from "./skb.js";
import type { Fib6Info } from "./ipv6/route.js";
import { IPV6_DEVCONF_ALL_DEFAULTS, IPV6_DEVCONF_DEFAULTS, type Ipv6DevConf } from "./ipv6/inet6-dev.js";
import { DEVCONF_DEFAULTS, NEIGH_PARMS_DEFAULTS, NET_SCALAR_DEFAULTS, type ConfKey, type DevConf, type NeighParms, type NetScalarKey } from "./sysctl-defaults.js";
import { IPV6_HOUSEKEEPING } from "./trace.js";

export class Net {
  readonly devices = new Map<number, NetDevice>();
  private lastIfindex = 0;
  /** Set by the kernel right after construction; lo always exists. */
  loopback!: NetDevice;
  readonly fib = new Fib();
  readonly confAll: DevConf;
  readonly confDflt: DevConf;
  /**
   * conf/default's state bits: keys written by hand. The kernel copies them
   * along with the values (kmemdup into a new namespace, memcpy into a new
   * device), so a device born after such a write no longer follows default.
   */
  readonly confDfltSet: Set<ConfKey>;
  /** inet_addr_lst: the devices holding each local address (several can), so finding one is not a scan. */
  readonly inetAddrLst = new Map<Ipv4, NetDevice[]>();
  readonly neighDflt: NeighParms = { ...NEIGH_PARMS_DEFAULTS };
  readonly scalars: Record<NetScalarKey, number> = { ...NET_SCALAR_DEFAULTS };
  /** nstat-style counters (TcpExtIPReversePathFilter, IpInAddrErrors, IpInOctets, …), always counted. */
  readonly mib: Record<string, number> = Object.create(null) as Record<string, number>;
  readonly rawSockets = new Set<RawSocket>();
  readonly packetSockets = new Set<PacketSocket>();
  /** NF_INET_LOCAL_IN hooks registered in this namespace (ipvlan's l3s): each may hand the packet to another device before delivery. */
  readonly nfLocalIn = new Set<(skb: SkBuff) => void>();
  /** IPv6 routes of tables local and main, as added (route.ts orders them as fib6 walks them). */
  readonly fib6: Fib6Info[] = [];
  /** net.ipv6.conf.all and .default. */
  readonly ipv6ConfAll: Ipv6DevConf;
  readonly ipv6ConfDflt: Ipv6DevConf;
  /** nd_tbl's proxy entries (pneigh), newest first. */
  readonly pneigh6: Pneigh6[] = [];
  /** net.ipv6.conf.default.stable_secret, once written (a new namespace starts without one). */
  ipv6StableSecretDflt: Uint8Array | null = null;
  readonly raw6Sockets = new Set<Raw6Socket>();
  /** inet_peer state for ip_rt_send_redirect, keyed by the packet's source. */
  readonly redirectPeers = new Map<number, { rateLast: number; nRedirects: number }>();
  /** inet_peer token buckets for icmpv4_xrlim_allow, keyed by the error's destination. */
  readonly icmpPeers = new Map<number, { tokens: number; last: number }>();

  /**
   * devinet_init_net with devconf_inherit_init_net=0: a new namespace copies
   * init_net's current conf/all and conf/default.
   */
  constructor(
    readonly kernel: Kernel,
    readonly name: string,
    template: Net | null,
  ) {
    this.confAll = { ...(template ? template.confAll : DEVCONF_DEFAULTS) };
    this.confDflt = { ...(template ? template.confDflt : DEVCONF_DEFAULTS) };
    this.confDfltSet = new Set(template?.confDfltSet);
    // addrconf_init_net: a new namespace copies init_net's conf/all and conf/default (devconf_inherit_init_net=0).
    this.ipv6ConfAll = { ...(template ? template.ipv6ConfAll : IPV6_DEVCONF_ALL_DEFAULTS) };
    this.ipv6ConfDflt = { ...(template ? template.ipv6ConfDflt : IPV6_DEVCONF_DEFAULTS) };
  }

  get now(): number {
    return this.kernel.sim.queue.now;
  }

  /**
   * True when a trace sink is set and wants this step: guard every trace()
   * call with it. Steps of IPv6's own traffic are only counted (Sim.housekeepingSteps)
   * unless the sink asked for them, so a trace of a command never pays for their words.
   */
  get tracing(): boolean {
    const sim = this.kernel.sim;
    if (sim.traceSink === null) return false;
    if (sim.queue.cause !== IPV6_HOUSEKEEPING || sim.traceHousekeeping) return true;
    sim.housekeepingSteps++;
    return false;
  }

  trace(dev: NetDevice | string, func: string, what: string, why?: string): void {
    const sink = this.kernel.sim.traceSink;
    if (!sink) return;
    const step = { time: this.now, host: this.kernel.hostname, netns: this.name, dev: typeof dev === "string" ? dev : dev.name, func, what, ...(why === undefined ? {} : { why }) };
    sink(this.kernel.sim.queue.cause === IPV6_HOUSEKEEPING ? { ...step, housekeeping: true } : step);
  }

  mibInc(name: string): void {
    this.mib[name] = (this.mib[name] ?? 0) + 1;
  }

  mibAdd(name: string, n: number): void {
    this.mib[name] = (this.mib[name] ?? 0) + n;
  }

  devByName(name: string): NetDevice | undefined {
    for (const d of this.devices.values()) if (d.name === name) return d;
    return undefined;
  }

  devByIndex(ifindex: number): NetDevice | undefined {
    return this.devices.get(ifindex);
  }

  /** dev_new_index (6.1): the next free index after the last one handed out, so lo gets 1. */
  devNewIndex(): number {
    for (;;) {
      this.lastIfindex = this.lastIfindex >= 0x7fffffff ? 1 : this.lastIfindex + 1;
      if (!this.devices.has(this.lastIfindex)) return this.lastIfindex;
    }
  }
}
