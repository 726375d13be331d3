// `ip -d`: what print_linkinfo adds under show_details, and print_linktype's
// per-kind IFLA_INFO_DATA, which iproute2 hands to the kind's link_util
// (iplink_bridge.c, iplink_bridge_slave.c, iplink_ipvlan.c, iplink_macvlan.c).
// A kind without a print_opt here prints its name only, as iproute2 does for
// a kind it has no link_util for.

import { VlanDevice, type NetDevice } from "../../kernel/index.js";
import { vlanProtoName } from "../../wire/vlan.js";
import { bridgeOpts, bridgeSlaveOpts, type Opt } from "./link-details-bridge.js";

interface InfoData {
  /** The print_opt text, after "    KIND ". */
  text: string;
  json: Record<string, unknown>;
}

/** Renders print_opt's items: an item with a null text is JSON only, a null json key text only. */
export function renderOpts(opts: Opt[]): InfoData {
  const json: Record<string, unknown> = {};
  let text = "";
  for (const o of opts) {
    if (o.text !== null) text += `${o.text} `;
    if (o.key !== null) json[o.key] = o.value;
  }
  return { text, json };
}

/** ipvlan_print_opt: the port's mode and flags, shared by every slave of the lower device. */
function ipvlanPrintOpt(dev: NetDevice): InfoData | null {
  const port = (dev as unknown as { port?: { mode?: string; flags?: string } }).port;
  if (!port?.mode) return null;
  const flag = port.flags ?? "bridge";
  return { text: ` mode ${port.mode} ${flag} `, json: { mode: port.mode, [flag]: true } };
}

interface MacvlanFlags {
  nopromisc?: boolean;
  nodst?: boolean;
}

interface MacvlanLike {
  mode?: string;
  /** struct macvlan_dev's flags; NetDevice's own numeric flags share the name, so macvlanFlags is read first. */
  macvlanFlags?: MacvlanFlags;
  flags?: MacvlanFlags | number;
  bcQueueLen?: number;
  usedBcQueueLen?: number;
  /** In the kernel's order (macvlan_hash_add_source puts a new address first). */
  sourceMacs?: string[];
}

/** macvlan_print_opt: macvlan_fill_info always sends the address count, the addresses only when there are some. */
function macvlanPrintOpt(dev: NetDevice): InfoData | null {
  const m = dev as unknown as MacvlanLike;
  if (!m.mode) return null;
  const flags = m.macvlanFlags ?? (typeof m.flags === "object" ? m.flags : {});
  const opts: Opt[] = [{ text: `mode ${m.mode}`, key: "mode", value: m.mode }];
  if (flags.nopromisc) opts.push({ text: "nopromisc", key: "nopromisc", value: true });
  if (flags.nodst) opts.push({ text: "nodst", key: "nodst", value: true });
  opts.push({ text: `bcqueuelen ${m.bcQueueLen ?? 1000}`, key: "bcqueuelen", value: m.bcQueueLen ?? 1000 });
  opts.push({ text: `usedbcqueuelen ${m.usedBcQueueLen ?? 1000}`, key: "usedbcqueuelen", value: m.usedBcQueueLen ?? 1000 });
  if (m.mode === "source") {
    const macs = m.sourceMacs ?? [];
    opts.push({ text: `remotes (${macs.length})`, key: "macaddr_count", value: macs.length });
    if (macs.length > 0) {
      opts.push({ text: macs.join(" "), key: "macaddr_data", value: macs });
    }
  }
  return renderOpts(opts);
}

/** vlan_print_flags, in its order; vlan_fill_info sends the flags only when some are set. */
const VLAN_FLAG_NAMES: [number, string][] = [
  [0x1, "REORDER_HDR"],
  [0x2, "GVRP"],
  [0x8, "MVRP"],
  [0x4, "LOOSE_BINDING"],
  [0x10, "BRIDGE_BINDING"],
];

/** vlan_print_opt: protocol, id, flags, then the egress map (vlan_fill_info reports only mappings to a PCP other than 0). */
function vlanPrintOpt(dev: NetDevice): InfoData | null {
  if (!(dev instanceof VlanDevice)) return null;
  const proto = vlanProtoName(dev.vlanProto);
  let text = `protocol ${proto} id ${dev.vlanId} `;
  const json: Record<string, unknown> = { protocol: proto, id: dev.vlanId };
  const flags = VLAN_FLAG_NAMES.filter(([bit]) => dev.vlanFlags & bit).map(([, name]) => name);
  if (flags.length) {
    text += `<${flags.join(",")}> `;
    json.flags = flags;
  }
  const egress = dev.egressMap.filter((m) => m.pcp !== 0);
  if (egress.length) {
    text += `\n      egress-qos-map { ${egress.map((m) => `${m.priority}:${m.pcp} `).join("")}} `;
    json.egress_qos = egress.map((m) => ({ from: m.priority, to: m.pcp }));
  }
  return { text, json };
}

/** The kind's print_opt, dispatched as iproute2 does on IFLA_INFO_KIND. */
function printOpt(dev: NetDevice): InfoData | null {
  switch (dev.kind) {
    case "bridge":
      return renderOpts(bridgeOpts(dev));
    case "ipvlan":
      return ipvlanPrintOpt(dev);
    case "macvlan":
      return macvlanPrintOpt(dev);
    case "vlan":
      return vlanPrintOpt(dev);
    default:
      return null;
  }
}

/** IFLA_LINKINFO as print_linktype prints it: absent for a device without rtnl_link_ops that is no bridge port. */
function linkinfo(dev: NetDevice): InfoData | null {
  const slave = dev.master?.kind === "bridge" ? renderOpts(bridgeSlaveOpts(dev)) : null;
  if (!dev.hasLinkOps && !slave) return null;
  let text = "";
  const json: Record<string, unknown> = {};
  if (dev.hasLinkOps) {
    const data = printOpt(dev);
    text += `\n    ${dev.kind} ${data?.text ?? ""}`;
    json.info_kind = dev.kind;
    if (data) json.info_data = data.json;
  }
  if (slave) {
    text += `\n    bridge_slave ${slave.text}`;
    json.info_slave_kind = "bridge";
    json.info_slave_data = slave.json;
  }
  return { text, json };
}

/**
 * The show_details part of print_linkinfo, which continues the link/ether
 * line. `doLink`: `ip link` prints IFLA_AF_SPEC's addrgenmode, `ip addr` not.
 */
export function linkDetails(dev: NetDevice, doLink: boolean): InfoData {
  const json: Record<string, unknown> = { promiscuity: dev.promiscuity, allmulti: dev.allmulti, min_mtu: dev.minMtu, max_mtu: dev.maxMtu };
  let text = ` promiscuity ${dev.promiscuity}  allmulti ${dev.allmulti} minmtu ${dev.minMtu} maxmtu ${dev.maxMtu} `;
  const info = linkinfo(dev);
  if (info) {
    text += info.text;
    json.linkinfo = info.json;
  }
  const tail: Opt[] = [];
  if (doLink) tail.push({ text: "addrgenmode eui64", key: "inet6_addr_gen_mode", value: "eui64" });
  tail.push(
    { text: `numtxqueues ${dev.numTxQueues}`, key: "num_tx_queues", value: dev.numTxQueues },
    { text: `gso_max_size ${dev.gsoMaxSize}`, key: "gso_max_size", value: dev.gsoMaxSize },
    { text: `gso_max_segs ${dev.gsoMaxSegs}`, key: "gso_max_segs", value: dev.gsoMaxSegs },
    { text: `tso_max_size ${dev.tsoMaxSize}`, key: "tso_max_size", value: dev.tsoMaxSize },
    { text: `tso_max_segs ${dev.tsoMaxSegs}`, key: "tso_max_segs", value: dev.tsoMaxSegs },
    { text: `gro_max_size ${dev.groMaxSize}`, key: "gro_max_size", value: dev.groMaxSize },
  );
  const t = renderOpts(tail);
  return { text: text + t.text, json: { ...json, ...t.json } };
}
