// drivers/net/ipvlan/ipvlan_main.c: the control plane. Creating a slave
// (ipvlan_link_new) makes its parent a port, re-applies the mode and flags
// to the whole port, and copies the parent's MAC and carrier; the parent's
// events (ipvlan_device_event) reach every slave, in any namespace.

import type { Ipv6 } from "../../../wire/ipv6-addr.js";
import type { Ipv4 } from "../../../wire/ipv4-addr.js";
import { devChangeNoarp, netdevChangeaddr, netifCarrier } from "../../core/link.js";
import { registerNetdevNotifier, unregisterNetdevNotifier, type NetdevEvent } from "../../core/notify.js";
import { fail, ok, okVoid, type KResult } from "../../errno.js";
import { kernelFn, sideTable } from "../../fork.js";
import type { Net } from "../../net.js";
import { releaseAtLeast } from "../../release.js";
import { devValidateMtu, ETH_MAX_MTU, ETH_MIN_MTU, IFF_LOOPBACK, IFF_NOARP, netdevRxHandlerRegister, netdevRxHandlerUnregister, type InetaddrEvent, type NetDevice } from "../net-device.js";
import { unregisterNetdevice } from "../../rtnl-link.js";
import { IpvlanDevice, IpvlPort, type IpvlanFlags, type IpvlanMode } from "./ipvlan.js";
import { ipvlanL3sRegister, ipvlanL3sUnregister } from "./ipvlan-l3s.js";

/** rx_handler_data of a parent that is an ipvlan port (ipvlan_port_get_rtnl). */
const ports = sideTable<NetDevice, IpvlPort>();

export function ipvlanPortGet(dev: NetDevice): IpvlPort | null {
  return ports.get(dev) ?? null;
}

export interface IpvlanNewlink {
  /** IFLA_IPVLAN_MODE, absent when `ip link add` names no mode: the port then goes (back) to l3. */
  mode: IpvlanMode | null;
  /** IFLA_IPVLAN_FLAGS: iproute2 always sends it, bridge when no flag is named. */
  flags: IpvlanFlags | null;
  /** IFLA_MTU; without it the slave takes the parent's (ipvlan_adjust_mtu). */
  mtu: number | null;
}

/** ipvlan_port_create: the parent's rx_handler becomes ipvlan_handle_frame. */
function ipvlanPortCreate(dev: NetDevice): IpvlPort {
  const port = new IpvlPort(dev, ipvlanDeviceEvent);
  netdevRxHandlerRegister(dev, port.rxHandler, "ipvlan");
  registerNetdevNotifier(dev, port.notifier);
  ports.set(dev, port);
  return port;
}

/** ipvlan_port_destroy, when the last slave goes. */
function ipvlanPortDestroy(port: IpvlPort): void {
  if (port.mode === "l3s") ipvlanL3sUnregister(port);
  netdevRxHandlerUnregister(port.dev);
  unregisterNetdevNotifier(port.dev, port.notifier);
  port.backlog.length = 0;
  ports.delete(port.dev);
}

/**
 * ipvlan_link_new, from rtnl_create_link's MTU check to the slave joining
 * its port. `link` is looked up in the caller's namespace; the slave is
 * registered in `net` (the `netns` of the request, or the caller's).
 */
export function ipvlanLinkNew(net: Net, name: string, link: NetDevice, o: IpvlanNewlink, register: (net: Net, dev: NetDevice) => KResult): KResult<IpvlanDevice> {
  // rtnl_create_link checks IFLA_MTU against ipvlan_link_setup's range (max_mtu = ETH_MAX_MTU) before anything else.
  if (o.mtu !== null) {
    const r = devValidateMtu(o.mtu, ETH_MIN_MTU, ETH_MAX_MTU);
    if (!r.ok) return r;
  }
  let phy = link;
  // An ipvlan on an ipvlan is a sibling: the new slave goes on the real parent.
  if (phy instanceof IpvlanDevice) phy = phy.phyDev;
  else if (!ports.has(phy)) {
    // "Master is either lo or non-ether device" / "Device is already in use." go to the kernel log only.
    if (phy.flags & IFF_LOOPBACK) return fail("EINVAL");
    if (phy.rxHandler) return fail("EBUSY");
  }
  const dev = new IpvlanDevice(name, phy.mac, net, phy);
  dev.mtu = o.mtu ?? phy.mtu;
  const r = register(net, dev);
  if (!r.ok) return r;
  // ipvlan_init creates the port if the parent has none yet.
  const port = ports.get(phy) ?? ipvlanPortCreate(phy);
  dev.port = port;
  dev.devId = ipvlanDevIdAlloc(port);
  // Flags are per port and the latest request wins, as does the mode: l3 when none was named.
  if (o.flags !== null) port.flags = o.flags;
  ipvlanSetPortMode(port, o.mode ?? "l3");
  port.ipvlans.push(dev);
  netifStackedTransferOperstate(phy, dev);
  return ok(dev);
}

/** The IDA of dev_ids, 1..0xFFFD, handed out round robin from port->dev_id_start. */
function ipvlanDevIdAlloc(port: IpvlPort): number {
  const used = new Set(port.ipvlans.map((s) => s.devId));
  for (let i = 0; i < 0xfffd; i++) {
    const id = ((port.devIdStart - 1 + i) % 0xfffd) + 1;
    if (!used.has(id)) {
      port.devIdStart = (id % 0xfffd) + 1;
      return id;
    }
  }
  return 0;
}

/** netif_stacked_transfer_operstate: the slave's carrier follows its parent's. */
function netifStackedTransferOperstate(rootdev: NetDevice, dev: NetDevice): void {
  netifCarrier(dev, rootdev.carrier);
}

/**
 * ipvlan_set_port_mode: a change of mode sets or clears IFF_NOARP on every
 * slave already in the port (dev_change_flags: a slave that is up flushes
 * its neighbours, arp_netdev_event), and moves the l3s hooks.
 */
export function ipvlanSetPortMode(port: IpvlPort, mode: IpvlanMode): void {
  if (port.mode === mode) return;
  for (const s of port.ipvlans) devChangeNoarp(s, mode !== "l2");
  if (mode === "l3s") ipvlanL3sRegister(port);
  else if (port.mode === "l3s") ipvlanL3sUnregister(port);
  port.mode = mode;
}

/** ipvlan_nl_changelink (`ip link set DEV type ipvlan ...`): the mode, then the flags, of the whole port. */
export function ipvlanChangelink(dev: IpvlanDevice, mode: IpvlanMode | null, flags: IpvlanFlags | null): KResult {
  if (mode !== null) ipvlanSetPortMode(dev.port, mode);
  if (flags !== null) dev.port.flags = flags;
  return okVoid;
}

/** ipvlan_open: the mode decides NOARP on every up, and the slave's addresses enter the port's hash. */
export function ipvlanOpen(dev: IpvlanDevice): void {
  dev.flags = dev.port.mode === "l2" ? dev.flags & ~IFF_NOARP : dev.flags | IFF_NOARP;
  for (const a of dev.addrs) dev.port.hlhead.set(a, dev);
}

/** ipvlan_stop: the addresses leave the hash (and stay on the slave). */
export function ipvlanStop(dev: IpvlanDevice): void {
  for (const a of dev.addrs) if (dev.port.hlhead.get(a) === dev) dev.port.hlhead.delete(a);
}

/** ipvlan_addr4_validator_event: an address another slave of the port (any namespace, up or down) holds is refused. */
export function ipvlanAddr4Validate(dev: IpvlanDevice, addr: Ipv4 | Ipv6): KResult {
  if (dev.port.ipvlans.some((s) => s.addrs.has(addr))) return fail("EADDRINUSE", "Address already assigned to an ipvlan device.");
  return okVoid;
}

/** ipvlan_addr4_event: ipvlan_add_addr / ipvlan_del_addr; only a running slave's addresses are in the hash. */
export function ipvlanAddr4Event(dev: IpvlanDevice, ev: InetaddrEvent, addr: Ipv4 | Ipv6): void {
  const port = dev.port;
  if (ev === "up") {
    dev.addrs.add(addr);
    if (dev.isUp) port.hlhead.set(addr, dev);
  } else {
    dev.addrs.delete(addr);
    if (port.hlhead.get(addr) === dev) port.hlhead.delete(addr);
  }
}

/** ipvlan_link_delete + ipvlan_uninit: the slave leaves the port, and the last one takes the port with it. */
export function ipvlanUninit(dev: IpvlanDevice): void {
  const port = dev.port;
  ipvlanStop(dev);
  const i = port.ipvlans.indexOf(dev);
  if (i >= 0) port.ipvlans.splice(i, 1);
  if (port.ipvlans.length === 0 && ports.get(port.dev) === port) ipvlanPortDestroy(port);
}

/** ipvlan_device_event: what the parent's events do to every slave of its port. */
function ipvlanDeviceEvent(port: IpvlPort, _dev: NetDevice, ev: NetdevEvent): void {
  const phy = port.dev;
  switch (ev) {
    case "up":
    case "change":
      for (const s of port.ipvlans) netifStackedTransferOperstate(phy, s);
      return;
    case "down":
      // 6.10 ("ipvlan: handle NETDEV_DOWN event") transfers the carrier on down too; 6.1 does nothing.
      if (releaseAtLeast(phy.net.kernel.sim.release, 6, 10)) for (const s of port.ipvlans) netifStackedTransferOperstate(phy, s);
      return;
    case "changemtu":
      // ipvlan_adjust_mtu is a plain assignment: larger or smaller, up or down, with no notifier on the slave.
      for (const s of port.ipvlans) s.mtu = phy.mtu;
      return;
    case "changeaddr":
      for (const s of [...port.ipvlans]) {
        s.mac = phy.mac;
        netdevChangeaddr(s);
      }
      return;
    case "unregister":
      // Deleting the parent deletes every slave; a netns move of the parent (still registered) keeps them.
      if (phy.regState === "unregistering") for (const s of [...port.ipvlans]) unregisterNetdevice(s);
      return;
  }
}
kernelFn(ipvlanDeviceEvent);
