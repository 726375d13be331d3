// IPv4 header (RFC 791) without options. The header checksum is computed on
// encode and verified on decode; the Repr never stores it.

import { internetChecksum } from "./checksum.js";
import type { DecodeResult } from "./ethernet.js";
import { decodeIcmp, encodeIcmp, type IcmpRepr } from "./icmp.js";
import type { Ipv4 } from "./ipv4-addr.js";

export const IPPROTO_ICMP = 1;
export const IPV4_HLEN = 20;

export type Ipv4Payload = { readonly kind: "icmp"; readonly icmp: IcmpRepr } | { readonly kind: "raw"; readonly protocol: number; readonly bytes: Uint8Array };

export interface Ipv4Repr {
  readonly tos: number;
  readonly id: number;
  readonly df: boolean;
  readonly ttl: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly payload: Ipv4Payload;
}

export const protocolOf = (p: Ipv4Payload): number => (p.kind === "icmp" ? IPPROTO_ICMP : p.protocol);

export function encodeIpv4(ip: Ipv4Repr): Uint8Array {
  const body = ip.payload.kind === "icmp" ? encodeIcmp(ip.payload.icmp) : ip.payload.bytes;
  const b = new Uint8Array(IPV4_HLEN + body.length);
  const v = new DataView(b.buffer);
  b[0] = 0x45;
  b[1] = ip.tos;
  v.setUint16(2, b.length);
  v.setUint16(4, ip.id);
  v.setUint16(6, ip.df ? 0x4000 : 0);
  b[8] = ip.ttl;
  b[9] = protocolOf(ip.payload);
  v.setUint32(12, ip.src);
  v.setUint32(16, ip.dst);
  v.setUint16(10, internetChecksum(b, 0, IPV4_HLEN));
  b.set(body, IPV4_HLEN);
  return b;
}

/** Fragments and options are not modelled: such packets decode with a raw payload. */
export function decodeIpv4(b: Uint8Array, verifyChecksum = true): DecodeResult<Ipv4Repr> {
  if (b.length < IPV4_HLEN) return { ok: false, error: "truncated ipv4 header" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b[0]! >> 4 !== 4) return { ok: false, error: "not ipv4" };
  const ihl = (b[0]! & 0xf) * 4;
  if (ihl < IPV4_HLEN || b.length < ihl) return { ok: false, error: "bad ihl" };
  if (verifyChecksum && internetChecksum(b, 0, ihl) !== 0) return { ok: false, error: "bad header checksum" };
  // A quoted datagram in an ICMP error may be cut short; keep what is there.
  const total = Math.min(v.getUint16(2), b.length);
  const protocol = b[9]!;
  const body = b.subarray(ihl, total);
  const fragOff = v.getUint16(6);
  let payload: Ipv4Payload = { kind: "raw", protocol, bytes: body.slice() };
  if (protocol === IPPROTO_ICMP && (fragOff & 0x3fff) === 0) {
    const icmp = decodeIcmp(body);
    if (icmp.ok) payload = { kind: "icmp", icmp: icmp.value };
  }
  return {
    ok: true,
    value: { tos: b[1]!, id: v.getUint16(4), df: (fragOff & 0x4000) !== 0, ttl: b[8]!, src: v.getUint32(12), dst: v.getUint32(16), payload },
  };
}

export const ipv4TotalLength = (ip: Ipv4Repr): number =>
  IPV4_HLEN + (ip.payload.kind === "icmp" ? icmpLength(ip.payload.icmp) : ip.payload.bytes.length);

function icmpLength(i: IcmpRepr): number {
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      return 8 + i.data.length;
    case "other":
      return 4 + i.rest.length;
    default:
      return 8 + i.original.length;
  }
}
