// drivers/net/ipvlan/ipvlan.h: the port a parent carries once it has ipvlan
// slaves (struct ipvl_port) and the slave device (struct ipvl_dev). Mode and
// flags belong to the port, so every slave of a parent shares them; the
// control plane is in ipvlan-main.ts, the data plane in ipvlan-core.ts.

import type { Ipv6 } from "../../../wire/ipv6-addr.js";
import type { Mac } from "../../../wire/mac.js";
import type { Ipv4 } from "../../../wire/ipv4-addr.js";
import type { KResult } from "../../errno.js";
import type { Net } from "../../net.js";
import type { SkBuff } from "../../skb.js";
import { ETH_MAX_MTU, NetDevice, type InetaddrEvent, type NetdevTx, type RxHandlerResult } from "../net-device.js";
import type { NetdevEvent, NetdevNotifier } from "../../core/notify.js";
import { bound, kernelFn } from "../../fork.js";
import { ipvlanHandleFrame, ipvlanQueueXmit } from "./ipvlan-core.js";
import { ipvlanAddr4Event, ipvlanAddr4Validate, ipvlanOpen, ipvlanStop, ipvlanUninit } from "./ipvlan-main.js";

export type IpvlanMode = "l2" | "l3" | "l3s";
/** The port's flags as `ip -d link` names them: bridge is neither IPVLAN_F_PRIVATE nor IPVLAN_F_VEPA. */
export type IpvlanFlags = "bridge" | "private" | "vepa";

/** A deferred broadcast or multicast frame (port->backlog), and whether a slave sent it (IPVL_SKB_CB(skb)->tx_pkt). */
export interface IpvlBacklogEntry {
  readonly skb: SkBuff;
  readonly txPkt: boolean;
  /** The event cause that queued it (EventQueue.cause). */
  readonly cause: string | null;
}

/** IPVLAN_QBACKLOG_LIMIT. */
export const IPVLAN_QBACKLOG_LIMIT = 1000;

kernelFn(ipvlanHandleFrame);

export class IpvlPort {
  mode: IpvlanMode = "l3";
  flags: IpvlanFlags = "bridge";
  /** port->ipvlans: the slaves in creation order (list_add_tail_rcu), which the multicast fan-out walks. */
  readonly ipvlans: IpvlanDevice[] = [];
  /** hlhead: the IPv4 and IPv6 addresses of the slaves that are up, each to its slave. */
  readonly hlhead = new Map<Ipv4 | Ipv6, IpvlanDevice>();
  readonly backlog: IpvlBacklogEntry[] = [];
  /** port->wq is scheduled: ipvlan_process_multicast will run once for everything queued by then. */
  wqScheduled = false;
  /** port->dev_id_start: the next dev_id to try (IDA, round robin over 1..0xFFFD). */
  devIdStart = 1;
  readonly notifier: NetdevNotifier;
  readonly rxHandler: (skb: SkBuff) => RxHandlerResult;

  constructor(
    /** port->dev: the parent. */
    readonly dev: NetDevice,
    notifier: (port: IpvlPort, dev: NetDevice, ev: NetdevEvent) => void,
  ) {
    this.notifier = bound(notifier, this);
    this.rxHandler = bound(ipvlanHandleFrame, this);
  }

  /** port->pnet: where L3 egress is routed, the parent's namespace wherever the slaves are. */
  get pnet(): Net {
    return this.dev.net;
  }
}

export class IpvlanDevice extends NetDevice {
  readonly kind: string = "ipvlan";
  override readonly noRxHandler = true;
  /** IPVLAN_ALWAYS_ON includes NETIF_F_VLAN_CHALLENGED. */
  override readonly vlanChallenged = true;
  /** ipvlan_link_setup: max_mtu = ETH_MAX_MTU, whatever the parent's MTU. */
  override readonly maxMtu = ETH_MAX_MTU;
  /** ipvlan->addrs: every IPv4 and IPv6 address configured on the slave, up or not. */
  readonly addrs = new Set<Ipv4 | Ipv6>();
  /** ipvlan->port: set once registered (ipvlan_init creates it on the first slave). */
  port!: IpvlPort;

  constructor(
    name: string,
    mac: Mac,
    net: Net,
    /** ipvlan->phy_dev. */
    readonly phyDev: NetDevice,
  ) {
    super(name, mac, net);
    this.addrAssignType = "perm";
    // alloc_netdev leaves the carrier on; ipvlan only ever copies its parent's (ipvlan_link_new).
    this.carrier = true;
  }

  ndoStartXmit(skb: SkBuff): NetdevTx {
    return ipvlanQueueXmit(this, skb);
  }

  override ndoGetIflink(): NetDevice | null {
    return this.phyDev;
  }

  override ndoOpen(): void {
    ipvlanOpen(this);
  }

  override ndoStop(): void {
    ipvlanStop(this);
  }

  /** ipvlan_netdev_ops has no ndo_set_mac_address: dev_set_mac_address answers EOPNOTSUPP. */
  override ndoSetMacAddress(): KResult {
    return { ok: false, errno: "EOPNOTSUPP" };
  }

  override inetaddrValidate(addr: Ipv4): KResult {
    return ipvlanAddr4Validate(this, addr);
  }

  override inetaddrEvent(ev: InetaddrEvent, addr: Ipv4): void {
    ipvlanAddr4Event(this, ev, addr);
  }

  /** ipvlan_addr6_validator_event: the same refusal for IPv6 (link-locals too). */
  override inet6addrValidate(addr: Ipv6): KResult {
    return ipvlanAddr4Validate(this, addr);
  }

  /** ipvlan_addr6_event. */
  override inet6addrEvent(ev: InetaddrEvent, addr: Ipv6): void {
    ipvlanAddr4Event(this, ev, addr);
  }

  override ndoUninit(): void {
    ipvlanUninit(this);
  }
}
