// What a lab's own commands meant the world to hold, set against what it
// holds: a verdict that finds nobody holding an address can say which
// command was to give it, and why it is not there.

import type { Lab } from "../../lab/types.js";
import { addressesAdded } from "../../lab/mentions.js";
import type { World } from "./world.js";

export interface MeantAddress {
  host: string;
  /** The namespace the command names ("" for the host's own). */
  netns: string;
  dev: string;
  addr: string;
  prefixlen: number;
  /** Whether that namespace exists now. */
  netnsExists: boolean;
  /** The namespaces of the host where a device of that name is now ("" for the host's own). */
  devIn: string[];
}

/** The addresses the hosts' setups and the first `steps` steps add (what has run), each against the world as it is. */
export function meantAddresses(lab: Lab, world: World, steps: number): MeantAddress[] {
  return lab.hosts.flatMap((h) => {
    const k = world.kernels.get(h.name);
    if (!k) return [];
    const scripts = [h.run, ...lab.steps.slice(0, steps).flatMap((s) => (s.kind !== "matrix" && s.on === h.name ? [s.run] : []))];
    const nets = [["", k.initNet] as const, ...k.netns.entries()];
    return addressesAdded(scripts).map((a) => ({
      host: h.name,
      ...a,
      netnsExists: a.netns === "" || k.netns.has(a.netns),
      devIn: nets.filter(([, net]) => net.devByName(a.dev)).map(([name]) => name),
    }));
  });
}
