// ARP for Ethernet + IPv4 (RFC 826): the only combination the kernel's
// arp_process accepts on an Ethernet device.

import type { DecodeResult } from "./ethernet.js";
import { macFromBytes, macToBytes, type Mac } from "./mac.js";
import type { Ipv4 } from "./ipv4-addr.js";

export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
export const ARP_HLEN = 28;

export interface ArpRepr {
  /** 1 request, 2 reply; anything else is kept as read. */
  readonly op: number;
  readonly sha: Mac;
  readonly spa: Ipv4;
  readonly tha: Mac;
  readonly tpa: Ipv4;
}

export function encodeArp(a: ArpRepr): Uint8Array {
  const b = new Uint8Array(ARP_HLEN);
  const v = new DataView(b.buffer);
  v.setUint16(0, 1); // ARPHRD_ETHER
  v.setUint16(2, 0x0800);
  b[4] = 6;
  b[5] = 4;
  v.setUint16(6, a.op);
  macToBytes(a.sha, b, 8);
  v.setUint32(14, a.spa);
  macToBytes(a.tha, b, 18);
  v.setUint32(24, a.tpa);
  return b;
}

export function decodeArp(b: Uint8Array): DecodeResult<ArpRepr> {
  if (b.length < ARP_HLEN) return { ok: false, error: "truncated arp" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint16(0) !== 1 || v.getUint16(2) !== 0x0800 || b[4] !== 6 || b[5] !== 4) return { ok: false, error: "not ethernet/ipv4 arp" };
  return {
    ok: true,
    value: { op: v.getUint16(6), sha: macFromBytes(b, 8), spa: v.getUint32(14), tha: macFromBytes(b, 18), tpa: v.getUint32(24) },
  };
}
