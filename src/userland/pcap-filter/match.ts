// A compiled filter run on one frame's bytes, as the BPF machine runs
// libpcap's code: a load past the end of the frame rejects the frame outright,
// whatever the rest of the filter would have said.

import type { FilterNode } from "./node.js";

class OutOfFrame extends Error {}

function load(b: Uint8Array, off: number, size: 1 | 2 | 4): number {
  if (off < 0 || off + size > b.length) throw new OutOfFrame();
  if (size === 1) return b[off]!;
  if (size === 2) return (b[off]! << 8) | b[off + 1]!;
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

function test(n: FilterNode, b: Uint8Array): boolean {
  switch (n.k) {
    case "and":
      return test(n.a, b) && test(n.b, b);
    case "or":
      return test(n.a, b) || test(n.b, b);
    case "not":
      return !test(n.a, b);
    case "cmp": {
      const v = (load(b, n.off, n.size) & n.mask) >>> 0;
      return n.op === "eq" ? v === n.value : n.op === "ge" ? v >= n.value : v !== 0;
    }
    case "bytes":
      return n.bytes.every((x, i) => load(b, n.off + i, 1) === x);
    case "tport": {
      const ihl = (load(b, n.ip, 1) & 0xf) * 4;
      return load(b, n.ip + ihl + n.off, 2) === n.value;
    }
    case "len":
      return n.op === "le" ? b.length <= n.value : b.length >= n.value;
  }
}

/** Whether the filter accepts the frame; null accepts every frame. */
export function filterMatches(filter: FilterNode | null, frame: Uint8Array): boolean {
  if (filter === null) return true;
  try {
    return test(filter, frame);
  } catch (e) {
    if (e instanceof OutOfFrame) return false;
    throw e;
  }
}
