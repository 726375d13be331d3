// ICMPv6 (RFC 4443) with neighbour discovery (RFC 4861) and MLDv2 reports
// (RFC 3810). The checksum covers the IPv6 pseudo-header, so encoding and
// decoding take the packet's source and destination.

import type { DecodeResult } from "./ethernet.js";
import { ipv6FromBytes, ipv6ToBytes, type Ipv6 } from "./ipv6-addr.js";
import { macFromBytes, macToBytes, type Mac } from "./mac.js";

export const IPPROTO_ICMPV6 = 58;

export const ICMPV6_DEST_UNREACH = 1;
export const ICMPV6_PKT_TOOBIG = 2;
export const ICMPV6_TIME_EXCEED = 3;
export const ICMPV6_PARAMPROB = 4;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const NDISC_ROUTER_SOLICITATION = 133;
export const NDISC_ROUTER_ADVERTISEMENT = 134;
export const NDISC_NEIGHBOUR_SOLICITATION = 135;
export const NDISC_NEIGHBOUR_ADVERTISEMENT = 136;
export const ICMPV6_MLD2_REPORT = 143;

// Codes for ICMPV6_DEST_UNREACH.
export const ICMPV6_NOROUTE = 0;
export const ICMPV6_ADM_PROHIBITED = 1;
export const ICMPV6_NOT_NEIGHBOUR = 2;
export const ICMPV6_ADDR_UNREACH = 3;
export const ICMPV6_PORT_UNREACH = 4;

// ND option types.
export const ND_OPT_SOURCE_LL_ADDR = 1;
export const ND_OPT_TARGET_LL_ADDR = 2;
export const ND_OPT_NONCE = 14;

export type NdOpt =
  | { readonly type: "source-lladdr" | "target-lladdr"; readonly mac: Mac }
  /** RFC 7527 enhanced DAD: the 6 random bytes a probe carries, so a node tells its own looped-back probe from another's. */
  | { readonly type: "nonce"; readonly nonce: Uint8Array }
  /** `bytes` is the option after its type and length octets. */
  | { readonly type: "raw"; readonly optType: number; readonly bytes: Uint8Array };

/** An MLDv2 multicast address record: MLD2_MODE_IS_EXCLUDE (2), MLD2_CHANGE_TO_EXCLUDE (4), MLD2_CHANGE_TO_INCLUDE (3)... */
export interface Mld2Grec {
  readonly type: number;
  readonly group: Ipv6;
  readonly sources: readonly Ipv6[];
}

export type Icmp6Repr =
  | { readonly type: "echo-request" | "echo-reply"; readonly id: number; readonly seq: number; readonly data: Uint8Array }
  /** `original` is as much of the offending packet as fits the minimum MTU. */
  | { readonly type: "dest-unreach" | "time-exceeded"; readonly code: number; readonly original: Uint8Array }
  | { readonly type: "packet-too-big"; readonly mtu: number; readonly original: Uint8Array }
  | { readonly type: "ns"; readonly target: Ipv6; readonly opts: readonly NdOpt[] }
  | { readonly type: "na"; readonly router: boolean; readonly solicited: boolean; readonly override: boolean; readonly target: Ipv6; readonly opts: readonly NdOpt[] }
  | { readonly type: "rs"; readonly opts: readonly NdOpt[] }
  | { readonly type: "mld2-report"; readonly grecs: readonly Mld2Grec[] }
  /** `rest` is everything after the checksum. */
  | { readonly type: "other"; readonly icmpType: number; readonly code: number; readonly rest: Uint8Array };

/** icmpv6_err_convert's world: these carry a quoted packet and are never answered with another error. */
export const icmp6IsError = (i: Icmp6Repr): boolean => i.type === "dest-unreach" || i.type === "time-exceeded" || i.type === "packet-too-big" || (i.type === "other" && i.icmpType < 128);

function encodeOpts(opts: readonly NdOpt[]): Uint8Array[] {
  return opts.map((o) => {
    if (o.type !== "nonce" && o.type !== "raw") {
      const b = new Uint8Array(8);
      b[0] = o.type === "source-lladdr" ? ND_OPT_SOURCE_LL_ADDR : ND_OPT_TARGET_LL_ADDR;
      b[1] = 1;
      macToBytes(o.mac, b, 2);
      return b;
    }
    const [type, body] = o.type === "nonce" ? [ND_OPT_NONCE, o.nonce] : [o.optType, o.bytes];
    const b = new Uint8Array(Math.ceil((body.length + 2) / 8) * 8);
    b[0] = type;
    b[1] = b.length / 8;
    b.set(body, 2);
    return b;
  });
}

function decodeOpts(b: Uint8Array): NdOpt[] | null {
  const out: NdOpt[] = [];
  for (let off = 0; off < b.length; ) {
    if (b.length - off < 2) return null;
    const len = b[off + 1]! * 8;
    if (len === 0 || off + len > b.length) return null;
    const type = b[off]!;
    const body = b.slice(off + 2, off + len);
    if ((type === ND_OPT_SOURCE_LL_ADDR || type === ND_OPT_TARGET_LL_ADDR) && len === 8) out.push({ type: type === ND_OPT_SOURCE_LL_ADDR ? "source-lladdr" : "target-lladdr", mac: macFromBytes(body, 0) });
    else if (type === ND_OPT_NONCE && len === 8) out.push({ type: "nonce", nonce: body });
    else out.push({ type: "raw", optType: type, bytes: body });
    off += len;
  }
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
};

/** The message without its checksum: type, code, then the rest. */
function encodeBody(i: Icmp6Repr): Uint8Array {
  const head = (type: number, code: number, word: number) => {
    const b = new Uint8Array(8);
    b[0] = type;
    b[1] = code;
    new DataView(b.buffer).setUint32(4, word >>> 0);
    return b;
  };
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      return concat([head(i.type === "echo-request" ? ICMPV6_ECHO_REQUEST : ICMPV6_ECHO_REPLY, 0, ((i.id & 0xffff) << 16) | (i.seq & 0xffff)), i.data]);
    case "dest-unreach":
    case "time-exceeded":
      return concat([head(i.type === "dest-unreach" ? ICMPV6_DEST_UNREACH : ICMPV6_TIME_EXCEED, i.code, 0), i.original]);
    case "packet-too-big":
      return concat([head(ICMPV6_PKT_TOOBIG, 0, i.mtu), i.original]);
    case "ns":
      return concat([head(NDISC_NEIGHBOUR_SOLICITATION, 0, 0), ipv6ToBytes(i.target)!, ...encodeOpts(i.opts)]);
    case "na": {
      const flags = (i.router ? 0x80000000 : 0) | (i.solicited ? 0x40000000 : 0) | (i.override ? 0x20000000 : 0);
      return concat([head(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, flags), ipv6ToBytes(i.target)!, ...encodeOpts(i.opts)]);
    }
    case "rs":
      return concat([head(NDISC_ROUTER_SOLICITATION, 0, 0), ...encodeOpts(i.opts)]);
    case "mld2-report": {
      const recs = i.grecs.map((g) => {
        const r = new Uint8Array(20 + 16 * g.sources.length);
        r[0] = g.type;
        new DataView(r.buffer).setUint16(2, g.sources.length);
        r.set(ipv6ToBytes(g.group)!, 4);
        g.sources.forEach((s, k) => r.set(ipv6ToBytes(s)!, 20 + 16 * k));
        return r;
      });
      return concat([head(ICMPV6_MLD2_REPORT, 0, i.grecs.length), ...recs]);
    }
    case "other": {
      const b = new Uint8Array(4 + i.rest.length);
      b[0] = i.icmpType;
      b[1] = i.code;
      b.set(i.rest, 4);
      return b;
    }
  }
}

/** The pseudo-header checksum (RFC 8200 8.1) of an upper-layer message `b` from src to dst. */
export function ipv6Checksum(src: Ipv6, dst: Ipv6, nextHeader: number, b: Uint8Array): number {
  let sum = 0;
  const add16 = (x: Uint8Array) => {
    for (let k = 0; k + 1 < x.length; k += 2) sum += (x[k]! << 8) | x[k + 1]!;
    if (x.length & 1) sum += x[x.length - 1]! << 8;
  };
  add16(ipv6ToBytes(src)!);
  add16(ipv6ToBytes(dst)!);
  sum += (b.length >>> 16) + (b.length & 0xffff) + nextHeader;
  add16(b);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The message's length, without encoding it (every hop of a frame asks for skb->len). */
export function icmp6Length(i: Icmp6Repr): number {
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      return 8 + i.data.length;
    case "dest-unreach":
    case "time-exceeded":
    case "packet-too-big":
      return 8 + i.original.length;
    case "mld2-report":
      return 8 + i.grecs.reduce((n, g) => n + 20 + 16 * g.sources.length, 0);
    case "other":
      return 4 + i.rest.length;
    case "ns":
    case "na":
      return 24 + optsLength(i.opts);
    case "rs":
      return 8 + optsLength(i.opts);
    default:
      return encodeBody(i).length;
  }
}

/** What encodeOpts makes of the options, in bytes: a link-layer address option is 8, the others round up to 8. */
function optsLength(opts: readonly NdOpt[]): number {
  let n = 0;
  for (const o of opts) n += o.type !== "nonce" && o.type !== "raw" ? 8 : Math.ceil(((o.type === "nonce" ? o.nonce : o.bytes).length + 2) / 8) * 8;
  return n;
}

export function encodeIcmp6(i: Icmp6Repr, src: Ipv6, dst: Ipv6): Uint8Array {
  const b = encodeBody(i);
  new DataView(b.buffer).setUint16(2, ipv6Checksum(src, dst, IPPROTO_ICMPV6, b));
  return b;
}

export function decodeIcmp6(b: Uint8Array, src: Ipv6, dst: Ipv6): DecodeResult<Icmp6Repr> {
  if (b.length < 4) return { ok: false, error: "truncated icmpv6" };
  if (ipv6Checksum(src, dst, IPPROTO_ICMPV6, b) !== 0) return { ok: false, error: "bad icmpv6 checksum" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = b[0]!;
  const code = b[1]!;
  const other = (): DecodeResult<Icmp6Repr> => ({ ok: true, value: { type: "other", icmpType: type, code, rest: b.slice(4) } });
  if (b.length < 8) return other();
  const rest = b.slice(8);
  switch (type) {
    case ICMPV6_ECHO_REQUEST:
    case ICMPV6_ECHO_REPLY:
      if (code !== 0) return other();
      return { ok: true, value: { type: type === ICMPV6_ECHO_REQUEST ? "echo-request" : "echo-reply", id: v.getUint16(4), seq: v.getUint16(6), data: rest } };
    case ICMPV6_DEST_UNREACH:
    case ICMPV6_TIME_EXCEED:
      return { ok: true, value: { type: type === ICMPV6_DEST_UNREACH ? "dest-unreach" : "time-exceeded", code, original: rest } };
    case ICMPV6_PKT_TOOBIG:
      return { ok: true, value: { type: "packet-too-big", mtu: v.getUint32(4), original: rest } };
    case NDISC_NEIGHBOUR_SOLICITATION:
    case NDISC_NEIGHBOUR_ADVERTISEMENT: {
      if (b.length < 24 || code !== 0) return other();
      const opts = decodeOpts(b.subarray(24));
      if (!opts) return other();
      const target = ipv6FromBytes(b, 8);
      if (type === NDISC_NEIGHBOUR_SOLICITATION) return { ok: true, value: { type: "ns", target, opts } };
      const f = b[4]!;
      return { ok: true, value: { type: "na", router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0, target, opts } };
    }
    case NDISC_ROUTER_SOLICITATION: {
      const opts = code === 0 ? decodeOpts(rest) : null;
      return opts ? { ok: true, value: { type: "rs", opts } } : other();
    }
    case ICMPV6_MLD2_REPORT: {
      const n = v.getUint16(6);
      const grecs: Mld2Grec[] = [];
      let off = 8;
      for (let k = 0; k < n; k++) {
        if (off + 20 > b.length) return other();
        const ns = v.getUint16(off + 2);
        const aux = b[off + 1]! * 4;
        if (off + 20 + 16 * ns + aux > b.length || aux) return other();
        const sources: Ipv6[] = [];
        for (let s = 0; s < ns; s++) sources.push(ipv6FromBytes(b, off + 20 + 16 * s));
        grecs.push({ type: b[off]!, group: ipv6FromBytes(b, off + 4), sources });
        off += 20 + 16 * ns;
      }
      if (off !== b.length) return other();
      return { ok: true, value: { type: "mld2-report", grecs } };
    }
    default:
      return other();
  }
}
