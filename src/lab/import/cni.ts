// A CNI network configuration (conf or conflist) or a Multus
// NetworkAttachmentDefinition as a lab: the node with the master NIC on a
// LAN, a namespace per pod, each attached by running the plugin itself
// (`ipvlab cni add`, the real plugin on the real engines), a stand-in
// router for the gateway, and a matrix.

import { isMap } from "yaml";
import { broadcast, cidr, formatIpv4, parseIpv4, parseSubnet } from "./addr.js";
import { writeLab, type LabHostText } from "./lab-text.js";
import { get, ImportSource, items, text } from "./source.js";

const MAIN_TYPES = ["ipvlan", "macvlan", "vlan"];
/** Plugins after the link plugin that the lab runs with it, chained (src/userland/cni/conflist.ts). */
const CHAINED_TYPES = ["tuning"];

export interface CniImportOptions {
  /** Pod names; default pod1, pod2. */
  pods?: string[];
}

/** What kind of file this is, from its content. */
export function cniKind(src: ImportSource): "conf" | "conflist" | "nad" | null {
  const root = src.doc.contents;
  if (!isMap(root)) return null;
  if (text(get(root, "kind")) === "NetworkAttachmentDefinition") return "nad";
  if (get(root, "plugins") !== undefined) return "conflist";
  if (get(root, "type") !== undefined) return "conf";
  return null;
}

function toJson(node: unknown): Record<string, unknown> {
  return (node as { toJSON(): Record<string, unknown> }).toJSON();
}

export function importCni(src: ImportSource, opts: CniImportOptions = {}): string {
  const kind = cniKind(src);
  const root = src.root();
  let confNode: unknown = root;
  let conf: Record<string, unknown>;
  let confSrc = src;
  let ifName = "eth0";
  const notes: string[] = [];
  let labName = "";
  let listJson: string | null = null;
  if (kind === "nad") {
    const cfg = get(get(root, "spec"), "config");
    const json = text(cfg);
    if (json === undefined) throw src.error(get(root, "spec") ?? root, "a NetworkAttachmentDefinition needs spec.config (the CNI configuration, as JSON text)");
    try {
      confSrc = new ImportSource(`${src.where(cfg)} spec.config`, json);
    } catch {
      throw src.error(cfg, "spec.config is not JSON");
    }
    confNode = confSrc.root();
    ifName = "net1";
    labName = text(get(get(root, "metadata"), "name")) ?? "";
    notes.push(`NetworkAttachmentDefinition ${labName} (${src.where(root)}): each pod gets it as net1, as Multus attaches it.`);
  } else if (kind === null) {
    throw src.error(root, "not a CNI configuration (no \"type\" or \"plugins\") nor a NetworkAttachmentDefinition");
  }
  if (cniKind(confSrc) === "conflist") {
    const plugins = items(get(confNode, "plugins"));
    const main = plugins.find((p) => MAIN_TYPES.includes(text(get(p, "type")) ?? ""));
    if (!main) throw confSrc.error(get(confNode, "plugins"), `no ${MAIN_TYPES.join(", ")} plugin in this conflist: nothing for ipvlab to import`);
    // The chained plugins ipvlab runs (tuning's sysctls can change what pings what) stay in the list, in order.
    const chain = plugins.filter((p) => p === main || CHAINED_TYPES.includes(text(get(p, "type")) ?? ""));
    for (const p of plugins) if (!chain.includes(p)) notes.push(`plugin ${text(get(p, "type"))} (${confSrc.where(p)}) is not imported: it does not change what pings what.`);
    const header = { cniVersion: text(get(confNode, "cniVersion")) ?? "0.4.0", name: text(get(confNode, "name")) ?? "net" };
    conf = { ...header, ...toJson(main) };
    if (chain.length > 1) {
      notes.push(`plugins ${chain.map((p) => text(get(p, "type"))).join(", ")} (${confSrc.where(get(confNode, "plugins"))}) run as a chain, as libcni runs a conflist.`);
      listJson = JSON.stringify({ ...header, plugins: chain.map(toJson) });
    }
    confNode = main;
  } else {
    conf = toJson(confNode);
    if (!MAIN_TYPES.includes(String(conf.type))) throw confSrc.error(get(confNode, "type"), `plugin type ${String(conf.type)}: ipvlab imports ${MAIN_TYPES.join(", ")}`);
  }
  // Multus names a configuration without a name after its NetworkAttachmentDefinition.
  if (kind === "nad" && typeof conf.name !== "string") conf = { cniVersion: conf.cniVersion, name: labName, ...conf };
  const master = typeof conf.master === "string" && conf.master !== "" ? conf.master : "eth0";
  const base = master.replace(/\..*$/, "");
  const ipam = (conf.ipam ?? {}) as Record<string, unknown>;
  const ranges = Array.isArray(ipam.ranges) ? (ipam.ranges as Array<Array<Record<string, unknown>>>).flat() : [];
  const subnetText = typeof ipam.subnet === "string" ? ipam.subnet : typeof ranges[0]?.subnet === "string" ? (ranges[0].subnet as string) : typeof (ipam.addresses as Array<Record<string, unknown>> | undefined)?.[0]?.address === "string" ? String((ipam.addresses as Array<Record<string, unknown>>)[0]!.address) : null;
  const subnet = subnetText ? parseSubnet(subnetText.replace(/^([0-9.]+)\/(\d+)$/, (_m, a: string, l: string) => `${formatIpv4((parseIpv4(a)! >>> (32 - Number(l))) << (32 - Number(l)) >>> 0)}/${l}`)) : null;
  const gwText = typeof ipam.gateway === "string" ? ipam.gateway : typeof ranges[0]?.gateway === "string" ? (ranges[0].gateway as string) : null;
  const pods = opts.pods?.length ? opts.pods : ["pod1", "pod2"];
  const node: LabHostText = { name: "node", comment: [`The node: ${master} is the plugin's master${master === base ? "" : ` (a VLAN of ${base})`}; its own address on the LAN is a stand-in.`], interfaces: [{ name: base, network: "lan" }], run: [`ip link set ${base} up`] };
  for (const n of notes) node.run.push(`# ${n}`);
  if (master !== base) node.run.push(`ip link add link ${base} name ${master} type vlan id ${master.slice(base.length + 1)}`, `ip link set ${master} up`);
  // The vlan plugin's pods are on a VLAN the node itself is not on.
  if (subnet && conf.type !== "vlan") node.run.push(`ip addr add ${cidr(broadcast(subnet) - 1, subnet.len)} dev ${master}`);
  const json = listJson ?? JSON.stringify(conf);
  if (json.includes("'")) throw confSrc.error(confNode, "a configuration with a ' in it cannot be written into the lab's script");
  node.run.push("", `# ${String(conf.type)} network ${String(conf.name)} (${confSrc.where(confNode)})`);
  for (const p of pods) node.run.push(`ip netns add ${p}`, `ipvlab cni add ${p} '${json}' ${ifName}`);
  const hosts: LabHostText[] = [node];
  if (subnet) {
    const gw = gwText ? parseIpv4(gwText) : subnet.net + 1;
    const router: LabHostText = { name: "router", comment: ["A stand-in for the LAN's router, at the network's gateway address."], interfaces: [{ name: "eth0", network: "lan" }], run: ["ip link set eth0 up"] };
    const vid = conf.type === "vlan" ? String(conf.vlanId ?? "") : master !== base ? master.slice(base.length + 1) : "";
    const dev = vid ? `eth0.${vid}` : "eth0";
    if (vid) router.run.push(`ip link add link eth0 name ${dev} type vlan id ${vid}`, `ip link set ${dev} up`);
    if (gw !== null) router.run.push(`ip addr add ${cidr(gw, subnet.len)} dev ${dev}`);
    hosts.push(router);
  }
  return writeLab({
    header: [`Imported from ${src.file} by ipvlab import: the plugin runs as a runtime runs it (ipvlab cni),`, "for each pod, on the node."],
    name: (labName || String(conf.name ?? "cni")).replace(/[^A-Za-z0-9_.-]/g, "-"),
    networks: ["lan"],
    hosts,
    steps: ["- matrix: imported"],
  });
}
