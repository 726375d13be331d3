// Catalogue entries about the lab's networks and neighbour tables: a switch
// that reflects frames (hairpin), an entry that remembers the wrong MAC.

import { BridgeDevice, VethDevice } from "../../../kernel/index.js";
import type { Lab } from "../../../lab/types.js";
import { formatIpv4 } from "../../../wire/ipv4-addr.js";
import type { World } from "../world.js";
import type { Change, ChangeGenerator } from "./change.js";
import { inNetns } from "./change.js";

export const hairpin: ChangeGenerator = {
  name: "hairpin",
  fixes: "VEPA slaves (macvlan vepa, ipvlan vepa) that reach each other only through the switch, and a parent that must reach its own slaves through the wire",
  worksAround: "a VEPA port sends even a sibling's frame out of the parent, and a parent's own frames go out to the wire; a Linux bridge never sends a frame back out of the port it came in on unless that port is in hairpin mode (reflective relay, should_deliver)",
  propose: (s) =>
    s.lab.networks
      .filter((n) => !n.hairpin)
      .filter((n) => {
        const nics = new Set(s.lab.hosts.flatMap((h) => h.interfaces.filter((i) => i.network === n.name).map((i) => `${h.name}/${i.name}`)));
        return s.places.some((p) => /^(macvlan|ipvlan) /.test(p.role ?? "") && p.parent && p.parent.netns === "" && nics.has(`${p.host}/${p.parent.dev}`));
      })
      .map((n): Change => ({ generator: "hairpin", host: "", commands: [], hairpinNetwork: n.name, cost: 60, what: `make ${n.name}'s switch ports hairpin (reflective relay)` })),
};

/** hairpin: true for a lab network, on a world already built: every port of its bridge, found through a lab NIC's veth. */
export function setNetworkHairpin(lab: Lab, world: World, network: string): boolean {
  for (const h of lab.hosts)
    for (const i of h.interfaces) {
      if (i.network !== network) continue;
      const nic = world.kernels.get(h.name)?.initNet.devByName(i.name);
      const br = nic instanceof VethDevice ? nic.peer?.master : null;
      if (!(br instanceof BridgeDevice)) continue;
      for (const p of br.ports.values()) p.hairpin = true;
      return true;
    }
  return false;
}

export const neighEntry: ChangeGenerator = {
  name: "neighbour-entry",
  fixes: "a neighbour entry (often permanent, or stale) with a MAC that is not the address's holder's",
  worksAround: "neigh_resolve_output sends to the entry's MAC without asking while the entry is valid; a permanent entry is never asked again, so a wrong one stays wrong",
  propose: (s) => {
    const out: Change[] = [];
    for (const key of s.path) {
      const [host, netns] = key.split("/") as [string, string];
      const net = s.world.kernels.get(host)?.net(netns || undefined);
      if (!net) continue;
      for (const dev of net.devices.values())
        for (const [ip, n] of dev.neigh) {
          const addr = formatIpv4(ip);
          if (addr !== s.src && addr !== s.dst) continue;
          const holder = s.places.filter((p) => p.addrs.includes(addr));
          const mac = holder.length === 1 ? holder[0]!.mac : null;
          if (mac && n.ha === mac) continue;
          if (mac) out.push({ generator: "neighbour-entry", host, commands: [inNetns(netns, `ip neigh replace ${addr} lladdr ${mac} dev ${dev.name}`)], cost: 10, what: `correct ${dev.name}'s entry for ${addr} to ${mac}` });
          out.push({ generator: "neighbour-entry", host, commands: [inNetns(netns, `ip neigh del ${addr} dev ${dev.name}`)], cost: 10, what: `flush ${dev.name}'s entry for ${addr}` });
        }
    }
    return out;
  },
};
