// `ipvlab export`: a lab's ipvlan and macvlan devices in namespaces, as the
// lab leaves them (run in the simulator), written the other way: a Compose
// file, CNI configurations, or Multus NetworkAttachmentDefinitions, so a lab
// designed here can be deployed on Docker or Kubernetes.

import { addrList, fib6Dump, IpvlanDevice, MacvlanDevice, routeList, type Kernel } from "../../kernel/index.js";
import { ipv6Network } from "../../wire/ipv6-addr.js";
import type { Lab } from "../../lab/types.js";
import { formatIpv4, prefixMask } from "../../wire/ipv4-addr.js";
import { runLabInSim } from "./run.js";

export type ExportFormat = "compose" | "cni" | "nad";

interface Attachment {
  host: string;
  netns: string;
  dev: string;
  driver: "ipvlan" | "macvlan";
  parent: string;
  mode: string;
  flag: string;
  address: string;
  prefixlen: number;
  subnet: string;
  gateway: string | null;
  /** The device's first global IPv6 address, its prefix and the IPv6 default route's gateway. */
  address6: string | null;
  subnet6: string | null;
  gateway6: string | null;
}

function attachments(kernels: Map<string, Kernel>): Attachment[] {
  const out: Attachment[] = [];
  for (const [host, k] of kernels) {
    for (const net of k.nets()) {
      if (net === k.initNet) continue;
      const gw = routeList(net).find((r) => r.len === 0 && r.nh.gw)?.nh.gw ?? null;
      const gw6 = fib6Dump(net, "main").find((r) => r.plen === 0 && r.gateway)?.gateway ?? null;
      for (const dev of net.devices.values()) {
        if (!(dev instanceof IpvlanDevice) && !(dev instanceof MacvlanDevice)) continue;
        const a = addrList(dev)[0];
        if (!a) continue;
        const ipv = dev instanceof IpvlanDevice;
        const parent = ipv ? dev.phyDev : dev.lowerdev;
        const net0 = (a.local & prefixMask(a.prefixlen)) >>> 0;
        const a6 = dev.in6Dev?.addrList.find((x) => x.scope === "global") ?? null;
        out.push({ host, netns: net.name, dev: dev.name, driver: ipv ? "ipvlan" : "macvlan", parent: parent.name, mode: ipv ? dev.port.mode : dev.mode, flag: ipv ? dev.port.flags : "", address: formatIpv4(a.local), prefixlen: a.prefixlen, subnet: `${formatIpv4(net0)}/${a.prefixlen}`, gateway: gw ? formatIpv4(gw) : null, address6: a6?.addr ?? null, subnet6: a6 ? `${ipv6Network(a6.addr, a6.prefixlen)}/${a6.prefixlen}` : null, gateway6: a6 ? gw6 : null });
      }
    }
  }
  return out;
}

const netName = (a: Attachment) => `${a.driver}-${a.parent}-${a.mode}`.replace(/[^A-Za-z0-9_.-]/g, "-");

export async function exportLab(lab: Lab, format: ExportFormat): Promise<string> {
  const run = await runLabInSim(lab);
  const all = attachments(run.world.kernels);
  if (all.length === 0) throw new Error(`${lab.name}: no ipvlan or macvlan device with an address in a namespace: nothing to export`);
  const nets = new Map<string, Attachment[]>();
  for (const a of all) nets.set(netName(a), [...(nets.get(netName(a)) ?? []), a]);
  const head = `# Exported from ${lab.file} by ipvlab export: its ipvlan and macvlan devices in namespaces, as the lab leaves them.`;
  if (format === "compose") {
    const lines = [head, `name: ${lab.name}`, "services:"];
    for (const a of all) {
      lines.push(`  ${a.netns}:`, `    image: alpine   # ${a.host}/${a.netns}:${a.dev}; any image, the network is what this file carries`, "    command: sleep infinity", "    networks:", `      ${netName(a)}:`, `        ipv4_address: ${a.address}`);
      if (a.address6) lines.push(`        ipv6_address: ${a.address6}`);
    }
    lines.push("networks:");
    for (const [name, list] of nets) {
      const a = list[0]!;
      const opts = a.driver === "macvlan" ? `{ parent: ${a.parent}, macvlan_mode: ${a.mode} }` : `{ parent: ${a.parent}, ipvlan_mode: ${a.mode}, ipvlan_flag: ${a.flag} }`;
      const v6 = list.find((x) => x.subnet6 !== null);
      lines.push(`  ${name}:`, `    driver: ${a.driver}`, ...(v6 ? ["    enable_ipv6: true"] : []), `    driver_opts: ${opts}`, "    ipam:", "      config:", `        - subnet: ${a.subnet}${a.gateway ? `\n          gateway: ${a.gateway}` : ""}`);
      if (v6) lines.push(`        - subnet: ${v6.subnet6}${v6.gateway6 ? `\n          gateway: ${v6.gateway6}` : ""}`);
    }
    return `${lines.join("\n")}\n`;
  }
  if (format === "cni") {
    // One configuration per pod: static IPAM holds each address where the lab put it.
    return `${all
      .map((a) =>
        JSON.stringify({
          cniVersion: "1.0.0",
          name: netName(a),
          type: a.driver,
          master: a.parent,
          mode: a.mode,
          ipam: { type: "static", addresses: [{ address: `${a.address}/${a.prefixlen}`, ...(a.gateway ? { gateway: a.gateway } : {}) }], ...(a.gateway ? { routes: [{ dst: "0.0.0.0/0" }] } : {}) },
        }),
      )
      .join("\n")}\n`;
  }
  const docs: string[] = [];
  for (const [name, list] of nets) {
    const a = list[0]!;
    const addrs = list.map((x) => x.address);
    const config = { cniVersion: "0.3.1", name, type: a.driver, master: a.parent, mode: a.mode, ipam: { type: "host-local", subnet: a.subnet, ...(a.gateway ? { gateway: a.gateway, routes: [{ dst: "0.0.0.0/0" }] } : {}) } };
    docs.push(`${head}\n# pods in the lab: ${addrs.join(", ")} (host-local hands out addresses in its own order)\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: ${name}\nspec:\n  config: '${JSON.stringify(config)}'\n`);
  }
  return docs.join("---\n");
}
