// print_linkinfo: one link as `ip link` / `ip addr` print it, in the plain,
// brief and JSON forms.

import type { NetDevice } from "../../kernel/index.js";
import { broadcastMac, flagNames, linkRef, linkType, netnsNameOf, operstate } from "./link-info.js";

export interface LinkFormat {
  /** `mode DEFAULT` appears in `ip link`, not in `ip addr`. */
  linkmode: boolean;
  /** `ip -4 addr`: no link/ether line; link-netnsid moves to the header. */
  noLinkLine: boolean;
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

/** The header and link/ether lines, each ending in "\n". */
export function linkText(dev: NetDevice, f: LinkFormat): string[] {
  const master = dev.master ? ` master ${dev.master.name}` : "";
  const mode = f.linkmode ? " mode DEFAULT" : "";
  const ns = netnsText(dev);
  const head = `${dev.ifindex}: ${linkName(dev)}: <${flagNames(dev).join(",")}> mtu ${dev.mtu} qdisc ${dev.qdisc}${master} state ${operstate(dev)}${mode} group default qlen 1000`;
  if (f.noLinkLine) return [`${head}${ns}\n`];
  // IFLA_PERM_ADDRESS is shown when it differs from the address (an ipvlan whose parent's MAC changed).
  const perm = dev.permAddr && dev.permAddr !== dev.mac ? ` permaddr ${dev.permAddr}` : "";
  return [`${head}\n`, `    link/${linkType(dev)} ${dev.mac} brd ${broadcastMac(dev)}${perm}${ns}\n`];
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
  o.txqlen = 1000;
  o.link_type = linkType(dev);
  o.address = dev.mac;
  o.broadcast = broadcastMac(dev);
  if (dev.permAddr && dev.permAddr !== dev.mac) o.permaddr = dev.permAddr;
  if (ref && ref.netnsid !== null) {
    const name = netnsNameOf(dev);
    if (name) o.link_netns = name;
    else o.link_netnsid = ref.netnsid;
  }
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
