// struct net_device: the state the core keeps for every device, whatever its
// kind. Kind-specific behaviour lives in subclasses (one file per kind), and
// the core reaches it only through the ndo* methods and the rx_handler hook,
// never by asking which kind a device is.

import { IPV6_HLEN, ipv6PayloadLength } from "../../wire/ipv6.js";
import type { Mac } from "../../wire/mac.js";
import { ETH_HLEN, vlanCount, type EthernetFrame } from "../../wire/ethernet.js";
import { VLAN_HLEN } from "../../wire/vlan.js";
import { ARP_HLEN } from "../../wire/arp.js";
import { ipv4TotalLength } from "../../wire/ipv4.js";
import { fail, okVoid, type KResult } from "../errno.js";
import type { InDevice } from "../ipv4/devinet.js";
import type { Inet6Dev } from "../ipv6/inet6-dev.js";
import { ipv6McMacs } from "../ipv6/mcast.js";
import type { Ipv6 } from "../../wire/ipv6-addr.js";
import type { Neighbour } from "../neigh/neighbour.js";
import type { Net } from "../net.js";
import type { PacketType, SkBuff } from "../skb.js";

export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_POINTOPOINT = 0x10;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_ALLMULTI = 0x200;
export const IFF_MASTER = 0x400;
export const IFF_SLAVE = 0x800;
export const IFF_MULTICAST = 0x1000;
export const IFF_LOWER_UP = 0x10000;

/** rx_handler_result_t. */
export type RxHandlerResult = "consumed" | "another" | "exact" | "pass";
export type RxHandler = (skb: SkBuff) => RxHandlerResult;

export type TapDirection = "in" | "out";
export interface TapEvent {
  readonly time: number;
  readonly dev: NetDevice;
  readonly direction: TapDirection;
  readonly pktType: PacketType;
  readonly frame: EthernetFrame;
}
/** What a ptype_all listener (tcpdump's packet socket) on this device sees. */
export type Tap = (ev: TapEvent) => void;

/**
 * struct rtnl_link_stats64 as dev_get_stats reports it (the counters the
 * simulator can move; the rest of /sys/class/net/DEV/statistics stays 0). As
 * in Linux each driver counts for itself, where its own code does (veth_xmit
 * for both ends of a pair, loopback_xmit, br_dev_xmit and br_pass_frame_up),
 * not the core receive path; rxDropped and txDropped include what the core
 * adds (dev_core_stats_*_dropped_inc).
 */
export interface DevStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxDropped: number;
  txDropped: number;
  rxErrors: number;
  txErrors: number;
  /** Multicast frames received (rx_multicast). */
  multicast: number;
}

/** The packet behind the Ethernet header and any VLAN tags. */
export function payloadLen(frame: EthernetFrame): number {
  const p = frame.payload;
  return p.kind === "arp" ? ARP_HLEN : p.kind === "ipv4" ? ipv4TotalLength(p.ip) : p.kind === "ipv6" ? IPV6_HLEN + ipv6PayloadLength(p.ip6) : p.bytes.length;
}

/**
 * skb->len of a frame as a driver's transmit sees it: the Ethernet header and
 * the packet, no padding, no FCS. The outermost VLAN tag is not in it: every
 * simulated device that carries tagged frames (veth, bridge) offloads it to
 * skb->vlan_tci (NETIF_F_HW_VLAN_CTAG_TX/STAG_TX); inner tags are in the data.
 */
export function skbLen(frame: EthernetFrame): number {
  return ETH_HLEN + Math.max(0, vlanCount(frame) - 1) * VLAN_HLEN + payloadLen(frame);
}

/** NET_ADDR_PERM, NET_ADDR_RANDOM, NET_ADDR_STOLEN (a VLAN's, its lower device's), NET_ADDR_SET. */
export type AddrAssignType = "perm" | "random" | "stolen" | "set";

/** ETH_MIN_MTU and ETH_MAX_MTU: ether_setup's range, which most virtual devices keep. */
export const ETH_MIN_MTU = 68;
export const ETH_MAX_MTU = 65535;

/** dev_validate_mtu: within the device's range, where 0 means no limit. */
export function devValidateMtu(mtu: number, minMtu: number, maxMtu: number): KResult {
  if (minMtu > 0 && mtu < minMtu) return fail("EINVAL", "mtu less than device minimum");
  if (maxMtu > 0 && mtu > maxMtu) return fail("EINVAL", "mtu greater than device maximum");
  return okVoid;
}

/** netdev_tx_t as ndo_start_xmit returns it: NET_XMIT_DROP comes back to a sender as ENOBUFS (net_xmit_errno). */
export type NetdevTx = "NET_XMIT_SUCCESS" | "NET_XMIT_DROP" | "ENETDOWN";

/** inetaddr_chain's events for one IPv4 address of a device. */
export type InetaddrEvent = "up" | "down";

export abstract class NetDevice {
  abstract readonly kind: string;
  /** NETIF_F_NETNS_LOCAL: lo and bridges cannot change namespace. */
  readonly netnsLocal: boolean = false;
  /** Has rtnl_link_ops: deleted, not sent home, when its namespace is deleted. */
  readonly hasLinkOps: boolean = true;
  /** dev->min_mtu / max_mtu; 0 means no limit (dev_validate_mtu). */
  readonly minMtu: number = ETH_MIN_MTU;
  readonly maxMtu: number = ETH_MAX_MTU;
  /** IFF_NO_RX_HANDLER: nothing can stack on this device (an ipvlan slave). */
  readonly noRxHandler: boolean = false;
  /** NETIF_F_VLAN_CHALLENGED: no VLAN can be made on it (lo, an ipvlan slave). */
  readonly vlanChallenged: boolean = false;
  /** IFF_UNICAST_FLT: the device filters its unicast list itself instead of going promiscuous (a VLAN hands it on). */
  readonly unicastFilter: boolean = false;
  /**
   * Whether the driver's stats include dev->stats (what DEV_STATS_INC counts):
   * veth_get_stats64 reports only its own per-cpu counters, so an error the
   * core or an upper device counts on a veth never shows.
   */
  readonly reportsDevStats: boolean = true;
  /** What rtnl_fill_ifinfo reports for a single-queue virtual device without offloads (the 6.1 defaults). */
  readonly numTxQueues: number = 1;
  readonly gsoMaxSize: number = 65536;
  readonly gsoMaxSegs: number = 65535;
  readonly tsoMaxSize: number = 524280;
  readonly tsoMaxSegs: number = 65535;
  readonly groMaxSize: number = 65536;

  ifindex = 0;
  flags = IFF_BROADCAST | IFF_MULTICAST;
  carrier = false;
  mtu = 1500;
  /** dev->tx_queue_len: DEFAULT_TX_QUEUE_LEN from ether_setup; a creator may set it (IFLA_TXQLEN, 0 included). */
  txQueueLen = 1000;
  addrAssignType: AddrAssignType = "random";
  /** dev->perm_addr: register_netdevice copies the address of a NET_ADDR_PERM device (an ipvlan's is its parent's). */
  permAddr: Mac | null = null;
  /** NETREG_UNREGISTERING while it is being deleted: a netns move sends NETDEV_UNREGISTER too, but stays REGISTERED. */
  regState: "registered" | "unregistering" = "registered";
  /** dev->qdisc: noop until the first open attaches the default (dev_activate), back to noop when a netns move shuts it down. */
  qdisc: "noop" | "noqueue" = "noop";
  rxHandler: RxHandler | null = null;
  /** Whose rx_handler it is ("ipvlan", "macvlan", "bridge"), for traces that say who does not see a frame. */
  rxHandlerOwner: string | null = null;
  /** l3mdev_ops->l3mdev_l3_rcv of a device with IFF_L3MDEV_RX_HANDLER: ip_rcv_finish hands it every IPv4 packet first (l3mdev_ip_rcv). */
  l3mdevL3Rcv: ((skb: SkBuff) => void) | null = null;
  /** dev->promiscuity and dev->allmulti: how many users asked (dev_set_promiscuity, dev_set_allmulti). */
  promiscuity = 0;
  allmulti = 0;
  /**
   * carrier_up_count + carrier_down_count (IFLA_CARRIER_CHANGES): every
   * carrier change after registration; a driver that turns the carrier off
   * right after register_netdevice starts at 1.
   */
  carrierChanges = 0;
  /** dev->dev_id: tells apart devices that share a MAC (an ipvlan port's slaves) in their IPv6 interface ids. */
  devId = 0;
  /** The device's IPv6 state (inet6_dev): null below the minimum MTU and after unregistering. */
  in6Dev: Inet6Dev | null = null;
  /** netdev_master_upper_dev (the bridge a port belongs to). */
  master: NetDevice | null = null;
  /** dev->vlan_info: the VLAN devices stacked on this one, once there is one (8021q). */
  vlanInfo: VlanInfoRef | null = null;
  /** dev->uc: the secondary unicast addresses upper devices asked for (dev_uc_add), with their reference counts. */
  readonly uc = new Map<Mac, number>();
  /** dev->uc_promisc: the unicast list made this device promiscuous (__dev_set_rx_mode). */
  ucPromisc = false;
  inDev: InDevice | null = null;
  /** This device's share of arp_tbl, keyed by the neighbour's IPv4 address. */
  readonly neigh = new Map<number, Neighbour>();
  /** Its share of nd_tbl, keyed by the neighbour's IPv6 address. */
  readonly neigh6 = new Map<Ipv6, Neighbour>();
  readonly taps = new Set<Tap>();
  readonly stats: DevStats = { rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0, multicast: 0 };

  constructor(
    public name: string,
    public mac: Mac,
    public net: Net,
  ) {}

  get isUp(): boolean {
    return (this.flags & IFF_UP) !== 0;
  }

  /** netif_running && netif_carrier_ok: the device can move frames. */
  get operUp(): boolean {
    return this.isUp && this.carrier;
  }

  /** ndo_start_xmit: the frame has passed the taps; the device moves it on. */
  abstract ndoStartXmit(skb: SkBuff): NetdevTx;
  /** ndo_get_iflink: the device this one is stacked on or paired with (IFLA_LINK, the `@if` in `ip link`). */
  ndoGetIflink(): NetDevice | null {
    return null;
  }
  /**
   * The device's multicast address list (dev->mc), in the order the
   * addresses were joined: IPv6's all-nodes group at registration (even with
   * IPv6 disabled), then IPv4's all-hosts group while the device is up with
   * IPv4 (ip_mc_up). Loopback has none.
   */
  mcList(): Mac[] {
    if (this.flags & IFF_LOOPBACK) return [];
    const base = this.isUp && this.inDev ? ["33:33:00:00:00:01", "01:00:5e:00:00:01"] : ["33:33:00:00:00:01"];
    // The groups IPv6 joined (solicited-node ones), each MAC once (dev_mc_add counts users).
    for (const m of ipv6McMacs(this)) if (!base.includes(m)) base.push(m);
    return base;
  }
  /** ndo_open: called after IFF_UP is set; a refusal (macvlan_open's EADDRINUSE) leaves the device down. */
  ndoOpen(): KResult | void {}
  /** ndo_stop: called after IFF_UP is cleared. */
  ndoStop(): void {}
  /** rtnl_link_ops->dellink: a veth takes its peer with it. */
  dellinkExtra(): NetDevice[] {
    return [];
  }
  ndoSetMacAddress(mac: Mac): KResult {
    this.mac = mac;
    this.addrAssignType = "set";
    return okVoid;
  }
  ndoChangeMtu(mtu: number): KResult {
    const r = devValidateMtu(mtu, this.minMtu, this.maxMtu);
    if (r.ok) this.mtu = mtu;
    return r;
  }
  /** inetaddr_validator_chain: a device may refuse an address (ipvlan refuses duplicates across its port). */
  inetaddrValidate(_addr: number): KResult {
    return okVoid;
  }
  /** inetaddr_chain NETDEV_UP/NETDEV_DOWN for one of this device's addresses (ipvlan keeps its port's address hash with it). */
  inetaddrEvent(_ev: InetaddrEvent, _addr: number): void {}
  /** inet6addr_validator_chain: as inetaddrValidate, for an IPv6 address. */
  inet6addrValidate(_addr: Ipv6): KResult {
    return okVoid;
  }
  /** inet6addr_chain NETDEV_UP/NETDEV_DOWN. */
  inet6addrEvent(_ev: InetaddrEvent, _addr: Ipv6): void {}
  /** Called when the device leaves its namespace or is deleted, after IPv4 and FIB cleanup. */
  ndoUninit(): void {}
  /** ndo_set_rx_mode: the unicast list changed while the device is up (a VLAN syncs it to its lower device). */
  ndoSetRxMode(): void {}
}

/** What the core knows of a device's vlan_info: the VLAN device for a tag, if any (vlan_find_dev). */
export interface VlanInfoRef {
  find(tpid: number, vid: number): NetDevice | null;
}

/** netdev_rx_handler_register: one handler per device; EBUSY if taken. */
export function netdevRxHandlerRegister(dev: NetDevice, handler: RxHandler, owner: string): KResult {
  if (dev.noRxHandler) return fail("EINVAL");
  if (dev.rxHandler) return fail("EBUSY", "Device is already in use");
  dev.rxHandler = handler;
  dev.rxHandlerOwner = owner;
  return okVoid;
}

/** DEV_STATS_INC: counted in dev->stats, which only some drivers report. */
export function devStatsInc(dev: NetDevice, key: "txErrors" | "rxErrors"): void {
  if (dev.reportsDevStats) dev.stats[key]++;
}

export function netdevRxHandlerUnregister(dev: NetDevice): void {
  dev.rxHandler = null;
  dev.rxHandlerOwner = null;
}
