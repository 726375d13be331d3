// Which kernel modules a UML guest loads, and in what order. Each release's
// tree says what needs what (modules.dep); the order and the dependencies
// differ between releases, so they are read from the tree being booted rather
// than written down once.

import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** A module the guest needs, by name, with its parameters. `IPV6_OFF` stands for 1 or 0, the lab's choice. */
export interface WantedModule {
  name: string;
  params?: string;
}

/**
 * What a lab may use. overlay: the writable layers over the host's read-only
 * files. ipv6's disable_ipv6 is every new namespace's starting value, so IPv6
 * on or off is decided at boot.
 */
export const UML_MODULES: readonly WantedModule[] = [
  { name: "overlay" },
  { name: "ipv6", params: "disable_ipv6=IPV6_OFF" },
  { name: "ipvlan" },
  { name: "macvlan" },
  { name: "macvtap" },
  { name: "veth" },
  // numdummies=0: no dummy0 appears in every namespace.
  { name: "dummy", params: "numdummies=0" },
  { name: "bridge" },
  // What ipvlab's own labs do not use is there so a user's script finds it as
  // on their own machine; none may make a device at load time (bonding would make bond0).
  { name: "8021q" },
  { name: "vxlan" },
  { name: "bonding", params: "max_bonds=0" },
  { name: "vrf" },
  { name: "tun" },
  { name: "nf_tables" },
  { name: "ip_tables" },
];

/** One insmod: the .ko's path under the tree's kernel/ directory, and its parameters. */
export interface ModuleLoad {
  path: string;
  params: string;
}

/** What booting a tree takes: insmods in order, and parameters of built-in modules for the kernel's command line. */
export interface ModulePlan {
  loads: ModuleLoad[];
  cmdline: string[];
}

const nameOf = (path: string) => basename(path).replace(/\.ko(\.(xz|gz|zst))?$/, "");

/**
 * The insmods for `wanted`, dependencies first, each module once, from a
 * modules.dep text (`kernel/net/ipv6/ipv6.ko: kernel/lib/crc-ccitt.ko`: a
 * module, then everything it needs, the last to be loaded first, as modprobe
 * reads it). A module built into the kernel needs no insmod; its parameters
 * go on the command line (`ipv6.disable_ipv6=1`).
 */
export function modulePlan(modulesDep: string, builtin: string, wanted: readonly WantedModule[]): ModulePlan {
  const deps = new Map<string, { path: string; needs: string[] }>();
  for (const line of modulesDep.split("\n")) {
    const m = /^(\S+):\s*(.*)$/.exec(line.trim());
    if (m) deps.set(nameOf(m[1]!), { path: m[1]!, needs: m[2]!.split(/\s+/).filter(Boolean).map(nameOf) });
  }
  const builtins = new Set(builtin.split("\n").filter(Boolean).map(nameOf));
  const params = new Map(wanted.map((w) => [w.name, w.params ?? ""]));
  const plan: ModulePlan = { loads: [], cmdline: [] };
  const done = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    done.add(name);
    const entry = deps.get(name);
    if (!entry) {
      if (!builtins.has(name)) throw new Error(`this kernel has no module ${name} (neither in modules.dep nor built in)`);
      for (const p of (params.get(name) ?? "").split(/\s+/).filter(Boolean)) plan.cmdline.push(`${name}.${p}`);
      return;
    }
    if (/\.ko\.(xz|gz|zst)$/.test(entry.path)) throw new Error(`module ${name} is compressed (${entry.path}), which busybox insmod cannot load`);
    for (const need of [...entry.needs].reverse()) visit(need);
    plan.loads.push({ path: entry.path.replace(/^kernel\//, ""), params: params.get(name) ?? "" });
  };
  for (const w of wanted) visit(w.name);
  return plan;
}

/** The plan for a module tree (/usr/lib/uml/modules/<version>), read from its own modules.dep. */
export function modulePlanFor(tree: string, wanted: readonly WantedModule[] = UML_MODULES): ModulePlan {
  const read = (f: string) => (existsSync(join(tree, f)) ? readFileSync(join(tree, f), "utf8") : "");
  return modulePlan(read("modules.dep"), read("modules.builtin"), wanted);
}
