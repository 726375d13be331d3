// net/8021q, the structures: a VLAN device (struct vlan_dev_priv) and the
// group of VLAN devices a lower device carries (struct vlan_info, its
// vlan_group), found by tag protocol and VLAN id. The control plane is in
// vlan-link.ts (vlan.c, vlan_netlink.c and vlan_dev.c's ndo ops), the data
// plane in vlan-core.ts (vlan_dev_hard_start_xmit, vlan_do_receive).

import type { Mac } from "../../../wire/mac.js";
import { ETH_P_8021Q } from "../../../wire/vlan.js";
import type { KResult } from "../../errno.js";
import type { Net } from "../../net.js";
import type { SkBuff } from "../../skb.js";
import type { NetdevEvent, NetdevNotifier } from "../../core/notify.js";
import { bound } from "../../fork.js";
import { devUcSync } from "../../core/dev-addr-lists.js";
import { ETH_MAX_MTU, NetDevice, type NetdevTx, type VlanInfoRef } from "../net-device.js";
import { vlanDevHardStartXmit } from "./vlan-core.js";
import { unregisterVlanDev, vlanDevChangeMtu, vlanDevOpen, vlanDevSetMacAddress, vlanDevStop } from "./vlan-link.js";

/** enum vlan_flags, as `ip -d link` names them, in its order. */
export const VLAN_FLAG_REORDER_HDR = 0x1;
export const VLAN_FLAG_GVRP = 0x2;
export const VLAN_FLAG_LOOSE_BINDING = 0x4;
export const VLAN_FLAG_MVRP = 0x8;
export const VLAN_FLAG_BRIDGE_BINDING = 0x10;

/** struct vlan_priority_tci_mapping: an skb priority and the PCP it gets on the way out. */
export interface VlanEgressMapping {
  readonly priority: number;
  pcp: number;
}

/** vlan_proto_idx and the VLAN id as one key: 802.1Q first, then 802.1ad, each by id. */
const vlanKey = (tpid: number, vid: number): number => (tpid === ETH_P_8021Q ? 0 : 1) * 4096 + vid;

/**
 * struct vlan_info: the lower device's VLANs, and its notifier entry for
 * them (vlan_device_event, bound to this group so a fork of the world
 * calls it on its own copy).
 */
export class VlanInfo implements VlanInfoRef {
  /** vlan_group: the VLAN devices by protocol and id. */
  readonly grp = new Map<number, VlanDevice>();
  readonly notifier: NetdevNotifier;

  constructor(
    readonly realDev: NetDevice,
    notifier: (info: VlanInfo, dev: NetDevice, ev: NetdevEvent) => void,
  ) {
    this.notifier = bound(notifier, this);
  }

  /** vlan_group_get_device. */
  find(tpid: number, vid: number): VlanDevice | null {
    return this.grp.get(vlanKey(tpid, vid)) ?? null;
  }

  set(dev: VlanDevice): void {
    this.grp.set(vlanKey(dev.vlanProto, dev.vlanId), dev);
  }

  delete(dev: VlanDevice): void {
    this.grp.delete(vlanKey(dev.vlanProto, dev.vlanId));
  }

  get size(): number {
    return this.grp.size;
  }

  /** vlan_group_for_each_dev: the 802.1Q VLANs by id, then the 802.1ad ones. */
  devices(): VlanDevice[] {
    return [...this.grp.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
  }
}

export class VlanDevice extends NetDevice {
  readonly kind: string = "vlan";
  /** vlan_setup: min_mtu 0, max_mtu ETH_MAX_MTU; vlan_dev_change_mtu holds it to the lower device's MTU. */
  override readonly minMtu = 0;
  override readonly maxMtu = ETH_MAX_MTU;
  /** vlan_dev_get_stats64 reports only the VLAN's per-cpu counters. */
  override readonly reportsDevStats = false;
  /** vlan_setup sets IFF_UNICAST_FLT: addresses asked of a VLAN go to its lower device (vlan_dev_set_rx_mode). */
  override readonly unicastFilter = true;
  /** vlan->flags: REORDER_HDR from vlan_newlink, the rest as asked. */
  vlanFlags = VLAN_FLAG_REORDER_HDR;
  /** vlan->egress_priority_map, in the order vlan_fill_info walks it. */
  readonly egressMap: VlanEgressMapping[] = [];
  /** vlan->real_dev_addr: the lower device's MAC when the VLAN last looked (open, NETDEV_CHANGEADDR). */
  realDevAddr: Mac;
  /** The addresses of this VLAN's unicast list its lower device holds for it (dev_uc_sync). */
  readonly ucSynced = new Set<Mac>();

  constructor(
    name: string,
    mac: Mac,
    net: Net,
    /** vlan->real_dev: the device the tags go out on, in any namespace. */
    readonly realDev: NetDevice,
    /** vlan->vlan_proto (ETH_P_8021Q or ETH_P_8021AD). */
    readonly vlanProto: number,
    /** vlan->vlan_id. */
    readonly vlanId: number,
  ) {
    super(name, mac, net);
    this.realDevAddr = realDev.mac;
  }

  ndoStartXmit(skb: SkBuff): NetdevTx {
    return vlanDevHardStartXmit(this, skb);
  }

  override ndoGetIflink(): NetDevice | null {
    return this.realDev;
  }

  override ndoOpen(): KResult | void {
    return vlanDevOpen(this);
  }

  override ndoStop(): void {
    vlanDevStop(this);
  }

  override ndoSetMacAddress(mac: Mac): KResult {
    return vlanDevSetMacAddress(this, mac);
  }

  override ndoChangeMtu(mtu: number): KResult {
    return vlanDevChangeMtu(this, mtu);
  }

  /** vlan_dev_set_rx_mode: the lower device holds this VLAN's unicast list. */
  override ndoSetRxMode(): void {
    devUcSync(this.realDev, this, this.ucSynced);
  }

  override ndoUninit(): void {
    unregisterVlanDev(this);
  }
}
