// A compiled filter run on one frame, as the BPF machine runs libpcap's code:
// in order, each test only when the ones before it leave the answer open; a
// load past the end of the frame rejects the frame outright, whatever the rest
// of the filter would have said.

import type { FilterNode, FilterPacket, Off } from "./node.js";

class OutOfFrame extends Error {}

interface Run {
  p: FilterPacket;
  /** The run-time VLAN offset (a scratch register, 0 at the start of every packet). */
  reg: number;
}

function load(r: Run, at: Off, size: 1 | 2 | 4, extra = 0): number {
  const b = r.p.bytes;
  const off = at.off + (at.v ? r.reg : 0) + extra;
  if (off < 0 || off + size > b.length) throw new OutOfFrame();
  if (size === 1) return b[off]!;
  if (size === 2) return (b[off]! << 8) | b[off + 1]!;
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

const TPIDS = [0x8100, 0x88a8, 0x9100];

function test(n: FilterNode, r: Run): boolean {
  switch (n.k) {
    case "and":
      return test(n.a, r) && test(n.b, r);
    case "or":
      return test(n.a, r) || test(n.b, r);
    case "not":
      return !test(n.a, r);
    case "cmp": {
      const v = (load(r, n.at, n.size) & n.mask) >>> 0;
      return n.op === "eq" ? v === n.value : n.op === "ge" ? v >= n.value : v !== 0;
    }
    case "bytes":
      return n.bytes.every((x, i) => load(r, { off: n.off, v: false }, 1, i) === x);
    case "tport": {
      const ihl = (load(r, n.ip, 1) & 0xf) * 4;
      return load(r, n.ip, 2, ihl + n.off) === n.value;
    }
    case "len":
      return n.op === "le" ? r.p.bytes.length <= n.value : r.p.bytes.length >= n.value;
    case "vlan-live": {
      if (r.p.vlanTci !== null) return n.vid === null || (r.p.vlanTci & 0x0fff) === n.vid;
      // No tag outside the data: look for one in it, and read everything after one tag further in.
      r.reg += 4;
      if (!TPIDS.includes(load(r, { off: 12, v: false }, 2))) return false;
      return n.vid === null || (load(r, { off: 14, v: false }, 2) & 0x0fff) === n.vid;
    }
  }
}

/** Whether the filter accepts the packet; null accepts every packet. */
export function filterMatches(filter: FilterNode | null, p: FilterPacket): boolean {
  if (filter === null) return true;
  try {
    return test(filter, { p, reg: 0 });
  } catch (e) {
    if (e instanceof OutOfFrame) return false;
    throw e;
  }
}
