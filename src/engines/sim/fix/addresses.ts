// Catalogue entries about addresses: one the lab meant but nobody holds, a
// prefix that leaves the other end off-link, an address on the wrong device.

import { formatIpv4, networkOf, parseIpv4 } from "../../../wire/ipv4-addr.js";
import { meantAddresses } from "../lab-intent.js";
import type { Change, ChangeGenerator } from "./change.js";
import { inNetns, nsKey } from "./change.js";

const sameSubnet = (a: string, b: string, len: number): boolean => networkOf(parseIpv4(a)!, len) === networkOf(parseIpv4(b)!, len);

export const addrMissing: ChangeGenerator = {
  name: "address-missing",
  fixes: "an address the lab's commands add that no device holds (added before a move to another namespace, or to a device that was not there yet)",
  worksAround: "dev_change_net_namespace flushes a device's addresses when it moves (inetdev_event NETDEV_UNREGISTER), and a command that failed left nothing behind",
  propose: (s) => {
    const held = new Set(s.places.flatMap((p) => p.addrs));
    return meantAddresses(s.lab, s.world, s.goal.steps)
      .filter((m) => !held.has(m.addr))
      .flatMap((m) => m.devIn.map((ns) => ({ generator: "address-missing", host: m.host, commands: [inNetns(ns, `ip addr add ${m.addr}/${m.prefixlen} dev ${m.dev}`)], cost: 10, what: `give ${m.dev}${ns ? ` (in ${ns})` : ""} ${m.addr}/${m.prefixlen}` })));
  },
};

export const addrPrefix: ChangeGenerator = {
  name: "address-prefix",
  fixes: "a wrong prefix length (a /32 where the subnet is a /24) that leaves the other end off-link",
  worksAround: "an address brings only the route its prefix says (fib_add_ifaddr); without it the kernel has no route to its neighbours on the same wire",
  propose: (s) => {
    if (!s.src || !s.dst) return [];
    const out: Change[] = [];
    const ends: [string, string][] = [
      [s.src, s.dst],
      [s.dst, s.src],
    ];
    for (const [own, other] of ends)
      for (const p of s.places) {
        const i = p.addrs.indexOf(own);
        if (i < 0) continue;
        const len = p.prefixlens[i]!;
        if (sameSubnet(own, other, len)) continue;
        // The prefix the other end holds, if it takes both in; else the longest that does.
        const otherLen = s.places.flatMap((q) => q.addrs.flatMap((a, j) => (a === other ? [q.prefixlens[j]!] : [])))[0];
        let to = otherLen !== undefined && sameSubnet(own, other, otherLen) ? otherLen : -1;
        for (let l = 31; to < 0 && l >= 8; l--) if (sameSubnet(own, other, l)) to = l;
        if (to < 0 || to === len) continue;
        out.push({
          generator: "address-prefix",
          host: p.host,
          commands: [inNetns(p.netns, `ip addr del ${own}/${len} dev ${p.dev}`), inNetns(p.netns, `ip addr add ${own}/${to} dev ${p.dev}`)],
          cost: 20,
          what: `give ${own} on ${p.dev} the /${to} that takes in ${other}`,
        });
      }
    return out;
  },
};

export const addrMove: ChangeGenerator = {
  name: "address-move",
  fixes: "the host's address on the parent, where its own slaves cannot reach it (or on a slave, where the reverse holds)",
  worksAround: "what a parent's own stack sends goes out to the wire and never to its slaves; a slave of the same port in the host's namespace reaches its siblings inside the port (ipvlan_addr_lookup, macvlan_handle_frame)",
  propose: (s) => {
    const out: Change[] = [];
    for (const p of s.places) {
      if (!s.path.has(nsKey(p.host, p.netns)) || p.addrs.length === 0) continue;
      // Slaves of p in its own namespace (p a parent), or p's parent there (p a slave).
      const partners = p.parent
        ? s.places.filter((q) => q.host === p.host && q.netns === p.parent!.netns && q.dev === p.parent!.dev && q.netns === p.netns)
        : s.places.filter((q) => q.host === p.host && q.netns === p.netns && q.parent?.dev === p.dev && q.parent.netns === p.netns);
      for (const q of partners)
        p.addrs.forEach((a, i) => {
          const len = p.prefixlens[i]!;
          out.push({
            generator: "address-move",
            host: p.host,
            commands: [inNetns(p.netns, `ip addr del ${a}/${len} dev ${p.dev}`), inNetns(q.netns, `ip addr add ${a}/${len} dev ${q.dev}`)],
            cost: 40,
            what: `move ${a}/${len} from ${p.dev} to ${q.dev}`,
          });
        });
    }
    return out;
  },
};

export const formatNet = (addr: string, len: number): string => `${formatIpv4(networkOf(parseIpv4(addr)!, len))}/${len}`;

export const addrOnBare: ChangeGenerator = {
  name: "address-on-bare-device",
  fixes: "an address nobody holds, where a device on the path has none at all (a forgotten `ip addr add`)",
  worksAround: "arp_process answers only for an address the namespace holds (inet_addr_type is RTN_LOCAL), and an ipvlan port steers frames only to slaves by the addresses they hold (ipvlan_addr_lookup)",
  propose: (s) => {
    const dst = s.dst;
    if (!dst || s.places.some((p) => p.addrs.includes(dst))) return [];
    const len = (s.src && s.places.flatMap((p) => p.addrs.flatMap((a, i) => (a === s.src ? [p.prefixlens[i]!] : [])))[0]) || 24;
    return s.places
      .filter((p) => p.addrs.length === 0 && (p.network !== null || p.parent !== null || p.peer !== null) && !/^(bridge|vlan)/.test(p.role ?? ""))
      .map((p) => ({ generator: "address-on-bare-device", host: p.host, commands: [inNetns(p.netns, `ip addr add ${dst}/${len} dev ${p.dev}`)], cost: 15, what: `give ${p.dev}${p.netns ? ` (in ${p.netns})` : ""} ${dst}/${len}` }));
  },
};
