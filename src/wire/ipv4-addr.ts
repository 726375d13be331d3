// IPv4 addresses are unsigned 32-bit numbers (host order) so that prefix math
// is plain arithmetic; `>>> 0` keeps every result unsigned.

export type Ipv4 = number;

export interface Ipv4Prefix {
  readonly addr: Ipv4;
  readonly len: number;
}

export function parseIpv4(text: string): Ipv4 | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v >>> 0;
}

export function formatIpv4(a: Ipv4): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** "10.0.0.1/24" or "10.0.0.1" (a /32). */
export function parseCidr(text: string): Ipv4Prefix | null {
  const [a, l, extra] = text.split("/");
  if (extra !== undefined || a === undefined) return null;
  const addr = parseIpv4(a);
  if (addr === null) return null;
  if (l === undefined) return { addr, len: 32 };
  if (!/^\d{1,2}$/.test(l) || Number(l) > 32) return null;
  return { addr, len: Number(l) };
}

export function formatCidr(p: Ipv4Prefix): string {
  return `${formatIpv4(p.addr)}/${p.len}`;
}

export const prefixMask = (len: number): Ipv4 => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
export const networkOf = (a: Ipv4, len: number): Ipv4 => (a & prefixMask(len)) >>> 0;
export const broadcastOf = (a: Ipv4, len: number): Ipv4 => (networkOf(a, len) | ~prefixMask(len)) >>> 0;
export const inPrefix = (a: Ipv4, net: Ipv4, len: number): boolean => networkOf(a, len) === networkOf(net, len);

export const IPV4_ANY: Ipv4 = 0;
export const IPV4_BROADCAST: Ipv4 = 0xffffffff;
export const INADDR_LOOPBACK: Ipv4 = 0x7f000001;

// The ipv4_is_* predicates of include/linux/in.h.
export const ipv4IsZeronet = (a: Ipv4): boolean => a >>> 24 === 0;
export const ipv4IsLoopback = (a: Ipv4): boolean => a >>> 24 === 127;
export const ipv4IsMulticast = (a: Ipv4): boolean => a >>> 28 === 0xe;
export const ipv4IsLbcast = (a: Ipv4): boolean => a === IPV4_BROADCAST;
export const ipv4IsLocalMulticast = (a: Ipv4): boolean => a >>> 8 === 0xe00000;
