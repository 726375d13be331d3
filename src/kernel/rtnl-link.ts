// The link half of the control plane (rtnetlink RTM_NEWLINK/DELLINK/SETLINK
// and register/unregister_netdevice): what `ip link` asks of the kernel.

import { releaseAtLeast } from "./release.js";
import { parseMac, randomMac, type Mac, isValidEtherAddr } from "../wire/mac.js";
import { devChangeNoarp, devClose, devOpen, inetdevDestroy, netdevChangeaddr } from "./core/link.js";
import { callNetdevNotifiers } from "./core/notify.js";
import { BridgeDevice, brAddIf, brDelIf } from "./devices/bridge/bridge.js";
import { EthernetDevice } from "./devices/ethernet.js";
import type { NetDevice } from "./devices/net-device.js";
import { VethDevice, vethPair } from "./devices/veth.js";
import { DummyDevice } from "./devices/dummy.js";
import type { IpvlanDevice } from "./devices/ipvlan/ipvlan.js";
import { ipvlanLinkNew, type IpvlanNewlink } from "./devices/ipvlan/ipvlan-main.js";
import type { MacvlanDevice } from "./devices/macvlan/macvlan.js";
import { macvlanCommonNewlink, type MacvlanNewlink } from "./devices/macvlan/macvlan-link.js";
import type { VlanDevice } from "./devices/vlan/vlan.js";
import { vlanNewlink, type VlanNewlink } from "./devices/vlan/vlan-link.js";
import { fail, ok, okVoid, type KResult } from "./errno.js";
import { inetdevInit } from "./ipv4/devinet.js";
import { ipv6AddDev } from "./ipv6/addrconf.js";
import type { Net } from "./net.js";
import { randomBytes } from "./rng.js";

/** dev_valid_name. */
export function devValidName(name: string): boolean {
  return name.length > 0 && name.length < 16 && name !== "." && name !== ".." && !/[/:\s]/.test(name);
}

function checkNewName(net: Net, name: string): KResult {
  if (!devValidName(name)) return fail("EINVAL", `"${name}" is not a valid device name`);
  if (net.devByName(name)) return fail("EEXIST");
  return okVoid;
}

export function randomEtherAddr(net: Net): Mac {
  return randomMac(randomBytes(net.kernel.sim.rng, 6));
}

/** register_netdevice: an ifindex in the netns (the wanted one if free) and a fresh in_device. */
export function registerNetdevice(net: Net, dev: NetDevice, ifindex?: number): void {
  dev.net = net;
  dev.ifindex = ifindex && !net.devices.has(ifindex) ? ifindex : net.devNewIndex();
  net.devices.set(dev.ifindex, dev);
  if (dev.addrAssignType === "perm" && dev.permAddr === null && dev.mac !== "00:00:00:00:00:00") dev.permAddr = dev.mac;
  inetdevInit(dev);
  ipv6AddDev(dev);
}

/** unregister_netdevice (and rtnl_delete_link's dellink): down, IPv4 and FIB gone, upper devices told. */
export function unregisterNetdevice(dev: NetDevice, includeLo = false): void {
  const net = dev.net;
  if (!net.devices.has(dev.ifindex) || (dev === net.loopback && !includeLo)) return;
  const extra = dev.dellinkExtra();
  dev.regState = "unregistering";
  devClose(dev);
  callNetdevNotifiers(dev, "unregister");
  inetdevDestroy(dev);
  dev.ndoUninit();
  net.devices.delete(dev.ifindex);
  for (const s of [...net.packetSockets]) if (s.dev === dev) s.close();
  for (const s of net.rawSockets) if (s.bindDev === dev) s.bindDev = null;
  if (net.tracing) net.trace(dev, "unregister_netdevice", "device deleted");
  for (const e of extra) unregisterNetdevice(e);
}

/** `ip link add NAME type veth peer name PEER [netns]`. The peer registers first, as veth_newlink does. */
export function linkAddVeth(net: Net, name: string, peerName: string, o: { peerNet?: Net; mac?: Mac; peerMac?: Mac } = {}): KResult<{ dev: VethDevice; peer: VethDevice }> {
  const peerNet = o.peerNet ?? net;
  const c1 = checkNewName(net, name);
  if (!c1.ok) return c1;
  const c2 = checkNewName(peerNet, peerName);
  if (!c2.ok) return c2;
  if (peerNet === net && name === peerName) return fail("EEXIST");
  const peer = new VethDevice(peerName, o.peerMac ?? randomEtherAddr(net), peerNet);
  const dev = new VethDevice(name, o.mac ?? randomEtherAddr(net), net);
  // rtnl_create_link: an address given on the command line is NET_ADDR_SET.
  if (o.peerMac) peer.addrAssignType = "set";
  if (o.mac) dev.addrAssignType = "set";
  vethPair(dev, peer);
  registerNetdevice(peerNet, peer);
  registerNetdevice(net, dev);
  return ok({ dev, peer });
}

/**
 * rtnl_newlink for a kind with no options beyond a name and an address:
 * the name checked, the device made with the given MAC or a random one
 * (NET_ADDR_SET or NET_ADDR_RANDOM), registered.
 */
function linkAddPlain<D extends NetDevice>(net: Net, name: string, o: { mac?: Mac }, make: new (name: string, mac: Mac, net: Net) => D): KResult<D> {
  const c = checkNewName(net, name);
  if (!c.ok) return c;
  const dev = new make(name, o.mac ?? randomEtherAddr(net), net);
  if (o.mac) dev.addrAssignType = "set";
  registerNetdevice(net, dev);
  return ok(dev);
}

/** `ip link add NAME type dummy`. */
export function linkAddDummy(net: Net, name: string, o: { mac?: Mac } = {}): KResult<DummyDevice> {
  return linkAddPlain(net, name, o, DummyDevice);
}

/** `ip link add NAME type bridge`. */
export function linkAddBridge(net: Net, name: string, o: { mac?: Mac } = {}): KResult<BridgeDevice> {
  return linkAddPlain(net, name, o, BridgeDevice);
}

/** `ip link add link LINK NAME type ipvlan [mode M] [FLAG]`: LINK is looked up in the caller's namespace, the slave is made in `net`. */
export function linkAddIpvlan(net: Net, name: string, link: NetDevice, o: IpvlanNewlink): KResult<IpvlanDevice> {
  return ipvlanLinkNew(net, name, link, o, (n, dev) => {
    const c = checkNewName(n, dev.name);
    if (c.ok) registerNetdevice(n, dev);
    return c;
  });
}

/** `ip link add link LINK NAME type macvlan [mode M] [flag F] [macaddr ...]`: LINK is looked up in the caller's namespace, the macvlan is made in `net`. */
export function linkAddMacvlan(net: Net, name: string, link: NetDevice, o: MacvlanNewlink): KResult<MacvlanDevice> {
  return macvlanCommonNewlink(net, name, link, o, (n, dev) => {
    const c = checkNewName(n, dev.name);
    if (c.ok) registerNetdevice(n, dev);
    return c;
  });
}

/** `ip link add link LINK NAME type vlan id N ...`: LINK (null: none named) is looked up in the caller's namespace, the VLAN is made in `net`. */
export function linkAddVlan(net: Net, name: string, link: NetDevice | null, o: VlanNewlink): KResult<VlanDevice> {
  return vlanNewlink(net, name, link, o, checkNewName, (n, dev) => registerNetdevice(n, dev));
}

/** A lab NIC (not an `ip link add` kind): how a host's interfaces on a lab network come to exist. */
export function linkAddEthernet(net: Net, name: string, o: { mac?: Mac } = {}): KResult<EthernetDevice> {
  const c = checkNewName(net, name);
  if (!c.ok) return c;
  const dev = new EthernetDevice(name, o.mac ?? randomEtherAddr(net), net);
  registerNetdevice(net, dev);
  return ok(dev);
}

/** `ip link del`: devices without rtnl_link_ops (lo, NICs) refuse. */
export function linkDel(dev: NetDevice): KResult {
  if (!dev.hasLinkOps) return fail("EOPNOTSUPP");
  unregisterNetdevice(dev);
  return okVoid;
}

export function linkSetUp(dev: NetDevice): KResult {
  return devOpen(dev);
}

export function linkSetDown(dev: NetDevice): KResult {
  devClose(dev);
  return okVoid;
}

/** `ip link set DEV arp on|off`: IFF_NOARP, which ipvlan_open sets again from the port's mode. */
export function linkSetArp(dev: NetDevice, on: boolean): KResult {
  devChangeNoarp(dev, !on);
  return okVoid;
}

export function linkSetMtu(dev: NetDevice, mtu: number): KResult {
  if (mtu === dev.mtu) return okVoid;
  const r = dev.ndoChangeMtu(mtu);
  if (r.ok) callNetdevNotifiers(dev, "changemtu");
  return r;
}

/** `ip link set DEV address MAC`. */
export function linkSetAddress(dev: NetDevice, text: string): KResult {
  const mac = parseMac(text);
  if (!mac || !isValidEtherAddr(mac)) return fail("EADDRNOTAVAIL");
  const r = dev.ndoSetMacAddress(mac);
  if (r.ok) netdevChangeaddr(dev);
  return r;
}

/** `ip link set DEV name NEW`: only while down. */
export function linkSetName(dev: NetDevice, name: string): KResult {
  if (dev.isUp) return fail("EBUSY");
  const c = checkNewName(dev.net, name);
  if (!c.ok) return c;
  dev.name = name;
  return okVoid;
}

/** `ip link set DEV master BR` / `nomaster`. */
export function linkSetMaster(dev: NetDevice, master: NetDevice | null): KResult {
  if (master === null) return dev.master instanceof BridgeDevice ? brDelIf(dev.master, dev) : okVoid;
  if (!(master instanceof BridgeDevice)) return fail("EOPNOTSUPP");
  if (dev.master === master) return okVoid;
  if (dev.master instanceof BridgeDevice) brDelIf(dev.master, dev);
  return brAddIf(master, dev);
}

/**
 * __dev_change_net_namespace: refused for lo and bridges; the device is
 * closed, loses its addresses, routes, neighbours and per-device sysctls, and
 * arrives down with the target's conf/default.
 */
export function devChangeNetNamespace(dev: NetDevice, target: Net, newName?: string): KResult {
  // Since 6.14 (the netns_immutable series) the refusal carries an extack message.
  if (dev.netnsLocal) return fail("EINVAL", releaseAtLeast(dev.net.kernel.sim.release, 6, 14) ? "The interface netns is immutable" : undefined);
  if (dev.net === target) return okVoid;
  const name = newName ?? dev.name;
  if (target.devByName(name)) return fail("EEXIST");
  const old = dev.net;
  devClose(dev);
  callNetdevNotifiers(dev, "unregister");
  inetdevDestroy(dev);
  dev.qdisc = "noop"; // dev_shutdown
  old.devices.delete(dev.ifindex);
  for (const s of [...old.packetSockets]) if (s.dev === dev) s.close();
  if (old.tracing) old.trace(dev, "__dev_change_net_namespace", `moved to netns ${target.name || "(init)"}`, "closed; addresses, routes, neighbours and sysctls flushed");
  dev.name = name;
  registerNetdevice(target, dev, dev.ifindex);
  return okVoid;
}
