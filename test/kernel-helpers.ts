// What every kernel test needs: an address from text, and a kernel result
// that must have succeeded.
import { parseIpv4 } from "../src/wire/index.js";

export const ip = (s: string): number => parseIpv4(s)!;

export function must<T>(r: { ok: true; value: T } | { ok: false; errno: string; msg?: string }): T {
  if (!r.ok) throw new Error(`${r.errno} ${r.msg ?? ""}`);
  return r.value;
}
