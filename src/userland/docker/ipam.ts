// Docker's default IPAM for one network, both families as 128-bit integers:
// the pools (--subnet, --ip-range, --gateway as the CLI pairs them), the
// daemon's checks (daemon/network.go validateIpamConfig, ipams/defaultipam),
// and the first free address (newPoolData reserves the IPv4 network and
// broadcast addresses and IPv6's Subnet-Router anycast address).

import { formatIpv4, parseIpv4, parseSubnet } from "../../lab/import/addr.js";
import { formatIpv6Big, parseIpv6Big, parseSubnet6 } from "../../lab/import/addr6.js";

export interface Pool {
  family: 4 | 6;
  subnet: string;
  gateway: string | null;
  ipRange: string | null;
}

interface Prefix {
  family: 4 | 6;
  net: bigint;
  len: number;
  hostBits: boolean;
}

export class IpamError extends Error {}

export function parseAddr(text: string): { family: 4 | 6; v: bigint } | null {
  if (text.includes(":")) {
    const v = parseIpv6Big(text);
    return v === null ? null : { family: 6, v };
  }
  const v = parseIpv4(text);
  return v === null ? null : { family: 4, v: BigInt(v) };
}

export const formatAddr = (family: 4 | 6, v: bigint): string => (family === 4 ? formatIpv4(Number(v)) : formatIpv6Big(v));

export function parsePrefix(text: string): Prefix | null {
  if (text.includes(":")) {
    const p = parseSubnet6(text);
    return p ? { family: 6, ...p } : null;
  }
  const p = parseSubnet(text);
  if (!p) return null;
  const ip = parseIpv4(text.slice(0, text.indexOf("/")))!;
  return { family: 4, net: BigInt(p.net), len: p.len, hostBits: ip !== p.net };
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);
const size = (p: Prefix) => 1n << BigInt(bits(p.family) - p.len);
export const prefixContains = (p: Prefix, a: bigint): boolean => a >= p.net && a < p.net + size(p);
const overlap = (a: Prefix, b: Prefix) => a.family === b.family && (prefixContains(a, b.net) || prefixContains(b, a.net));
const show = (p: Prefix) => `${formatAddr(p.family, p.net)}/${p.len}`;

/**
 * The CLI's createIPAMConfig: each --ip-range and --gateway goes to the
 * --subnet that holds it (cli/command/network/create.go, its messages).
 */
export function pairPools(subnets: string[], ranges: string[], gateways: string[]): Pool[] {
  if (subnets.length === 0 && (ranges.length || gateways.length)) throw new IpamError("every ip-range or gateway must have a corresponding subnet");
  const pools: Array<Pool & { p: Prefix }> = [];
  for (const s of subnets) {
    const p = parsePrefix(s);
    if (!p) throw new IpamError(`invalid argument "${s}" for "--subnet" flag: invalid CIDR address: ${s}`);
    if (pools.some((x) => overlap(x.p, p))) throw new IpamError("multiple overlapping subnet configuration is not supported");
    pools.push({ family: p.family, subnet: s, gateway: null, ipRange: null, p });
  }
  for (const r of ranges) {
    const p = parsePrefix(r);
    if (!p) throw new IpamError(`invalid argument "${r}" for "--ip-range" flag: invalid CIDR address: ${r}`);
    const owner = pools.find((x) => overlap(x.p, p));
    if (!owner) throw new IpamError(`no matching subnet for range ${r}`);
    if (owner.ipRange !== null) throw new IpamError(`cannot configure multiple ranges (${r}, ${owner.ipRange}) on the same subnet (${owner.subnet})`);
    owner.ipRange = r;
  }
  for (const g of gateways) {
    const a = parseAddr(g);
    if (!a) throw new IpamError(`invalid argument "${g}" for "--gateway" flag: invalid string being converted to IP address: ${g}`);
    const owner = pools.find((x) => x.family === a.family && prefixContains(x.p, a.v));
    if (!owner) throw new IpamError(`no matching subnet for gateway ${g}`);
    if (owner.gateway !== null) throw new IpamError(`cannot configure multiple gateways (${g}, ${owner.gateway}) for the same subnet (${owner.subnet})`);
    owner.gateway = g;
  }
  return pools.map(({ p: _p, ...rest }) => rest);
}

/** The daemon's validateIpamConfig (IPv6 pools only when the network has IPv6): its joined message. */
export function validatePools(pools: Pool[], ipv6: boolean): string | null {
  const errs: string[] = [];
  for (const pool of pools) {
    if (pool.family === 6 && !ipv6) continue;
    const s = parsePrefix(pool.subnet)!;
    if (s.hostBits) errs.push(`invalid subnet ${pool.subnet}: it should be ${show(s)}`);
    if (pool.ipRange !== null) {
      const r = parsePrefix(pool.ipRange)!;
      if (r.len < s.len) errs.push(`invalid ip-range ${pool.ipRange}: CIDR block is bigger than its parent subnet ${pool.subnet}`);
      if (r.hostBits) errs.push(`invalid ip-range ${pool.ipRange}: it should be ${show(r)}`);
    }
  }
  if (errs.length === 0) return null;
  return `invalid network config:\n${errs.length === 1 ? errs[0] : `* ${errs.join("\n* ")}`}`;
}

/** allocateSubnetL: a subnet overlapping an allocated one is refused, unless it has an ip-range (moby#46756). */
export function poolOverlaps(pool: Pool, others: Pool[]): boolean {
  const p = parsePrefix(pool.subnet)!;
  return others.some((o) => {
    const q = parsePrefix(o.subnet)!;
    if (pool.ipRange !== null) return q.family === p.family && q.net === p.net && q.len === p.len && o.ipRange === pool.ipRange;
    return overlap(p, q);
  });
}

export const poolLen = (pool: Pool): number => parsePrefix(pool.subnet)!.len;

/** The gateway Docker 27's IPAM gives a pool with none: its first address. */
export function defaultGateway(pool: Pool): string {
  const p = parsePrefix(pool.subnet)!;
  return formatAddr(p.family, p.net + 1n);
}

export function poolHolds(pool: Pool, text: string): boolean {
  const a = parseAddr(text);
  return a !== null && a.family === pool.family && prefixContains(parsePrefix(pool.subnet)!, a.v);
}

/** getAddress: the lowest free address of the ip-range (or the subnet), null when none is left. */
export function allocate(pool: Pool, used: Set<string>): string | null {
  const s = parsePrefix(pool.subnet)!;
  const r = pool.ipRange !== null ? parsePrefix(pool.ipRange)! : s;
  const taken = new Set(used);
  const hostBits = bits(s.family) - s.len;
  if (s.family === 6 || hostBits > 1) taken.add(formatAddr(s.family, s.net));
  if (s.family === 4 && hostBits > 1) taken.add(formatAddr(4, s.net + size(s) - 1n));
  if (pool.gateway !== null) taken.add(formatAddr(s.family, parseAddr(pool.gateway)!.v));
  const end = r.net + size(r);
  // A free address lies within |taken| + 1 steps of the range's start.
  for (let a = r.net, n = 0; a < end && n <= taken.size; a++, n++) {
    const text = formatAddr(s.family, a);
    if (!taken.has(text)) return text;
  }
  return null;
}

/** The canonical text of an address, as Docker prints it. */
export function canonical(text: string): string {
  const a = parseAddr(text);
  return a ? formatAddr(a.family, a.v) : text;
}
