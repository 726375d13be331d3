// What a compiled filter is: tests on the frame's bytes at offsets fixed when
// the filter was parsed, as libpcap's BPF code tests them (gencode.c). A load
// past the end of the frame rejects the frame, as the BPF machine does.

/**
 * An offset into the frame: `off` bytes, plus (when `v`) the run-time VLAN
 * offset, the 4 bytes a live capture's first `vlan` adds when the tag was in
 * the packet data rather than in skb->vlan_tci (gen_vlan_bpf_extensions).
 */
export interface Off {
  off: number;
  v: boolean;
}

export type FilterNode =
  | { k: "and" | "or"; a: FilterNode; b: FilterNode }
  | { k: "not"; a: FilterNode }
  /** (load(at, size) & mask) op value, unsigned. */
  | { k: "cmp"; at: Off; size: 1 | 2 | 4; mask: number; op: "eq" | "ge" | "set"; value: number }
  /** The link header's bytes at off (never moved by `vlan`) equal these. */
  | { k: "bytes"; off: number; bytes: readonly number[] }
  /** A 16-bit port at `off` into the transport header after an IPv4 header at `ip` (its length from its first byte). */
  | { k: "tport"; ip: Off; off: number; value: number }
  /** The frame's length (less, greater). */
  | { k: "len"; op: "le" | "ge"; value: number }
  /**
   * A live capture's first `vlan` (gen_vlan_bpf_extensions): a tag in
   * skb->vlan_tci (of that VID), or else one in the data at 12, which moves
   * the run-time offset on by 4 whether or not it is there.
   */
  | { k: "vlan-live"; vid: number | null };

/** What a filter runs on: the frame's bytes and, on a live capture, the tag the kernel keeps out of them. */
export interface FilterPacket {
  bytes: Uint8Array;
  /** skb->vlan_tci when the kernel holds the outermost tag out of the data (SKF_AD_VLAN_TAG_PRESENT); null otherwise. */
  vlanTci: number | null;
}
