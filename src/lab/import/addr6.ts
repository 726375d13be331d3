// IPv6 arithmetic for Docker's IPAM and imports: an address as a 128-bit
// integer, so a subnet's next free address is one addition away.

import { ipv6FromBytes, ipv6ToBytes } from "../../wire/ipv6-addr.js";

export interface Subnet6 {
  net: bigint;
  len: number;
}

const ALL = (1n << 128n) - 1n;

export function parseIpv6Big(text: string): bigint | null {
  const b = ipv6ToBytes(text.trim());
  if (!b) return null;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function formatIpv6Big(v: bigint): string {
  const b = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipv6FromBytes(b);
}

const mask6 = (len: number): bigint => (len === 0 ? 0n : (ALL << BigInt(128 - len)) & ALL);

/** A CIDR; `hostBits` says whether bits past the prefix were set (Docker refuses such a subnet). */
export function parseSubnet6(text: string): (Subnet6 & { hostBits: boolean }) | null {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text.trim());
  const a = m ? parseIpv6Big(m[1]!) : null;
  if (!m || a === null || Number(m[2]) > 128) return null;
  const len = Number(m[2]);
  return { net: a & mask6(len), len, hostBits: (a & mask6(len)) !== a };
}

export const contains6 = (s: Subnet6, a: bigint): boolean => (a & mask6(s.len)) === s.net;
export const last6 = (s: Subnet6): bigint => s.net | (~mask6(s.len) & ALL);
export const cidr6 = (a: bigint, len: number): string => `${formatIpv6Big(a)}/${len}`;
