// Catalogue entries about ipvlan/macvlan ports: a slave of the host's own in
// the parent's namespace (the seed note's ipvlan0, Docker's macvlan shim),
// and a port's mode or flags.

import { formatIpv4, networkOf, parseIpv4 } from "../../../wire/ipv4-addr.js";
import type { PlacedDevice } from "../topology.js";
import type { Change, ChangeGenerator, FixScene } from "./change.js";
import { inNetns } from "./change.js";

const kindOf = (p: PlacedDevice): "ipvlan" | "macvlan" | null => (p.role?.startsWith("ipvlan ") ? "ipvlan" : p.role?.startsWith("macvlan ") ? "macvlan" : null);

/** An unused name for a new device in a namespace. */
function freeName(s: FixScene, host: string, netns: string, base: string): string {
  const used = new Set(s.places.filter((p) => p.host === host && p.netns === netns).map((p) => p.dev));
  for (let i = 0; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** An address of addr's subnet nobody holds or means to hold, from the top down. */
function freeAddress(s: FixScene, addr: string, len: number): string | null {
  const net = networkOf(parseIpv4(addr)!, len);
  const size = 2 ** (32 - len);
  for (let i = size - 2; i >= 1; i--) {
    const a = formatIpv4((net + i) >>> 0);
    if (!s.taken.has(a)) return a;
  }
  return null;
}

export const hostSideSlave: ChangeGenerator = {
  name: "host-side-slave",
  fixes: "a host that cannot reach its own ipvlan/macvlan slaves (or they it) through their parent",
  worksAround:
    "a parent's own stack never talks to its slaves: what it sends goes out to the wire, and a switch never sends a frame back out of the port it came in on; a slave of the same port in the host's namespace, with host routes to the others through it, talks to them inside the port (ipvlan_xmit_mode_l2/ipvlan_addr_lookup, macvlan_queue_xmit in bridge mode)",
  propose: (s) => {
    if (!s.src || !s.dst) return [];
    const out: Change[] = [];
    for (const [slaveAddr, hostAddr] of [
      [s.src, s.dst],
      [s.dst, s.src],
    ] as const) {
      for (const sl of s.places.filter((p) => p.addrs.includes(slaveAddr) && p.parent)) {
        const kind = kindOf(sl);
        if (!kind) continue;
        const parentNs = sl.parent!.netns;
        if (sl.netns === parentNs) continue;
        // The other end is the host itself: an address in the parent's namespace, or the goal's own command run there (which may add it).
        const hostEnd = s.places.some((p) => p.host === sl.host && p.netns === parentNs && p.addrs.includes(hostAddr)) || (s.goal.host === sl.host && s.goalNs === parentNs && !s.places.some((p) => p.addrs.includes(hostAddr)));
        if (!hostEnd) continue;
        const len = sl.prefixlens[sl.addrs.indexOf(slaveAddr)]!;
        const addr = freeAddress(s, slaveAddr, len);
        if (!addr) continue;
        const name = freeName(s, sl.host, parentNs, kind === "ipvlan" ? "ipvl" : "macvl");
        const mode = kind === "ipvlan" ? sl.role!.split(" ")[1]! : "bridge";
        // Every address the port's slaves hold outside the parent's namespace: what the note routed.
        const siblings = s.places.filter((p) => p.host === sl.host && p.parent?.dev === sl.parent!.dev && p.parent.netns === parentNs && p.netns !== parentNs).flatMap((p) => p.addrs);
        const make = [inNetns(parentNs, `ip link add link ${sl.parent!.dev} ${name} type ${kind} mode ${mode}`), inNetns(parentNs, `ip addr add ${addr}/32 dev ${name}`), inNetns(parentNs, `ip link set ${name} up`)];
        const routes = (to: string[]) => to.map((a) => inNetns(parentNs, `ip route add ${a} dev ${name}`));
        const what = `${kind === "ipvlan" ? "an" : "a"} ${kind} ${mode} slave ${name} of ${sl.parent!.dev} in ${parentNs || `${sl.host}'s own namespace`} with ${addr}/32`;
        out.push({ generator: "host-side-slave", host: sl.host, commands: [...make, ...routes([slaveAddr])], cost: 50, what: `${what} and a host route to ${slaveAddr} through it` });
        if (siblings.length > 1) out.push({ generator: "host-side-slave", host: sl.host, commands: [...make, ...routes(siblings)], cost: 50 + 5 * siblings.length, what: `${what} and host routes to ${siblings.join(", ")} through it` });
      }
    }
    return out;
  },
};

const IPVLAN_MODES = ["l2", "l3", "l3s"] as const;
const IPVLAN_FLAGS = ["bridge", "private", "vepa"] as const;

export const ipvlanMode: ChangeGenerator = {
  name: "ipvlan-mode",
  fixes: "an ipvlan port in the wrong mode (l2/l3/l3s) or with private/vepa flags that keep siblings apart",
  worksAround: "a port's mode and flags belong to every slave of the parent (ipvlan_set_port_mode): private drops slave-to-slave traffic, vepa sends it out of the parent, l3 slaves are NOARP",
  propose: (s) => {
    const ports = new Map<string, PlacedDevice>();
    for (const p of s.places) if (kindOf(p) === "ipvlan" && s.pathHosts.has(p.host) && p.parent) ports.set(`${p.host}/${p.parent.netns}/${p.parent.dev}`, ports.get(`${p.host}/${p.parent.netns}/${p.parent.dev}`) ?? p);
    const out: Change[] = [];
    for (const p of ports.values()) {
      const [, mode, flag = "bridge"] = p.role!.split(" ");
      for (const m of IPVLAN_MODES)
        for (const f of IPVLAN_FLAGS) {
          if (m === mode && f === flag) continue;
          out.push({ generator: "ipvlan-mode", host: p.host, commands: [inNetns(p.netns, `ip link set ${p.dev} type ipvlan mode ${m} ${f}`)], cost: 30 + (m !== mode ? 5 : 0), what: `make the ipvlan port of ${p.parent!.dev} ${m} ${f}` });
        }
    }
    return out;
  },
};

export const macvlanMode: ChangeGenerator = {
  name: "macvlan-mode",
  fixes: "a macvlan in private or vepa mode where its siblings must reach it",
  worksAround: "macvlan_queue_xmit switches a frame to a sibling only between two bridge-mode macvlans; private never, vepa only through a switch that reflects it",
  propose: (s) => {
    const odd = s.places.filter((p) => kindOf(p) === "macvlan" && s.pathHosts.has(p.host) && /^macvlan (private|vepa)$/.test(p.role!));
    const one = odd.map((p): Change => ({ generator: "macvlan-mode", host: p.host, commands: [inNetns(p.netns, `ip link set ${p.dev} type macvlan mode bridge`)], cost: 20, what: `make ${p.dev} a bridge-mode macvlan` }));
    const byHost = new Map<string, PlacedDevice[]>();
    for (const p of odd) byHost.set(p.host, [...(byHost.get(p.host) ?? []), p]);
    const all = [...byHost.values()].filter((ps) => ps.length > 1).map((ps): Change => ({ generator: "macvlan-mode", host: ps[0]!.host, commands: ps.map((p) => inNetns(p.netns, `ip link set ${p.dev} type macvlan mode bridge`)), cost: 20 * ps.length, what: `make ${ps.map((p) => p.dev).join(", ")} bridge-mode macvlans` }));
    return [...one, ...all];
  },
};

export const slaveReparent: ChangeGenerator = {
  name: "slave-on-other-parent",
  fixes: "an ipvlan/macvlan slave made on the wrong parent (a NIC on another network)",
  worksAround: "a slave's frames leave only by its parent (ipvlan_queue_xmit, macvlan_start_xmit), and the parent of a slave cannot be changed: it must be deleted and made again",
  propose: (s) => {
    const out: Change[] = [];
    for (const sl of s.places) {
      const kind = kindOf(sl);
      if (!kind || !sl.parent || !s.pathHosts.has(sl.host) || sl.netns === sl.parent.netns) continue;
      if (!sl.addrs.some((a) => a === s.src || a === s.dst)) continue;
      const mode = kind === "ipvlan" ? sl.role!.split(" ")[1]! : sl.role!.split(" ")[1]!;
      const nics = s.places.filter((p) => p.host === sl.host && p.netns === sl.parent!.netns && p.network !== null && p.dev !== sl.parent!.dev);
      for (const nic of nics) {
        const root = sl.parent.netns;
        out.push({
          generator: "slave-on-other-parent",
          host: sl.host,
          commands: [
            inNetns(sl.netns, `ip link del ${sl.dev}`),
            inNetns(root, `ip link add link ${nic.dev} ${sl.dev} type ${kind} mode ${mode}`),
            inNetns(root, `ip link set ${sl.dev} netns ${sl.netns}`),
            ...sl.addrs.map((a, i) => inNetns(sl.netns, `ip addr add ${a}/${sl.prefixlens[i]} dev ${sl.dev}`)),
            ...(sl.up ? [inNetns(sl.netns, `ip link set ${sl.dev} up`)] : []),
          ],
          cost: 60,
          what: `make ${sl.dev} again on ${nic.dev} (on ${nic.network})`,
        });
      }
    }
    return out;
  },
};
