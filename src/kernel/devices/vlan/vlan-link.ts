// net/8021q, the control plane: creating a VLAN (vlan_validate, vlan_newlink,
// vlan_check_real_dev, register_vlan_dev), changing it (vlan_changelink),
// its ndo ops (vlan_dev_open/stop, MAC and MTU), and what its lower device's
// events do to it (vlan_device_event): the lower device going down closes
// its VLANs, coming up opens every one of them, its MAC is followed by the
// VLANs that took it, its MTU caps theirs, and deleting it deletes them.

import { isValidEtherAddr, type Mac } from "../../../wire/mac.js";
import { ETH_P_8021AD, ETH_P_8021Q, VLAN_VID_MASK } from "../../../wire/vlan.js";
import { devUcAdd, devUcDel, devUcUnsync } from "../../core/dev-addr-lists.js";
import { devClose, devOpen, netdevChangeaddr, netifCarrier } from "../../core/link.js";
import { registerNetdevNotifier, unregisterNetdevNotifier, type NetdevEvent } from "../../core/notify.js";
import { fail, ok, okVoid, type KResult } from "../../errno.js";
import { kernelFn } from "../../fork.js";
import type { Net } from "../../net.js";
import { linkSetMtu, unregisterNetdevice } from "../../rtnl-link.js";
import { devValidateMtu, ETH_MAX_MTU, IFF_ALLMULTI, IFF_MASTER, IFF_PROMISC, IFF_SLAVE, IFF_UP, type NetDevice } from "../net-device.js";
import { VLAN_FLAG_BRIDGE_BINDING, VLAN_FLAG_LOOSE_BINDING, VLAN_FLAG_MVRP, VLAN_FLAG_GVRP, VLAN_FLAG_REORDER_HDR, VlanDevice, VlanInfo } from "./vlan.js";

const VLAN_FLAGS_ALL = VLAN_FLAG_REORDER_HDR | VLAN_FLAG_GVRP | VLAN_FLAG_LOOSE_BINDING | VLAN_FLAG_MVRP | VLAN_FLAG_BRIDGE_BINDING;

/** struct ifla_vlan_qos_mapping. */
export interface VlanQosMapping {
  readonly from: number;
  readonly to: number;
}

/** The IFLA_VLAN_* attributes of a request; `data` false: no IFLA_INFO_DATA at all (`type vlan` with nothing after it). */
export interface VlanData {
  data: boolean;
  id: number | null;
  protocol: number | null;
  flags: { flags: number; mask: number } | null;
  egressQos: VlanQosMapping[] | null;
}

export interface VlanNewlink extends VlanData {
  /** IFLA_MTU; without it the VLAN takes its lower device's. */
  mtu: number | null;
  /** IFLA_ADDRESS; without it the lower device's (NET_ADDR_STOLEN). */
  mac: Mac | null;
}

/** vlan_validate (the error texts carry the module's "8021q: " prefix, as NL_SET_ERR_MSG_MOD gives them). */
function vlanValidate(o: VlanNewlink | VlanData): KResult {
  if ("mac" in o && o.mac !== null && !isValidEtherAddr(o.mac)) return fail("EADDRNOTAVAIL", "8021q: Invalid link address");
  if (!o.data) return fail("EINVAL", "8021q: VLAN properties not specified");
  if (o.protocol !== null && o.protocol !== ETH_P_8021Q && o.protocol !== ETH_P_8021AD) return fail("EPROTONOSUPPORT", "8021q: Invalid VLAN protocol");
  if (o.id !== null && o.id >= VLAN_VID_MASK) return fail("ERANGE", "8021q: Invalid VLAN id");
  if (o.flags && o.flags.flags & o.flags.mask & ~VLAN_FLAGS_ALL) return fail("EINVAL", "8021q: Invalid VLAN flags");
  return okVoid;
}

/** vlan_check_real_dev: a device that cannot carry tags (lo, an ipvlan slave), or a tag already taken. */
function vlanCheckRealDev(real: NetDevice, proto: number, id: number): KResult {
  if (real.vlanChallenged) return fail("EOPNOTSUPP", "8021q: VLANs not supported on device");
  if (real.vlanInfo?.find(proto, id)) return fail("EEXIST", "8021q: VLAN device already exists");
  return okVoid;
}

/**
 * vlan_newlink, from vlan_validate to the VLAN joining its lower device's
 * group. `name` is checked (EEXIST) before anything of the VLAN's own, as
 * rtnl_newlink finds an existing device first; `real` is looked up in the
 * caller's namespace, the VLAN is registered in `net`.
 */
export function vlanNewlink(net: Net, name: string, real: NetDevice | null, o: VlanNewlink, checkName: (net: Net, name: string) => KResult, register: (net: Net, dev: NetDevice) => void): KResult<VlanDevice> {
  const v = vlanValidate(o);
  if (!v.ok) return v;
  const c = checkName(net, name);
  if (!c.ok) return c;
  // rtnl_create_link holds IFLA_MTU to vlan_setup's range before vlan_newlink runs.
  if (o.mtu !== null) {
    const r = devValidateMtu(o.mtu, 0, ETH_MAX_MTU);
    if (!r.ok) return r;
  }
  if (o.id === null) return fail("EINVAL", "8021q: VLAN id not specified");
  if (real === null) return fail("EINVAL", "8021q: link not specified");
  const proto = o.protocol ?? ETH_P_8021Q;
  const chk = vlanCheckRealDev(real, proto, o.id);
  if (!chk.ok) return chk;
  // netif_reduces_vlan_mtu is false for every simulated device: the VLAN may use all of the lower device's MTU.
  if (o.mtu !== null && o.mtu > real.mtu) return fail("EINVAL");
  const dev = new VlanDevice(name, o.mac ?? real.mac, net, real, proto, o.id);
  dev.mtu = o.mtu ?? real.mtu;
  dev.addrAssignType = o.mac ? "set" : "stolen";
  // vlan_dev_init: the lower device's flags but its state ones.
  dev.flags = real.flags & ~(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_MASTER | IFF_SLAVE);
  // vlan_dev_init copies the lower device's carrier state; register_vlan_dev then transfers it again.
  dev.carrier = real.carrier;
  dev.devId = real.devId;
  vlanChangelink(dev, o);
  register(net, dev);
  // register_vlan_dev: vlan_vid_add makes the lower device's vlan_info on its first VLAN.
  let info = real.vlanInfo instanceof VlanInfo ? real.vlanInfo : null;
  if (!info) {
    info = new VlanInfo(real, vlanDeviceEvent);
    real.vlanInfo = info;
    registerNetdevNotifier(real, info.notifier);
  }
  info.set(dev);
  vlanStackedTransferOperstate(real, dev);
  return ok(dev);
}

/**
 * vlan_changelink (`ip link set DEV type vlan ...`): the flags under their
 * mask and the egress map; the id and protocol are checked but cannot change.
 */
export function vlanChangelink(dev: VlanDevice, o: VlanData): KResult {
  const v = vlanValidate(o);
  if (!v.ok) return v;
  if (o.flags) dev.vlanFlags = (dev.vlanFlags & ~o.flags.mask) | (o.flags.flags & o.flags.mask);
  for (const m of o.egressQos ?? []) vlanDevSetEgressPriority(dev, m.from, m.to);
  return okVoid;
}

/**
 * vlan_dev_set_egress_priority: a priority already mapped keeps its place and
 * takes the new PCP; a new one goes first in its hash bucket (priority & 0xF),
 * and vlan_fill_info walks the buckets in order. A mapping to PCP 0 stays but
 * is not reported.
 */
function vlanDevSetEgressPriority(dev: VlanDevice, priority: number, pcp: number): void {
  const m = dev.egressMap.find((e) => e.priority === priority);
  if (m) {
    m.pcp = pcp & 7;
    return;
  }
  const bucket = priority & 0xf;
  const at = dev.egressMap.findIndex((e) => (e.priority & 0xf) >= bucket);
  dev.egressMap.splice(at < 0 ? dev.egressMap.length : at, 0, { priority, pcp: pcp & 7 });
}

/** vlan_stacked_transfer_operstate: the VLAN's carrier follows its lower device's, unless bridge_binding ties it to the bridge's ports. */
function vlanStackedTransferOperstate(real: NetDevice, dev: VlanDevice): void {
  if (!(dev.vlanFlags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrier(dev, real.carrier);
}

/** vlan_dev_inherit_address: a VLAN that took its lower device's MAC (NET_ADDR_STOLEN) takes the new one. */
function vlanDevInheritAddress(dev: VlanDevice, real: NetDevice): boolean {
  if (dev.addrAssignType !== "stolen") return false;
  dev.mac = real.mac;
  netdevChangeaddr(dev);
  return true;
}

/**
 * vlan_dev_open: only on a lower device that is up (ENETDOWN), unless
 * loose_binding; a MAC of its own goes into the lower device's unicast list;
 * the carrier comes on with the lower device's.
 */
export function vlanDevOpen(dev: VlanDevice): KResult {
  const real = dev.realDev;
  if (!real.isUp && !(dev.vlanFlags & VLAN_FLAG_LOOSE_BINDING)) return fail("ENETDOWN");
  if (dev.mac !== real.mac && !vlanDevInheritAddress(dev, real)) devUcAdd(real, dev.mac);
  dev.realDevAddr = real.mac;
  if (real.carrier && !(dev.vlanFlags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrier(dev, true);
  return okVoid;
}

/** vlan_dev_stop: the unicast lists are unsynced, and the carrier goes off. */
export function vlanDevStop(dev: VlanDevice): void {
  const real = dev.realDev;
  devUcUnsync(real, dev.ucSynced);
  if (dev.mac !== real.mac) devUcDel(real, dev.mac);
  if (!(dev.vlanFlags & VLAN_FLAG_BRIDGE_BINDING)) netifCarrier(dev, false);
}

/** vlan_dev_set_mac_address: while up, the new MAC replaces the old in the lower device's unicast list. */
export function vlanDevSetMacAddress(dev: VlanDevice, mac: Mac): KResult {
  const real = dev.realDev;
  if (dev.isUp) {
    if (mac !== real.mac) devUcAdd(real, mac);
    if (dev.mac !== real.mac) devUcDel(real, dev.mac);
  }
  dev.mac = mac;
  dev.addrAssignType = "set";
  return okVoid;
}

/** vlan_dev_change_mtu: never above the lower device's MTU (ERANGE). */
export function vlanDevChangeMtu(dev: VlanDevice, mtu: number): KResult {
  const r = devValidateMtu(mtu, dev.minMtu, dev.maxMtu);
  if (!r.ok) return r;
  if (mtu > dev.realDev.mtu) return fail("ERANGE");
  dev.mtu = mtu;
  return okVoid;
}

/** unregister_vlan_dev: the VLAN leaves its group; the last one takes the lower device's vlan_info with it. */
export function unregisterVlanDev(dev: VlanDevice): void {
  const real = dev.realDev;
  const info = real.vlanInfo;
  if (!(info instanceof VlanInfo) || info.find(dev.vlanProto, dev.vlanId) !== dev) return;
  info.delete(dev);
  if (info.size === 0) {
    unregisterNetdevNotifier(real, info.notifier);
    real.vlanInfo = null;
  }
}

/**
 * vlan_sync_address: a VLAN that took its lower device's MAC follows it; one
 * with a MAC of its own keeps it, in the lower device's unicast list while
 * the two differ.
 */
function vlanSyncAddress(real: NetDevice, dev: VlanDevice): void {
  if (dev.realDevAddr === real.mac) return;
  if (!vlanDevInheritAddress(dev, real)) {
    if (dev.mac !== dev.realDevAddr && dev.mac === real.mac) devUcDel(real, dev.mac);
    if (dev.mac === dev.realDevAddr && dev.mac !== real.mac) devUcAdd(real, dev.mac);
  }
  dev.realDevAddr = real.mac;
}

/** vlan_device_event: what the lower device's events do to each of its VLANs, in vlan_group_for_each_dev order. */
function vlanDeviceEvent(info: VlanInfo, _dev: NetDevice, ev: NetdevEvent): void {
  const real = info.realDev;
  switch (ev) {
    case "change":
      for (const dev of info.devices()) vlanStackedTransferOperstate(real, dev);
      return;
    case "changeaddr":
      // Only the VLANs that are up; one that is down takes the new MAC when it opens.
      for (const dev of info.devices()) if (dev.isUp) vlanSyncAddress(real, dev);
      return;
    case "changemtu":
      // Shrunk with the lower device, never grown back.
      for (const dev of info.devices()) if (dev.mtu > real.mtu) linkSetMtu(dev, real.mtu);
      return;
    case "down": {
      const close = info.devices().filter((d) => d.isUp && !(d.vlanFlags & VLAN_FLAG_LOOSE_BINDING));
      for (const dev of close) devClose(dev);
      for (const dev of close) vlanStackedTransferOperstate(real, dev);
      return;
    }
    case "up":
      // Every VLAN comes up with its lower device, also one that was never up.
      for (const dev of info.devices()) {
        if (dev.isUp) continue;
        if (!(dev.vlanFlags & VLAN_FLAG_LOOSE_BINDING)) devOpen(dev);
        vlanStackedTransferOperstate(real, dev);
      }
      return;
    case "unregister":
      // A netns move of the lower device keeps its VLANs; deleting it deletes them all.
      if (real.regState === "unregistering") for (const dev of info.devices()) unregisterNetdevice(dev);
      return;
  }
}
kernelFn(vlanDeviceEvent);
