// drivers/net/macvlan.c, the control plane: creating a macvlan
// (macvlan_common_newlink) makes its lower device a port; opening it claims
// its MAC on the port (macvlan_open); the lower device's events
// (macvlan_device_event) reach every macvlan of the port, in any namespace.

import { isValidEtherAddr, type Mac } from "../../../wire/mac.js";
import { netdevChangeaddr, netifCarrier } from "../../core/link.js";
import { devUcAdd as coreUcAdd, devUcDel as coreUcDel } from "../../core/dev-addr-lists.js";
import { registerNetdevNotifier, unregisterNetdevNotifier, type NetdevEvent } from "../../core/notify.js";
import { fail, ok, okVoid, type KResult } from "../../errno.js";
import { kernelFn, sideTable } from "../../fork.js";
import type { Net } from "../../net.js";
import { devValidateMtu, ETH_MAX_MTU, ETH_MIN_MTU, IFF_LOOPBACK, netdevRxHandlerRegister, netdevRxHandlerUnregister, type NetDevice } from "../net-device.js";
import { linkSetMtu, randomEtherAddr, unregisterNetdevice } from "../../rtnl-link.js";
import { macvlanHashLookup } from "./macvlan-core.js";
import { MACVLAN_DEFAULT_BC_QUEUE_LEN, MacvlanDevice, MacvlanPort, type MacvlanFlags, type MacvlanMacaddrMode, type MacvlanMode } from "./macvlan.js";

type Failed = Extract<KResult, { ok: false }>;

/** rx_handler_data of a lower device that is a macvlan port (macvlan_port_get_rtnl). */
const ports = sideTable<NetDevice, MacvlanPort>();

export function macvlanPortGet(dev: NetDevice): MacvlanPort | null {
  return ports.get(dev) ?? null;
}

/** IFLA_MACVLAN_MACADDR_MODE with IFLA_MACVLAN_MACADDR (add, del) or IFLA_MACVLAN_MACADDR_DATA (set). */
export interface MacvlanMacaddr {
  mode: MacvlanMacaddrMode;
  macs: Mac[];
}

/** The IFLA_MACVLAN_* attributes of a request; null: not sent. */
export interface MacvlanData {
  mode: MacvlanMode | null;
  flags: MacvlanFlags | null;
  macaddr: MacvlanMacaddr | null;
  bcQueueLen: number | null;
}

export interface MacvlanNewlink extends MacvlanData {
  /** IFLA_MTU; without it the macvlan takes the lower device's. */
  mtu: number | null;
  /** IFLA_ADDRESS; without it a random MAC (eth_hw_addr_random). */
  mac: Mac | null;
}

/** macvlan_port_create: only an Ethernet device that is not loopback, and has no rx_handler yet. */
function macvlanPortCreate(dev: NetDevice): KResult<MacvlanPort> {
  if (dev.flags & IFF_LOOPBACK) return fail("EINVAL");
  if (dev.rxHandler) return fail("EBUSY");
  const port = new MacvlanPort(dev, macvlanDeviceEvent);
  // An ipvlan slave (IFF_NO_RX_HANDLER) refuses with EINVAL here.
  const r = netdevRxHandlerRegister(dev, port.rxHandler, "macvlan");
  if (!r.ok) return fail(r.errno);
  registerNetdevNotifier(dev, port.notifier);
  ports.set(dev, port);
  return ok(port);
}

/** macvlan_port_destroy: queued broadcasts are dropped, and a lower device whose MAC a passthru macvlan changed gets it back. */
function macvlanPortDestroy(port: MacvlanPort): void {
  const dev = port.dev;
  netdevRxHandlerUnregister(dev);
  unregisterNetdevNotifier(dev, port.notifier);
  ports.delete(dev);
  port.destroyed = true;
  port.bcQueue.length = 0;
  if (port.passthru && dev.mac !== port.permAddr) {
    const r = dev.ndoSetMacAddress(port.permAddr);
    if (r.ok) netdevChangeaddr(dev);
  }
}

/**
 * macvlan_common_newlink, from rtnl_create_link's MTU check to the macvlan
 * joining its port. `link` is looked up in the caller's namespace; the
 * macvlan is registered in `net`.
 */
export function macvlanCommonNewlink(net: Net, name: string, link: NetDevice, o: MacvlanNewlink, register: (net: Net, dev: NetDevice) => KResult): KResult<MacvlanDevice> {
  // macvlan_validate, before anything else.
  if (o.mac !== null && !isValidEtherAddr(o.mac)) return fail("EADDRNOTAVAIL");
  // rtnl_create_link checks IFLA_MTU against macvlan_common_setup's range, before the lower device is known.
  if (o.mtu !== null) {
    const r = devValidateMtu(o.mtu, ETH_MIN_MTU, ETH_MAX_MTU);
    if (!r.ok) return r;
  }
  // A macvlan on a macvlan goes on the real lower device.
  const lowerdev = link instanceof MacvlanDevice ? link.lowerdev : link;
  if (o.mtu !== null && o.mtu > lowerdev.mtu) return fail("EINVAL");
  const dev = new MacvlanDevice(name, o.mac ?? randomEtherAddr(net), net, lowerdev);
  dev.mtu = o.mtu ?? lowerdev.mtu;
  dev.addrAssignType = o.mac ? "set" : "random";
  let port = ports.get(lowerdev) ?? null;
  let create = false;
  if (!port) {
    const r = macvlanPortCreate(lowerdev);
    if (!r.ok) return r;
    port = r.value;
    create = true;
  }
  const p = port;
  const destroy = (r: Failed): Failed => {
    macvlanFlushSources(p, dev);
    if (create && ports.get(lowerdev) === p) macvlanPortDestroy(p);
    return r;
  };
  // Only one macvlan can be on a passthru port.
  if (port.passthru) return destroy(fail("EINVAL"));
  dev.port = port;
  dev.mode = o.mode ?? "vepa";
  if (o.flags) dev.macvlanFlags = { ...o.flags };
  if (dev.mode === "passthru") {
    if (port.count) return destroy(fail("EINVAL"));
    port.passthru = true;
    // eth_hw_addr_inherit: the lower device's MAC, and its assign type.
    dev.mac = lowerdev.mac;
    dev.addrAssignType = lowerdev.addrAssignType;
  }
  if (o.macaddr) {
    if (dev.mode !== "source") return destroy(fail("EINVAL"));
    const r = macvlanChangelinkSources(dev, o.macaddr);
    if (!r.ok) return destroy(r);
  }
  dev.bcQueueLen = o.bcQueueLen ?? MACVLAN_DEFAULT_BC_QUEUE_LEN;
  const r = register(net, dev);
  if (!r.ok) return destroy(r);
  // macvlan_init.
  port.count++;
  port.vlans.push(dev);
  updatePortBcQueueLen(port);
  netifStackedTransferOperstate(lowerdev, dev);
  return ok(dev);
}

/** update_port_bc_queue_len: the port's queue is as long as its most demanding macvlan asks, up or down. */
function updatePortBcQueueLen(port: MacvlanPort): void {
  port.bcQueueLenUsed = port.vlans.reduce((m, v) => Math.max(m, v.bcQueueLen), 0);
}

/** netif_stacked_transfer_operstate: the macvlan's carrier follows its lower device's. */
function netifStackedTransferOperstate(rootdev: NetDevice, dev: NetDevice): void {
  netifCarrier(dev, rootdev.carrier);
}

/** macvlan_hash_add_source: an address already listed for this macvlan is not added twice. */
function macvlanHashAddSource(vlan: MacvlanDevice, addr: Mac): void {
  const h = vlan.port.vlanSourceHash;
  if (h.bucket(addr).some((e) => e.vlan === vlan && e.addr === addr)) return;
  h.add(addr, { vlan, addr });
}

/** macvlan_flush_sources. */
function macvlanFlushSources(port: MacvlanPort, vlan: MacvlanDevice): void {
  port.vlanSourceHash.deleteWhere((e) => e.vlan === vlan);
}

/** macvlan_changelink_sources: `macaddr add|del|set|flush`; add and del need an address (EINVAL). */
function macvlanChangelinkSources(vlan: MacvlanDevice, m: MacvlanMacaddr): KResult {
  const port = vlan.port;
  const addr = m.mode === "add" || m.mode === "del" ? (m.macs[0] ?? null) : null;
  switch (m.mode) {
    case "add":
      if (addr === null) return fail("EINVAL");
      macvlanHashAddSource(vlan, addr);
      return okVoid;
    case "del":
      if (addr === null) return fail("EINVAL");
      port.vlanSourceHash.del(addr, (e) => e.vlan === vlan && e.addr === addr);
      return okVoid;
    case "flush":
      macvlanFlushSources(port, vlan);
      return okVoid;
    case "set":
      macvlanFlushSources(port, vlan);
      for (const a of m.macs) macvlanHashAddSource(vlan, a);
      return okVoid;
  }
}

/**
 * macvlan_changelink (`ip link set DEV type macvlan ...`): passthru can be
 * neither set nor cleared; leaving source mode flushes the address list;
 * `macaddr` needs the (new) mode to be source.
 */
export function macvlanChangelink(vlan: MacvlanDevice, o: MacvlanData): KResult {
  if (o.mode !== null) {
    if ((o.mode === "passthru") !== (vlan.mode === "passthru")) return fail("EINVAL");
    if (vlan.mode === "source" && o.mode !== "source") macvlanFlushSources(vlan.port, vlan);
  }
  if (o.flags) {
    if (vlan.port.passthru && vlan.isUp && o.flags.nopromisc !== vlan.macvlanFlags.nopromisc) vlan.port.dev.promiscuity += o.flags.nopromisc ? -1 : 1;
    vlan.macvlanFlags = { ...o.flags };
  }
  if (o.bcQueueLen !== null) {
    vlan.bcQueueLen = o.bcQueueLen;
    updatePortBcQueueLen(vlan.port);
  }
  if (o.mode !== null) vlan.mode = o.mode;
  if (o.macaddr) {
    if (vlan.mode !== "source") return fail("EINVAL");
    return macvlanChangelinkSources(vlan, o.macaddr);
  }
  return okVoid;
}

/** macvlan_addr_busy: the lower device's own MAC (unless passthru, or the passthru macvlan is changing it), or an up macvlan's. */
function macvlanAddrBusy(port: MacvlanPort, addr: Mac): boolean {
  if (!port.passthru && !port.addrChange && port.dev.mac === addr) return true;
  return macvlanHashLookup(port, addr) !== null;
}

/**
 * dev_uc_add / dev_uc_del on the lower device. One that does not filter
 * unicast (IFF_UNICAST_FLT: veth, bridges, the lab NICs) is made promiscuous
 * while its unicast list is not empty (uc_promisc, which `ip -d link` counts),
 * but only while it is up: __dev_set_rx_mode does nothing on a device that is
 * down and dev_open applies it. One that does filter (a VLAN) hands the
 * address on to its own lower device.
 */
function devUcAdd(port: MacvlanPort, addr: Mac): void {
  coreUcAdd(port.dev, addr);
  port.lowerUc.set(addr, (port.lowerUc.get(addr) ?? 0) + 1);
}

function devUcDel(port: MacvlanPort, addr: Mac): void {
  const n = (port.lowerUc.get(addr) ?? 0) - 1;
  if (n > 0) port.lowerUc.set(addr, n);
  else port.lowerUc.delete(addr);
  coreUcDel(port.dev, addr);
}

/**
 * macvlan_open: a passthru macvlan makes its lower device promiscuous; any
 * other claims its MAC, which must be neither the lower device's nor an up
 * sibling's (EADDRINUSE, the device stays down).
 */
export function macvlanOpen(vlan: MacvlanDevice): KResult {
  const port = vlan.port;
  if (port.passthru) {
    if (!vlan.macvlanFlags.nopromisc) port.dev.promiscuity++;
  } else {
    if (macvlanAddrBusy(port, vlan.mac)) return fail("EADDRINUSE");
    devUcAdd(port, vlan.mac);
  }
  port.vlanHash.add(vlan.mac, vlan);
  return okVoid;
}

/** macvlan_stop: the MAC leaves the port's hash and the lower device's unicast list. */
export function macvlanStop(vlan: MacvlanDevice): void {
  const port = vlan.port;
  if (port.passthru) {
    if (!vlan.macvlanFlags.nopromisc) port.dev.promiscuity--;
  } else devUcDel(port, vlan.mac);
  port.vlanHash.del(vlan.mac, (v) => v === vlan);
}

/** macvlan_sync_address: a down macvlan just takes the address; an up one is rehashed, if the address is free. */
function macvlanSyncAddress(vlan: MacvlanDevice, addr: Mac): KResult {
  const port = vlan.port;
  if (!vlan.isUp) vlan.mac = addr;
  else {
    if (macvlanAddrBusy(port, addr)) return fail("EADDRINUSE");
    if (!port.passthru) {
      devUcAdd(port, addr);
      devUcDel(port, vlan.mac);
    }
    port.vlanHash.del(vlan.mac, (v) => v === vlan);
    vlan.mac = addr;
    port.vlanHash.add(addr, vlan);
  }
  // Not asked for by the passthru macvlan: the lower device changed its MAC, which becomes the one to restore.
  if (port.passthru && !port.addrChange) port.permAddr = port.dev.mac;
  port.addrChange = false;
  return okVoid;
}

/** macvlan_set_mac_address: a passthru macvlan changes its lower device's MAC, and follows it. */
export function macvlanSetMacAddress(vlan: MacvlanDevice, addr: Mac): KResult {
  if (vlan.mac === addr) return okVoid;
  const port = vlan.port;
  let r: KResult;
  if (vlan.mode === "passthru") {
    port.addrChange = true;
    const lower = vlan.lowerdev;
    r = lower.ndoSetMacAddress(addr);
    if (r.ok) netdevChangeaddr(lower);
  } else {
    if (macvlanAddrBusy(port, addr)) return fail("EADDRINUSE");
    r = macvlanSyncAddress(vlan, addr);
  }
  // dev_set_mac_address.
  if (r.ok) vlan.addrAssignType = "set";
  return r;
}

/** macvlan_change_mtu: never above the lower device's MTU. */
export function macvlanChangeMtu(vlan: MacvlanDevice, mtu: number): KResult {
  const r = devValidateMtu(mtu, vlan.minMtu, vlan.maxMtu);
  if (!r.ok) return r;
  if (vlan.lowerdev.mtu < mtu) return fail("EINVAL");
  vlan.mtu = mtu;
  return okVoid;
}

/** macvlan_dellink + macvlan_uninit: the macvlan leaves its port, and the last one takes the port with it. */
export function macvlanUninit(vlan: MacvlanDevice): void {
  const port = vlan.port;
  macvlanFlushSources(port, vlan);
  const i = port.vlans.indexOf(vlan);
  if (i >= 0) port.vlans.splice(i, 1);
  updatePortBcQueueLen(port);
  port.count--;
  if (port.count === 0 && ports.get(port.dev) === port) macvlanPortDestroy(port);
}

/** macvlan_device_event: what the lower device's events do to every macvlan of its port. */
function macvlanDeviceEvent(port: MacvlanPort, _dev: NetDevice, ev: NetdevEvent): void {
  const dev = port.dev;
  switch (ev) {
    case "up":
    case "down":
    case "change":
      for (const vlan of port.vlans) netifStackedTransferOperstate(dev, vlan);
      return;
    case "changemtu":
      // Shrunk with the lower device, never grown back.
      for (const vlan of [...port.vlans]) if (vlan.mtu > dev.mtu) linkSetMtu(vlan, dev.mtu);
      return;
    case "changeaddr": {
      if (!port.passthru) return;
      const vlan = port.vlans[0];
      if (vlan) macvlanSyncAddress(vlan, dev.mac);
      return;
    }
    case "unregister":
      // A netns move of the lower device keeps its macvlans; deleting it deletes them all.
      if (dev.regState === "unregistering") for (const vlan of [...port.vlans]) unregisterNetdevice(vlan);
      return;
  }
}
kernelFn(macvlanDeviceEvent);
