// IPv4 arithmetic for imports (subnets, gateways, the next free address).

import { formatIpv4, parseIpv4, prefixMask } from "../../wire/ipv4-addr.js";

export interface Subnet {
  net: number;
  len: number;
}

export function parseSubnet(text: string): Subnet | null {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  const ip = m ? parseIpv4(m[1]!) : null;
  if (!m || ip === null || Number(m[2]) > 32) return null;
  const len = Number(m[2]);
  return { net: (ip & prefixMask(len)) >>> 0, len };
}

export const contains = (s: Subnet, a: number) => ((a & prefixMask(s.len)) >>> 0) === s.net;
export const broadcast = (s: Subnet) => (s.net | ~prefixMask(s.len)) >>> 0;
export const cidr = (a: number, len: number) => `${formatIpv4(a)}/${len}`;
export { formatIpv4, parseIpv4 };
