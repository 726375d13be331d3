// ICMP for IPv4 (RFC 792): echo, destination unreachable, time exceeded and
// redirect get their own shapes; every other type round-trips as "other".

import { internetChecksum } from "./checksum.js";
import type { DecodeResult } from "./ethernet.js";
import type { Ipv4 } from "./ipv4-addr.js";

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;

// Codes for ICMP_DEST_UNREACH.
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_PKT_FILTERED = 13;
// Codes for ICMP_TIME_EXCEEDED and ICMP_REDIRECT.
export const ICMP_EXC_TTL = 0;
export const ICMP_REDIR_HOST = 1;

export type IcmpRepr =
  | { readonly type: "echo-request" | "echo-reply"; readonly id: number; readonly seq: number; readonly data: Uint8Array }
  /** `original` is the quoted IP header and the start of its payload; `mtu` only for FRAG_NEEDED. */
  | { readonly type: "dest-unreach"; readonly code: number; readonly mtu: number; readonly original: Uint8Array }
  | { readonly type: "time-exceeded"; readonly code: number; readonly original: Uint8Array }
  | { readonly type: "redirect"; readonly code: number; readonly gateway: Ipv4; readonly original: Uint8Array }
  /** `rest` is everything after the checksum. */
  | { readonly type: "other"; readonly icmpType: number; readonly code: number; readonly rest: Uint8Array };

/** Error messages carry a quoted datagram; icmp_send never answers one of these with another. */
export const icmpIsError = (i: IcmpRepr): boolean => i.type === "dest-unreach" || i.type === "time-exceeded" || i.type === "redirect";

export function encodeIcmp(i: IcmpRepr): Uint8Array {
  let type: number;
  let code = 0;
  let word = 0;
  let body: Uint8Array;
  switch (i.type) {
    case "echo-request":
    case "echo-reply":
      type = i.type === "echo-request" ? ICMP_ECHO : ICMP_ECHOREPLY;
      word = ((i.id & 0xffff) << 16) | (i.seq & 0xffff);
      body = i.data;
      break;
    case "dest-unreach":
      type = ICMP_DEST_UNREACH;
      code = i.code;
      word = i.mtu & 0xffff;
      body = i.original;
      break;
    case "time-exceeded":
      type = ICMP_TIME_EXCEEDED;
      code = i.code;
      body = i.original;
      break;
    case "redirect":
      type = ICMP_REDIRECT;
      code = i.code;
      word = i.gateway;
      body = i.original;
      break;
    case "other":
      type = i.icmpType;
      code = i.code;
      body = i.rest;
      break;
  }
  // "other" keeps the 4 bytes after the checksum inside `rest`.
  const head = i.type === "other" ? 4 : 8;
  const b = new Uint8Array(head + body.length);
  const v = new DataView(b.buffer);
  b[0] = type;
  b[1] = code;
  if (head === 8) v.setUint32(4, word >>> 0);
  b.set(body, head);
  v.setUint16(2, internetChecksum(b));
  return b;
}

export function decodeIcmp(b: Uint8Array): DecodeResult<IcmpRepr> {
  if (b.length < 8) return { ok: false, error: "truncated icmp" };
  if (internetChecksum(b) !== 0) return { ok: false, error: "bad icmp checksum" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = b[0]!;
  const code = b[1]!;
  const rest = b.slice(8);
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      return { ok: true, value: { type: type === ICMP_ECHO ? "echo-request" : "echo-reply", id: v.getUint16(4), seq: v.getUint16(6), data: rest } };
    case ICMP_DEST_UNREACH:
      return { ok: true, value: { type: "dest-unreach", code, mtu: v.getUint16(6), original: rest } };
    case ICMP_TIME_EXCEEDED:
      return { ok: true, value: { type: "time-exceeded", code, original: rest } };
    case ICMP_REDIRECT:
      return { ok: true, value: { type: "redirect", code, gateway: v.getUint32(4), original: rest } };
    default:
      return { ok: true, value: { type: "other", icmpType: type, code, rest: b.slice(4) } };
  }
}
