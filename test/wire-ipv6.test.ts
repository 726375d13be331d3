import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeEthernet, encodeEthernet, type EthernetFrame } from "../src/wire/ethernet.js";
import { encodeIpv6, type Ipv6Repr } from "../src/wire/ipv6.js";
import { encodeIcmp6, icmp6Length, type Icmp6Repr, type NdOpt } from "../src/wire/icmpv6.js";
import { ipv6McastMac, parseIpv6, solicitedNode, ipv6InPrefix, ipv6Network, ipv6IsMulticast, ipv6IsLinkLocal } from "../src/wire/ipv6-addr.js";
import { formatCapture, type CapturedFrame } from "../src/userland/tcpdump.js";
import { writePcap } from "../src/userland/pcap.js";

describe("IPv6 addresses", () => {
  test("inet_pton/inet_ntop: canonical text (RFC 5952)", () => {
    assert.equal(parseIpv6("2001:0db8:0:0:0:0:0:1"), "2001:db8::1");
    assert.equal(parseIpv6("FE80::FF:FE00:A01"), "fe80::ff:fe00:a01");
    assert.equal(parseIpv6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    assert.equal(parseIpv6("::"), "::");
    assert.equal(parseIpv6("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
    assert.equal(parseIpv6("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
    assert.equal(parseIpv6("1:2:3:4:5:6:7:8:9"), null);
    assert.equal(parseIpv6("1::2::3"), null);
    assert.equal(parseIpv6("10.0.0.1"), null);
    assert.equal(parseIpv6("12345::"), null);
  });

  test("prefixes, solicited-node groups and their MACs", () => {
    assert.equal(ipv6Network("2001:db8::1:2", 64), "2001:db8::");
    assert.equal(ipv6Network("2001:db8:ffff::", 33), "2001:db8:8000::");
    assert.ok(ipv6InPrefix("2001:db8::99", "2001:db8::", 64));
    assert.ok(!ipv6InPrefix("2001:db9::1", "2001:db8::", 32));
    assert.equal(solicitedNode("fe80::ff:fe00:a01"), "ff02::1:ff00:a01");
    assert.equal(solicitedNode("2001:db8::1"), "ff02::1:ff00:1");
    assert.equal(ipv6McastMac("ff02::1:ff00:a01"), "33:33:ff:00:0a:01");
    assert.equal(ipv6McastMac("ff02::16"), "33:33:00:00:00:16");
    assert.ok(ipv6IsMulticast("ff02::1") && !ipv6IsMulticast("fe80::1") && !ipv6IsMulticast("ff::1"));
    assert.ok(ipv6IsLinkLocal("fe80::1") && ipv6IsLinkLocal("febf::1") && !ipv6IsLinkLocal("fec0::1"));
  });
});

const a = "02:00:00:00:0a:01";
const b = "02:00:00:00:0b:01";
const ip6 = (src: string, dst: string, icmp: Icmp6Repr, extra: Partial<Ipv6Repr> = {}): Ipv6Repr => ({ tclass: 0, flowLabel: 0, hopLimit: 255, src, dst, payload: { kind: "icmpv6", icmp }, ...extra });
const frame = (src: string, dst: string, ip: Ipv6Repr): EthernetFrame => ({ src, dst, payload: { kind: "ipv6", ip6: ip } });
const echo = ip6("2001:db8::1", "2001:db8::2", { type: "echo-request", id: 811, seq: 1, data: new Uint8Array(56) }, { hopLimit: 64, flowLabel: 0x12345 });
const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6]);
const frames: CapturedFrame[] = [
  { time: 1, frame: frame(a, "33:33:00:00:00:16", ip6("::", "ff02::16", { type: "mld2-report", grecs: [{ type: 4, group: "ff02::1:ff00:1", sources: [] }, { type: 4, group: "ff02::1:ff00:a01", sources: [] }] }, { hopLimit: 1, routerAlert: true })) },
  { time: 2, frame: frame(a, "33:33:ff:00:00:01", ip6("::", "ff02::1:ff00:1", { type: "ns", target: "2001:db8::1", opts: [{ type: "nonce", nonce }] })) },
  { time: 3, frame: frame(a, "33:33:00:00:00:02", ip6("fe80::ff:fe00:a01", "ff02::2", { type: "rs", opts: [{ type: "source-lladdr", mac: a }] })) },
  { time: 4, frame: frame(a, "33:33:ff:00:00:02", ip6("2001:db8::1", "ff02::1:ff00:2", { type: "ns", target: "2001:db8::2", opts: [{ type: "source-lladdr", mac: a }] })) },
  { time: 5, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "na", router: false, solicited: true, override: true, target: "2001:db8::2", opts: [{ type: "target-lladdr", mac: b }] })) },
  { time: 6, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "na", router: false, solicited: true, override: true, target: "2001:db8::2", opts: [] })) },
  { time: 7, frame: frame(a, b, echo) },
  { time: 8, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "echo-reply", id: 811, seq: 1, data: new Uint8Array(56) }, { hopLimit: 64 })) },
  ...[0, 1, 2, 3, 4].map((code, k) => ({ time: 10 + k, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "dest-unreach", code, original: encodeIpv6(echo) }, { hopLimit: 64 })) })),
  { time: 20, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "packet-too-big", mtu: 1400, original: encodeIpv6(echo) }, { hopLimit: 64 })) },
  { time: 21, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "time-exceeded", code: 0, original: encodeIpv6(echo) }, { hopLimit: 64 })) },
  { time: 22, frame: frame(b, a, ip6("2001:db8::2", "2001:db8::1", { type: "other", icmpType: 200, code: 0, rest: new Uint8Array(6) })) },
  { time: 23, frame: frame(b, a, { ...echo, payload: { kind: "raw", nextHeader: 253, bytes: new Uint8Array(10) } }) },
];

describe("IPv6 on the wire", () => {
  test("every frame decodes to itself (checksums verified on the way in)", () => {
    for (const f of frames) {
      const bytes = encodeEthernet(f.frame);
      const back = decodeEthernet(bytes);
      assert.ok(back.ok);
      assert.deepEqual(back.value, f.frame);
    }
  });

  test("a corrupted ICMPv6 checksum does not decode as ICMPv6", () => {
    const bytes = encodeEthernet(frames[6]!.frame);
    bytes[bytes.length - 1]! ^= 1;
    const back = decodeEthernet(bytes);
    assert.ok(back.ok && back.value.payload.kind === "ipv6" && back.value.payload.ip6.payload.kind === "raw");
  });

  test("lengths as Linux puts them on the wire (uml captures: 110, 86, 70, 118)", () => {
    assert.deepEqual(frames.slice(0, 4).map((f) => encodeEthernet(f.frame).length), [110, 86, 70, 86]);
    assert.equal(encodeEthernet(frames[6]!.frame).length, 118);
    assert.equal(encodeEthernet(frames[5]!.frame).length, 78);
  });

  const tcpdump = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].find((p) => existsSync(p));
  test("tcpdump -n -e -r of the pcap prints exactly the lines the formatter gives", { skip: tcpdump ? false : "no tcpdump here" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-tcpdump6-"));
    try {
      const file = join(dir, "x.pcap");
      writeFileSync(file, writePcap(frames));
      const out = execFileSync(tcpdump!, ["-n", "-e", "-r", file], { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "ignore"] });
      assert.deepEqual(formatCapture(frames), out.split("\n").filter((l) => l.length > 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("icmp6Length", () => {
  test("equals the encoded length of every message kind, options included", () => {
    const opts: NdOpt[] = [{ type: "source-lladdr", mac: "02:00:00:00:0a:01" }, { type: "nonce", nonce: new Uint8Array([1, 2, 3, 4, 5, 6]) }, { type: "raw", optType: 99, bytes: new Uint8Array(9) }];
    const msgs: Icmp6Repr[] = [
      { type: "echo-request", id: 1, seq: 2, data: new Uint8Array(56) },
      { type: "ns", target: "2001:db8::1", opts },
      { type: "ns", target: "fe80::1", opts: [] },
      { type: "na", router: false, solicited: true, override: true, target: "2001:db8::1", opts: [opts[0]!] },
      { type: "rs", opts: [opts[0]!] },
      { type: "rs", opts: [] },
      { type: "mld2-report", grecs: [{ type: 4, group: "ff02::1:ff00:1", sources: [] }, { type: 2, group: "ff05::2", sources: ["2001:db8::9"] }] },
    ];
    for (const m of msgs) assert.equal(icmp6Length(m), encodeIcmp6(m, "fe80::1", "ff02::1").length, m.type);
  });
});
