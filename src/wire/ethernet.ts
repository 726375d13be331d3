// Ethernet II frames. A frame carries its payload already parsed (ARP or IPv4)
// because the simulator passes values, not bytes; encode/decode give the bytes
// for pcap files and round-trip tests. 802.1Q/802.1ad tags ride between the
// source MAC and the ethertype, outermost first.

import { decodeArp, encodeArp, type ArpRepr } from "./arp.js";
import { decodeIpv4, encodeIpv4, type Ipv4Repr } from "./ipv4.js";
import { decodeIpv6, encodeIpv6, type Ipv6Repr } from "./ipv6.js";
import { macFromBytes, macToBytes, type Mac } from "./mac.js";
import { ethTypeVlan, VLAN_HLEN, type VlanTag } from "./vlan.js";

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_HLEN = 14;
export const ETH_ZLEN = 60;

export type EthPayload =
  | { readonly kind: "arp"; readonly arp: ArpRepr }
  | { readonly kind: "ipv4"; readonly ip: Ipv4Repr }
  | { readonly kind: "ipv6"; readonly ip6: Ipv6Repr }
  | { readonly kind: "raw"; readonly ethertype: number; readonly bytes: Uint8Array };

export interface EthernetFrame {
  readonly dst: Mac;
  readonly src: Mac;
  /** The VLAN tags, outermost first; absent or empty when untagged. */
  readonly vlans?: readonly VlanTag[];
  readonly payload: EthPayload;
}

/** How many VLAN tags the frame carries. */
export const vlanCount = (f: EthernetFrame): number => f.vlans?.length ?? 0;

/** The frame with `tag` as its new outermost tag (vlan_dev_hard_start_xmit). */
export function vlanPush(f: EthernetFrame, tag: VlanTag): EthernetFrame {
  return { ...f, vlans: [tag, ...(f.vlans ?? [])] };
}

/** The frame without its outermost tag (what vlan_do_receive hands the VLAN device). */
export function vlanPop(f: EthernetFrame): EthernetFrame {
  const rest = (f.vlans ?? []).slice(1);
  const plain: EthernetFrame = { dst: f.dst, src: f.src, payload: f.payload };
  return rest.length ? { ...plain, vlans: rest } : plain;
}

export function ethertypeOf(p: EthPayload): number {
  switch (p.kind) {
    case "arp":
      return ETH_P_ARP;
    case "ipv4":
      return ETH_P_IP;
    case "ipv6":
      return ETH_P_IPV6;
    case "raw":
      return p.ethertype;
  }
}

/** The frame as it goes on the wire. `pad` adds the zero padding up to 60 bytes that a NIC adds (veth and lo do not). */
export function encodeEthernet(f: EthernetFrame, pad = false): Uint8Array {
  const body = encodePayload(f.payload);
  const tags = f.vlans ?? [];
  const hlen = ETH_HLEN + tags.length * VLAN_HLEN;
  const len = Math.max(hlen + body.length, pad ? ETH_ZLEN : 0);
  const out = new Uint8Array(len);
  macToBytes(f.dst, out, 0);
  macToBytes(f.src, out, 6);
  let off = 12;
  for (const t of tags) {
    out[off] = t.tpid >> 8;
    out[off + 1] = t.tpid & 0xff;
    out[off + 2] = t.tci >> 8;
    out[off + 3] = t.tci & 0xff;
    off += VLAN_HLEN;
  }
  const et = ethertypeOf(f.payload);
  out[off] = et >> 8;
  out[off + 1] = et & 0xff;
  out.set(body, hlen);
  return out;
}

function encodePayload(p: EthPayload): Uint8Array {
  switch (p.kind) {
    case "arp":
      return encodeArp(p.arp);
    case "ipv4":
      return encodeIpv4(p.ip);
    case "ipv6":
      return encodeIpv6(p.ip6);
    case "raw":
      return p.bytes;
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Payloads that do not parse are kept as raw bytes, so nothing is lost. */
export function decodeEthernet(bytes: Uint8Array): DecodeResult<EthernetFrame> {
  if (bytes.length < ETH_HLEN) return { ok: false, error: "truncated ethernet header" };
  const dst = macFromBytes(bytes, 0);
  const src = macFromBytes(bytes, 6);
  let off = 12;
  let ethertype = (bytes[off]! << 8) | bytes[off + 1]!;
  const vlans: VlanTag[] = [];
  while (ethTypeVlan(ethertype) && bytes.length >= off + VLAN_HLEN + 2) {
    vlans.push({ tpid: ethertype, tci: (bytes[off + 2]! << 8) | bytes[off + 3]! });
    off += VLAN_HLEN;
    ethertype = (bytes[off]! << 8) | bytes[off + 1]!;
  }
  const head = vlans.length ? { dst, src, vlans } : { dst, src };
  const body = bytes.subarray(off + 2);
  if (ethertype === ETH_P_ARP) {
    const arp = decodeArp(body);
    if (arp.ok) return { ok: true, value: { ...head, payload: { kind: "arp", arp: arp.value } } };
  } else if (ethertype === ETH_P_IP) {
    const ip = decodeIpv4(body);
    if (ip.ok) return { ok: true, value: { ...head, payload: { kind: "ipv4", ip: ip.value } } };
  } else if (ethertype === ETH_P_IPV6) {
    const ip6 = decodeIpv6(body);
    if (ip6.ok) return { ok: true, value: { ...head, payload: { kind: "ipv6", ip6: ip6.value } } };
  }
  return { ok: true, value: { ...head, payload: { kind: "raw", ethertype, bytes: body.slice() } } };
}
