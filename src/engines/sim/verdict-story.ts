// The words for what a trace shows: each kernel mechanism has its own
// phrase, and which phrases a verdict uses is read off the trace and off who
// holds which address. Each phrase names the mechanism (a factor) it rests
// on, so a report can say which results depend on which piece of kernel
// behaviour or hidden state.

import type { TraceStep } from "../../kernel/index.js";
import type { PlacedDevice } from "./topology.js";
import { commandAddrs, escapeAddr, isDrop, where, type TracedCommand } from "./trace-read.js";

/**
 * The mechanisms a verdict rests on, so a report can say which results
 * depend on which piece of kernel behaviour or hidden state.
 */
export const FACTORS = {
  "switch-no-hairpin": "a switch never sends a frame back out the port it came in on (VMware's vSwitch as much as the lab's bridge without hairpin), so devices behind one port never hear each other through it",
  "slave-misses-parent": "an ipvlan or macvlan slave never sees what its parent sends: the rx_handler hooks only what the parent receives",
  "parent-misses-slave-broadcast": "ipvlan hands a slave's broadcast to the other slaves and the wire, never up the parent's own stack",
  "macvlan-isolation": "a private or vepa macvlan switches nothing to its siblings",
  "ipvlan-private": "a private ipvlan port forbids slave-to-slave traffic",
  "l3-noarp": "ipvlan's l3 mode makes every slave NOARP: its addresses are never answered for in ARP",
  "rp-filter": "strict reverse-path filtering (rp_filter=1): a packet, or an ARP request, counts only on the device the route back leaves by",
  "arp-ignore": "arp_ignore: a device answers ARP only for its own addresses",
  "answer-to-source": "an ARP answer goes to the device holding the request's source address, which may not be the one that asked",
  "earlier-neighbour": "neighbour entries an earlier step left behind (remembered MACs, resolutions still pending)",
  "other-network": "ARP stays inside one network",
  "no-route": "no route to the destination",
} as const;
export type Factor = keyof typeof FACTORS;


/** The trace and the lab's devices, and the words for what happened in them. */
export class Story {
  private readonly steps: readonly TraceStep[];
  private readonly places: readonly PlacedDevice[];
  readonly factors = new Set<Factor>();

  /** A phrase, and the mechanism it rests on. */
  private because(f: Factor, phrase: string): string {
    this.factors.add(f);
    return phrase;
  }

  constructor(private readonly t: TracedCommand) {
    this.steps = t.steps;
    this.places = t.places;
  }

  private place(s: { host: string; netns: string; dev: string }): PlacedDevice | undefined {
    return this.places.find((p) => p.host === s.host && p.netns === s.netns && p.dev === s.dev);
  }

  /** "vm02/ns01's ipvlan1". */
  name(s: { host: string; netns: string; dev: string }): string {
    return `${where(s)}'s ${s.dev}`;
  }

  /** The name and what the device is: "vm02/ns01's ipvlan1, an ipvlan l2 slave of ens34". */
  private describe(p: PlacedDevice): string {
    const role = p.role ?? "";
    const stacked = /^(ipvlan|macvlan) (.*)$/.exec(role);
    if (stacked && p.parent) {
      const parentAt = p.parent.netns === p.netns ? p.parent.dev : `${where({ host: p.host, netns: p.parent.netns })}'s ${p.parent.dev}`;
      return `${this.name(p)}, ${stacked[1] === "ipvlan" ? "an" : "a"} ${stacked[1]} ${stacked[2]} slave of ${parentAt}`;
    }
    return this.name(p);
  }

  /** The lab NIC a device's frames reach the wire through: itself, or the parent it is stacked on. */
  private nicOf(p: PlacedDevice | undefined): PlacedDevice | undefined {
    for (let hop = 0; p && hop < 4; hop++) {
      if (p.network) return p;
      p = p.parent ? this.place({ host: p.host, netns: p.parent.netns, dev: p.parent.dev }) : undefined;
    }
    return undefined;
  }

  /** A success: where it ends, and the neighbour entries it used without asking (they were there before the command). */
  delivered(d: TraceStep): string {
    const own = commandAddrs(this.t);
    // Which way each direction left: a route through another device is often the whole story.
    const leaves = (from: string | undefined, to: string | undefined) => this.steps.find((s) => s.func === "ip_finish_output2" && from !== undefined && s.what.startsWith(`${from} > ${to} `));
    const out = leaves(own[1], own[0]);
    const back = leaves(own[0], own[1]);
    const ways = [out && `the request leaves ${where(out)} by ${out.dev}`, back && `the reply leaves ${where(back)} by ${back.dev}`].filter(Boolean);
    const end = `${ways.length ? `${ways.join(", ")}, and ` : ""}${d.func === "arp_process" ? "the ARP answer" : d.what} is delivered to ${this.name(d)}`;
    // An entry for an address that ARP could not resolve now (its holder is NOARP) was left by an earlier state of the lab.
    const remembered: string[] = [];
    for (const s of this.steps) {
      const m = s.func === "ip_finish_output2" ? /^(\S+) > (\S+) via neighbour (\S+) \((\w+)\)$/.exec(s.what) : null;
      const holder = m && /^(stale|reachable|delay|probe)$/.test(m[4]!) ? this.places.find((p) => p.addrs.includes(m[3]!)) : undefined;
      if (!m || !holder || !/^ipvlan l3/.test(holder.role ?? "")) continue;
      const said = `${where(s)}'s ${s.dev} still had ${m[3]} (${m[4]!.toUpperCase()}), which no ARP could resolve now: ${this.describe(holder)}, and l3 slaves never answer ARP`;
      if (!remembered.includes(said)) remembered.push(said);
    }
    if (remembered.length === 0) return end;
    this.factors.add("earlier-neighbour");
    return `${end}, using a neighbour entry from before: ${remembered.join("; ")}`;
  }

  /** How far the command's packet got before the decisive step: "the echo request reaches …, but the reply …". */
  progress(d: TraceStep): string {
    const [dst] = commandAddrs(this.t);
    if (!dst) return "";
    const arrived = this.steps.find((s) => s.func === "ip_local_deliver" && s.what.endsWith(` > ${dst}`));
    if (!arrived || d.func === "ip_local_deliver" || !/\bping\b/.test(this.t.command)) return "";
    return `the echo request reaches ${where(arrived)}, but the reply never gets back: `;
  }

  /** An ARP request for `target` from d's device that no answer came back to. */
  unanswered(d: TraceStep, target: string): string {
    // A neighbour given up on names no sender: take it from the asker's requests, if the trace has one.
    const asked = [d, ...this.steps].map((s) => (s.func === "arp_solicit" && s.host === d.host && s.netns === d.netns ? new RegExp(`who-has ${escapeAddr(target)} tell (\\S+)`).exec(s.what)?.[1] : undefined));
    const sender = asked.find(Boolean);
    const asker = d.func === "neigh_invalidate" ? `${this.name(d)} gets no answer to its ARP requests for ${target} and gives up` : `${this.name(d)} asks who has ${target}, and no answer comes`;
    const owner = this.places.find((p) => p.addrs.includes(target));
    if (!owner) return `${asker}: no device in the lab holds ${target}`;
    // Steps about this very request: it names the target and the asker's address. The whole
    // trace counts: a request a step left pending may have gone out before the command.
    const by = sender ? escapeAddr(sender) : "\\S+";
    const request = new RegExp(`who-has ${escapeAddr(target)} tell ${by}$`);
    const answer = new RegExp(`^(proxy )?reply ${escapeAddr(target)} is-at \\S+ to ${by}$`);
    const refusal = this.steps.find((s) => s.host === owner.host && s.netns === owner.netns && isDrop(s) && request.test(s.what));
    if (refusal && refusal.dev === owner.dev) return `${asker}: the request reaches ${this.describe(owner)}, which holds ${target} but ${this.refuses(refusal)}`;
    if (refusal) {
      const notOwner = this.whyNotReached(d, owner, target).filter((r) => !/switch/.test(r));
      return `${asker}: in ${where(owner)} the request reaches ${refusal.dev}, not ${owner.dev} which holds ${target}${notOwner.length ? ` (${notOwner.join("; ")})` : ""}, and ${refusal.dev} ${this.refuses(refusal)}`;
    }
    // Only a known sender tells this asker's answer from another's.
    const reply = sender ? this.steps.find((s) => s.func === "arp_process" && answer.test(s.what)) : undefined;
    if (reply) {
      const later = this.steps.slice(this.steps.indexOf(reply) + 1).filter((s) => s.host === d.host);
      // The answer goes by its address to the device holding the request's source, which need not be the one that asked:
      // an rx_handler steers it there, or the slave's frame is handed to the parent's own stack.
      const elsewhere = later.find((s) => (/^steered /.test(s.what) || (s.func === "arp_process" && s.what.startsWith(`${target} is-at`))) && !(s.netns === d.netns && s.dev === d.dev));
      if (elsewhere)
        return `${asker}: ${this.name(reply)} answers, but ${this.because("answer-to-source", "the answer goes to")} ${this.name(elsewhere)}, which holds ${sender}, the address the request was sent from, not to ${d.dev}, which asked (a neighbour entry belongs to one device)`;
      const lost = later.find((s) => isDrop(s) && s.func !== "neigh_invalidate" && s.netns === d.netns);
      return `${asker}: ${this.name(reply)} answers, but ${lost ? `the answer is lost: ${this.dropped(lost)}` : "the answer never arrives"}`;
    }
    const reasons = this.whyNotReached(d, owner, target);
    return `${asker}: ${target} is ${this.describe(owner)}, and the request never gets there${reasons.length ? `: ${reasons.join(", and ")}` : ""}`;
  }

  /**
   * Why an asker's request never reached the owner of its target: what the
   * lab's devices are to each other, and what the trace shows happening to
   * the asker's frames (only when the trace holds a request of its own).
   */
  private whyNotReached(d: TraceStep, owner: PlacedDevice, target: string): string[] {
    const asker = this.place(d);
    const reasons: string[] = [];
    const kind = /^(ipvlan|macvlan)\b/.exec(owner.role ?? "")?.[1];
    if (kind && owner.host === d.host && owner.parent?.netns === d.netns && owner.parent.dev === d.dev)
      reasons.push(this.because("slave-misses-parent", `${kind === "ipvlan" ? "an" : "a"} ${kind} slave never sees what its parent ${d.dev} sends (the ${kind} rx_handler hooks only what ${d.dev} receives)`));
    const asked = this.steps.some((s) => s.func === "arp_solicit" && s.host === d.host && s.netns === d.netns && s.what.startsWith(`who-has ${target} `));
    if (!asked) return [...reasons, this.because("earlier-neighbour", "its requests went out before this command, left pending by an earlier step")];
    for (const s of this.steps) {
      if (s.func === "ipvlan_process_multicast" && /parent's own stack gets none/.test(s.why ?? "") && s.host === owner.host && owner.netns === s.netns && owner.dev === s.dev)
        reasons.push(this.because("parent-misses-slave-broadcast", `ipvlan hands a slave's broadcast to the other slaves and out of ${s.dev}, never up ${s.dev}'s own stack`));
      else if (s.func === "macvlan_queue_xmit" && s.host === d.host && s.netns === d.netns && /nothing is switched locally/.test(s.why ?? ""))
        reasons.push(this.because("macvlan-isolation", `${s.dev} is a ${/^(\w+)/.exec(s.why!)![1]} macvlan: what it sends goes only out of the parent, nothing is switched to its siblings`));
    }
    const nic = this.nicOf(asker);
    const ownerNic = this.nicOf(owner);
    if (nic && ownerNic && nic.network !== ownerNic.network)
      reasons.push(this.because("other-network", `${d.dev}'s frames reach only ${nic.network}, and ${where(owner)} is on ${ownerNic.network}: an ARP request never leaves its own network`));
    if (asker && nic && ownerNic === nic) {
      const fromAsker = (s: TraceStep) => s.host === `network ${nic.network}` && new RegExp(`^(flood|drop) ${asker.mac} > `).test(s.what);
      if (this.steps.some((s) => fromAsker(s) && (s.func === "br_flood" ? /not back out/.test(s.why ?? "") : s.func === "br_forward")))
        reasons.push(this.because("switch-no-hairpin", `the switch on ${nic.network} does not send a frame back out the port it came in on, the port ${where(owner)} sits behind too`));
    }
    return [...new Set(reasons)];
  }

  /** Why a device does not answer an ARP request, as a predicate: "is NOARP: …", "does not answer: …". */
  private refuses(s: TraceStep): string {
    const why = s.why ?? "";
    if (s.func === "arp_rcv" && /NOARP/.test(why)) {
      const p = this.place(s);
      return /^ipvlan l3/.test(p?.role ?? "") ? this.because("l3-noarp", "is NOARP: ipvlan's l3 mode marks every slave NOARP, so it never answers ARP") : "is NOARP and never answers ARP";
    }
    const rp = /rp_filter=(\d): the route back to the source leaves by (\S+), not (\S+)/.exec(why);
    if (rp) return this.because("rp-filter", `does not answer: with rp_filter=${rp[1]} (strict reverse-path filtering) a device answers only a request that arrives where the route back to the asker leaves, and that is ${rp[2]}`);
    if (s.func === "arp_ignore") return this.because("arp-ignore", `does not answer (${why}: it answers only for an address of the device the request came in on)`);
    if (s.func === "arp_filter") return `does not answer (${why})`;
    return `drops it (${s.func}: ${s.what}${why ? `, ${why}` : ""})`;
  }

  /** A dropped packet in words. */
  dropped(s: TraceStep): string {
    const why = s.why ?? "";
    const at = this.name(s);
    const rp = /rp_filter=(\d): the route back to the source leaves by (\S+), not (\S+)/.exec(why);
    const pkt = /drop (\S+) > (\S+)/.exec(s.what);
    if (rp && pkt)
      return this.because("rp-filter", `${where(s)} drops ${pkt[1]} > ${pkt[2]} as it arrives on ${rp[3]}: with rp_filter=${rp[1]} (strict reverse-path filtering) a packet from ${pkt[1]} must arrive where the route back to ${pkt[1]} leaves, and that is ${rp[2]}`);
    if (s.func === "br_forward" && /no hairpin/.test(why)) return this.because("switch-no-hairpin", `the switch on ${s.host.replace(/^network /, "")} drops the frame: its destination sits behind the port it came in on, and a switch does not send a frame back out that port`);
    if (s.func === "arp_rcv" || s.func === "arp_ignore" || s.func === "arp_filter" || s.func === "ip_route_input_noref") return `${at} ${this.refuses(s)}`;
    if (/sibling slave and the port is private/.test(why)) return this.because("ipvlan-private", `${at} may not reach its sibling slave: the ipvlan port is private`);
    if (s.func === "ipvlan_process_v4_outbound") return `in l3 mode the parent's namespace routes what the slave sends, and there ${pkt ? `${pkt[1]} > ${pkt[2]}` : "it"} is dropped: ${why}`;
    if (s.func === "__dev_queue_xmit") return `${at} cannot send: ${why}`;
    if (s.func === "ip_rcv_core") return `${at} drops it: ${why}`;
    return `${at} drops it (${s.func}${why ? `: ${why}` : ""})`;
  }
}
