// Catalogue entries about a device itself: its administrative state, ARP, MTU.

import type { ChangeGenerator, FixScene } from "./change.js";
import { inNetns } from "./change.js";

const onPathHosts = (s: FixScene) => s.places.filter((p) => s.pathHosts.has(p.host));

export const linkUp: ChangeGenerator = {
  name: "link-up",
  fixes: "a device left down (a missing `ip link set DEV up`), or a parent whose slaves have no carrier",
  worksAround: "a device without IFF_UP neither sends nor receives (dev_open never ran), and an ipvlan/macvlan slave or a veth has no carrier while its parent or peer is down",
  propose: (s) =>
    onPathHosts(s)
      .filter((p) => !p.up)
      .map((p) => ({ generator: "link-up", host: p.host, commands: [inNetns(p.netns, `ip link set ${p.dev} up`)], cost: 10, what: `bring ${p.dev} up` })),
};

export const arpOn: ChangeGenerator = {
  name: "arp-on",
  fixes: "a device set NOARP that must ask or answer ARP",
  worksAround: "arp_process ignores requests on an IFF_NOARP device and neigh_resolve_output never asks from one (an ipvlan l3 slave is NOARP by design)",
  propose: (s) =>
    onPathHosts(s)
      .filter((p) => p.noarp && p.addrs.length > 0 && !(p.role ?? "").startsWith("ipvlan l3"))
      .map((p) => ({ generator: "arp-on", host: p.host, commands: [inNetns(p.netns, `ip link set ${p.dev} arp on`)], cost: 10, what: `turn ARP on for ${p.dev}` })),
};

export const mtu: ChangeGenerator = {
  name: "mtu",
  fixes: "an MTU smaller than the packets on the path (or than the parent's)",
  worksAround: "ip_fragment refuses a packet larger than the device's MTU when DF is set, and a receiver drops frames longer than its own MTU",
  propose: (s) =>
    onPathHosts(s).flatMap((p) => {
      const dev = s.world.kernels.get(p.host)!.net(p.netns || undefined)?.devByName(p.dev);
      if (!dev || dev.mtu >= 1500) return [];
      const parent = p.parent ? s.world.kernels.get(p.host)!.net(p.parent.netns || undefined)?.devByName(p.parent.dev) : null;
      const to = Math.min(parent?.mtu ?? 1500, 1500);
      return to > dev.mtu ? [{ generator: "mtu", host: p.host, commands: [inNetns(p.netns, `ip link set ${p.dev} mtu ${to}`)], cost: 15, what: `give ${p.dev} an MTU of ${to}` }] : [];
    }),
};
