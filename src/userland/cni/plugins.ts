// The plugins of Debian 12's containernetworking-plugins (1.1.1) that a lab
// script runs as /usr/lib/cni/NAME; the simulated ones by name.

import type { Tool } from "../tool.js";
import { ipvlanPlugin } from "./ipvlan.js";
import { macvlanPlugin } from "./macvlan.js";
import { vlanPlugin } from "./vlan.js";
import { loopbackPlugin } from "./loopback.js";
import { hostLocalPlugin } from "./host-local.js";
import { staticPlugin } from "./static.js";
import { tuningPlugin } from "./tuning.js";
import { pluginMain, type CniPlugin } from "./skel.js";

export const CNI_DIR = "/usr/lib/cni";

/** `ls /usr/lib/cni` of the package. */
export const DEBIAN_PLUGINS = ["bandwidth", "bridge", "dhcp", "firewall", "host-device", "host-local", "ipvlan", "loopback", "macvlan", "portmap", "ptp", "sbr", "static", "tuning", "vlan", "vrf"];

const SIMULATED: Record<string, () => CniPlugin> = {
  ipvlan: () => ipvlanPlugin,
  macvlan: () => macvlanPlugin,
  vlan: () => vlanPlugin,
  loopback: () => loopbackPlugin,
  "host-local": () => hostLocalPlugin,
  static: () => staticPlugin,
  tuning: () => tuningPlugin,
};

/** The simulated plugin NAME as a command, or undefined when it is not simulated. */
export function cniPlugin(name: string): Tool | undefined {
  const p = Object.hasOwn(SIMULATED, name) ? SIMULATED[name]!() : undefined;
  return p ? (_argv, ctx) => pluginMain(p, ctx) : undefined;
}

/** "/usr/lib/cni/ipvlan" -> "ipvlan"; null for any other path. */
export function cniPluginName(arg0: string): string | null {
  const m = /^\/usr\/lib\/cni\/([^/]+)$/.exec(arg0.replace(/\/+/g, "/"));
  return m ? m[1]! : null;
}
