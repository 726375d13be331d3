// MAC addresses are kept as canonical lower-case "aa:bb:cc:dd:ee:ff" strings:
// comparable with ===, usable as Map keys, and printed as iproute2 prints them.

export type Mac = string;

export const BROADCAST_MAC: Mac = "ff:ff:ff:ff:ff:ff";
export const ZERO_MAC: Mac = "00:00:00:00:00:00";

const MAC_RE = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

export function parseMac(text: string): Mac | null {
  if (!MAC_RE.test(text)) return null;
  return text.split(":").map((b) => b.padStart(2, "0").toLowerCase()).join(":");
}

export function macToBytes(mac: Mac, out = new Uint8Array(6), offset = 0): Uint8Array {
  const parts = mac.split(":");
  for (let i = 0; i < 6; i++) out[offset + i] = parseInt(parts[i]!, 16);
  return out;
}

export function macFromBytes(bytes: Uint8Array, offset = 0): Mac {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push(bytes[offset + i]!.toString(16).padStart(2, "0"));
  return parts.join(":");
}

export const isBroadcastMac = (mac: Mac): boolean => mac === BROADCAST_MAC;
// The I/G bit: the lowest bit of the first octet.
// Only the first octet's low hex digit matters: read that one character (every frame asks).
export const isMulticastMac = (mac: Mac): boolean => {
  const c = mac.charCodeAt(1);
  return ((c <= 57 ? c - 48 : (c | 32) - 87) & 1) === 1;
};
export const isZeroMac = (mac: Mac): boolean => mac === ZERO_MAC;
// is_valid_ether_addr: neither multicast nor all zeros.
export const isValidEtherAddr = (mac: Mac): boolean => !isMulticastMac(mac) && !isZeroMac(mac);

/** A locally administered unicast MAC from 6 random bytes, as eth_random_addr makes one. */
export function randomMac(bytes: Uint8Array): Mac {
  const b = bytes.slice(0, 6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return macFromBytes(b);
}
