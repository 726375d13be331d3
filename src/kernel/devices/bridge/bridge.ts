// net/bridge/br_device.c + br_if.c: the bridge device (a host interface of
// its own) and its ports. STP is off, so a port forwards as soon as it and
// the bridge are up with carrier, and the bridge has carrier while any port
// forwards.

import { isBroadcastMac, isMulticastMac, type Mac } from "../../../wire/mac.js";
import { netdevChangeaddr, netifCarrier } from "../../core/link.js";
import { registerNetdevNotifier, unregisterNetdevNotifier, type NetdevEvent, type NetdevNotifier } from "../../core/notify.js";
import { fail, okVoid, type KResult } from "../../errno.js";
import { bound, kernelFn } from "../../fork.js";
import type { Net } from "../../net.js";
import type { SkBuff } from "../../skb.js";
import { IFF_LOOPBACK, IFF_MASTER, IFF_PROMISC, IFF_SLAVE, NetDevice, type NetdevTx, netdevRxHandlerRegister, netdevRxHandlerUnregister, skbLen } from "../net-device.js";
import { Fdb } from "./br-fdb.js";
import { brFlood, brForward } from "./br-forward.js";
import { brHandleFrame } from "./br-input.js";

/** BR_DEFAULT_FORWARD_DELAY (15 s). */
const BR_FORWARD_DELAY_MS = 15_000;

/** BR_PORT_DEFAULT_PRIORITY, and BR_MAX_PORT_PRIORITY (a port id keeps 6 bits for it). */
export const BR_PORT_DEFAULT_PRIORITY = 0x20;
const BR_MAX_PORT_PRIORITY = 63;
const BR_PORT_BITS = 10;
/** BR_MIN_PATH_COST, BR_MAX_PATH_COST. */
const BR_MIN_PATH_COST = 1;
const BR_MAX_PATH_COST = 65535;

/** br_device_event, for the port's own device. */
function brDeviceEvent(p: BridgePort, _dev: NetDevice, ev: NetdevEvent): void {
  p.br.portEvent(p, ev);
}
kernelFn(brDeviceEvent);
kernelFn(brHandleFrame);

export class BridgePort {
  /** BR_HAIRPIN_MODE. */
  hairpin = false;
  /** BR_LEARNING. */
  learning = true;
  /** BR_FLOOD: unknown unicast is flooded to this port. */
  flood = true;
  /** BR_MCAST_FLOOD, BR_BCAST_FLOOD. */
  mcastFlood = true;
  bcastFlood = true;
  /** BR_ISOLATED. */
  isolated = false;
  /** p->priority. */
  priority = BR_PORT_DEFAULT_PRIORITY;
  /** p->path_cost when set by hand (BR_ADMIN_COST); null: from the device's speed (port_cost). */
  adminCost: number | null = null;
  /**
   * When forward_delay_timer expires: br_make_forwarding arms it (forward_delay,
   * 15 s) even without STP, where the port forwards at once; disabling the
   * port deletes it. null while not armed.
   */
  forwardDelayEnd: number | null = null;
  readonly notifier: NetdevNotifier;

  constructor(
    readonly br: BridgeDevice,
    readonly dev: NetDevice,
    /** find_portno: the lowest number no other port holds, from 1. */
    readonly portNo: number,
  ) {
    this.notifier = bound(brDeviceEvent, this);
  }

  /** p->port_id (br_make_port_id): the priority over the port number. */
  get portId(): number {
    return (this.priority << BR_PORT_BITS) | this.portNo;
  }

  /** br_stp_set_path_cost. */
  setPathCost(cost: number): KResult {
    if (cost < BR_MIN_PATH_COST || cost > BR_MAX_PATH_COST) return fail("ERANGE");
    this.adminCost = cost;
    return okVoid;
  }

  /** br_stp_set_port_priority. */
  setPriority(prio: number): KResult {
    if (prio > BR_MAX_PORT_PRIORITY) return fail("ERANGE");
    this.priority = prio;
    return okVoid;
  }

  /** BR_STATE_FORWARDING with STP off; every other state drops. */
  get forwarding(): boolean {
    return this.br.isUp && this.dev.isUp && this.dev.carrier;
  }
}

export class BridgeDevice extends NetDevice {
  readonly kind = "bridge";
  override readonly netnsLocal = true;
  readonly ports = new Map<NetDevice, BridgePort>();
  /** port_list: br_add_if puts each new port at its head (list_add_rcu), so a flood reaches the newest port first. Replaced, never changed in place, so a flood walks the list it started with. */
  portList: readonly BridgePort[] = [];
  readonly fdb = new Fdb();
  /** IFF_PROMISC on the bridge device itself (a capture on it): br_handle_frame_finish passes every frame up. */
  get promisc(): boolean {
    return this.promiscuity > 0;
  }
  /** multicast_snooping (on by default): only its effect on the device's multicast list is modelled. */
  mcastSnooping = true;
  /** When gc_work (br_fdb_cleanup) first runs: br_dev_open queues it HZ/10 ahead, br_dev_stop cancels it. */
  gcStart: number | null = null;

  constructor(name: string, mac: Mac, net: Net) {
    super(name, mac, net);
    // alloc_netdev leaves the carrier on; the first br_port_state_selection that finds no forwarding port turns it off, and that counts.
    this.carrier = true;
    this.flags |= IFF_MASTER;
    this.fdb.insertLocal(mac, null);
  }

  /** br_dev_xmit: frames the host sends through the bridge, counted as sent before they are forwarded or flooded. */
  ndoStartXmit(skb: SkBuff): NetdevTx {
    this.stats.txPackets++;
    this.stats.txBytes += skbLen(skb.frame);
    const dst = skb.frame.dst;
    if (isMulticastMac(dst)) {
      brFlood(this, skb, isBroadcastMac(dst) ? "broadcast" : "multicast", isBroadcastMac(dst) ? "broadcast" : "multicast");
      return "NET_XMIT_SUCCESS";
    }
    const e = this.fdb.find(dst, this.net.now);
    if (e?.port) brForward(e.port, skb);
    else if (!e) brFlood(this, skb, "unknown unicast", "unicast");
    return "NET_XMIT_SUCCESS";
  }

  /** A snooping bridge joins the all-snoopers groups when it opens (br_multicast_open), after IPv6's all-nodes. */
  override mcList(): Mac[] {
    const list = super.mcList();
    if (this.isUp && this.mcastSnooping) list.splice(1, 0, "01:00:5e:00:00:6a", "33:33:00:00:00:6a");
    return list;
  }

  override ndoOpen(): void {
    this.gcStart = this.net.now + 100;
    this.updateCarrier();
  }

  override ndoStop(): void {
    this.gcStart = null;
    for (const p of this.ports.values()) p.forwardDelayEnd = null;
    netifCarrier(this, false);
  }

  override ndoSetMacAddress(mac: Mac): KResult {
    this.fdb.deleteLocal(this.mac, null);
    this.fdb.insertLocal(mac, null);
    return super.ndoSetMacAddress(mac);
  }

  /** br_port_state_selection, as far as STP off goes: the ports' forward_delay_timer, then the bridge's carrier. */
  updateCarrier(): void {
    for (const p of this.ports.values()) {
      if (!p.forwarding) p.forwardDelayEnd = null;
      else if (p.forwardDelayEnd === null) p.forwardDelayEnd = this.net.now + BR_FORWARD_DELAY_MS;
    }
    netifCarrier(this, this.isUp && [...this.ports.values()].some((p) => p.forwarding));
  }

  /** br_stp_recalculate_bridge_id: without an address set by hand the bridge takes its lowest port MAC. */
  recalcMac(): void {
    if (this.addrAssignType === "set" || this.ports.size === 0) return;
    const lowest = [...this.ports.keys()].map((d) => d.mac).sort()[0]!;
    if (lowest === this.mac) return;
    this.fdb.deleteLocal(this.mac, null);
    this.mac = lowest;
    this.fdb.insertLocal(lowest, null);
    netdevChangeaddr(this);
  }

  portEvent(p: BridgePort, ev: string): void {
    if (ev === "unregister") {
      brDelIf(this, p.dev);
      return;
    }
    if (ev === "changeaddr") this.recalcMac();
    this.updateCarrier();
  }

  override ndoUninit(): void {
    for (const d of [...this.ports.keys()]) brDelIf(this, d);
  }
}

function findPortno(br: BridgeDevice): number {
  const used = new Set([...br.ports.values()].map((p) => p.portNo));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** br_add_if. */
export function brAddIf(br: BridgeDevice, dev: NetDevice): KResult {
  if (dev.flags & IFF_LOOPBACK) return fail("EINVAL");
  if (dev === br || dev instanceof BridgeDevice) return fail("ELOOP", "Can not enslave a bridge to a bridge");
  if (dev.net !== br.net) return fail("EINVAL");
  if (dev.master) return fail("EBUSY", "Device is already in use");
  const p = new BridgePort(br, dev, findPortno(br));
  const r = netdevRxHandlerRegister(dev, bound(brHandleFrame, p), "bridge");
  if (!r.ok) return r;
  br.ports.set(dev, p);
  br.portList = [p, ...br.portList];
  dev.master = br;
  dev.flags |= IFF_SLAVE | IFF_PROMISC;
  // br_add_if: dev_set_allmulti, then nbp_update_port_count's dev_set_promiscuity (no vlan filtering, so every port is promiscuous).
  dev.allmulti++;
  dev.promiscuity++;
  br.fdb.insertLocal(dev.mac, p);
  registerNetdevNotifier(dev, p.notifier);
  br.recalcMac();
  br.updateCarrier();
  return okVoid;
}

/** br_del_if. */
export function brDelIf(br: BridgeDevice, dev: NetDevice): KResult {
  const p = br.ports.get(dev);
  if (!p) return fail("EINVAL");
  unregisterNetdevNotifier(dev, p.notifier);
  netdevRxHandlerUnregister(dev);
  br.ports.delete(dev);
  br.portList = br.portList.filter((q) => q !== p);
  br.fdb.deletePort(p);
  dev.master = null;
  dev.flags &= ~(IFF_SLAVE | IFF_PROMISC);
  dev.allmulti--;
  dev.promiscuity--;
  br.recalcMac();
  br.updateCarrier();
  return okVoid;
}
