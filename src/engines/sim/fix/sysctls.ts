// Catalogue entries about IPv4 sysctls of the namespaces on the path: each
// key set to the value that stops it from dropping or ignoring the packet.

import { sysctlRead, type Net } from "../../../kernel/index.js";
import type { Change, ChangeGenerator, FixScene } from "./change.js";
import { inNetns } from "./change.js";

const read = (net: Net, name: string): number | null => {
  const r = sysctlRead(net, name);
  return r.ok ? r.value : null;
};

/** The namespaces on the path, with their Net. */
function pathNets(s: FixScene): { host: string; netns: string; net: Net; devs: string[] }[] {
  return [...s.path].flatMap((key) => {
    const [host, netns] = key.split("/") as [string, string];
    const net = s.world.kernels.get(host)?.net(netns || undefined);
    if (!net) return [];
    return [{ host, netns, net, devs: s.places.filter((p) => p.host === host && p.netns === netns).map((p) => p.dev) }];
  });
}

/**
 * A conf key whose `bad` value on conf/all or a device gets the good ones
 * (the kernel takes the larger of the two for these keys, so both are set
 * when both are bad).
 */
function confKey(generator: string, key: string, bad: (v: number) => boolean, good: number[], cost: number): (s: FixScene) => Change[] {
  return (s) =>
    pathNets(s).flatMap(({ host, netns, net, devs }) => {
      const all = read(net, `net.ipv4.conf.all.${key}`);
      const badDevs = devs.filter((d) => bad(read(net, `net.ipv4.conf.${d}.${key}`) ?? 0));
      const out: Change[] = [];
      for (const v of good) {
        if (all !== null && bad(all)) {
          const keys = [`net.ipv4.conf.all.${key}=${v}`, ...badDevs.map((d) => `net.ipv4.conf.${d}.${key}=${v}`)];
          out.push({ generator, host, commands: [inNetns(netns, `sysctl -w ${keys.join(" ")}`)], cost: cost + 5 * keys.length, what: `set ${key} to ${v} in ${netns || `${host}'s own namespace`}` });
        } else
          for (const d of badDevs) out.push({ generator, host, commands: [inNetns(netns, `sysctl -w net.ipv4.conf.${d}.${key}=${v}`)], cost, what: `set ${key} to ${v} on ${d}` });
      }
      return out;
    });
}

export const rpFilter: ChangeGenerator = {
  name: "rp-filter",
  fixes: "strict reverse-path filtering dropping a packet whose way back leaves by another device",
  worksAround: "with rp_filter=1 fib_validate_source drops a packet unless the route back to its source leaves by the device it came in on; 2 (loose) takes any route back, 0 checks nothing",
  propose: confKey("rp-filter", "rp_filter", (v) => v === 1, [2, 0], 20),
};

export const arpIgnore: ChangeGenerator = {
  name: "arp-ignore",
  fixes: "ARP requests for an address of the host not answered on the device they arrive on",
  worksAround: "with arp_ignore=1 arp_process answers only for addresses of the device the request came in on (2: of its subnet too)",
  propose: confKey("arp-ignore", "arp_ignore", (v) => v !== 0, [0], 20),
};

export const arpAnnounce: ChangeGenerator = {
  name: "arp-announce",
  fixes: "ARP requests sent from an address the other end does not take",
  worksAround: "arp_announce picks the sender address of arp_solicit's requests; 0 uses the packet's own source",
  propose: confKey("arp-announce", "arp_announce", (v) => v !== 0, [0], 25),
};

export const arpFilter: ChangeGenerator = {
  name: "arp-filter",
  fixes: "ARP requests not answered because the route back leaves by another device",
  worksAround: "with arp_filter=1 arp_process answers only when the route to the asker leaves by the device the request came in on",
  propose: confKey("arp-filter", "arp_filter", (v) => v !== 0, [0], 20),
};

export const proxyArp: ChangeGenerator = {
  name: "proxy-arp",
  fixes: "a neighbour asking for an address behind this host, which nobody on its link holds",
  worksAround: "with proxy_arp on, arp_process answers with the device's own MAC for an address it has a route to through another device",
  propose: (s) =>
    pathNets(s).flatMap(({ host, netns, net, devs }) =>
      read(net, "net.ipv4.conf.all.proxy_arp") === 1
        ? []
        : devs.filter((d) => read(net, `net.ipv4.conf.${d}.proxy_arp`) === 0).map((d): Change => ({ generator: "proxy-arp", host, commands: [inNetns(netns, `sysctl -w net.ipv4.conf.${d}.proxy_arp=1`)], cost: 25, what: `answer ARP for routed addresses on ${d}` })),
    ),
};

export const ipForward: ChangeGenerator = {
  name: "ip-forward",
  fixes: "a namespace or host that must route between its devices but does not forward",
  worksAround: "with ip_forward=0 ip_route_input_slow never makes a forwarding route: a packet for another host is dropped",
  propose: (s) =>
    pathNets(s)
      .filter(({ net }) => read(net, "net.ipv4.ip_forward") === 0)
      .map(({ host, netns }): Change => ({ generator: "ip-forward", host, commands: [inNetns(netns, "sysctl -w net.ipv4.ip_forward=1")], cost: 25, what: `forward IPv4 in ${netns || `${host}'s own namespace`}` })),
};
