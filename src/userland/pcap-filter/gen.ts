// Each primitive of a filter as gencode.c turns it into tests for
// LINKTYPE_ETHERNET: where in the frame, what value, under which qualifiers;
// and `vlan`, which moves the offsets of every primitive generated after it.

import { FilterNotSimulated, FilterSyntaxError } from "./lex.js";
import type { FilterNode, Off } from "./node.js";

/**
 * How tcpdump compiles `vlan`: reading a savefile, for tags in the data; on a
 * live Linux capture (BPF_SPECIAL_VLAN_HANDLING), first for the tag the
 * kernel keeps in skb->vlan_tci, where the packet data has none.
 */
export type FilterMode = "live" | "savefile";

export type Proto = string; // "default", "undef", or a protocol keyword (ether/link/... are "link")
export type Dir = "default" | "undef" | "src" | "dst" | "or" | "and";
export type Addr = "default" | "undef" | "host" | "net" | "port" | "proto";

export interface Qual {
  proto: Proto;
  dir: Dir;
  addr: Addr;
}

/** grammar.y's qerr: what a protocol abbreviation or a parenthesis leaves for a bare address after it. */
export const QERR: Qual = { proto: "undef", dir: "undef", addr: "undef" };

const ETHERTYPE_IP = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_REVARP = 0x8035;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERMTU = 1500;
const IPPROTO_FRAGMENT = 44;

/** IP protocols an abbreviation stands for, and whether it is IPv4's only (gen_proto_abbrev). */
const ABBREV_PROTO: Record<string, { v: number; family: "default" | "ip" | "ip6" }> = {
  sctp: { v: 132, family: "default" },
  tcp: { v: 6, family: "default" },
  udp: { v: 17, family: "default" },
  icmp: { v: 1, family: "ip" },
  igmp: { v: 2, family: "ip" },
  igrp: { v: 9, family: "ip" },
  pim: { v: 103, family: "default" },
  vrrp: { v: 112, family: "ip" },
  carp: { v: 112, family: "ip" },
  icmp6: { v: 58, family: "ip6" },
  ah: { v: 51, family: "default" },
  esp: { v: 50, family: "default" },
};
const ABBREV_ETHERTYPE: Record<string, number> = { ip: ETHERTYPE_IP, arp: ETHERTYPE_ARP, rarp: ETHERTYPE_REVARP, ip6: ETHERTYPE_IPV6 };
/** Protocols whose `host`/`net` libpcap refuses by name (gen_host's "'tcp' modifier applied to host"). */
const NOT_HOST_PROTOS = new Set(["sctp", "tcp", "udp", "icmp", "igmp", "igrp", "icmp6", "ah", "esp", "pim", "vrrp", "esis", "isis", "clnp", "stp", "netbeui", "l1", "l2", "iih", "snp", "csnp", "psnp", "lsp", "radio", "carp"]);

export const and = (a: FilterNode, b: FilterNode): FilterNode => ({ k: "and", a, b });
export const or = (a: FilterNode, b: FilterNode): FilterNode => ({ k: "or", a, b });
export const not = (a: FilterNode): FilterNode => ({ k: "not", a });
const eq = (at: Off, size: 1 | 2 | 4, value: number, mask = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff): FilterNode => ({ k: "cmp", at, size, mask, op: "eq", value: value >>> 0 });
/** The link header itself: `ether` and `broadcast`/`multicast` read it where it is, whatever `vlan` said. */
const linkhdr = (off: number): Off => ({ off, v: false });

export function syntax(): never {
  throw new FilterSyntaxError("can't parse filter expression: syntax error");
}

/** __pcap_atoin: dotted decimal, 1 to 4 parts; the number of bits given, or -1. */
function atoin(s: string): { v: number; bits: number } {
  let v = 0;
  let bits = 0;
  for (const part of s.split(".")) {
    // The scanner lets 0x.. and octal through as parts; __pcap_atoin reads every digit as decimal.
    let n = 0;
    for (const ch of part) {
      if (n > 25) throw new FilterSyntaxError(`invalid IPv4 address '${s}'`);
      n = n * 10 + (ch.charCodeAt(0) - 48);
    }
    if (n > 255 || /[^0-9]/.test(part)) throw new FilterSyntaxError(`invalid IPv4 address '${s}'`);
    v = ((v << 8) | n) >>> 0;
    bits += 8;
  }
  return { v, bits };
}

/** An IPv6 address as 16 bytes (the scanner already checked its shape). */
function ipv6Bytes(s: string): number[] {
  let text = s;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) throw new FilterSyntaxError(`bogus IPv6 address ${s}`);
    tail.push(...parts);
    text = `${text.slice(0, v4.index)}0:0`;
  }
  const [l, r] = text.includes("::") ? text.split("::") : [text, null];
  const groups = (t: string | null | undefined) => (t ? t.split(":").map((g) => parseInt(g, 16)) : []);
  const left = groups(l);
  const right = groups(r);
  const fill = r === null ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  const all = [...left, ...fill, ...right];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** pcap_ether_aton: six bytes separated by ':', '-' or '.', or three groups of four hex digits. */
export function etherBytes(s: string): number[] {
  const hex = s.replace(/[-:.]/g, "");
  if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$|^[0-9a-f]{12}$/i.test(s)) return hex.match(/../g)!.map((b) => parseInt(b, 16));
  return s.split(/[-:.]/).map((b) => parseInt(b, 16));
}

export class Gen {
  /** Bytes of VLAN tags the primitives parsed so far step over (gen_vlan_no_bpf_extensions). */
  private shift = 0;
  /** Offsets from here on add the run-time VLAN offset (after a live capture's first `vlan`). */
  private variable = false;
  /** `vlan`s parsed so far (cstate->vlan_stack_depth). */
  private vlans = 0;

  constructor(private readonly mode: FilterMode) {}

  /** OR_LINKTYPE: where the ethertype is. */
  private get linktype(): Off {
    return { off: 12 + this.shift, v: this.variable };
  }
  /** OR_LINKPL + n: n bytes into what follows the ethertype. */
  private pl(n: number): Off {
    return { off: 14 + this.shift + n, v: this.variable };
  }

  /**
   * gen_vlan: a live capture's first `vlan` looks at skb->vlan_tci first
   * (gen_vlan_bpf_extensions); any other is gen_vlan_no_bpf_extensions, a tag
   * here (of that VID), and everything after it one tag further in.
   */
  vlan(vid: number | null): FilterNode {
    if (vid !== null && vid > 0x0fff) throw new FilterSyntaxError(`VLAN tag ${vid} greater than maximum 4095`);
    const first = this.vlans++ === 0;
    if (this.mode === "live" && first) {
      this.variable = true;
      return { k: "vlan-live", vid };
    }
    let node = or(or(eq(this.linktype, 2, 0x8100), eq(this.linktype, 2, 0x88a8)), eq(this.linktype, 2, 0x9100));
    if (vid !== null) node = and(node, eq(this.pl(0), 2, vid, 0x0fff));
    this.shift += 4;
    return node;
  }

  linktypeIs(ethertype: number): FilterNode {
    return eq(this.linktype, 2, ethertype);
  }

  /** gen_proto_abbrev: a protocol named alone. */
  abbrev(proto: Proto, word: string): FilterNode {
    if (proto === "link") throw new FilterSyntaxError("link layer applied in wrong context");
    const et = ABBREV_ETHERTYPE[proto];
    if (et !== undefined) return this.linktypeIs(et);
    const p = ABBREV_PROTO[proto];
    if (p) return this.proto(p.v, p.family, "default");
    throw new FilterNotSimulated(`'${word}'`);
  }

  /** gen_proto: the IP protocol (or, for ether proto, the ethertype) is v. */
  proto(v: number, proto: Proto, dir: Dir): FilterNode {
    if (dir !== "default") throw new FilterSyntaxError("direction applied to 'proto'");
    switch (proto) {
      case "default":
        return or(this.proto(v, "ip", dir), this.proto(v, "ip6", dir));
      case "link":
        if (v <= ETHERMTU) throw new FilterNotSimulated(`'ether proto ${v}' (802.2 LLC)`);
        return this.linktypeIs(v);
      case "ip":
        return and(this.linktypeIs(ETHERTYPE_IP), eq(this.pl(9), 1, v));
      case "ip6":
        // Also the protocol after a fragment header.
        return and(this.linktypeIs(ETHERTYPE_IPV6), or(eq(this.pl(6), 1, v), and(eq(this.pl(6), 1, IPPROTO_FRAGMENT), eq(this.pl(40), 1, v))));
      case "arp":
      case "rarp":
        throw new FilterSyntaxError(`${proto} does not encapsulate another protocol`);
      default:
        if (proto in ABBREV_PROTO) throw new FilterSyntaxError(`'${proto} proto' is bogus`);
        throw new FilterNotSimulated(`'${proto} proto'`);
    }
  }

  /** gen_ncode: a number or a dotted address under q. */
  ncode(s: string | null, num: number, q: Qual): FilterNode {
    let v = num;
    let bits = 32;
    if (s !== null) ({ v, bits } = atoin(s));
    switch (q.addr) {
      case "default":
      case "host":
      case "net": {
        if (q.proto === "link") throw new FilterSyntaxError("illegal link layer address");
        let mask = 0xffffffff;
        if (s === null && q.addr === "net") {
          // A short net number: `net 10` is 10.0.0.0/8.
          while (v && (v & 0xff000000) === 0) {
            v = (v << 8) >>> 0;
            mask = (mask << 8) >>> 0;
          }
        } else {
          v = bits === 32 ? v : (v << (32 - bits)) >>> 0;
          mask = bits === 32 ? mask : (mask << (32 - bits)) >>> 0;
        }
        return this.host(v, mask, q.proto, q.dir, q.addr === "net" ? "net" : "host");
      }
      case "port": {
        let ipProto: number | null;
        if (q.proto === "udp") ipProto = 17;
        else if (q.proto === "tcp") ipProto = 6;
        else if (q.proto === "sctp") ipProto = 132;
        else if (q.proto === "default") ipProto = null;
        else throw new FilterSyntaxError("illegal qualifier of 'port'");
        if (v > 65535) throw new FilterSyntaxError(`illegal port number ${v} > 65535`);
        return or(this.port(v, ipProto, q.dir), this.port6(v, ipProto, q.dir));
      }
      case "proto":
        return this.proto(v, q.proto, q.dir);
      default:
        throw new FilterSyntaxError("syntax error in filter expression");
    }
  }

  /** gen_mcode: addr/len or addr mask m; for `net` only. */
  mcode(s1: string, s2: string | null, masklen: number, q: Qual): FilterNode {
    const a = atoin(s1);
    const n = a.bits === 32 ? a.v : (a.v << (32 - a.bits)) >>> 0;
    let m: number;
    if (s2 !== null) {
      const b = atoin(s2);
      m = b.bits === 32 ? b.v : (b.v << (32 - b.bits)) >>> 0;
      if ((n & ~m) >>> 0 !== 0) throw new FilterSyntaxError(`non-network bits set in "${s1} mask ${s2}"`);
    } else {
      if (masklen > 32) throw new FilterSyntaxError("mask length must be <= 32");
      m = masklen === 0 ? 0 : (0xffffffff << (32 - masklen)) >>> 0;
      if ((n & ~m) >>> 0 !== 0) throw new FilterSyntaxError(`non-network bits set in "${s1}/${masklen}"`);
    }
    if (q.addr !== "net") throw new FilterSyntaxError("Mask syntax for networks only");
    return this.host(n, m, q.proto, q.dir, "net");
  }

  /** gen_host: an IPv4 address (under a mask) in IPv4, ARP or RARP headers. */
  host(addr: number, mask: number, proto: Proto, dir: Dir, type: "host" | "net"): FilterNode {
    switch (proto) {
      case "default":
        return or(or(this.host(addr, mask, "ip", dir, type), this.host(addr, mask, "arp", dir, type)), this.host(addr, mask, "rarp", dir, type));
      case "ip":
        return this.hostop(addr, mask, dir, ETHERTYPE_IP, 12, 16);
      case "arp":
        return this.hostop(addr, mask, dir, ETHERTYPE_ARP, 14, 24);
      case "rarp":
        return this.hostop(addr, mask, dir, ETHERTYPE_REVARP, 14, 24);
      case "link":
        throw new FilterSyntaxError(`link-layer modifier applied to ${type}`);
      case "ip6":
        throw new FilterSyntaxError("'ip6' modifier applied to ip host");
      default:
        if (NOT_HOST_PROTOS.has(proto)) throw new FilterSyntaxError(`'${proto}' modifier applied to ${type}`);
        throw new FilterNotSimulated(`'${proto} ${type}'`);
    }
  }

  hostop(addr: number, mask: number, dir: Dir, ethertype: number, srcOff: number, dstOff: number): FilterNode {
    const at = (off: number) => and(this.linktypeIs(ethertype), eq(this.pl(off), 4, addr & mask, mask));
    return this.directed(dir, () => at(srcOff), () => at(dstOff));
  }

  directed(dir: Dir, src: () => FilterNode, dst: () => FilterNode): FilterNode {
    switch (dir) {
      case "src":
        return src();
      case "dst":
        return dst();
      case "and":
        return and(src(), dst());
      case "default":
      case "or":
        return or(src(), dst());
      default:
        return syntax();
    }
  }

  /** gen_mcode6 and gen_host6: an IPv6 address or prefix in the IPv6 header. */
  mcode6(s: string, masklen: number, q: Qual): FilterNode {
    const addr = ipv6Bytes(s);
    if (masklen > 128) throw new FilterSyntaxError("mask length must be <= 128");
    const mask = Array.from({ length: 16 }, (_, i) => (i < Math.floor(masklen / 8) ? 0xff : i === Math.floor(masklen / 8) ? (0xff << (8 - (masklen % 8))) & 0xff : 0));
    if (addr.some((b, i) => (b & ~mask[i]!) !== 0)) throw new FilterSyntaxError(`non-network bits set in "${s}/${masklen}"`);
    if ((q.addr === "default" || q.addr === "host") && masklen !== 128) throw new FilterSyntaxError("Mask syntax for networks only");
    if (q.addr !== "default" && q.addr !== "host" && q.addr !== "net") throw new FilterSyntaxError("invalid qualifier against IPv6 address");
    const type = q.addr === "net" ? "net" : "host";
    if (q.proto !== "default" && q.proto !== "ip6") {
      if (q.proto === "link") throw new FilterSyntaxError(`link-layer modifier applied to ip6 ${type}`);
      if (["ip", "rarp", "arp", ...NOT_HOST_PROTOS].includes(q.proto)) throw new FilterSyntaxError(`'${q.proto}' modifier applied to ip6 ${type}`);
      throw new FilterNotSimulated(`'${q.proto} ${type}' with an IPv6 address`);
    }
    const word = (b: number[], w: number) => ((b[w * 4]! << 24) | (b[w * 4 + 1]! << 16) | (b[w * 4 + 2]! << 8) | b[w * 4 + 3]!) >>> 0;
    const at = (off: number) => {
      let node = this.linktypeIs(ETHERTYPE_IPV6);
      for (let w = 0; w < 4; w++) node = and(node, eq(this.pl(off + w * 4), 4, word(addr, w) & word(mask, w), word(mask, w)));
      return node;
    };
    return this.directed(q.dir, () => at(8), () => at(24));
  }

  /** gen_ehostop: Ethernet source (6) or destination (0); the link header itself, never moved by `vlan`. */
  ehost(mac: number[], dir: Dir): FilterNode {
    return this.directed(dir, () => ({ k: "bytes", off: 6, bytes: mac }), () => ({ k: "bytes", off: 0, bytes: mac }));
  }

  /** gen_port: TCP, UDP or SCTP over IPv4, first fragments only. */
  port(port: number, ipProto: number | null, dir: Dir): FilterNode {
    const op = (p: number) =>
      and(
        and(eq(this.pl(9), 1, p), not({ k: "cmp", at: this.pl(6), size: 2, mask: 0x1fff, op: "set", value: 0 })),
        this.directed(dir, () => ({ k: "tport", ip: this.pl(0), off: 0, value: port }), () => ({ k: "tport", ip: this.pl(0), off: 2, value: port })),
      );
    const body = ipProto !== null ? op(ipProto) : or(op(132), or(op(6), op(17)));
    return and(this.linktypeIs(ETHERTYPE_IP), body);
  }

  /** gen_port6: TCP, UDP or SCTP right after the IPv6 header. */
  port6(port: number, ipProto: number | null, dir: Dir): FilterNode {
    const op = (p: number) => and(eq(this.pl(6), 1, p), this.directed(dir, () => eq(this.pl(40), 2, port), () => eq(this.pl(42), 2, port)));
    const body = ipProto !== null ? op(ipProto) : or(op(132), or(op(6), op(17)));
    return and(this.linktypeIs(ETHERTYPE_IPV6), body);
  }

  broadcast(proto: Proto): FilterNode {
    if (proto === "default" || proto === "link") return { k: "bytes", off: 0, bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] };
    if (proto === "ip") throw new FilterNotSimulated("'ip broadcast' (it depends on the capturing device's netmask)");
    throw new FilterSyntaxError("only link-layer/IP broadcast filters supported");
  }

  multicast(proto: Proto): FilterNode {
    if (proto === "default" || proto === "link") return { k: "cmp", at: linkhdr(0), size: 1, mask: 1, op: "set", value: 0 };
    if (proto === "ip") return and(this.linktypeIs(ETHERTYPE_IP), { k: "cmp", at: this.pl(16), size: 1, mask: 0xff, op: "ge", value: 224 });
    if (proto === "ip6") return and(this.linktypeIs(ETHERTYPE_IPV6), eq(this.pl(24), 1, 255));
    throw new FilterNotSimulated(`'${proto} multicast'`);
  }
}
