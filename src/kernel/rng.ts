// A seeded PRNG (mulberry32). The kernel draws every "random" value from one
// of these (reachable_time jitter, IP IDs, random MACs), never Math.random.

export interface Rng {
  /** A uniform unsigned 32-bit integer. */
  u32(): number;
}

/** mulberry32; its state is a field (not a closure) so that a fork of the world draws the same numbers from where the original was. */
class Mulberry32 implements Rng {
  constructor(private s: number) {}

  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

export function seededRng(seed: number): Rng {
  return new Mulberry32(seed >>> 0);
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = rng.u32();
    for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
  }
  return out;
}

/** prandom_u32_max: uniform in [0, n). */
export const rngBelow = (rng: Rng, n: number): number => (n <= 0 ? 0 : rng.u32() % n);
