// The lab's devices as a verdict names them and finds its way among them:
// who holds an address, what a device is stacked on or paired with, which
// network its frames reach.

import { where } from "./trace-read.js";
import type { PlacedDevice } from "./topology.js";

type At = { host: string; netns: string; dev: string };

export class Places {
  constructor(readonly list: readonly PlacedDevice[]) {}

  at(s: At): PlacedDevice | undefined {
    return this.list.find((p) => p.host === s.host && p.netns === s.netns && p.dev === s.dev);
  }

  holder(addr: string): PlacedDevice | undefined {
    return this.list.find((p) => p.addrs.includes(addr));
  }

  /** "vm02/ns01's ipvlan1". */
  name(s: At): string {
    return `${where(s)}'s ${s.dev}`;
  }

  /** The name and what the device is: "vm02/ns01's ipvlan1, an ipvlan l2 slave of vm02's ens34". */
  describe(p: PlacedDevice): string {
    const stacked = /^(ipvlan|macvlan) (.*)$/.exec(p.role ?? "");
    if (stacked && p.parent) {
      const parentAt = p.parent.netns === p.netns ? p.parent.dev : this.name({ host: p.host, ...p.parent });
      return `${this.name(p)}, ${stacked[1] === "ipvlan" ? "an" : "a"} ${stacked[1]} ${stacked[2]} slave of ${parentAt}`;
    }
    return this.name(p);
  }

  /** The device an ipvlan or macvlan is stacked on. */
  parentOf(p: PlacedDevice): PlacedDevice | undefined {
    return p.parent ? this.at({ host: p.host, ...p.parent }) : undefined;
  }

  /** A veth's other end in the same host. */
  peerOf(p: PlacedDevice): PlacedDevice | undefined {
    return p.peer ? this.at({ host: p.host, ...p.peer }) : undefined;
  }

  /** The lab NIC a device's frames reach the wire through: itself, or the parent it is stacked on. */
  nicOf(p: PlacedDevice | undefined): PlacedDevice | undefined {
    for (let hop = 0; p && hop < 4; hop++) {
      if (p.network) return p;
      p = this.parentOf(p);
    }
    return undefined;
  }

  /** Both stacked on one parent: they meet in its port, not on the wire. */
  siblings(a: PlacedDevice, b: PlacedDevice): boolean {
    return a.host === b.host && a.parent !== null && b.parent !== null && a.parent.netns === b.parent.netns && a.parent.dev === b.parent.dev;
  }

  /** Whether frames of a reach b without a router: one lab network, one parent, or one veth pair. */
  sameLink(a: PlacedDevice, b: PlacedDevice): boolean {
    const na = this.nicOf(a)?.network;
    if (na && na === this.nicOf(b)?.network) return true;
    if (this.siblings(a, b)) return true;
    const peer = this.peerOf(a);
    return peer !== undefined && peer.netns === b.netns && peer.dev === b.dev && a.host === b.host;
  }
}
