// IPv6 addresses are kept in their printed form (inet_ntop's, RFC 5952):
// comparable with ===, usable as Map keys, and printed as iproute2, iputils
// and tcpdump print them. Prefix math goes through the 16 bytes.

import type { Mac } from "./mac.js";

export type Ipv6 = string;

export const IN6ADDR_ANY: Ipv6 = "::";
export const IN6ADDR_LOOPBACK: Ipv6 = "::1";
export const IN6ADDR_LINKLOCAL_ALLNODES: Ipv6 = "ff02::1";
export const IN6ADDR_LINKLOCAL_ALLROUTERS: Ipv6 = "ff02::2";
export const IN6ADDR_MLDV2_ROUTERS: Ipv6 = "ff02::16";

/** Parsed addresses: every frame on the wire is encoded from printed addresses, a few hundred distinct ones per lab. */
const parsed = new Map<string, Uint8Array | null>();
const PARSED_MAX = 65536;

/** inet_pton(AF_INET6): hex groups with at most one "::", an IPv4 tail allowed; null when malformed. */
export function ipv6ToBytes(text: string): Uint8Array | null {
  let b = parsed.get(text);
  if (b === undefined) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    b = inet6Pton(text);
    parsed.set(text, b);
  }
  // A copy: callers may write into it (prefix masks).
  return b && b.slice();
}

function inet6Pton(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = text.slice(lastColon + 1).split(".");
    if (lastColon < 0 || v4.length !== 4 || v4.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
    tail.push(...v4.map(Number));
    const prefix = text.slice(0, lastColon + 1);
    head = prefix.endsWith("::") ? prefix : prefix.slice(0, -1);
  }
  const parts = head.split("::");
  if (parts.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const a = groups(parts[0]!);
  const b = parts.length === 2 ? groups(parts[1]!) : [];
  if (!a || !b) return null;
  const want = 8 - tail.length / 2;
  let all: number[];
  if (parts.length === 2) {
    if (a.length + b.length > want - 1) return null;
    all = [...a, ...new Array<number>(want - a.length - b.length).fill(0), ...b];
  } else {
    if (a.length !== want) return null;
    all = a;
  }
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  out.set(tail, 12);
  return out;
}

/** inet_ntop(AF_INET6): the longest run of two or more zero groups (the first of equal ones) becomes "::". */
export function ipv6FromBytes(b: Uint8Array, offset = 0): Ipv6 {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[offset + 2 * i]! << 8) | b[offset + 2 * i + 1]!);
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len && j - i >= 2) [best, len] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  // glibc prints an IPv4-mapped or -compatible address with a dotted tail.
  if (best === 0 && (len === 6 || (len === 5 && g[5] === 0xffff))) {
    const v4 = `${b[offset + 12]}.${b[offset + 13]}.${b[offset + 14]}.${b[offset + 15]}`;
    if (len === 5) return `::ffff:${v4}`;
    if (g[6] !== 0) return `::${v4}`;
  }
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + len))}`;
}

/** The canonical text of an address typed by a user, or null. */
export function parseIpv6(text: string): Ipv6 | null {
  const b = ipv6ToBytes(text);
  return b ? ipv6FromBytes(b) : null;
}

/** The first `len` bits of `a`, the rest zero. */
export function ipv6Network(a: Ipv6, len: number): Ipv6 {
  const b = ipv6ToBytes(a)!;
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, len - 8 * i));
    b[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return ipv6FromBytes(b);
}

export const ipv6InPrefix = (a: Ipv6, net: Ipv6, len: number): boolean => ipv6Network(a, len) === ipv6Network(net, len);

// The ipv6_addr_* predicates of include/net/ipv6.h (addresses in canonical text).
export const ipv6IsAny = (a: Ipv6): boolean => a === IN6ADDR_ANY;
export const ipv6IsLoopback = (a: Ipv6): boolean => a === IN6ADDR_LOOPBACK;
export const ipv6IsMulticast = (a: Ipv6): boolean => a.startsWith("ff") && a.indexOf(":") === 4;
export const ipv6IsLinkLocal = (a: Ipv6): boolean => /^fe[89ab][0-9a-f]:/.test(a);

/** IPV6_ADDR_MC_SCOPE: the scope nibble of a multicast address (2 link, 5 site, e global...). */
export const ipv6McScope = (a: Ipv6): number => ipv6ToBytes(a)![1]! & 0x0f;

/** addrconf_addr_solict_mult: ff02::1:ff plus the address's last 24 bits. */
export function solicitedNode(a: Ipv6): Ipv6 {
  const b = ipv6ToBytes(a)!;
  const out = ipv6ToBytes("ff02::1:ff00:0")!;
  out.set(b.subarray(13, 16), 13);
  return ipv6FromBytes(out);
}

/** ipv6_eth_mc_map: 33:33 and the group's last 32 bits. */
export function ipv6McastMac(a: Ipv6): Mac {
  const b = ipv6ToBytes(a)!;
  return ["33", "33", ...[12, 13, 14, 15].map((i) => b[i]!.toString(16).padStart(2, "0"))].join(":");
}
