import { fail1 } from "./errors.js";

export type Family = "inet" | "inet6" | "any";

/** An address or prefix as typed: `bits` null when no /N was given; `special` for default/all/any. */
export interface InetPrefix {
  family: "inet" | "inet6";
  address: string;
  bits: number | null;
  special: "default" | "any" | null;
}

const VERBOSE: Record<Family, string> = { any: "any valid", inet: "inet", inet6: "inet6" };

/** get_addr_ipv4: one to four strtoul(…, 0) parts, each at most 255 ("10" is 10.0.0.0). */
function ipv4(s: string): string | null {
  const parts = s.split(".");
  if (parts.length > 4) return null;
  const out = [0, 0, 0, 0];
  for (const [i, p] of parts.entries()) {
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(p);
    if (!m) return null;
    const n = /^0[xX]/.test(p) ? parseInt(p, 16) : p.length > 1 && p.startsWith("0") ? parseInt(p, 8) : Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out.join(".");
}

function addr1(arg: string, family: Family): InetPrefix | null {
  const fam = family === "any" ? "inet" : family;
  if (arg === "default") return { family: fam, address: "", bits: 0, special: "default" };
  if (arg === "all" || arg === "any") return { family: fam, address: "", bits: null, special: "any" };
  if (arg.includes(":")) {
    if (family === "inet" || !/^[0-9a-fA-F:.]+$/.test(arg)) return null;
    return { family: "inet6", address: arg.toLowerCase(), bits: null, special: null };
  }
  if (family === "inet6") return null;
  const a = ipv4(arg);
  return a === null ? null : { family: "inet", address: a, bits: null, special: null };
}

/** get_prefix(): exits 1 with iproute2's message on anything else. */
export function getPrefix(arg: string, family: Family): InetPrefix {
  const slash = arg.indexOf("/");
  const p = addr1(slash < 0 ? arg : arg.slice(0, slash), family);
  const bad = (): never => {
    throw fail1(`Error: ${VERBOSE[family]} prefix is expected rather than "${arg}".\n`);
  };
  if (!p) return bad();
  if (slash >= 0) {
    if (p.special) return bad();
    const plen = slash >= 0 ? arg.slice(slash + 1) : "";
    const max = p.family === "inet" ? 32 : 128;
    if (!/^\d+$/.test(plen) || Number(plen) > max) {
      const mask = p.family === "inet" ? ipv4(plen) : null;
      const bits = mask === null ? null : maskBits(mask);
      if (bits === null) return bad();
      return { ...p, bits };
    }
    return { ...p, bits: Number(plen) };
  }
  return p;
}

/** get_addr(): an address without a prefix length. */
export function getAddr(arg: string, family: Family): InetPrefix {
  const p = addr1(arg, family);
  if (!p) throw fail1(`Error: ${VERBOSE[family]} address is expected rather than "${arg}".\n`);
  return p;
}

function maskBits(mask: string): number | null {
  const n = mask.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const inv = ~n >>> 0;
  if ((inv & (inv + 1)) !== 0) return null;
  return 32 - Math.log2(inv + 1);
}

/** ll_addr_a2n for a MAC: colon-separated hex bytes; its message names the offending piece. */
export function llAddr(arg: string): string {
  const parts = arg.split(":");
  const out: string[] = [];
  for (const p of parts) {
    const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(p);
    const v = m ? parseInt(m[1]!, 16) : NaN;
    if (!m || v > 255) throw fail1(`"${p}" is invalid lladdr.\n`);
    out.push(v.toString(16).padStart(2, "0"));
  }
  return out.join(":");
}
