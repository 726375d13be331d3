// net/ipv6/addrconf.c's RFC 7217 interface ids (addr_gen_mode stable_privacy
// and random): ipv6_generate_stable_address runs one SHA-1 block (lib/sha1.c's
// sha1_transform: no padding, no length) over the secret, the prefix, the
// device's permanent address and the DAD retry count, and takes the first two
// digest words as the interface id in the CPU's byte order (x86: little end
// first), as the kernel stores them without a byte swap.

import type { Mac } from "../../wire/mac.js";
import { ipv6FromBytes, ipv6ToBytes, type Ipv6 } from "../../wire/ipv6-addr.js";
import { randomBytes } from "../rng.js";
import type { Inet6Dev } from "./inet6-dev.js";

/** net.ipv6.idgen_retries: how many new ids DAD conflicts may ask for. */
export const IDGEN_RETRIES = 3;
/** net.ipv6.idgen_delay (HZ): the wait before DAD of a regenerated id. */
export const IDGEN_DELAY_MS = 1000;

const rol = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** sha1_init + sha1_transform over one 64-byte block: the five state words. */
export function sha1Transform(block: Uint8Array): number[] {
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Array<number>(80);
  for (let i = 0; i < 16; i++) w[i] = ((block[4 * i]! << 24) | (block[4 * i + 1]! << 16) | (block[4 * i + 2]! << 8) | block[4 * i + 3]!) >>> 0;
  for (let i = 16; i < 80; i++) w[i] = rol(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
  let [a, b, c, d, e] = h as [number, number, number, number, number];
  for (let i = 0; i < 80; i++) {
    const [f, k] = i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
    const t = (rol(a, 5) + (f >>> 0) + e + k + w[i]!) >>> 0;
    [e, d, c, b, a] = [d, c, rol(b, 30), a, t];
  }
  return [(h[0]! + a) >>> 0, (h[1]! + b) >>> 0, (h[2]! + c) >>> 0, (h[3]! + d) >>> 0, (h[4]! + e) >>> 0];
}

/** ipv6_reserved_interfaceid: the subnet-router anycast id, the IANA Ethernet block, reserved anycast. */
function ipv6ReservedInterfaceid(b: Uint8Array): boolean {
  const w2 = ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0;
  const w3 = ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
  if ((w2 | w3) === 0) return true;
  if (w2 === 0x02005eff && (w3 & 0xfe000000) >>> 0 === 0xfe000000) return true;
  return w2 === 0xfdffffff && (w3 & 0xffffff80) >>> 0 === 0xffffff80;
}

/** The secret the device hashes with: its own stable_secret, else default's, else none. */
export function stableSecretOf(idev: Inet6Dev): Uint8Array | null {
  return idev.stableSecret ?? idev.dev.net.ipv6StableSecretDflt;
}

/**
 * ipv6_generate_stable_address: PREFIX's first 64 bits with the hashed
 * interface id, or null without a secret or when every retry up to
 * idgen_retries gives a reserved id.
 */
export function ipv6GenerateStableAddress(prefix: Ipv6, dadCount: number, idev: Inet6Dev): Ipv6 | null {
  const secret = stableSecretOf(idev);
  if (!secret) return null;
  const p = ipv6ToBytes(prefix)!;
  for (let n = dadCount; n <= IDGEN_RETRIES; n++) {
    // struct { secret[16]; prefix[2] (be32); hwaddr[MAX_ADDR_LEN=32]; dad_count } __packed, in a 64-byte block.
    const block = new Uint8Array(64);
    block.set(secret, 0);
    block.set(p.subarray(0, 8), 16);
    block.set(macBytes(idev.dev.permAddr), 24);
    block[56] = n & 0xff;
    const digest = sha1Transform(block);
    const out = new Uint8Array(16);
    out.set(p.subarray(0, 8), 0);
    for (const [i, word] of [digest[0]!, digest[1]!].entries()) for (let j = 0; j < 4; j++) out[8 + 4 * i + j] = (word >>> (8 * j)) & 0xff;
    if (!ipv6ReservedInterfaceid(out)) return ipv6FromBytes(out);
  }
  return null;
}

/** dev->perm_addr: zeros where the device has none (a random or set MAC at registration). */
function macBytes(mac: Mac | null): Uint8Array {
  return new Uint8Array((mac ?? "00:00:00:00:00:00").split(":").map((h) => parseInt(h, 16)));
}

/** ipv6_gen_mode_random_init: addr_gen_mode random draws the device a secret of its own once. */
export function ipv6GenModeRandomInit(idev: Inet6Dev): void {
  if (idev.stableSecret) return;
  idev.stableSecret = randomBytes(idev.dev.net.kernel.sim.rng6, 16);
}
