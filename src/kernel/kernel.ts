// One lab host: its initial namespace and its named namespaces (the
// equivalent of /run/netns, private to this host).

import { fail, ok, okVoid, type KResult } from "./errno.js";
import { LoopbackDevice } from "./devices/loopback.js";
import { Net } from "./net.js";
import { NeighTable } from "./neigh/neigh-table.js";
import { registerNetdevice, unregisterNetdevice, devChangeNetNamespace } from "./rtnl-link.js";
import type { Sim } from "./sim.js";
import { Tmpfs } from "./tmpfs.js";

export class Kernel {
  readonly initNet: Net;
  readonly netns = new Map<string, Net>();
  private ipv6On = false;
  /** arp_tbl: every namespace's IPv4 neighbours count against its limits. */
  readonly arpTbl = new NeighTable();
  /** The files the lab writes on this host (/tmp, /root...), shared by its namespaces as a mount namespace would be. */
  readonly tmpfs = new Tmpfs();
  /** nd_tbl: the IPv6 neighbours of every namespace. */
  readonly ndTbl = new NeighTable();
  /**
   * The few files simulated programs keep on the host outside the lab's own
   * directories (host-local's leases under /var/lib/cni, docker's state), by
   * absolute path: held in the host's tmpfs store, so a fork copies them once.
   */
  get files(): Map<string, string> {
    return this.tmpfs.files;
  }

  constructor(
    readonly sim: Sim,
    readonly hostname: string,
  ) {
    this.initNet = this.newNet("", null);
    this.ipv6 = false;
  }

  /** IPv6 is on (the ipv6 module's disable_ipv6=0): every namespace of the host configures its addresses. */
  get ipv6(): boolean {
    return this.ipv6On;
  }

  /** The module parameter: conf/all, conf/default and every device's disable_ipv6 follow it. */
  set ipv6(on: boolean) {
    this.ipv6On = on;
    const v = on ? 0 : 1;
    for (const net of this.nets()) {
      net.ipv6ConfAll.disable_ipv6 = v;
      net.ipv6ConfDflt.disable_ipv6 = v;
      for (const d of net.devices.values()) if (d.in6Dev) d.in6Dev.cnf.disable_ipv6 = v;
    }
  }

  private newNet(name: string, template: Net | null): Net {
    const net = new Net(this, name, template);
    const lo = new LoopbackDevice(net);
    net.loopback = lo;
    registerNetdevice(net, lo);
    return net;
  }

  /** `ip netns add`: a new namespace with only lo, down; IPv4 conf copied from init_net. */
  netnsAdd(name: string): KResult<Net> {
    if (!name || name.includes("/") || name === "." || name === "..") return fail("EINVAL", `Invalid netns name "${name}"`);
    if (this.netns.has(name)) return fail("EEXIST", `Cannot create namespace file "/run/netns/${name}": File exists`);
    const net = this.newNet(name, this.initNet);
    this.netns.set(name, net);
    return ok(net);
  }

  /**
   * `ip netns del` (the last reference goes): virtual devices are deleted (a
   * veth takes its peer along), physical ones return to init_net, renamed
   * dev<ifindex> if their name is taken there.
   */
  netnsDel(name: string): KResult {
    const net = this.netns.get(name);
    if (!net) return fail("ENOENT", `Cannot remove namespace file "/run/netns/${name}": No such file or directory`);
    for (const dev of [...net.devices.values()]) {
      if (dev === net.loopback || !net.devices.has(dev.ifindex)) continue;
      if (dev.hasLinkOps) unregisterNetdevice(dev);
      else devChangeNetNamespace(dev, this.initNet, this.initNet.devByName(dev.name) ? `dev${dev.ifindex}` : undefined);
    }
    unregisterNetdevice(net.loopback, true);
    net.rawSockets.clear();
    net.packetSockets.clear();
    this.netns.delete(name);
    return okVoid;
  }

  /** The namespace by name; "" or undefined is the initial one. */
  net(name?: string): Net | undefined {
    return !name ? this.initNet : this.netns.get(name);
  }

  nets(): Net[] {
    return [this.initNet, ...this.netns.values()];
  }
}
