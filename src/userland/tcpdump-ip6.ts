// What tcpdump -n (4.99.3) prints for an IPv6 packet: print-ip6.c's
// addresses, "HBH " for a Hop-by-Hop header, then print-icmp6.c's words.
// Without -v the ND options and MLD records are not shown, only counted.

import { encodeIcmp6, type Icmp6Repr } from "../wire/icmpv6.js";
import { ipv6FromBytes } from "../wire/ipv6-addr.js";
import { ipv6PayloadLength, type Ipv6Repr } from "../wire/ipv6.js";

/** The text after the link-level header; further lines when tcpdump hex-dumps a message it does not know. */
export function formatIpv6Packet(ip: Ipv6Repr): string[] {
  const addrs = `${ip.src} > ${ip.dst}: ${ip.routerAlert ? "HBH " : ""}`;
  if (ip.payload.kind === "raw") return [`${addrs} ip-proto-${ip.payload.nextHeader} ${ip.payload.bytes.length}`];
  const i = ip.payload.icmp;
  const len = ipv6PayloadLength(ip) - (ip.routerAlert ? 8 : 0);
  const text = icmp6Text(i);
  if (text === null) return [`${addrs}ICMP6, ${typeName(i)}, length ${len}`, ...hexPrint(encodeIcmp6(i, ip.src, ip.dst))];
  return [text.endsWith("[|icmp6]") ? `${addrs}ICMP6, ${text}` : `${addrs}ICMP6, ${text}, length ${len}`];
}

const TYPE_NAMES: Record<number, string> = {
  1: "destination unreachable",
  2: "packet too big",
  3: "time exceeded in-transit",
  4: "parameter problem",
  128: "echo request",
  129: "echo reply",
  130: "multicast listener query",
  131: "multicast listener report",
  132: "multicast listener done",
  133: "router solicitation",
  134: "router advertisement",
  135: "neighbor solicitation",
  136: "neighbor advertisement",
  137: "redirect",
  143: "multicast listener report v2",
  200: "mtrace response",
  201: "mtrace message",
};

function typeName(i: Icmp6Repr): string {
  const t = i.type === "other" ? i.icmpType : ({ "echo-request": 128, "echo-reply": 129, "dest-unreach": 1, "time-exceeded": 3, "packet-too-big": 2, ns: 135, na: 136, rs: 133, "mld2-report": 143 } as const)[i.type];
  return TYPE_NAMES[t] ?? `unknown icmp6 type (${t})`;
}

/** The quoted packet's destination, or its source, when enough of it is there. */
const quoted = (o: Uint8Array, at: 8 | 24): string | null => (o.length >= at + 16 ? ipv6FromBytes(o, at) : null);

const UNREACH_CODES: Record<number, string> = { 0: "unreachable route", 1: " unreachable prohibited", 2: "beyond scope", 3: "unreachable address", 4: "unreachable port" };

/** icmp6_print after "ICMP6, "; null for what it hex-dumps. */
function icmp6Text(i: Icmp6Repr): string | null {
  const name = typeName(i);
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      return `${name}, id ${i.id}, seq ${i.seq}`;
    case "dest-unreach": {
      const head = `${name}, ${UNREACH_CODES[i.code] ?? `unknown unreach code (${i.code})`}`;
      const dst = quoted(i.original, 24);
      if (i.code <= 1 || i.code === 3) return dst === null ? `${head} [|icmp6]` : `${head} ${dst}`;
      if (i.code === 2) return `${head} ${dst}, source address ${quoted(i.original, 8)}`;
      if (i.code === 4) {
        const nh = i.original[6];
        const dport = i.original.length >= 44 ? (i.original[42]! << 8) | i.original[43]! : 0;
        if (nh === 6) return `${head}, ${dst} tcp port ${dport}`;
        if (nh === 17) return `${head}, ${dst} udp port ${dport}`;
        // get_upperlayer finds no TCP or UDP header: the print stops there, without a length.
        return `${head} [|icmp6]`;
      }
      return null;
    }
    case "packet-too-big":
      return `${name}, mtu ${i.mtu}`;
    case "time-exceeded":
      if (i.code === 0) return `${name} for ${quoted(i.original, 24)}`;
      if (i.code === 1) return `${name} (reassembly)`;
      return `${name}, unknown code (${i.code})`;
    case "ns":
      return `${name}, who has ${i.target}`;
    case "na":
      return `${name}, tgt is ${i.target}`;
    case "rs":
      return name;
    case "mld2-report":
      return `${name}, ${i.grecs.length} group record(s)`;
    case "other":
      return null;
  }
}

/** print_unknown_data's hex_print: 16 bytes a line, in pairs, no ASCII column. */
function hexPrint(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    let hex = "";
    for (let k = off; k < Math.min(off + 16, b.length); k += 2) hex += ` ${b[k]!.toString(16).padStart(2, "0")}${k + 1 < b.length ? b[k + 1]!.toString(16).padStart(2, "0") : ""}`;
    out.push(`\t0x${off.toString(16).padStart(4, "0")}: ${hex}`);
  }
  return out;
}
