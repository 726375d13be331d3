// What a compiled filter is: tests on the frame's bytes at offsets fixed when
// the filter was parsed, as libpcap's BPF code tests them (gencode.c). A load
// past the end of the frame rejects the frame, as the BPF machine does.

export type FilterNode =
  | { k: "and" | "or"; a: FilterNode; b: FilterNode }
  | { k: "not"; a: FilterNode }
  /** (load(off, size) & mask) op value, unsigned. */
  | { k: "cmp"; off: number; size: 1 | 2 | 4; mask: number; op: "eq" | "ge" | "set"; value: number }
  /** bytes at off equal these. */
  | { k: "bytes"; off: number; bytes: readonly number[] }
  /** A 16-bit port at `off` into the transport header after an IPv4 header at `ip` (its length from ip[0]). */
  | { k: "tport"; ip: number; off: number; value: number }
  /** The frame's length (len, less, greater). */
  | { k: "len"; op: "le" | "ge"; value: number };
