/** A locally administered unicast MAC derived from `seed`: stable across runs, different per interface. */
export function stableMac(seed: string): string {
  // FNV-1a, twice with different offsets, for 40 bits of spread without node:crypto (labs also load in the browser).
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  const bytes = [0x02, h1 >>> 24, (h1 >>> 16) & 0xff, (h1 >>> 8) & 0xff, h1 & 0xff, h2 & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}
