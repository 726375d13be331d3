// The words for what a trace shows: each kernel mechanism has its own
// phrase, and which phrases a verdict uses is read off the trace and off the
// state of the lab's devices. Each phrase names the mechanism (a factor) it
// rests on, so a report can say which results depend on which piece of
// kernel behaviour or hidden state; a phrase about something the lab could
// change ends with the command that would change it.

import type { TraceStep } from "../../kernel/index.js";
import type { PlacedDevice } from "./topology.js";
import { commandAddrs, escapeAddr, isArpRequest, isDrop, where, type TracedCommand } from "./trace-read.js";
import { Causes } from "./verdict-cause.js";
import { arpOn, fixClause, fixText, ipvlanMode, linkAddOn, macvlanMode, sysctl } from "./verdict-fix.js";
import { Places } from "./verdict-places.js";

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
  "ipvlan-vepa": "a vepa ipvlan port sends slave-to-slave traffic out of the parent, for the switch to send back",
  "l3-noarp": "ipvlan's l3 mode makes every slave NOARP: its addresses are never answered for in ARP",
  noarp: "a NOARP device never asks or answers ARP: it sends every packet to its own MAC",
  "rp-filter": "strict reverse-path filtering (rp_filter=1): a packet, or an ARP request, counts only on the device the route back leaves by",
  "arp-ignore": "arp_ignore: a device answers ARP only for its own addresses",
  "arp-filter": "arp_filter: a device answers ARP only when the route back to the asker leaves by it",
  "answer-to-source": "an ARP answer goes to the device holding the request's source address, which may not be the one that asked",
  "earlier-neighbour": "neighbour entries an earlier step left behind (remembered MACs, resolutions still pending)",
  "wrong-neighbour": "a neighbour entry set by hand is used as it is, even when its MAC is nobody's",
  "other-network": "ARP stays inside one network",
  "device-down": "a device that is down, or without carrier (its parent or veth peer down), moves no frames",
  "no-address": "no device holds the address",
  "no-route": "no route to the destination",
} as const;
export type Factor = keyof typeof FACTORS;

/** rp_filter counts the higher of conf/all and conf/DEV, and 2 is the highest: conf/all alone makes it loose. */
const looseRpFilter = (s: TraceStep) => sysctl(s.host, s.netns, ["net.ipv4.conf.all.rp_filter"], 2, "makes it loose: any route back will do");

/** The functions on a device's transmit path: a request dropped in one never left its sender. */
const XMIT = new Set(["__dev_queue_xmit", "ipvlan_xmit_mode_l2", "ipvlan_xmit_mode_l3", "ipvlan_process_outbound", "macvlan_queue_xmit"]);

/** What each arp_ignore mode (Documentation/networking/ip-sysctl.rst) leaves a device answering. */
const ARP_IGNORE: Record<string, string> = {
  "1": "a device answers only for its own addresses",
  "2": "a device answers only for its own addresses, and only askers in the same subnet",
  "3": "a device answers only for addresses of scope host or link",
  "8": "a device answers nothing",
};

/** The trace and the lab's devices, and the words for what happened in them. */
export class Story {
  private readonly steps: readonly TraceStep[];
  private readonly places: Places;
  private readonly causes: Causes;
  readonly factors = new Set<Factor>();

  /** A phrase, and the mechanism it rests on. */
  private because(f: Factor, phrase: string): string {
    this.factors.add(f);
    return phrase;
  }

  constructor(private readonly t: TracedCommand) {
    this.steps = t.steps;
    this.places = new Places(t.places);
    this.causes = new Causes(this.places, t, (f, phrase) => this.because(f, phrase));
  }

  /** "vm02/ns01's ipvlan1". */
  name(s: { host: string; netns: string; dev: string }): string {
    return this.places.name(s);
  }

  private describe(p: PlacedDevice): string {
    return this.places.describe(p);
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
      const holder = m && /^(stale|reachable|delay|probe)$/.test(m[4]!) ? this.places.holder(m[3]!) : undefined;
      if (!m || !holder || !/^ipvlan l3/.test(holder.role ?? "")) continue;
      const said = `${where(s)}'s ${s.dev} still had ${m[3]} (${m[4]!.toUpperCase()}), which no ARP could resolve now: ${this.describe(holder)}, and l3 slaves never answer ARP`;
      if (!remembered.includes(said)) remembered.push(said);
    }
    if (remembered.length === 0) return end;
    this.factors.add("earlier-neighbour");
    return `${end}, using a neighbour entry from before: ${remembered.join("; ")}`;
  }

  /** How far the command's packet got before the step that failed it: "the echo request reaches …, but the reply …". */
  progress(d: TraceStep): string {
    const [dst] = commandAddrs(this.t);
    if (!dst) return "";
    const arrived = this.steps.find((s) => s.func === "ip_local_deliver" && s.what.endsWith(` > ${dst}`));
    if (!arrived || d.func === "ip_local_deliver" || !/\bping\b/.test(this.t.command)) return "";
    return `the echo request reaches ${where(arrived)}, but the reply never gets back: `;
  }

  /** A neighbour entry on the command's path that sends to a MAC the next hop does not have, and the step that used it. */
  wrongNeighbour(): { step: TraceStep; cause: string } | null {
    return this.causes.wrongNeighbour();
  }

  /** The command was refused before any packet left, for want of a route: why there is none. */
  unrouted(): string | null {
    const [dst] = commandAddrs(this.t);
    return dst ? this.causes.noRoute(this.t.host, this.commandNetns(), dst) : null;
  }

  /** The command was refused because a device it names (arping -I) is down. */
  downDevice(dev: string): string | null {
    const p = this.places.at({ host: this.t.host, netns: this.commandNetns(), dev });
    const down = p && this.causes.down(p);
    return down ? `${this.name(p)} ${down}` : null;
  }

  /** The namespace the command runs in: `ip netns exec NS`, `ip -n NS`, or the host's own. */
  private commandNetns(): string {
    return /\bip\s+(?:netns|net)\s+exec\s+(\S+)/.exec(this.t.command)?.[1] ?? /\bip\s+-n(?:etns)?\s+(\S+)/.exec(this.t.command)?.[1] ?? "";
  }

  /** An ARP request for `target` from d's device that no answer came back to. */
  unanswered(d: TraceStep, target: string): string {
    // A neighbour given up on names no sender: take it from the asker's requests, if the trace has one.
    const asked = [d, ...this.steps].map((s) => (isArpRequest(s) && s.host === d.host && s.netns === d.netns ? new RegExp(`who-has ${escapeAddr(target)} tell (\\S+)`).exec(s.what)?.[1] : undefined));
    const sender = asked.find(Boolean);
    const asker = d.func === "neigh_invalidate" ? `${this.name(d)} gets no answer to its ARP requests for ${target} and gives up` : `${this.name(d)} asks who has ${target}, and no answer comes`;
    const from = this.places.at(d);
    const owner = this.places.holder(target);
    if (!owner) return `${asker}: ${this.causes.noHolder(target, from)}`;
    // Steps about this very request: it names the target and the asker's address. The whole
    // trace counts: a request a step left pending may have gone out before the command.
    const by = sender ? escapeAddr(sender) : "\\S+";
    const request = new RegExp(`who-has ${escapeAddr(target)} tell ${by}$`);
    const answer = new RegExp(`^(proxy )?reply ${escapeAddr(target)} is-at \\S+ to ${by}$`);
    // The first cause on the path is the asker's own: its request never left.
    const leaving = this.steps.find((s) => XMIT.has(s.func) && isDrop(s) && request.test(s.what) && this.onAskerPath(s, from));
    if (leaving) return `${asker}: the request never leaves: ${this.dropped(leaving)}`;
    const unreachable = this.causes.unreachable(owner, from);
    if (unreachable) return `${asker}: ${target} is ${this.describe(owner)}, ${unreachable}`;
    const refusal = this.steps.find((s) => s.host === owner.host && s.netns === owner.netns && isDrop(s) && request.test(s.what));
    if (refusal && refusal.dev === owner.dev) return `${asker}: the request reaches ${this.describe(owner)}, which holds ${target} but ${this.refuses(refusal)}`;
    if (refusal) {
      const notOwner = this.whyNotReached(d, owner, target).filter((r) => !/switch/.test(r));
      return `${asker}: in ${where(owner)} the request reaches ${refusal.dev}, not ${owner.dev} which holds ${target}${notOwner.length ? ` (${notOwner.join("; ")})` : ""}, and ${refusal.dev} ${this.refuses(refusal)}`;
    }
    // Only a known sender tells this asker's answer from another's.
    // An answer to this resolution, not to an earlier request of the command that was answered (arping's first probe).
    let since = 0;
    for (let i = this.steps.indexOf(d) - 1; i >= 0 && since === 0; i--) {
      const s = this.steps[i]!;
      if (s.func === "arp_process" && s.host === d.host && s.netns === d.netns && s.dev === d.dev && s.what.startsWith(`${target} is-at`)) since = i + 1;
    }
    const reply = sender ? this.steps.slice(since).find((s) => s.func === "arp_process" && answer.test(s.what)) : undefined;
    if (reply) {
      const later = this.steps.slice(this.steps.indexOf(reply) + 1);
      // The answer goes by its address to the device holding the request's source, which need not be the one that asked:
      // an rx_handler steers it there, or the slave's frame is handed to the parent's own stack.
      const elsewhere = later.find((s) => s.host === d.host && (/^steered /.test(s.what) || (s.func === "arp_process" && s.what.startsWith(`${target} is-at`))) && !(s.netns === d.netns && s.dev === d.dev));
      if (elsewhere)
        return `${asker}: ${this.name(reply)} answers, but ${this.because("answer-to-source", "the answer goes to")} ${this.name(elsewhere)}, which holds ${sender}, the address the request was sent from, not to ${d.dev}, which asked (a neighbour entry belongs to one device)`;
      const dropsAnswer = new RegExp(`reply ${escapeAddr(target)} is-at \\S+ to ${by}$`);
      const replier = this.places.at(reply);
      const bounced = (s: TraceStep) => s.func === "br_forward" && replier !== undefined && s.what.startsWith(`drop ${replier.mac} > `);
      const lost = later.find((s) => isDrop(s) && s.func !== "neigh_invalidate" && (dropsAnswer.test(s.what) || bounced(s) || (s.host === d.host && s.netns === d.netns)));
      const vepa = later.find((s) => s.func === "ipvlan_xmit_mode_l2" && /^vepa:/.test(s.why ?? "") && s.host === reply.host && s.netns === reply.netns && s.dev === reply.dev);
      if (vepa) return `${asker}: ${this.name(reply)} answers, but the answer is lost: ${this.vepa(vepa, lost)}`;
      return `${asker}: ${this.name(reply)} answers, but ${lost ? `the answer is lost: ${this.dropped(lost)}` : "the answer never arrives"}`;
    }
    const reasons = this.whyNotReached(d, owner, target);
    return `${asker}: ${target} is ${this.describe(owner)}, and the request never gets there${reasons.length ? `: ${reasons.join(", and ")}` : ""}`;
  }

  /** A step at the asker's device or a device it sends through (its parent, its NIC) in its own host. */
  private onAskerPath(s: TraceStep, asker: PlacedDevice | undefined): boolean {
    for (let p = asker, hop = 0; p && hop < 4; p = this.places.parentOf(p), hop++) if (s.host === p.host && s.netns === p.netns && s.dev === p.dev) return true;
    return false;
  }

  /** A vepa ipvlan port's unicast to a sibling leaves through the parent, and only a switch that sends it back delivers it. */
  private vepa(s: TraceStep, lost: TraceStep | undefined): string {
    const p = this.places.at(s);
    const parent = p && this.places.parentOf(p);
    const nic = this.places.nicOf(p);
    const bounced = lost ?? this.steps.slice(this.steps.indexOf(s)).find((b) => b.func === "br_forward" && /no hairpin/.test(b.why ?? ""));
    const back = bounced?.func === "br_forward" ? `, and the switch on ${nic?.network ?? bounced.host.replace(/^network /, "")} does not send it back out the port it came in on` : "";
    const fix = p ? ` ${fixText(ipvlanMode(p, "l2 bridge"))}` : "";
    return this.because("ipvlan-vepa", `the ipvlan port${parent ? ` of ${this.name(parent)}` : ""} is vepa, so ${s.dev} sends even a sibling's answer out of the parent${back}${fix}`);
  }

  /**
   * Why an asker's request never reached the owner of its target: what the
   * lab's devices are to each other, and what the trace shows happening to
   * the asker's frames (only when the trace holds a request of its own).
   */
  private whyNotReached(d: TraceStep, owner: PlacedDevice, target: string): string[] {
    const asker = this.places.at(d);
    const reasons: string[] = [];
    const kind = /^(ipvlan|macvlan)\b/.exec(owner.role ?? "")?.[1];
    if (kind && owner.host === d.host && owner.parent?.netns === d.netns && owner.parent.dev === d.dev)
      reasons.push(this.because("slave-misses-parent", `${kind === "ipvlan" ? "an" : "a"} ${kind} slave never sees what its parent ${d.dev} sends (the ${kind} rx_handler hooks only what ${d.dev} receives)`));
    const asked = this.steps.some((s) => isArpRequest(s) && s.host === d.host && s.netns === d.netns && s.what.includes(`who-has ${target} `));
    if (!asked) return [...reasons, this.because("earlier-neighbour", "its requests went out before this command, left pending by an earlier step")];
    for (const s of this.steps) {
      if (s.func === "ipvlan_process_multicast" && /parent's own stack gets none/.test(s.why ?? "") && s.host === owner.host && owner.netns === s.netns && owner.dev === s.dev)
        reasons.push(this.because("parent-misses-slave-broadcast", `ipvlan hands a slave's broadcast to the other slaves and out of ${s.dev}, never up ${s.dev}'s own stack`));
      else if (s.func === "macvlan_queue_xmit" && s.host === d.host && s.netns === d.netns && /nothing is switched locally/.test(s.why ?? "")) {
        const notBridge = asker && this.places.siblings(asker, owner) ? [asker, owner].filter((p) => p.role !== "macvlan bridge") : [];
        const fix = notBridge.length ? ` ${fixText(macvlanMode(notBridge, "bridge"))}` : "";
        reasons.push(this.because("macvlan-isolation", `${s.dev} is a ${/^(\w+)/.exec(s.why!)![1]} macvlan: what it sends goes only out of the parent, nothing is switched to its siblings${fix}`));
      }
    }
    // A bridge-mode sender copies only to bridge-mode siblings (macvlan_broadcast, macvlan_queue_xmit).
    const ownerMode = /^macvlan (\w+)$/.exec(owner.role ?? "")?.[1];
    if (asker?.role === "macvlan bridge" && ownerMode && ownerMode !== "bridge" && this.places.siblings(asker, owner))
      reasons.push(this.because("macvlan-isolation", `${owner.dev} is a ${ownerMode} macvlan: nothing is switched to it locally, not even from a bridge-mode sibling ${fixText(macvlanMode([owner], "bridge"))}`));
    const nic = this.places.nicOf(asker);
    const ownerNic = this.places.nicOf(owner);
    if (nic && ownerNic && nic.network !== ownerNic.network) reasons.push(this.because("other-network", `${d.dev}'s frames reach only ${nic.network}, and ${where(owner)} is on ${ownerNic.network}: an ARP request never leaves its own network${this.otherParent(asker!, ownerNic.network!)}`));
    if (asker && nic && ownerNic === nic) {
      const fromAsker = (s: TraceStep) => s.host === `network ${nic.network}` && new RegExp(`^(flood|drop) ${asker.mac} > `).test(s.what);
      if (this.steps.some((s) => fromAsker(s) && (s.func === "br_flood" ? /not back out/.test(s.why ?? "") : s.func === "br_forward")))
        reasons.push(this.because("switch-no-hairpin", `the switch on ${nic.network} does not send a frame back out the port it came in on, the port ${where(owner)} sits behind too`));
    }
    return [...new Set(reasons)];
  }

  /** A slave on a parent in the wrong network: the NIC of its host that is on the right one. */
  private otherParent(asker: PlacedDevice, network: string): string {
    const type = /^(ipvlan|macvlan) (.*)$/.exec(asker.role ?? "");
    const right = this.places.list.find((p) => p.host === asker.host && p.network === network);
    if (!type || !asker.parent || !right) return "";
    return ` (${asker.dev} is a slave of ${asker.parent.dev}; ${right.dev} is ${asker.host}'s NIC on ${network}: ${fixClause(linkAddOn(asker, right.dev, `${type[1]} mode ${type[2]}`))})`;
  }

  /** Why a device does not answer an ARP request, as a predicate: "is NOARP: …", "does not answer: …". */
  private refuses(s: TraceStep): string {
    const why = s.why ?? "";
    const p = this.places.at(s);
    const keys = why.match(/net\.ipv4\.conf\.\S+?=\d+/g) ?? [];
    if (s.func === "arp_rcv" && /NOARP/.test(why)) {
      if (p && /^ipvlan l3/.test(p.role ?? "")) return this.because("l3-noarp", `is NOARP: ipvlan's l3 mode marks every slave NOARP, so it never answers ARP ${fixText({ ...ipvlanMode(p, "l2"), does: "makes the whole port l2, whose slaves answer ARP" })}`);
      return this.because("noarp", `is NOARP and never answers ARP${p ? ` ${fixText(arpOn(p))}` : ""}`);
    }
    const rp = /rp_filter=(\d): the route back to the source leaves by (\S+), not (\S+)/.exec(why);
    if (rp)
      return this.because("rp-filter", `does not answer: with rp_filter=${rp[1]} (strict reverse-path filtering) a device answers only a request that arrives where the route back to the asker leaves, and that is ${rp[2]} ${fixText(looseRpFilter(s))}`);
    if (s.func === "arp_ignore") {
      const mode = /arp_ignore=(\d+)/.exec(why)?.[1] ?? "";
      const rule = ARP_IGNORE[mode] ?? "it answers only some requests";
      return this.because("arp-ignore", `does not answer: with arp_ignore=${mode} ${rule}${keys.length ? ` ${fixText(sysctl(s.host, s.netns, keys, 0, "lets it answer for every address of its host"))}` : ""}`);
    }
    if (s.func === "arp_filter") return this.because("arp-filter", `does not answer (${why})${keys.length ? ` ${fixText(sysctl(s.host, s.netns, keys, 0, "turns the filter off"))}` : ""}`);
    return `drops it (${s.func}: ${s.what}${why ? `, ${why}` : ""})`;
  }

  /** A dropped packet in words. */
  dropped(s: TraceStep): string {
    const why = s.why ?? "";
    const at = this.name(s);
    const p = this.places.at(s);
    const rp = /rp_filter=(\d): the route back to the source leaves by (\S+), not (\S+)/.exec(why);
    const pkt = /drop (\S+) > (\S+)/.exec(s.what);
    if (rp && pkt) {
      return this.because("rp-filter", `${where(s)} drops ${pkt[1]} > ${pkt[2]} as it arrives on ${rp[3]}: with rp_filter=${rp[1]} (strict reverse-path filtering) a packet from ${pkt[1]} must arrive where the route back to ${pkt[1]} leaves, and that is ${rp[2]} ${fixText(looseRpFilter(s))}`);
    }
    if (s.func === "br_forward" && /no hairpin/.test(why)) return this.because("switch-no-hairpin", `the switch on ${s.host.replace(/^network /, "")} drops the frame: its destination sits behind the port it came in on, and a switch does not send a frame back out that port`);
    if (s.func === "arp_rcv" || s.func === "arp_ignore" || s.func === "arp_filter" || s.func === "ip_route_input_noref") return `${at} ${this.refuses(s)}`;
    if (/sibling slave and the port is private/.test(why)) return this.because("ipvlan-private", `${at} may not reach its sibling slave: the ipvlan port is private${p ? ` ${fixText(ipvlanMode(p, `${/^ipvlan (l\S+)/.exec(p.role ?? "")?.[1] ?? "l2"} bridge`))}` : ""}`);
    const down = p && /\bis down\b|no carrier/.test(why) ? this.causes.down(p) : null;
    if (down) return `${at} ${s.func === "__dev_queue_xmit" ? "cannot send: it " : ""}${down}`;
    if (s.func === "icmp_reply" && /no route/.test(why)) return this.causes.noRoute(s.host, s.netns, /no echo reply to (\S+)/.exec(s.what)?.[1] ?? "");
    if (s.func === "ipvlan_process_v4_outbound") return `in l3 mode the parent's namespace routes what the slave sends, and there ${pkt ? `${pkt[1]} > ${pkt[2]}` : "it"} is dropped: ${why}`;
    if (s.func === "__dev_queue_xmit") return `${at} cannot send: ${why}`;
    if (s.func === "ip_rcv_core") return `${at} drops it: ${why}`;
    return `${at} drops it (${s.func}${why ? `: ${why}` : ""})`;
  }
}
