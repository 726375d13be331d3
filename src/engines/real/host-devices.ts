// The device types a lab may create and whether this machine's own kernel has
// each: the host engine runs on it as it is. Tried by creating one in a
// throwaway network namespace (root), else looked up among the kernel's
// modules (/lib/modules/RELEASE) and those loaded or built in (/sys/module).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DeviceType {
  /** As `ip link add ... type X` names it. */
  type: string;
  /** The kernel module that provides it. */
  module: string;
  /** Creating one, in a namespace of its own. */
  probe: string;
}

const ON_VETH = "ip link add t0 type veth peer name t1 && ";

export const DEVICE_TYPES: readonly DeviceType[] = [
  { type: "veth", module: "veth", probe: "ip link add t0 type veth peer name t1" },
  { type: "bridge", module: "bridge", probe: "ip link add t0 type bridge" },
  { type: "macvlan", module: "macvlan", probe: `${ON_VETH}ip link add link t0 t2 type macvlan` },
  { type: "ipvlan", module: "ipvlan", probe: `${ON_VETH}ip link add link t0 t2 type ipvlan` },
  { type: "macvtap", module: "macvtap", probe: `${ON_VETH}ip link add link t0 t2 type macvtap` },
  { type: "ipvtap", module: "ipvtap", probe: `${ON_VETH}ip link add link t0 t2 type ipvtap` },
  { type: "dummy", module: "dummy", probe: "ip link add t0 type dummy" },
  { type: "vlan", module: "8021q", probe: `${ON_VETH}ip link add link t0 name t2 type vlan id 5` },
  { type: "vxlan", module: "vxlan", probe: "ip link add t0 type vxlan id 5 dstport 4789" },
  { type: "bond", module: "bonding", probe: "ip link add t0 type bond" },
  { type: "vrf", module: "vrf", probe: "ip link add t0 type vrf table 10" },
  { type: "tun", module: "tun", probe: "ip tuntap add dev t0 mode tap" },
];

/** The types the host engine cannot run a lab without: every lab has veths, a bridge per network, and is about ipvlan and macvlan. */
export const HOST_ESSENTIAL = ["veth", "bridge", "macvlan", "ipvlan"] as const;

export function deviceType(type: string): DeviceType | undefined {
  return DEVICE_TYPES.find((d) => d.type === type);
}

/** Whether this machine's kernel can create a device type, tried in a throwaway network namespace (needs root). */
export function kernelCanCreate(type: string): boolean {
  const d = deviceType(type);
  return !!d && spawnSync("unshare", ["--net", "--", "/bin/sh", "-c", d.probe], { stdio: "ignore" }).status === 0;
}

/** Where a module is found without loading it: a file or built-in entry of the running kernel's tree, or /sys/module. Null: nowhere. */
export function hostModuleSource(module: string, release: string, root = "/"): "modules.dep" | "modules.builtin" | "/sys/module" | null {
  const tree = join(root, "lib/modules", release);
  const listed = (file: string) => {
    try {
      const names = readFileSync(join(tree, file), "utf8")
        .split("\n")
        .map((l) => l.split(":")[0]!.split("/").pop()!.replace(/\.ko(\.\w+)?$/, ""));
      // Module names treat - and _ alike.
      return names.some((n) => n.replace(/-/g, "_") === module.replace(/-/g, "_"));
    } catch {
      return false;
    }
  };
  if (listed("modules.dep")) return "modules.dep";
  if (listed("modules.builtin")) return "modules.builtin";
  if (existsSync(join(root, "sys/module", module))) return "/sys/module";
  return null;
}
