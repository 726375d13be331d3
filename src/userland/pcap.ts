// A classic libpcap savefile (microsecond timestamps, LINKTYPE_ETHERNET), as
// `tcpdump -w` writes one, so `tcpdump -r` and Wireshark read the frames a
// simulated capture saw. Pure: returns the bytes; the caller writes them.

import { encodeEthernet } from "../wire/ethernet.js";
import type { CapturedFrame } from "./tcpdump.js";

const PCAP_MAGIC = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;

/** `epochSeconds` is the wall-clock second that virtual time 0 maps to. */
export function writePcap(frames: readonly CapturedFrame[], epochSeconds = 0): Uint8Array {
  return writePcapRecords(
    frames.map((f) => ({ time: f.time, bytes: encodeEthernet(f.frame) })),
    epochSeconds,
  );
}

/** Frames already in bytes (virtual ms each) as a savefile. */
export function writePcapRecords(packets: readonly { time: number; bytes: Uint8Array }[], epochSeconds = 0): Uint8Array {
  const size = 24 + packets.reduce((n, p) => n + 16 + p.bytes.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, LINKTYPE_ETHERNET, true);
  let off = 24;
  for (const p of packets) {
    const us = Math.round(p.time * 1000);
    v.setUint32(off, epochSeconds + Math.floor(us / 1_000_000), true);
    v.setUint32(off + 4, us % 1_000_000, true);
    v.setUint32(off + 8, p.bytes.length, true);
    v.setUint32(off + 12, p.bytes.length, true);
    out.set(p.bytes, off + 16);
    off += 16 + p.bytes.length;
  }
  return out;
}

/** Reads back what writePcap wrote (for tests): each record's time in ms and its bytes. */
export function readPcap(b: Uint8Array): { time: number; bytes: Uint8Array }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, true) !== PCAP_MAGIC) throw new Error("not a little-endian microsecond pcap file");
  const out: { time: number; bytes: Uint8Array }[] = [];
  for (let off = 24; off + 16 <= b.length; ) {
    const sec = v.getUint32(off, true);
    const usec = v.getUint32(off + 4, true);
    const incl = v.getUint32(off + 8, true);
    out.push({ time: sec * 1000 + usec / 1000, bytes: b.slice(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return out;
}
