// Catalogue entries about routes: a host route through a device that does
// reach the other end, the connected route an address did not bring, a
// default route through a neighbour.

import { networkOf, parseIpv4 } from "../../../wire/ipv4-addr.js";
import type { PlacedDevice } from "../topology.js";
import { formatNet } from "./addresses.js";
import type { Change, ChangeGenerator, FixScene } from "./change.js";
import { inNetns, nsKey } from "./change.js";

/** The namespaces holding `addr`. */
const holders = (s: FixScene, addr: string | null): PlacedDevice[] => (addr ? s.places.filter((p) => p.addrs.includes(addr)) : []);

/** Devices of a namespace a route may go through: not lo, with a carrier or one to come. */
const devicesOf = (s: FixScene, host: string, netns: string): PlacedDevice[] => s.places.filter((p) => p.host === host && p.netns === netns);

/** Both directions: the source's namespace towards dst, the destination's towards src (the reply). */
function ends(s: FixScene): { host: string; netns: string; to: string }[] {
  const out: { host: string; netns: string; to: string }[] = [];
  if (s.dst) for (const p of holders(s, s.src)) out.push({ host: p.host, netns: p.netns, to: s.dst });
  if (s.src) for (const p of holders(s, s.dst)) out.push({ host: p.host, netns: p.netns, to: s.src });
  const seen = new Set<string>();
  return out.filter((e) => !seen.has(`${e.host}/${e.netns}/${e.to}`) && seen.add(`${e.host}/${e.netns}/${e.to}`));
}

export const hostRoute: ChangeGenerator = {
  name: "host-route",
  fixes: "a reply (or request) routed out of a device that cannot reach the other end, where another device of the namespace can (the seed note's `ip r add 172.16.91.101 dev ipvlan0`)",
  worksAround: "the FIB picks the device by prefix alone (fib_table_lookup): a connected /24 on the parent sends to the wire, which never hands a frame back to the parent's own slaves; a /32 through a slave of the same port stays inside it",
  propose: (s) =>
    ends(s).flatMap((e) =>
      devicesOf(s, e.host, e.netns)
        .filter((d) => d.addrs.length > 0 && !d.addrs.includes(e.to))
        .map((d): Change => ({ generator: "host-route", host: e.host, commands: [inNetns(e.netns, `ip route add ${e.to} dev ${d.dev}`)], cost: 10, what: `route ${e.to} through ${d.dev}${e.netns ? ` in ${e.netns}` : ""}` })),
    ),
};

export const connectedRoute: ChangeGenerator = {
  name: "connected-route",
  fixes: "an address that came without its subnet's route (noprefixroute, or a route deleted by hand)",
  worksAround: "with noprefixroute (or after `ip route del`) fib_add_ifaddr installs no prefix route, so the subnet is not on-link",
  propose: (s) =>
    ends(s).flatMap((e) =>
      devicesOf(s, e.host, e.netns).flatMap((d) =>
        d.addrs.flatMap((a, i) => {
          const len = d.prefixlens[i]!;
          if (len >= 32 || networkOf(parseIpv4(a)!, len) !== networkOf(parseIpv4(e.to)!, len)) return [];
          return [{ generator: "connected-route", host: e.host, commands: [inNetns(e.netns, `ip route add ${formatNet(a, len)} dev ${d.dev}`)], cost: 10, what: `route ${formatNet(a, len)} on-link through ${d.dev}` }];
        }),
      ),
    ),
};

export const defaultRoute: ChangeGenerator = {
  name: "default-route",
  fixes: "a missing or wrong default route (gateway) towards an address off every connected subnet",
  worksAround: "without a route that covers the destination ip_route_output_key fails (Network is unreachable), and with a wrong gateway the packet goes to a host that does not forward it",
  propose: (s) =>
    ends(s).flatMap((e) => {
      const devs = devicesOf(s, e.host, e.netns);
      const onLink = devs.some((d) => d.addrs.some((a, i) => d.prefixlens[i]! < 32 && networkOf(parseIpv4(a)!, d.prefixlens[i]!) === networkOf(parseIpv4(e.to)!, d.prefixlens[i]!)));
      if (onLink) return [];
      // Gateways: addresses of other namespaces inside this one's connected subnets.
      const gws = new Set<string>();
      for (const d of devs)
        d.addrs.forEach((a, i) => {
          const len = d.prefixlens[i]!;
          if (len >= 32) return;
          for (const q of s.places) if (nsKey(q.host, q.netns) !== nsKey(e.host, e.netns)) for (const g of q.addrs) if (networkOf(parseIpv4(g)!, len) === networkOf(parseIpv4(a)!, len)) gws.add(g);
        });
      return [...gws].map((g): Change => ({ generator: "default-route", host: e.host, commands: [inNetns(e.netns, `ip route replace default via ${g}`)], cost: 15, what: `route by default via ${g}${e.netns ? ` in ${e.netns}` : ""}` }));
    }),
};
