// What a diagram leaves out or marks of IPv6, said once under it: the
// link-local every device makes from its MAC (one per device, derived,
// so drawing them would only crowd the boxes) and the DAD states an
// address may be drawn in. A diagram without an IPv6 address to draw has
// no legend, so an IPv4 lab's diagram stays as it was.

import type { Topology } from "../engines/sim/topology.js";

/** The most devices named before the rest are counted. */
const NAMED = 4;

/** fe80::/10, as `ip -6 addr` prints it. */
const LINK_LOCAL = /^fe[89ab][0-9a-f]:/;

export function ipv6Legend(t: Topology): string[] {
  const devices = t.hosts.flatMap((h) => h.namespaces.flatMap((ns) => ns.devices.map((d) => ({ ...d, id: `${h.name}${ns.name === null ? "" : `/${ns.name}`}:${d.name}` }))));
  if (!devices.some((d) => d.addrs6.length > 0)) return [];
  const without = devices.filter((d) => !d.linkLocal6).map((d) => d.id);
  const but = without.length > NAMED ? `${without.slice(0, NAMED).join(", ")} and ${without.length - NAMED} more` : without.join(", ");
  // A link-local is drawn after all when DAD failed on it.
  const unless = devices.some((d) => d.addrs6.some((a) => LINK_LOCAL.test(a))) ? " unless DAD failed on it" : "";
  const out = [
    without.length === 0
      ? `IPv6: every device also has a link-local address (fe80::/64), not drawn${unless}.`
      : without.length === devices.length
        ? "IPv6: no device has a link-local address (fe80::/64)."
        : `IPv6: every device but ${but} also has a link-local address (fe80::/64), not drawn${unless}.`,
  ];
  const marks = devices.flatMap((d) => d.addrs6.map((a) => a.split(" ")[1]));
  if (marks.includes("tentative")) out.push("tentative: duplicate address detection had not ended, the address is not used yet.");
  if (marks.includes("dadfailed")) out.push("dadfailed: another node on the link holds the address, this one is never used.");
  return out;
}
