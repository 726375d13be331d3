import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  broadcastOf,
  decodeEthernet,
  decodeIcmp,
  decodeIpv4,
  encodeEthernet,
  encodeIcmp,
  encodeIpv4,
  formatIpv4,
  inPrefix,
  internetChecksum,
  networkOf,
  parseCidr,
  parseIpv4,
  parseMac,
  prefixMask,
  type EthernetFrame,
  type Ipv4Repr,
} from "../src/wire/index.js";

const ip = (s: string) => parseIpv4(s)!;
const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));

describe("addresses", () => {
  test("IPv4 parse/format and prefix math", () => {
    assert.equal(formatIpv4(ip("172.16.91.14")), "172.16.91.14");
    assert.equal(parseIpv4("256.1.1.1"), null);
    assert.equal(parseIpv4("1.2.3"), null);
    assert.equal(formatIpv4(prefixMask(24)), "255.255.255.0");
    assert.equal(prefixMask(0), 0);
    assert.equal(formatIpv4(networkOf(ip("10.1.2.3"), 16)), "10.1.0.0");
    assert.equal(formatIpv4(broadcastOf(ip("10.1.2.3"), 24)), "10.1.2.255");
    assert.ok(inPrefix(ip("10.1.2.200"), ip("10.1.2.0"), 24));
    assert.ok(!inPrefix(ip("10.1.3.1"), ip("10.1.2.0"), 24));
    assert.deepEqual(parseCidr("10.0.0.1/24"), { addr: ip("10.0.0.1"), len: 24 });
    assert.deepEqual(parseCidr("10.0.0.1"), { addr: ip("10.0.0.1"), len: 32 });
    assert.equal(parseCidr("10.0.0.1/33"), null);
  });

  test("MAC parse normalises", () => {
    assert.equal(parseMac("0:C:29:51:4C:E0"), "00:0c:29:51:4c:e0");
    assert.equal(parseMac("00:0c:29:51:4c"), null);
  });
});

describe("frames", () => {
  // An ARP request as tcpdump -xx shows one: who-has 10.0.0.2 tell 10.0.0.1.
  const arpBytes = hex("ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002");

  test("ARP: decode (deconstruct) and encode (emit) the same bytes", () => {
    const d = decodeEthernet(arpBytes);
    assert.ok(d.ok);
    const f = d.value;
    assert.equal(f.dst, "ff:ff:ff:ff:ff:ff");
    assert.equal(f.payload.kind, "arp");
    if (f.payload.kind !== "arp") return;
    assert.deepEqual(f.payload.arp, { op: 1, sha: "02:00:00:00:00:01", spa: ip("10.0.0.1"), tha: "00:00:00:00:00:00", tpa: ip("10.0.0.2") });
    assert.deepEqual(encodeEthernet(f), arpBytes);
    assert.equal(encodeEthernet(f, true).length, 60);
  });

  test("IPv4 header checksum matches a known header", () => {
    // The classic example header from RFC 1071 discussions: checksum 0xb861.
    const h = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
    assert.equal(internetChecksum(h), 0xb861);
  });

  test("ICMP echo round-trips and a corrupted byte is refused", () => {
    const pkt: Ipv4Repr = {
      tos: 0,
      id: 0,
      df: true,
      ttl: 64,
      src: ip("10.0.0.1"),
      dst: ip("10.0.0.2"),
      payload: { kind: "icmp", icmp: { type: "echo-request", id: 0x1234, seq: 7, data: new Uint8Array([1, 2, 3, 4]) } },
    };
    const b = encodeIpv4(pkt);
    assert.equal(b.length, 20 + 8 + 4);
    assert.equal(internetChecksum(b, 0, 20), 0);
    const d = decodeIpv4(b);
    assert.ok(d.ok);
    assert.deepEqual(d.value, pkt);
    const bad = b.slice();
    bad[8] = 63;
    assert.equal(decodeIpv4(bad).ok, false, "header checksum no longer matches");
    const badIcmp = b.slice();
    badIcmp[30] ^= 0xff;
    const d2 = decodeIpv4(badIcmp);
    assert.ok(d2.ok);
    assert.equal(d2.value.payload.kind, "raw", "an ICMP payload with a bad checksum stays raw");
  });

  test("ICMP errors carry the quoted datagram and other types survive", () => {
    const du = encodeIcmp({ type: "dest-unreach", code: 1, mtu: 0, original: new Uint8Array(28) });
    const d = decodeIcmp(du);
    assert.ok(d.ok);
    assert.equal(d.value.type, "dest-unreach");
    const te = decodeIcmp(encodeIcmp({ type: "time-exceeded", code: 0, original: new Uint8Array(8) }));
    assert.ok(te.ok && te.value.type === "time-exceeded");
    const other = { type: "other" as const, icmpType: 13, code: 0, rest: new Uint8Array([0, 1, 0, 2, 9, 9, 9, 9]) };
    const o = decodeIcmp(encodeIcmp(other));
    assert.ok(o.ok);
    assert.deepEqual(o.value, other);
  });

  test("ethernet with an IPv4 payload round-trips", () => {
    const f: EthernetFrame = {
      dst: "02:00:00:00:00:02",
      src: "02:00:00:00:00:01",
      payload: { kind: "ipv4", ip: { tos: 0, id: 5, df: false, ttl: 1, src: ip("1.2.3.4"), dst: ip("5.6.7.8"), payload: { kind: "raw", protocol: 17, bytes: new Uint8Array([1, 2]) } } },
    };
    const d = decodeEthernet(encodeEthernet(f));
    assert.ok(d.ok);
    assert.deepEqual(d.value, f);
  });
});
