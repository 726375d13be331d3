// Ethernet II frames. A frame carries its payload already parsed (ARP or IPv4)
// because the simulator passes values, not bytes; encode/decode give the bytes
// for pcap files and round-trip tests.

import { decodeArp, encodeArp, type ArpRepr } from "./arp.js";
import { decodeIpv4, encodeIpv4, type Ipv4Repr } from "./ipv4.js";
import { macFromBytes, macToBytes, type Mac } from "./mac.js";

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_HLEN = 14;
export const ETH_ZLEN = 60;

export type EthPayload =
  | { readonly kind: "arp"; readonly arp: ArpRepr }
  | { readonly kind: "ipv4"; readonly ip: Ipv4Repr }
  | { readonly kind: "raw"; readonly ethertype: number; readonly bytes: Uint8Array };

export interface EthernetFrame {
  readonly dst: Mac;
  readonly src: Mac;
  readonly payload: EthPayload;
}

export function ethertypeOf(p: EthPayload): number {
  switch (p.kind) {
    case "arp":
      return ETH_P_ARP;
    case "ipv4":
      return ETH_P_IP;
    case "raw":
      return p.ethertype;
  }
}

/** The frame as it goes on the wire. `pad` adds the zero padding up to 60 bytes that a NIC adds (veth and lo do not). */
export function encodeEthernet(f: EthernetFrame, pad = false): Uint8Array {
  const body = f.payload.kind === "arp" ? encodeArp(f.payload.arp) : f.payload.kind === "ipv4" ? encodeIpv4(f.payload.ip) : f.payload.bytes;
  const len = Math.max(ETH_HLEN + body.length, pad ? ETH_ZLEN : 0);
  const out = new Uint8Array(len);
  macToBytes(f.dst, out, 0);
  macToBytes(f.src, out, 6);
  const et = ethertypeOf(f.payload);
  out[12] = et >> 8;
  out[13] = et & 0xff;
  out.set(body, ETH_HLEN);
  return out;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Payloads that do not parse are kept as raw bytes, so nothing is lost. */
export function decodeEthernet(bytes: Uint8Array): DecodeResult<EthernetFrame> {
  if (bytes.length < ETH_HLEN) return { ok: false, error: "truncated ethernet header" };
  const dst = macFromBytes(bytes, 0);
  const src = macFromBytes(bytes, 6);
  const ethertype = (bytes[12]! << 8) | bytes[13]!;
  const body = bytes.subarray(ETH_HLEN);
  if (ethertype === ETH_P_ARP) {
    const arp = decodeArp(body);
    if (arp.ok) return { ok: true, value: { dst, src, payload: { kind: "arp", arp: arp.value } } };
  } else if (ethertype === ETH_P_IP) {
    const ip = decodeIpv4(body);
    if (ip.ok) return { ok: true, value: { dst, src, payload: { kind: "ipv4", ip: ip.value } } };
  }
  return { ok: true, value: { dst, src, payload: { kind: "raw", ethertype, bytes: body.slice() } } };
}
