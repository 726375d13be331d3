// The IPv6 header (RFC 8200). The only extension header modelled is the
// Hop-by-Hop header MLD puts in front of its reports (a Router Alert and
// padding, as the kernel builds it); any other next header stays raw.

import type { DecodeResult } from "./ethernet.js";
import { decodeIcmp6, encodeIcmp6, icmp6Length, IPPROTO_ICMPV6, type Icmp6Repr } from "./icmpv6.js";
import { ipv6FromBytes, ipv6ToBytes, type Ipv6 } from "./ipv6-addr.js";

export const IPV6_HLEN = 40;
export const IPPROTO_HOPOPTS = 0;
/** The minimum MTU (IPV6_MIN_MTU): no device carries IPv6 below it, and an ICMPv6 error never exceeds it. */
export const IPV6_MIN_MTU = 1280;

/** mld_newpack's Hop-by-Hop header: next header, length 0, Router Alert (MLD), PadN of 0 bytes. */
const HBH_ROUTER_ALERT = [0x05, 0x02, 0x00, 0x00, 0x01, 0x00];

export type Ipv6Payload = { readonly kind: "icmpv6"; readonly icmp: Icmp6Repr } | { readonly kind: "raw"; readonly nextHeader: number; readonly bytes: Uint8Array };

export interface Ipv6Repr {
  readonly tclass: number;
  readonly flowLabel: number;
  readonly hopLimit: number;
  readonly src: Ipv6;
  readonly dst: Ipv6;
  /** A Hop-by-Hop header with the MLD Router Alert comes first. */
  readonly routerAlert?: boolean;
  readonly payload: Ipv6Payload;
}

const upperBytes = (ip: Ipv6Repr): Uint8Array => (ip.payload.kind === "icmpv6" ? encodeIcmp6(ip.payload.icmp, ip.src, ip.dst) : ip.payload.bytes);

export function encodeIpv6(ip: Ipv6Repr): Uint8Array {
  const body = upperBytes(ip);
  const ext = ip.routerAlert ? 8 : 0;
  const b = new Uint8Array(IPV6_HLEN + ext + body.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, (6 << 28) | ((ip.tclass & 0xff) << 20) | (ip.flowLabel & 0xfffff));
  v.setUint16(4, ext + body.length);
  const upper = ip.payload.kind === "icmpv6" ? IPPROTO_ICMPV6 : ip.payload.nextHeader;
  b[6] = ip.routerAlert ? IPPROTO_HOPOPTS : upper;
  b[7] = ip.hopLimit;
  b.set(ipv6ToBytes(ip.src)!, 8);
  b.set(ipv6ToBytes(ip.dst)!, 24);
  if (ip.routerAlert) {
    b[IPV6_HLEN] = upper;
    b.set(HBH_ROUTER_ALERT, IPV6_HLEN + 2);
  }
  b.set(body, IPV6_HLEN + ext);
  return b;
}

export function decodeIpv6(b: Uint8Array): DecodeResult<Ipv6Repr> {
  if (b.length < IPV6_HLEN) return { ok: false, error: "truncated ipv6 header" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const w = v.getUint32(0);
  if (w >>> 28 !== 6) return { ok: false, error: "not ipv6" };
  const end = Math.min(IPV6_HLEN + v.getUint16(4), b.length);
  const src = ipv6FromBytes(b, 8);
  const dst = ipv6FromBytes(b, 24);
  let next = b[6]!;
  let off = IPV6_HLEN;
  let routerAlert = false;
  if (next === IPPROTO_HOPOPTS && end >= off + 8 && b[off + 1] === 0 && HBH_ROUTER_ALERT.every((x, k) => b[off + 2 + k] === x)) {
    next = b[off]!;
    off += 8;
    routerAlert = true;
  } else if (next === IPPROTO_HOPOPTS) {
    return { ok: true, value: { tclass: (w >>> 20) & 0xff, flowLabel: w & 0xfffff, hopLimit: b[7]!, src, dst, payload: { kind: "raw", nextHeader: next, bytes: b.slice(off, end) } } };
  }
  const body = b.subarray(off, end);
  let payload: Ipv6Payload = { kind: "raw", nextHeader: next, bytes: body.slice() };
  if (next === IPPROTO_ICMPV6) {
    const icmp = decodeIcmp6(body, src, dst);
    if (icmp.ok) payload = { kind: "icmpv6", icmp: icmp.value };
  }
  const head = { tclass: (w >>> 20) & 0xff, flowLabel: w & 0xfffff, hopLimit: b[7]!, src, dst, payload };
  return { ok: true, value: routerAlert ? { ...head, routerAlert } : head };
}

/** The payload length field: extension headers and the upper-layer message. */
export const ipv6PayloadLength = (ip: Ipv6Repr): number => (ip.routerAlert ? 8 : 0) + (ip.payload.kind === "icmpv6" ? icmp6Length(ip.payload.icmp) : ip.payload.bytes.length);
