// What `tcpdump -n -e -r FILE` (tcpdump 4.99.3) prints for the frames a
// device tap saw: the link-level header, then ARP, ICMP or other IPv4 as
// print-arp.c, print-icmp.c and print-ip.c word them (IPv6 in tcpdump-ip6.ts). Timestamps are the
// virtual clock as HH:MM:SS.ffffff (tcpdump's default -t format, UTC).

import { encodeEthernet, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, ethertypeOf, type EthernetFrame } from "../wire/ethernet.js";
import { formatIpv6Packet } from "./tcpdump-ip6.js";
import type { IcmpRepr } from "../wire/icmp.js";
import { ipv4TotalLength, type Ipv4Repr } from "../wire/ipv4.js";
import { formatIpv4 } from "../wire/ipv4-addr.js";
import type { TapEvent } from "../kernel/index.js";
import { vlanDei, vlanId, vlanPcp } from "../wire/vlan.js";

/** A captured frame: when (virtual ms) and what. */
export interface CapturedFrame {
  readonly time: number;
  readonly frame: EthernetFrame;
}

/** The frames a tap saw, in order, as one capture records them. */
export function captureRecord(ev: TapEvent): CapturedFrame {
  return { time: ev.time, frame: ev.frame };
}

/** HH:MM:SS.ffffff for a virtual time in ms (the clock starts at 00:00:00). */
export function formatTimestamp(ms: number): string {
  const us = Math.round(ms * 1000);
  const secs = Math.floor(us / 1_000_000);
  const frac = us - secs * 1_000_000;
  const h = Math.floor(secs / 3600) % 24;
  const m = Math.floor(secs / 60) % 60;
  const s = secs % 60;
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${p2(h)}:${p2(m)}:${p2(s)}.${String(frac).padStart(6, "0")}`;
}

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: "IPv4",
  0x0806: "ARP",
  0x86dd: "IPv6",
  0x8100: "802.1Q",
  0x8035: "Reverse ARP",
  0x88cc: "LLDP",
  0x8847: "MPLS unicast",
  0x8848: "MPLS multicast",
  0x88a8: "802.1Q-QinQ",
  0x88e5: "MACsec",
};

/** The lines tcpdump -n -e prints for one frame (several when it hex-dumps an unknown payload). */
export function formatFrame(c: CapturedFrame): string[] {
  const f = c.frame;
  const bytes = encodeEthernet(f);
  const et = ethertypeOf(f.payload);
  const tags = f.vlans ?? [];
  const name = (t: number) => `${ETHERTYPE_NAMES[t] ?? "Unknown"} (0x${t.toString(16).padStart(4, "0")})`;
  // print-ether.c: each tag as ieee8021q_tci_string, then the ethertype it encloses.
  const vlanText = tags.map((t, i) => `vlan ${vlanId(t)}, p ${vlanPcp(t)}${vlanDei(t) ? ", DEI" : ""}, ethertype ${name(tags[i + 1]?.tpid ?? et)}, `).join("");
  const head = `${formatTimestamp(c.time)} ${f.src} > ${f.dst}, ethertype ${name(tags[0]?.tpid ?? et)}, length ${bytes.length}: ${vlanText}`;
  switch (f.payload.kind) {
    case "arp": {
      const a = f.payload.arp;
      let body: string;
      if (a.op === 1) {
        body = `Request who-has ${formatIpv4(a.tpa)}${a.tha !== "00:00:00:00:00:00" ? ` (${a.tha})` : ""} tell ${formatIpv4(a.spa)}`;
      } else if (a.op === 2) {
        body = `Reply ${formatIpv4(a.spa)} is-at ${a.sha}`;
      } else {
        return [head, ...hexDump(bytes.subarray(bytes.length - 28))];
      }
      return [`${head}${body}, length 28`];
    }
    case "ipv4":
      return [head + formatIpv4Packet(f.payload.ip)];
    case "ipv6": {
      const [line, ...more] = formatIpv6Packet(f.payload.ip6);
      return [head + line!, ...more];
    }
    case "raw":
      if (et === ETH_P_IP || et === ETH_P_ARP || et === ETH_P_IPV6) return [`${head}[|${et === ETH_P_IP ? "ip" : et === ETH_P_IPV6 ? "ip6" : "arp"}]`];
      return [head, ...hexDump(f.payload.bytes)];
  }
}

function formatIpv4Packet(ip: Ipv4Repr): string {
  const addrs = `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}: `;
  const len = ipv4TotalLength(ip) - 20;
  if (ip.payload.kind === "icmp") return `${addrs}ICMP ${icmpText(ip.payload.icmp)}, length ${len}`;
  const proto = ip.payload.protocol;
  return `${addrs} ip-proto-${proto} ${len}`;
}

function quotedDst(original: Uint8Array): string {
  if (original.length < 20) return "[|icmp]";
  const v = new DataView(original.buffer, original.byteOffset, original.byteLength);
  return formatIpv4(v.getUint32(16));
}

const UNREACH: Record<number, (dst: string) => string> = {
  0: (d) => `net ${d} unreachable`,
  1: (d) => `host ${d} unreachable`,
  5: (d) => `${d} unreachable - source route failed`,
  6: (d) => `net ${d} unreachable - unknown`,
  7: (d) => `host ${d} unreachable - unknown`,
  8: (d) => `${d} unreachable - source host isolated`,
  9: (d) => `net ${d} unreachable - admin prohibited`,
  10: (d) => `host ${d} unreachable - admin prohibited`,
  11: (d) => `net ${d} unreachable - tos prohibited`,
  12: (d) => `host ${d} unreachable - tos prohibited`,
  13: (d) => `host ${d} unreachable - admin prohibited filter`,
  14: (d) => `host ${d} unreachable - host precedence violation`,
  15: (d) => `host ${d} unreachable - precedence cutoff`,
};

const OTHER_ICMP: Record<number, string> = {
  0: "echo reply",
  4: "source quench",
  8: "echo request",
  10: "router solicitation",
  13: "time stamp request",
  14: "time stamp reply",
  15: "information request",
  16: "information reply",
  17: "address mask request",
};

function icmpText(i: IcmpRepr): string {
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      return `echo ${i.type === "echo-request" ? "request" : "reply"}, id ${i.id}, seq ${i.seq}`;
    case "dest-unreach": {
      const d = quotedDst(i.original);
      if (i.code === 2) return `${d} protocol ${i.original[9] ?? 0} unreachable`;
      if (i.code === 3) {
        const ihl = ((i.original[0] ?? 0x45) & 0xf) * 4;
        const proto = i.original[9] ?? 0;
        const dport = i.original.length >= ihl + 4 ? (i.original[ihl + 2]! << 8) | i.original[ihl + 3]! : 0;
        if (proto === 6) return `${d} tcp port ${dport} unreachable`;
        if (proto === 17) return `${d} udp port ${dport} unreachable`;
        return `${d} protocol ${proto} port ${dport} unreachable`;
      }
      if (i.code === 4) return i.mtu ? `${d} unreachable - need to frag (mtu ${i.mtu})` : `${d} unreachable - need to frag`;
      return UNREACH[i.code]?.(d) ?? `${d} unreachable - #${i.code}`;
    }
    case "time-exceeded":
      return i.code === 0 ? "time exceeded in-transit" : i.code === 1 ? "ip reassembly time exceeded" : `time exceeded-#${i.code}`;
    case "redirect": {
      const d = quotedDst(i.original);
      const gw = formatIpv4(i.gateway);
      return [`redirect ${d} to net ${gw}`, `redirect ${d} to host ${gw}`, `redirect-tos ${d} to net ${gw}`, `redirect-tos ${d} to host ${gw}`][i.code] ?? `redirect-#${i.code} ${d} to ${gw}`;
    }
    case "other":
      return OTHER_ICMP[i.icmpType] ?? `type-#${i.icmpType}`;
  }
}

/** hex_and_ascii_print with the "\n\t" indent: one line per 16 bytes. */
export function hexDump(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const chunk = b.subarray(off, Math.min(off + 16, b.length));
    let hex = "";
    let ascii = "";
    for (let i = 0; i < chunk.length; i += 2) {
      const s1 = chunk[i]!;
      const s2 = chunk[i + 1];
      hex += s2 === undefined ? ` ${h2(s1)}` : ` ${h2(s1)}${h2(s2)}`;
      ascii += graph(s1) + (s2 === undefined ? "" : graph(s2));
    }
    out.push(`\t0x${off.toString(16).padStart(4, "0")}: ${hex.padEnd(40)}  ${ascii}`);
  }
  return out;
}

const h2 = (n: number) => n.toString(16).padStart(2, "0");
const graph = (n: number) => (n > 0x20 && n < 0x7f ? String.fromCharCode(n) : ".");

/** Every line tcpdump would print for a capture, in order. */
export function formatCapture(frames: readonly CapturedFrame[]): string[] {
  return frames.flatMap(formatFrame);
}

/**
 * One frame as tcpdump prints it live: without -e, the network header's
 * name (IP, IP6, ARP) stands where the link-level header was; -t drops the
 * timestamp. null for a frame printed otherwise without -e (tagged, other
 * ethertypes), which is not modelled.
 */
export function formatLive(c: CapturedFrame, o: { link: boolean; time: boolean }): string[] | null {
  const lines = formatFrame(c);
  const stamp = `${formatTimestamp(c.time)} `;
  const untimed = (l: string) => (o.time ? l : l.slice(stamp.length));
  if (o.link) return [untimed(lines[0]!), ...lines.slice(1)];
  const f = c.frame;
  const name = f.payload.kind === "ipv4" ? "IP " : f.payload.kind === "ipv6" ? "IP6 " : f.payload.kind === "arp" ? "ARP, " : null;
  if (name === null || (f.vlans?.length ?? 0) > 0 || lines.length > 1) return null;
  const cut = `, length ${encodeEthernet(f).length}: `;
  const first = lines[0]!;
  const at = first.indexOf(cut);
  if (at < 0) return null;
  return [`${o.time ? stamp : ""}${name}${first.slice(at + cut.length)}`];
}
