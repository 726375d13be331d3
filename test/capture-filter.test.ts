// The simulator's tcpdump filters held to the real tcpdump: for a table of
// filters, the frames the simulator's evaluator keeps must be exactly those
// `tcpdump -r FILE -nn -e FILTER` prints, on pcap files the simulator wrote
// from its own labs (VLAN labs and the examples) and on hand-built frames
// (IPv6, which the simulator does not send yet; fragments; ports; QinQ).

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { writePlan } from "../src/engines/real/plan.js";
import { SimEngine, unsimulatedFilter, unsimulatedKind } from "../src/engines/sim.js";
import { LabError } from "../src/lab/errors.js";
import { loadLabFile, parseYamlLab } from "../src/lab/load.js";
import { packageRoot } from "../src/paths.js";
import { filterMatches, FilterNotSimulated, FilterSyntaxError, parseFilter } from "../src/userland/pcap-filter/index.js";
import { readPcap, writePcapRecords } from "../src/userland/pcap.js";

const TCPDUMP = "/usr/bin/tcpdump";
const noTcpdump = !existsSync(TCPDUMP);

/**
 * The frames (1-based) tcpdump prints for FILTER on FILE, told by their
 * timestamps (frame i is at i ms); an Error when tcpdump refuses the filter.
 */
function tcpdumpSelects(file: string, filter: string): Set<number> | Error {
  const r = spawnSync(TCPDUMP, ["-tt", "-r", file, "-nn", "-e", filter], { encoding: "utf8" });
  if (r.status !== 0) return new Error(r.stderr.split("\n").find((l) => l.startsWith("tcpdump:")) ?? r.stderr);
  const out = new Set<number>();
  for (const line of r.stdout.split("\n")) {
    const m = /^(\d+)\.(\d{6}) /.exec(line);
    if (m) out.add(Number(m[1]) * 1000 + Math.round(Number(m[2]) / 1000) + 1);
  }
  return out;
}

function simSelects(frames: readonly Uint8Array[], filter: string): Set<number> {
  const f = parseFilter(filter, "savefile");
  const out = new Set<number>();
  frames.forEach((bytes, i) => {
    if (filterMatches(f, { bytes, vlanTci: null })) out.add(i + 1);
  });
  return out;
}

/** Compares sim with tcpdump for every filter on one file; returns the disagreements, each in words. */
function disagreements(file: string, filters: readonly string[]): string[] {
  const frames = readPcap(readFileSync(file)).map((p) => p.bytes);
  const bad: string[] = [];
  for (const filter of filters) {
    const real = tcpdumpSelects(file, filter);
    let sim: Set<number> | Error;
    try {
      sim = simSelects(frames, filter);
    } catch (e) {
      sim = e as Error;
    }
    if (real instanceof Error || sim instanceof Error) {
      if (!(real instanceof Error && sim instanceof FilterSyntaxError)) bad.push(`${filter}: tcpdump ${real instanceof Error ? `refuses (${real.message})` : "accepts"}, sim ${sim instanceof Error ? `refuses (${sim.message})` : "accepts"}`);
      continue;
    }
    const extra = [...sim].filter((n) => !real.has(n));
    const missing = [...real].filter((n) => !sim.has(n));
    if (extra.length || missing.length) bad.push(`${filter}: sim also keeps ${extra.join(",") || "-"}, misses ${missing.join(",") || "-"} (of ${frames.length})`);
  }
  return bad;
}

// ---- hand-built frames ------------------------------------------------------

const mac = (s: string) => s.split(":").map((x) => parseInt(x, 16));
const ip4 = (s: string) => s.split(".").map(Number);
function ip6(s: string): number[] {
  const [l, r] = s.split("::") as [string, string | undefined];
  const g = (t: string | undefined) => (t ? t.split(":").map((x) => parseInt(x, 16)) : []);
  const left = g(l);
  const right = g(r);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right].flatMap((w) => [w >> 8, w & 0xff]);
}
const u16 = (v: number) => [v >> 8, v & 0xff];

function ether(dst: string, src: string, tags: { tpid: number; vid: number }[], type: number, payload: number[]): Uint8Array {
  return Uint8Array.from([...mac(dst), ...mac(src), ...tags.flatMap((t) => [...u16(t.tpid), ...u16(t.vid)]), ...u16(type), ...payload]);
}
function ipv4(src: string, dst: string, proto: number, payload: number[], frag = 0, ihl = 5): number[] {
  const opts = new Array<number>((ihl - 5) * 4).fill(1);
  return [0x40 | ihl, 0, ...u16(ihl * 4 + payload.length), 0, 1, ...u16(frag), 64, proto, 0, 0, ...ip4(src), ...ip4(dst), ...opts, ...payload];
}
function ipv6(src: string, dst: string, nh: number, payload: number[]): number[] {
  return [0x60, 0, 0, 0, ...u16(payload.length), nh, 255, ...ip6(src), ...ip6(dst), ...payload];
}
function arp(op: number, sha: string, spa: string, tha: string, tpa: string): number[] {
  return [0, 1, 8, 0, 6, 4, 0, op, ...mac(sha), ...ip4(spa), ...mac(tha), ...ip4(tpa)];
}
const icmpEcho = [8, 0, 0, 0, 0, 1, 0, 1, 1, 2, 3, 4];
const udp = (sport: number, dport: number) => [...u16(sport), ...u16(dport), 0, 12, 0, 0, 1, 2, 3, 4];
const tcp = (sport: number, dport: number) => [...u16(sport), ...u16(dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];
/** An ICMPv6 neighbour solicitation for target. */
const ns = (target: string) => [135, 0, 0, 0, 0, 0, 0, 0, ...ip6(target)];

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";
const BCAST = "ff:ff:ff:ff:ff:ff";
const Q = 0x8100;
const AD = 0x88a8;

const HAND_FRAMES: Uint8Array[] = [
  ether(B, A, [], 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho)),
  ether(BCAST, A, [], 0x0806, arp(1, A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")),
  ether(A, B, [], 0x0806, arp(2, B, "10.0.0.2", A, "10.0.0.1")),
  ether("33:33:ff:00:00:02", A, [], 0x86dd, ipv6("fe80::1", "ff02::1:ff00:2", 58, ns("fe80::2"))),
  ether(B, A, [], 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 58, [128, 0, 0, 0, 0, 1, 0, 1])),
  // ICMPv6 behind a fragment header (next header 44, then 58).
  ether(B, A, [], 0x86dd, ipv6("2001:db8::1", "2001:db8:1::2", 44, [58, 0, 0, 0, 0, 0, 0, 1, 128, 0, 0, 0, 0, 1, 0, 1])),
  ether(B, A, [], 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 17, udp(5353, 53))),
  ether(B, A, [], 0x86dd, ipv6("2001:db8::2", "2001:db8::1", 6, tcp(80, 40000))),
  ether(B, A, [], 0x0800, ipv4("10.0.0.1", "192.168.1.7", 17, udp(68, 67))),
  ether(A, B, [], 0x0800, ipv4("192.168.1.7", "10.0.0.1", 6, tcp(22, 50022), 0, 6)),
  // A later fragment: no ports to read in it.
  ether(B, A, [], 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53), 0x0010)),
  ether(B, A, [{ tpid: Q, vid: 10 }], 0x0800, ipv4("10.0.10.1", "10.0.10.2", 1, icmpEcho)),
  ether(BCAST, A, [{ tpid: Q, vid: 20 }], 0x0806, arp(1, A, "10.0.20.1", "00:00:00:00:00:00", "10.0.20.2")),
  ether(BCAST, A, [{ tpid: AD, vid: 100 }, { tpid: Q, vid: 10 }], 0x0806, arp(1, A, "10.0.10.1", "00:00:00:00:00:00", "10.0.10.9")),
  ether(B, A, [{ tpid: Q, vid: 10 }], 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 58, [129, 0, 0, 0, 0, 1, 0, 1])),
  ether(B, A, [{ tpid: 0x9100, vid: 4095 }], 0x0800, ipv4("10.0.0.2", "10.0.0.1", 1, icmpEcho)),
  ether("01:00:5e:00:00:fb", A, [], 0x0800, ipv4("10.0.0.1", "224.0.0.251", 17, udp(5353, 5353))),
  // Too short to hold what follows its ethertype.
  ether(B, A, [], 0x0800, [0x45, 0, 0, 20]),
  ether(B, A, [{ tpid: Q, vid: 30 }], 0x86dd, [0x60, 0]),
  ether(B, A, [], 0x8035, arp(3, A, "0.0.0.0", A, "0.0.0.0")),
];

/** Filters over every kind the simulator evaluates; each must agree with tcpdump on every frame. */
const FILTERS = [
  "",
  "arp",
  "ip",
  "ip6",
  "icmp",
  "icmp6",
  "udp",
  "tcp",
  "rarp",
  "vlan",
  "vlan 10",
  "vlan 20",
  "vlan 4095",
  "vlan and ip",
  "vlan and arp",
  "vlan 10 and icmp",
  "vlan 10 and icmp6",
  "vlan and ip6",
  "vlan or arp",
  "arp or vlan",
  "vlan 100 and vlan 10",
  "vlan and vlan",
  "vlan and vlan and arp",
  "not vlan",
  "not vlan and arp",
  "(vlan and ip) or ip",
  "icmp or arp",
  "icmp || arp",
  "not arp",
  "! arp && ! icmp",
  "not (arp or icmp)",
  "ip and not icmp",
  "host 10.0.0.1",
  "host 10.0.0.2",
  "host 10.0.0.1 or 10.0.0.2",
  "host 10.0.0.1 and 10.0.0.2",
  "host 10.0.0.1 or 10.0.0.2 or 192.168.1.7",
  "src host 10.0.0.1",
  "dst host 10.0.0.1",
  "src 10.0.0.1",
  "dst 10.0.0.2",
  "src or dst 10.0.0.2",
  "src and dst 10.0.0.1",
  "src 10.0.0.1 or 192.168.1.7",
  "not host 10.0.0.1",
  "not host 10.0.0.1 and 10.0.0.2",
  "host 10.0.0.1 and not 10.0.0.2",
  "ip host 10.0.0.1",
  "arp host 10.0.0.2",
  "ip src 10.0.0.1",
  "arp dst 10.0.0.2",
  "net 10.0.0.0/8",
  "net 10.0.0.0/24",
  "net 10.0.10.0/24",
  "net 10.0",
  "net 10",
  "net 192.168.1.0 mask 255.255.255.0",
  "src net 10.0.0.0/16",
  "dst net 192.168.0.0/16",
  "src net 10.0.0.0/8 and not 10.0.0.0/24",
  "host 10.0",
  "host 2001:db8::1",
  "host fe80::1",
  "src host 2001:db8::1",
  "dst 2001:db8::2",
  "ip6 host 2001:db8::2",
  "net 2001:db8::/32",
  "net 2001:db8:1::/48",
  "dst net ff02::/16",
  "ip6 multicast",
  "ip multicast",
  "multicast",
  "ether multicast",
  "broadcast",
  "ether broadcast",
  `ether host ${A}`,
  `ether src ${A}`,
  `ether dst ${B}`,
  `ether dst ${BCAST}`,
  "ether src 2:0:0:0:0:b",
  "ether src 0200.0000.000b",
  `ether host ${A} and not ether dst ${BCAST}`,
  "ether proto 0x86dd",
  "ether proto 0x0806",
  "ip proto 17",
  "ip6 proto 58",
  "proto 6",
  "port 53",
  "udp port 53",
  "tcp port 22",
  "src port 5353",
  "dst port 67",
  "port 80 or 22",
  "tcp dst port 40000",
  "tcp and port 80",
  "vlan 10 and host 10.0.10.1",
  "vlan and net 10.0.0.0/8",
  "host 10.0.10.1",
  "vlan 10 and ether src 02:00:00:00:00:0a",
  "less 60",
  "greater 100",
  "( arp )",
  "(host 10.0.0.1 or 10.0.0.2) and icmp",
  "host (10.0.0.1 or 10.0.0.2)",
  "icmp and (host 10.0.0.1)",
  // Filters tcpdump refuses; the simulator must refuse them too.
  "icmp or",
  "icmp or 10.0.0.1",
  "(host 10.0.0.1) or 10.0.0.2",
  "net 10.0.0.1/8",
  "ether host 10.0.0.1",
  "host 02:00:00:00:00:0a",
  "tcp host 10.0.0.1",
  "ip6 host 10.0.0.1",
  "vlan 5000",
  "port 70000",
  "port 10.0.0.1",
  "host 10.0.0.300",
  "ICMP",
  "host fe80::1/64",
  "arp proto 1",
];

describe("capture filters: the simulator against tcpdump", { skip: noTcpdump && "tcpdump is not installed" }, () => {
  test("hand-built frames (IPv6, fragments, ports, QinQ, truncated)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-filter-"));
    try {
      const file = join(dir, "hand.pcap");
      writeFileSync(file, writePcapRecords(HAND_FRAMES.map((bytes, i) => ({ time: i, bytes }))));
      assert.deepEqual(disagreements(file, FILTERS), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the pcap files the simulator writes for its labs (VLAN labs and the examples)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-filter-"));
    try {
      const files = [
        ...readdirSync(join(packageRoot, "examples")).map((f) => join(packageRoot, "examples", f)),
        ...readdirSync(join(packageRoot, "test", "labs", "vlan8021q")).map((f) => join(packageRoot, "test", "labs", "vlan8021q", f)),
        ...readdirSync(join(packageRoot, "test", "labs", "vlan")).map((f) => join(packageRoot, "test", "labs", "vlan", f)),
      ].filter((f) => f.endsWith(".lab.yaml"));
      const labs = files.map((f) => loadLabFile(f).lab).filter((l) => !unsimulatedKind(l));
      await new SimEngine().runMany(labs, { pcapDir: dir });
      const pcaps = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".pcap"));
      // All the simulator's frames in one file, as its writer wrote them, so each filter runs tcpdump once.
      const records = pcaps.flatMap((f) => readPcap(readFileSync(join(dir, f))));
      const all = join(dir, "all.pcap");
      writeFileSync(all, writePcapRecords(records.map((r, i) => ({ time: i, bytes: r.bytes }))));
      const tagged = records.filter((r) => r.bytes[12] === 0x81 && r.bytes[13] === 0x00).length;
      assert.ok(records.length > 200 && tagged > 20, `the labs gave ${records.length} frames, ${tagged} tagged: too few to hold the filters to`);
      // Filters made of the labs' own addresses, besides the table's.
      const own = new Set<string>();
      for (const r of records.slice(0, 400)) {
        const b = r.bytes;
        const m = (o: number) => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, "0")).join(":");
        own.add(`ether src ${m(6)}`);
        const off = b[12] === 0x81 ? 18 : 14;
        const et = (b[off - 2]! << 8) | b[off - 1]!;
        if (et === 0x0800) {
          const src = [...b.subarray(off + 12, off + 16)].join(".");
          own.add(`host ${src}`);
          own.add(`src ${src} and icmp`);
          own.add(`net ${[...b.subarray(off + 16, off + 19)].join(".")}.0/24 or arp`);
        }
        if (b[12] === 0x81) own.add(`vlan ${((b[14]! << 8) | b[15]!) & 0xfff} and (arp or icmp)`);
      }
      const filters = [...FILTERS.filter((f) => !/^(icmp or|ICMP)/.test(f)), ...own];
      assert.deepEqual(disagreements(all, filters), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("capture filters: what the simulator does not evaluate", () => {
  for (const f of ["portrange 1-100", "ip[9] = 1", "len > 100", "gateway gw", "host gw.example", "ip broadcast", "mpls", "inbound", "tcp[tcpflags] & tcp-syn != 0"]) {
    test(f, () => assert.throws(() => parseFilter(f, "live"), FilterNotSimulated));
  }
});

test("the filter table is one tcpdump compiles where it says it does", { skip: noTcpdump && "tcpdump is not installed" }, () => {
  // A guard on the table itself: a refused filter must be one tcpdump refuses for a reason, not a typo here.
  const empty = join(mkdtempSync(join(tmpdir(), "ipvlab-filter-")), "empty.pcap");
  writeFileSync(empty, writePcapRecords([]));
  const refused = FILTERS.filter((f) => {
    try {
      execFileSync(TCPDUMP, ["-r", empty, "-d", f], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  assert.ok(refused.length >= 10 && refused.length < 20, `tcpdump refuses ${refused.length}: ${refused.join(" | ")}`);
});

// ---- the lab format and the engines ------------------------------------------

const TWO_HOSTS = [
  "networks: { lan: {} }",
  "hosts:",
  "  a:",
  '    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0e:01" } }',
  "    run: |",
  "      ip addr add 10.0.0.1/24 dev eth0",
  "      ip link set eth0 up",
  "  b:",
  '    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0e:02" } }',
  "    run: |",
  "      ip addr add 10.0.0.2/24 dev eth0",
  "      ip link set eth0 up",
  "steps:",
  "  - name: a pings b",
  "    on: a",
  "    run: ping -c 1 -W 1 10.0.0.2",
  "    expect: ok",
];

describe("capture filters in a lab", () => {
  test("the filter is the rest of the entry after the device, its blanks made single", () => {
    const { lab } = parseYamlLab("f.lab.yaml", [...TWO_HOSTS, "    capture:", "      - a:eth0", "      - b:eth0   icmp  or arp", "      - a:eth0 ether host 02:00:00:00:0e:02 && !vlan"].join("\n"));
    const step = lab.steps[0]!;
    assert.ok(step.kind !== "matrix");
    assert.deepEqual(
      step.capture.map((c) => [c.host, c.netns, c.dev, c.filter, c.id, c.pos.line]),
      [
        ["a", null, "eth0", null, "a:eth0", 19],
        ["b", null, "eth0", "icmp or arp", "b:eth0 icmp or arp", 20],
        ["a", null, "eth0", "ether host 02:00:00:00:0e:02 && !vlan", "a:eth0 ether host 02:00:00:00:0e:02 && !vlan", 21],
      ],
    );
  });

  test("the mapping spelling is an error at its line, showing the entry to write", () => {
    const text = [...TWO_HOSTS, "    capture:", '      - { on: "b:eth0", filter: "icmp or arp" }'].join("\n");
    assert.throws(
      () => parseYamlLab("m.lab.yaml", text),
      (err: unknown) => {
        assert.ok(err instanceof LabError);
        assert.equal(err.diagnostics.length, 1);
        assert.equal(err.diagnostics[0]!.pos.line, 19);
        assert.match(err.diagnostics[0]!.message, /is a mapping: .*e\.g\. - b:eth0 icmp or arp$/);
        return true;
      },
    );
  });

  test("a filter on a device no host has is still a device error", () => {
    const text = [...TWO_HOSTS, "    capture: [b:eth9 icmp]"].join("\n");
    assert.throws(() => parseYamlLab("d.lab.yaml", text), (err: unknown) => err instanceof LabError && /b has no interface "eth9"/.test(err.diagnostics[0]!.message));
  });

  test("sim: the filter picks the frames; unfiltered captures are unchanged; pcap files are named after the filter", async () => {
    // A link-local ping once DAD is over: IPv6 frames of the step's own (the hosts' first solicitations go before tcpdump listens).
    const hosts = TWO_HOSTS.map((l) => (l.endsWith("run: ping -c 1 -W 1 10.0.0.2") ? `${l} && sleep 2 && ping -c 1 -W 1 fe80::ff:fe00:e02%eth0` : l));
    const text = [...hosts, "    capture: [a:eth0, a:eth0 arp, a:eth0 icmp and src 10.0.0.2, a:eth0 vlan, a:eth0 not ip6]"].join("\n");
    const { lab } = parseYamlLab("p.lab.yaml", text);
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-filter-"));
    try {
      const [r] = await new SimEngine().runMany([lab], { pcapDir: dir });
      const s = r!.steps.at(-1)!;
      assert.ok(s.kind !== "matrix");
      const all = s.captures["a:eth0"]!;
      assert.ok(all.some((l) => l.includes("ethertype IPv6")), all.join("\n"));
      assert.deepEqual(s.captures["a:eth0 not ip6"], all.filter((l) => !l.includes("ethertype IPv6")));
      assert.equal(s.captures["a:eth0 not ip6"]!.length, 4);
      assert.deepEqual(s.captures["a:eth0 arp"], all.filter((l) => l.includes("ARP")));
      assert.deepEqual(s.captures["a:eth0 icmp and src 10.0.0.2"], all.filter((l) => l.includes("10.0.0.2 > 10.0.0.1: ICMP")));
      assert.deepEqual(s.captures["a:eth0 vlan"], []);
      assert.equal(s.state, "met");
      assert.deepEqual(readdirSync(join(dir, lab.name)).sort(), ["01-a_eth0-arp.pcap", "01-a_eth0-icmp_and_src_10.0.0.2.pcap", "01-a_eth0-not_ip6.pcap", "01-a_eth0-vlan.pcap", "01-a_eth0.pcap"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("sim: a filter tcpdump refuses, or sim does not evaluate, is an error at the capture's line; the command still runs", async () => {
    const text = [...TWO_HOSTS, "    capture:", "      - a:eth0 icmp", "      - a:eth0 icmp or", "      - b:eth0 tcp[13] & 2 != 0"].join("\n");
    const { lab } = parseYamlLab("r.lab.yaml", text);
    const [r] = await new SimEngine().runMany([lab]);
    const s = r!.steps.at(-1)!;
    assert.ok(s.kind !== "matrix");
    assert.equal(s.exitCode, 0);
    assert.equal(s.state, "error");
    assert.equal(s.captures["a:eth0 icmp"]!.length, 2);
    assert.deepEqual(
      r!.diagnostics.map((d) => [d.line, d.severity, d.message]),
      [
        [20, "error", `capture "a:eth0 icmp or": tcpdump: can't parse filter expression: syntax error`],
        [21, "error", `capture "b:eth0 tcp[13] & 2 != 0": --engine sim does not evaluate byte offsets (tcp[...]) in a filter; --engine uml (or host) runs it with the real tcpdump`],
      ],
    );
    assert.equal(unsimulatedFilter(lab), `a capture filter it does not evaluate (r.lab.yaml:21: tcp[13] & 2 != 0)`);
  });

  test("the real engines' plan hands tcpdump the filter as one word after the device", () => {
    const text = [...TWO_HOSTS, "    capture: [a:eth0, \"b:eth0 icmp || host 10.0.0.1 and not 'x'\"]"].join("\n");
    const { lab } = parseYamlLab("q.lab.yaml", text);
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-filter-"));
    try {
      const plan = readFileSync(writePlan(dir, [lab]), "utf8");
      assert.match(plan, /^ipvlab_step 2 'a' 30 'a\|-\|eth0' '' 'b\|-\|eth0' 'icmp \|\| host 10\.0\.0\.1 and not '\\''x'\\'''$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("capture filters on a live capture: the outermost tag is in skb->vlan_tci", () => {
  const live = (filter: string, frame: Uint8Array) => {
    const tagged = frame[12] === 0x81 || frame[12] === 0x88 || frame[12] === 0x91;
    const p = tagged ? { bytes: Uint8Array.from([...frame.subarray(0, 12), ...frame.subarray(16)]), vlanTci: (frame[14]! << 8) | frame[15]! } : { bytes: frame, vlanTci: null };
    return filterMatches(parseFilter(filter, "live"), p);
  };
  const savefile = (filter: string, frame: Uint8Array) => filterMatches(parseFilter(filter, "savefile"), { bytes: frame, vlanTci: null });

  test("on untagged frames, a live capture keeps what tcpdump -r keeps", () => {
    const valid = FILTERS.filter((f) => {
      try {
        parseFilter(f, "live");
        return true;
      } catch {
        return false;
      }
    });
    for (const frame of HAND_FRAMES.filter((b) => b[12] !== 0x81 && b[12] !== 0x88 && b[12] !== 0x91)) {
      for (const f of valid) assert.equal(live(f, frame), savefile(f, frame), `${f} on ${Buffer.from(frame.subarray(12, 14)).toString("hex")}`);
    }
  });

  test("on tagged frames, a filter without `vlan` reads the untagged data; `vlan` asks the tag", () => {
    const taggedIcmp = HAND_FRAMES[11]!; // VLAN 10, ICMP echo 10.0.10.1 > 10.0.10.2
    const qinqArp = HAND_FRAMES[13]!; // 802.1ad 100, then 802.1Q 10, ARP
    assert.equal(live("icmp", taggedIcmp), true);
    assert.equal(savefile("icmp", taggedIcmp), false);
    assert.equal(live("vlan 10 and icmp and host 10.0.10.1", taggedIcmp), true);
    assert.equal(live("vlan 20", taggedIcmp), false);
    assert.equal(live("not vlan", taggedIcmp), false);
    assert.equal(live("vlan 100 and vlan 10 and arp", qinqArp), true);
    assert.equal(live("vlan 100 and arp", qinqArp), false);
    assert.equal(live("vlan and vlan and arp", qinqArp), true);
    // The untagged ARP request: the first `vlan` moves `icmp` 4 bytes on, onto ARP's protocol type and a's MAC.
    assert.equal(live("not vlan and ip", HAND_FRAMES[1]!), true);
  });
});
