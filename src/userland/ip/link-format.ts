// print_linkinfo: one link as `ip link` / `ip addr` print it, in the plain,
// brief and JSON forms.

import type { NetDevice } from "../../kernel/index.js";
import { linkDetails } from "./link-details.js";
import { broadcastMac, flagNames, linkRef, linkType, netnsNameOf, operstate } from "./link-info.js";
import { printStats64Json, printStats64Text } from "./link-stats.js";

export interface LinkFormat {
  /** do_link: `ip link` (mode DEFAULT, addrgenmode, stats inline), not `ip addr`. */
  linkmode: boolean;
  /** `ip -4 addr`: no link/ether line; link-netnsid moves to the header. */
  noLinkLine: boolean;
  /** -d: show_details. */
  details?: boolean;
  /** -s, -s -s: show_stats, printed here only for `ip link` (do_link). */
  stats?: number;
}

function netnsText(dev: NetDevice): string {
  const ref = linkRef(dev);
  if (!ref || ref.netnsid === null) return "";
  const name = netnsNameOf(dev);
  return name ? ` link-netns ${name}` : ` link-netnsid ${ref.netnsid}`;
}

export function linkName(dev: NetDevice): string {
  const ref = linkRef(dev);
  return ref ? `${dev.name}@${ref.suffix}` : dev.name;
}

/**
 * print_linkinfo's text, ending in "\n"; the lines inside are print_nl()s,
 * which -o turns into "\\" (see onelineText).
 */
export function linkText(dev: NetDevice, f: LinkFormat): string {
  const master = dev.master ? ` master ${dev.master.name}` : "";
  const mode = f.linkmode ? " mode DEFAULT" : "";
  const ns = netnsText(dev);
  const head = `${dev.ifindex}: ${linkName(dev)}: <${flagNames(dev).join(",")}> mtu ${dev.mtu} qdisc ${dev.qdisc}${master} state ${operstate(dev)}${mode} group default ${dev.txQueueLen ? `qlen ${dev.txQueueLen}` : ""}`;
  // With -d the link line shows whatever the family filter.
  if (f.noLinkLine && !f.details) return `${head}${ns}\n`;
  // IFLA_PERM_ADDRESS is shown when it differs from the address (an ipvlan whose parent's MAC changed).
  const perm = dev.permAddr && dev.permAddr !== dev.mac ? ` permaddr ${dev.permAddr}` : "";
  let out = `${head}\n    link/${linkType(dev)} ${dev.mac} brd ${broadcastMac(dev)}${perm}${ns}`;
  if (f.details) out += linkDetails(dev, f.linkmode).text;
  if (f.linkmode && f.stats) out += `\n${printStats64Text(dev, f.stats)}`;
  return `${out}\n`;
}

/** print_link_stats for `ip -s addr`: after the addresses, ended by print_nl. */
export function linkStatsText(dev: NetDevice, level: number): string {
  return `${printStats64Text(dev, level)}\n`;
}

/** -o: every print_nl inside a record is "\\" (_SL_). */
export function onelineText(t: string): string {
  return `${t.slice(0, -1).replaceAll("\n", "\\")}\n`;
}

/** print_name_and_link("%-16s ") and print_operstate("%-14s "). */
export function briefPrefix(dev: NetDevice): string {
  return `${linkName(dev).padEnd(16)} ${operstate(dev).padEnd(14)} `;
}

export function linkBrief(dev: NetDevice): string {
  return `${briefPrefix(dev)}${dev.mac} <${flagNames(dev).join(",")}> \n`;
}

export function linkJson(dev: NetDevice, f: LinkFormat): Record<string, unknown> {
  const ref = linkRef(dev);
  const o: Record<string, unknown> = { ifindex: dev.ifindex };
  if (ref) Object.assign(o, ref.json);
  o.ifname = dev.name;
  o.flags = flagNames(dev);
  o.mtu = dev.mtu;
  o.qdisc = dev.qdisc;
  if (dev.master) o.master = dev.master.name;
  o.operstate = operstate(dev);
  if (f.linkmode) o.linkmode = "DEFAULT";
  o.group = "default";
  // print_queuelen: only a non-zero queue length.
  if (dev.txQueueLen) o.txqlen = dev.txQueueLen;
  o.link_type = linkType(dev);
  o.address = dev.mac;
  o.broadcast = broadcastMac(dev);
  if (dev.permAddr && dev.permAddr !== dev.mac) o.permaddr = dev.permAddr;
  // JSON names the peer namespace by its id only; the name is for the text (print_linkinfo).
  if (ref && ref.netnsid !== null) o.link_netnsid = ref.netnsid;
  if (f.details) Object.assign(o, linkDetails(dev, f.linkmode).json);
  if (f.stats) Object.assign(o, printStats64Json(dev, f.stats));
  return o;
}

export function linkBriefJson(dev: NetDevice): Record<string, unknown> {
  const ref = linkRef(dev);
  const o: Record<string, unknown> = { ifname: dev.name };
  if (ref) Object.assign(o, ref.json);
  o.operstate = operstate(dev);
  o.address = dev.mac;
  o.flags = flagNames(dev);
  return o;
}
