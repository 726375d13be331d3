// Causes read off the state of the devices on a packet's path, each with
// the command that would change it: a device that is down or without
// carrier, a namespace without a route, an address that nobody holds, a
// neighbour entry that sends to the wrong MAC.

import { inPrefix, parseIpv4 } from "../../wire/ipv4-addr.js";
import { addrAdd, arpOn, fixText, linkUp, neighReplace, netnsAdd, readdress, routeAdd, subnetOf } from "./verdict-fix.js";
import type { Places } from "./verdict-places.js";
import { commandAddrs, escapeAddr, where, type TracedCommand } from "./trace-read.js";
import type { PlacedDevice } from "./topology.js";
import type { TraceStep } from "../../kernel/index.js";

/** Records the mechanism a phrase rests on and gives the phrase back (Story.because). */
export type Because = (factor: "device-down" | "no-route" | "no-address" | "wrong-neighbour" | "noarp", phrase: string) => string;

const covers = (addr: string, len: number, dst: string): boolean => inPrefix(parseIpv4(dst)!, parseIpv4(addr)!, len);

export class Causes {
  constructor(
    private readonly places: Places,
    private readonly t: TracedCommand,
    private readonly because: Because,
  ) {}

  /**
   * Why p moves no frames, as a clause after its name ("is down (…)",
   * "has no carrier: its parent vm02's ens34 is down (…)"); null when it can.
   */
  down(p: PlacedDevice): string | null {
    if (!p.up) return this.because("device-down", `is down ${fixText(linkUp(p))}`);
    if (p.carrier) return null;
    // A slave's carrier follows its parent's; a veth has carrier only while its peer is up.
    const parent = this.places.parentOf(p);
    const lower = parent ?? this.places.peerOf(p);
    const why = lower && this.down(lower);
    if (lower && why) return `has no carrier: its ${parent ? "parent" : "peer"} ${this.places.name(lower)} ${why}`;
    return this.because("device-down", "has no carrier");
  }

  /** Why frames from outside never reach p: p itself, or the parent it hears the network through, cannot move them. */
  unreachable(p: PlacedDevice, from: PlacedDevice | undefined): string | null {
    const own = this.down(p);
    if (own) return `which ${own}`;
    const parent = this.places.parentOf(p);
    if (!parent || (from && this.places.siblings(p, from))) return null;
    const up = this.down(parent);
    return up ? `whose parent ${this.places.name(parent)} ${up}` : null;
  }

  /** Why host/netns has no route to dst: a device that would carry it is down, has no route for its own prefix, or has the wrong prefix. */
  noRoute(host: string, netns: string, dst: string): string {
    const here = this.places.list.filter((p) => p.host === host && p.netns === netns);
    const at = where({ host, netns });
    const covering = here.flatMap((p) => p.addrs.flatMap((a, i) => (covers(a, p.prefixlens[i]!, dst) ? [{ p, a, len: p.prefixlens[i]! }] : [])));
    const downed = covering.find((c) => !c.p.up);
    if (downed) return this.because("no-route", `${at} has no route to ${dst}: ${this.places.name(downed.p)}, whose ${downed.a}/${downed.len} takes it in, is down, and its routes went with it ${fixText(linkUp(downed.p))}`);
    const c = covering[0];
    if (c) {
      const subnet = subnetOf(c.a, c.len);
      return this.because("no-route", `${at} has no route to ${dst}: ${this.places.name(c.p)} holds ${c.a}/${c.len}, but no route to ${subnet} came with it (an address added with noprefixroute, or a route deleted) ${fixText(routeAdd(c.p, subnet))}`);
    }
    const owner = this.places.holder(dst);
    if (!owner) return this.because("no-route", `${at} has no route to ${dst}, and no device in the lab holds it`);
    const ownerLen = owner.prefixlens[owner.addrs.indexOf(dst)]!;
    const onLink = here.filter((p) => this.places.sameLink(p, owner));
    const addressed = onLink.find((p) => p.addrs.length > 0);
    if (addressed) {
      const a = addressed.addrs[0]!;
      const len = addressed.prefixlens[0]!;
      const fix = covers(a, ownerLen, dst) ? ` ${fixText(readdress(addressed, a, len, ownerLen))}` : "";
      return this.because("no-route", `${at} has no route to ${dst}: ${this.places.name(addressed)} holds ${a}/${len}, a prefix that does not take in ${dst}, though ${dst} is ${this.places.name(owner)} (${dst}/${ownerLen}) on the same link${fix}`);
    }
    const bare = onLink[0];
    if (bare) return this.because("no-route", `${at} has no route to ${dst}: ${this.places.name(bare)}, on the same link as ${this.places.name(owner)}, has no address${this.flushed(bare, ": ")}`);
    return this.because("no-route", `${at} has no route to ${dst} (${this.places.name(owner)})`);
  }

  /**
   * Nobody holds target: the lab's command that was to give it, and why it
   * did not; else a device on the asker's link that has no address at all.
   */
  noHolder(target: string, asker: PlacedDevice | undefined): string {
    const meant = this.t.meant.find((m) => m.addr === target);
    if (meant) {
      const add = `no device in the lab holds ${target}: the lab adds it to ${meant.dev}${meant.netns ? ` in ${meant.netns}` : ""} on ${meant.host}`;
      if (!meant.netnsExists) return this.because("no-address", `${add}, but ${meant.host} has no namespace ${meant.netns} ${fixText(netnsAdd(meant.host, meant.netns))}`);
      const ns = meant.devIn.find((n) => n !== meant.netns);
      const moved = ns !== undefined ? this.places.at({ host: meant.host, netns: ns, dev: meant.dev }) : undefined;
      if (!meant.devIn.includes(meant.netns))
        return this.because("no-address", `${add}, but there is no ${meant.dev} there${moved ? `: it is ${this.places.name(moved)} now${moved.addrs.length ? "" : `, with no address${this.flushed(moved, ": ")}`}` : ""}`);
      const p = this.places.at({ host: meant.host, netns: meant.netns, dev: meant.dev });
      return this.because("no-address", `${add}, but it does not hold it now${p ? ` ${fixText(addrAdd(p, target, meant.prefixlen))}` : ""}`);
    }
    const len = asker?.addrs.map((a, i) => [a, asker.prefixlens[i]!] as const).find(([a, l]) => covers(a, l, target))?.[1];
    const bare = asker ? this.places.list.filter((p) => p.addrs.length === 0 && p.up && !this.isLower(p) && this.places.sameLink(p, asker)) : [];
    if (bare.length === 1 && len !== undefined)
      return this.because("no-address", `no device in the lab holds ${target}; ${this.places.name(bare[0]!)}, on the same link, has no address ${fixText(addrAdd(bare[0]!, target, len))}`);
    return this.because("no-address", `no device in the lab holds ${target}${bare.length ? `; on the same link, ${bare.map((p) => this.places.name(p)).join(" and ")} ha${bare.length === 1 ? "s" : "ve"} no address` : ""}`);
  }

  /**
   * An address the lab gave a device in another namespace than the one it
   * is in now, which moving it flushed: the clause after `sep`, or "" when
   * the lab gave it none elsewhere.
   */
  private flushed(p: PlacedDevice, sep: string): string {
    const m = this.t.meant.find((a) => a.host === p.host && a.dev === p.dev && a.netns !== p.netns);
    if (!m) return "";
    return `${sep}the lab gave it ${m.addr}/${m.prefixlen} in ${where({ host: m.host, netns: m.netns })}, and moving a device to another namespace flushes its addresses ${fixText(addrAdd(p, m.addr, m.prefixlen))}`;
  }

  /** A parent or a bridge port: its own address is not what it is for. */
  private isLower(p: PlacedDevice): boolean {
    return this.places.list.some((q) => q.host === p.host && q.parent?.netns === p.netns && q.parent.dev === p.dev);
  }

  /**
   * A neighbour entry the command's packets leave by that sends them to a
   * MAC the next hop does not have: one set by hand with the wrong MAC, or
   * a NOARP entry (the device's own MAC) on a device made NOARP by hand.
   */
  wrongNeighbour(): { step: TraceStep; cause: string } | null {
    const [dst, src] = commandAddrs(this.t);
    if (!dst || !src) return null;
    const ours = new RegExp(`^(?:${escapeAddr(src)} > ${escapeAddr(dst)}|${escapeAddr(dst)} > ${escapeAddr(src)}) via neighbour (\\S+) \\((permanent|noarp)\\)$`);
    for (const s of this.t.steps) {
      const m = s.func === "ip_finish_output2" ? ours.exec(s.what) : null;
      const dev = m && this.places.at(s);
      const next = m && this.places.holder(m[1]!);
      if (!m || !dev || !next) continue;
      const mac = m[2] === "permanent" ? /lladdr (\S+)/.exec(s.why ?? "")?.[1] : dev.mac;
      if (!mac || mac === next.mac) continue;
      if (m[2] === "permanent")
        return {
          step: s,
          cause: this.because("wrong-neighbour", `${this.places.name(dev)} sends to ${mac}, the MAC of its permanent neighbour entry for ${m[1]}, but ${m[1]} is ${this.places.name(next)}, whose MAC is ${next.mac} ${fixText(neighReplace(dev, m[1]!, next.mac))}`),
        };
      // An ipvlan l3 slave is NOARP by its mode, and sends by IP alone.
      if (/^ipvlan l3/.test(dev.role ?? "")) continue;
      return {
        step: s,
        cause: this.because("noarp", `${this.places.name(dev)} is NOARP, so it never asks who has ${m[1]}: it sends to its own MAC, ${mac}, which is not ${this.places.name(next)}'s ${fixText(arpOn(dev))}`),
      };
    }
    return null;
  }
}
