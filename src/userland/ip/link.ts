// `ip link add/set/del`: RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK, with the
// lookups iproute2 does before sending (master, netns, dev) and the order in
// which do_setlink applies the attributes.

import {
  devChangeNetNamespace,
  IpvlanDevice,
  ipvlanChangelink,
  linkAddBridge,
  linkAddDummy,
  linkAddIpvlan,
  linkAddMacvlan,
  linkAddVlan,
  MacvlanDevice,
  BridgeDevice,
  brSetport,
  VlanDevice,
  vlanChangelink,
  type VlanData,
  macvlanChangelink,
  type MacvlanData,
  linkAddVeth,
  linkDel,
  linkSetAddress,
  linkSetArp,
  linkSetDown,
  linkSetMaster,
  linkSetMtu,
  linkSetName,
  linkSetUp,
  type KResult,
  type Net,
  type NetDevice,
} from "../../kernel/index.js";
import type { ExecResult, IpCommand, LinkAttrs } from "../../shell/index.js";
import { done, failWith, invarg, noDevice, notSimulated, rtnlError, type IpCtx } from "./common.js";
import { linkRef } from "./link-info.js";
import { peernet2idAlloc } from "./netnsid.js";

type ModifyCmd = Extract<IpCommand, { object: "link"; command: "add" | "set" | "replace" | "delete" }>;

/** netns NAME | PID as iproute2 resolves it: an unknown name is an argument error; a pid must be a process (only init here). */
function resolveNetns(ctx: IpCtx, ns: NonNullable<LinkAttrs["netns"]>): Net | ExecResult {
  if ("name" in ns) return ctx.kernel.netns.get(ns.name) ?? invarg('Invalid "netns" value\n', ns.name);
  if (ns.pid === 1) return ctx.kernel.initNet;
  return rtnlError({ errno: "ESRCH" });
}

const isNet = (v: Net | ExecResult): v is Net => "devices" in v;

/**
 * Device kinds Linux creates (each an rtnl_link_ops) that the simulator does
 * not model: refused, where an unknown word gets the kernel's "Unknown device type".
 */
const KERNEL_KINDS = new Set([
  "amt", "bareudp", "batadv", "bond", "can", "erspan", "geneve", "gre", "gretap", "gtp", "hsr", "ifb", "ip6erspan", "ip6gre", "ip6gretap",
  "ip6tnl", "ipip", "ipoib", "ipvtap", "macsec", "macvtap", "netkit", "nlmon", "rmnet", "sit", "team", "vcan", "virt_wifi", "vrf",
  "vti", "vti6", "vxcan", "vxlan", "wireguard", "xfrm",
]);

function unsupportedAttr(a: LinkAttrs): string | null {
  if (a.promisc !== null) return "ip link set ... promisc";
  if (a.multicast !== null || a.allmulticast !== null) return "ip link set ... multicast";
  if (a.txqueuelen !== null) return "ip link set ... txqueuelen";
  if (a.broadcast !== null) return "ip link set ... broadcast";
  if (a.alias !== null) return "ip link set ... alias";
  return null;
}

export function linkModify(ctx: IpCtx, cmd: ModifyCmd): ExecResult {
  const a = cmd.attrs;
  const unsupported = unsupportedAttr(a);
  if (unsupported) return notSimulated(unsupported);
  let master: NetDevice | null | undefined;
  if (a.master !== null) {
    master = a.master === "" ? null : ctx.net.devByName(a.master);
    if (master === undefined) return invarg("Device does not exist\n", a.master);
  }
  let target: Net | undefined;
  if (a.netns) {
    const t = resolveNetns(ctx, a.netns);
    if (!isNet(t)) return t;
    target = t;
  }
  if (cmd.command === "add" || cmd.command === "replace") return linkAdd(ctx, cmd, master, target);
  const dev = ctx.net.devByName(a.dev!);
  if (!dev) return noDevice(a.dev!);
  if (cmd.command === "delete") {
    const r = linkDel(dev);
    return r.ok ? done() : rtnlError(r);
  }
  if (cmd.type !== null && typeHasData(cmd.type)) {
    const r = changelink(dev, cmd.type);
    if (!r.ok) return rtnlError(r);
  }
  return linkSet(dev, a, master, target);
}

/** iplink_modify sends IFLA_INFO_DATA only when words follow `type KIND`; without them the kind changes nothing. */
function typeHasData(t: NonNullable<ModifyCmd["type"]>): boolean {
  switch (t.kind) {
    case "veth":
      return t.peer !== null;
    case "bridge":
      return Object.keys(t.options).length > 0;
    case "ipvlan":
    case "ipvtap":
      return t.mode !== null || t.flag !== null;
    case "macvlan":
    case "macvtap":
      return t.mode !== null || t.hasFlags || t.macaddr !== null || t.bcqueuelen !== null;
    case "vlan":
      return t.data;
    case "bridge_slave":
      return t.options.unmodelled.length > 0 || Object.entries(t.options).some(([k, v]) => k !== "unmodelled" && v !== null);
    case "other":
      return t.args.length > 0;
  }
}

/**
 * __rtnl_newlink on an existing device with IFLA_INFO_DATA: only the
 * device's own kind may change it (else EOPNOTSUPP), through its changelink;
 * `KIND_slave` data goes to the master's slave_changelink.
 */
function changelink(dev: NetDevice, t: NonNullable<ModifyCmd["type"]>): KResult {
  if (t.kind === "ipvlan" && dev instanceof IpvlanDevice) return ipvlanChangelink(dev, t.mode, t.flag ?? "bridge");
  if (t.kind === "macvlan" && dev instanceof MacvlanDevice) return macvlanChangelink(dev, macvlanData(t));
  if (t.kind === "vlan" && dev instanceof VlanDevice) {
    const refused = vlanUnmodelled(t);
    if (refused) return notSimulated(refused);
    return vlanChangelink(dev, vlanData(t));
  }
  // br_port_slave_changelink, for a port of a bridge; anything else is EOPNOTSUPP there.
  if (t.kind === "bridge_slave") {
    if (t.options.unmodelled.length && dev.master instanceof BridgeDevice) return notSimulated(`ip link set ... type bridge_slave ${t.options.unmodelled[0]!}`);
    return brSetport(dev, t.options);
  }
  const name = t.kind === "other" ? t.name : t.kind;
  if (name.endsWith("_slave")) {
    if (dev.master && dev.master.kind === name.slice(0, -"_slave".length)) return notSimulated(`ip link set ... type ${name}`);
    return { ok: false, errno: "EOPNOTSUPP" };
  }
  if (RTNL_KINDS.has(dev.kind) && dev.kind === name) return notSimulated(`ip link set ... type ${name}`);
  return { ok: false, errno: "EOPNOTSUPP" };
}

/** The simulated device kinds that have rtnl_link_ops (loopback and a lab's NIC have none). */
const RTNL_KINDS = new Set(["veth", "bridge", "dummy", "ipvlan", "macvlan"]);

/** do_setlink's order: namespace, address, mtu, name, flags, master. */
function linkSet(dev: NetDevice, a: LinkAttrs, master: NetDevice | null | undefined, target: Net | undefined): ExecResult {
  const steps: (() => KResult)[] = [];
  if (target) {
    steps.push(() => {
      const from = dev.net;
      const r = devChangeNetNamespace(dev, target);
      // The RTM_DELLINK sent in the old namespace names the new one by its id there.
      if (r.ok && from !== target) peernet2idAlloc(from, target);
      return r;
    });
  }
  if (a.address !== null) steps.push(() => linkSetAddress(dev, a.address!));
  if (a.mtu !== null) steps.push(() => linkSetMtu(dev, a.mtu!));
  if (a.name !== null && a.name !== dev.name) steps.push(() => linkSetName(dev, a.name!));
  // __dev_change_flags: IFF_NOARP is stored before the device is opened, so an opening ipvlan decides it again.
  if (a.arp !== null) steps.push(() => linkSetArp(dev, a.arp!));
  if (a.up !== null) steps.push(() => (a.up ? linkSetUp(dev) : linkSetDown(dev)));
  if (master !== undefined) steps.push(() => linkSetMaster(dev, master));
  for (const s of steps) {
    const r = s();
    if (!r.ok) return rtnlError(r);
  }
  // do_setlink's RTM_NEWLINK names the namespace of the device's link (a veth's peer) by its id here.
  linkRef(dev);
  return done();
}

/**
 * Bridge options the simulator keeps only at the kernel's defaults (STP
 * off, no VLAN filtering, br_dev_setup's timers and priority): asking for
 * those is a no-op, anything else is not modelled.
 */
const BRIDGE_DEFAULTS: Record<string, number> = { forward_delay: 1500, hello_time: 200, max_age: 2000, stp_state: 0, priority: 32768, vlan_filtering: 0 };

/** An unnamed device is named like the kernel's "KIND%d" (veth_newlink's peer, rtnl_newlink's device): the first free number. */
function freeName(net: Net, kind: string): string {
  for (let i = 0; ; i++) if (!net.devByName(`${kind}${i}`)) return `${kind}${i}`;
}

function linkAdd(ctx: IpCtx, cmd: ModifyCmd, master: NetDevice | null | undefined, target: Net | undefined): ExecResult {
  const a = cmd.attrs;
  const t = cmd.type!;
  if (a.link !== null && !ctx.net.devByName(a.link)) return noDevice(a.link);
  if (cmd.command === "replace" && ctx.net.devByName(a.name!)) return done();
  const net = target ?? ctx.net;
  let created: NetDevice;
  if (t.kind === "veth") {
    const p = t.peer;
    const peerUnmodelled = p ? unsupportedAttr(p) ?? (p.master !== null ? "ip link add ... type veth peer ... master" : p.link !== null ? "ip link add ... type veth peer ... link" : null) : null;
    if (peerUnmodelled) return notSimulated(peerUnmodelled.replace("ip link set ...", "ip link add ... type veth peer ..."));
    // rtnl_configure_link(peer) opens it before veth_newlink has paired it: veth_open finds no peer.
    if (p?.up) return rtnlError({ errno: "ENOTCONN" });
    let peerNet = net;
    if (p?.netns) {
      const r = resolveNetns(ctx, p.netns);
      if (!isNet(r)) return r;
      peerNet = r;
    }
    const o: Parameters<typeof linkAddVeth>[3] = { peerNet };
    if (a.address) o.mac = a.address;
    if (p?.address) o.peerMac = p.address;
    const r = linkAddVeth(net, a.name!, p?.name ?? freeName(peerNet, "veth"), o);
    if (!r.ok) return rtnlError(r);
    if (peerNet !== net) peernet2idAlloc(net, peerNet);
    created = r.value.dev;
    if (p?.mtu) linkSetMtu(r.value.peer, p.mtu);
  } else if (t.kind === "bridge") {
    const unmodelled = Object.entries(t.options).find(([k, v]) => BRIDGE_DEFAULTS[k] !== undefined && BRIDGE_DEFAULTS[k] !== v);
    if (unmodelled) return notSimulated(`ip link add ... type bridge ${unmodelled[0]} ${unmodelled[1]}`);
    const r = linkAddBridge(net, a.name!, a.address ? { mac: a.address } : {});
    if (!r.ok) return rtnlError(r);
    created = r.value;
    // br_changelink: ageing_time in centiseconds; the others change nothing the simulator shows with STP off.
    if (t.options.ageing_time !== undefined) r.value.fdb.ageingMs = t.options.ageing_time * 10;
    if (t.options.mcast_snooping !== undefined) r.value.mcastSnooping = t.options.mcast_snooping !== 0;
  } else if (t.kind === "other" && t.name === "dummy" && t.args.length === 0) {
    const r = linkAddDummy(net, a.name ?? freeName(net, "dummy"), a.address ? { mac: a.address } : {});
    if (!r.ok) return rtnlError(r);
    created = r.value;
  } else if (t.kind === "ipvlan") {
    // IFLA_LINK is required; iproute2 sends the flags always (bridge when none is named).
    if (a.link === null) return rtnlError({ errno: "EINVAL" });
    const link = ctx.net.devByName(a.link)!;
    const r = linkAddIpvlan(net, a.name ?? freeName(net, "ipvlan"), link, { mode: t.mode, flags: t.flag ?? "bridge", mtu: a.mtu });
    if (!r.ok) return rtnlError(r);
    created = r.value;
  } else if (t.kind === "macvlan") {
    // IFLA_LINK is required (macvlan_common_newlink).
    if (a.link === null) return rtnlError({ errno: "EINVAL" });
    const link = ctx.net.devByName(a.link)!;
    const r = linkAddMacvlan(net, a.name ?? freeName(net, "macvlan"), link, { ...macvlanData(t), mtu: a.mtu, mac: a.address });
    if (!r.ok) return rtnlError(r);
    created = r.value;
  } else if (t.kind === "vlan") {
    const refused = vlanUnmodelled(t);
    if (refused) return notSimulated(refused);
    const link = a.link === null ? null : ctx.net.devByName(a.link)!;
    const r = linkAddVlan(net, a.name ?? freeName(net, "vlan"), link, { ...vlanData(t), mtu: a.mtu, mac: a.address });
    if (!r.ok) return rtnlError(r);
    created = r.value;
  } else if (t.kind === "ipvtap" || t.kind === "macvtap") {
    return notSimulated(`ip link add ... type ${t.kind}`);
  } else if (t.kind === "other" && KERNEL_KINDS.has(t.name)) {
    return notSimulated(`ip link add ... type ${t.name}`);
  } else {
    return failWith("Error: Unknown device type.\n", 2);
  }
  // netdev_upper_dev_link's NETDEV_CHANGEUPPER sends an RTM_NEWLINK for the lower device too.
  if (a.link !== null) linkRef(ctx.net.devByName(a.link)!);
  const rest: (() => KResult)[] = [];
  if (a.mtu !== null) rest.push(() => linkSetMtu(created, a.mtu!));
  if (a.up) rest.push(() => linkSetUp(created));
  if (master) rest.push(() => linkSetMaster(created, master));
  for (const s of rest) {
    const r = s();
    if (!r.ok) return rtnlError(r);
  }
  return done();
}

/** The IFLA_MACVLAN_* attributes macvlan_parse_opt puts in the request. */
function macvlanData(t: Extract<ModifyCmd["type"], { kind: "macvlan" | "macvtap" }>): MacvlanData {
  return {
    mode: t.mode,
    flags: t.hasFlags ? { nopromisc: t.nopromisc, nodst: t.nodst } : null,
    macaddr: t.macaddr,
    bcQueueLen: t.bcqueuelen,
  };
}

/** The IFLA_VLAN_* attributes vlan_parse_opt puts in the request. */
function vlanData(t: Extract<ModifyCmd["type"], { kind: "vlan" }>): VlanData {
  return { data: t.data, id: t.id, protocol: t.protocol, flags: t.flags, egressQos: t.egressQos };
}

/**
 * What `type vlan` can ask that the simulator does not model: headers kept
 * tagged on receive (reorder_hdr off), GVRP/MVRP registration traffic, a
 * carrier tied to bridge ports (bridge_binding), and skb priorities
 * (ingress-qos-map). Turning any of the flags off is the default, and modelled.
 */
function vlanUnmodelled(t: Extract<ModifyCmd["type"], { kind: "vlan" }>): string | null {
  const f = t.flags;
  if (f && f.mask & 0x1 && !(f.flags & 0x1)) return "ip link ... type vlan reorder_hdr off";
  if (f && f.mask & f.flags & 0x2) return "ip link ... type vlan gvrp on";
  if (f && f.mask & f.flags & 0x8) return "ip link ... type vlan mvrp on";
  if (f && f.mask & f.flags & 0x10) return "ip link ... type vlan bridge_binding on";
  if (t.ingressQos) return "ip link ... type vlan ingress-qos-map";
  return null;
}
