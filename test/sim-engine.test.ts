import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { engineByName, ENGINE_NAMES } from "../src/engines/index.js";
import type { CommandResult, LabResult, MatrixResult } from "../src/engines/result.js";
import { SimEngine, unsimulatedKind } from "../src/engines/sim.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { buildWorld } from "../src/engines/sim/world.js";
import { recordedWithIpv6, type GoldenFile } from "../src/golden/golden.js";
import { IFF_NOARP, addrAdd, linkSetUp } from "../src/kernel/index.js";
import { loadLabFile } from "../src/lab/load.js";
import type { Lab } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { arpingTool } from "../src/userland/arping.js";
import { readPcap, writePcap } from "../src/userland/pcap.js";
import { formatTriptime, pingTool } from "../src/userland/ping.js";
import { formatCapture, formatFrame, formatTimestamp, type CapturedFrame } from "../src/userland/tcpdump.js";
import type { ToolContext } from "../src/userland/tool.js";
import { encodeIpv4 } from "../src/wire/ipv4.js";
import { parseIpv4 } from "../src/wire/ipv4-addr.js";
import { Normalizer } from "../src/verify/normalize.js";
import { diffResults } from "../src/verify/diff.js";

const simFixture = (name: string) => join(packageRoot, "test", "fixtures", "sim", name);
const goldenDir = join(packageRoot, "test", "golden");

function load(file: string): Lab {
  return loadLabFile(file).lab;
}

async function runSim(file: string): Promise<LabResult> {
  const [r] = await new SimEngine().runMany([load(file)]);
  return r!;
}

function command(r: LabResult, name: string): CommandResult {
  const s = r.steps.find((x) => x.name === name);
  assert.ok(s && s.kind !== "matrix", `step ${name}`);
  return s;
}

function matrix(r: LabResult, name: string): MatrixResult {
  const s = r.steps.find((x) => x.name === name);
  assert.ok(s && s.kind === "matrix", `matrix ${name}`);
  return s;
}

function golden(name: string): GoldenFile {
  return JSON.parse(readFileSync(join(goldenDir, `${name}.json`), "utf8")) as GoldenFile;
}

const ip = (s: string) => parseIpv4(s)!;

describe("sim engine: a lab run", () => {
  test("is registered beside the real engines", () => {
    assert.ok((ENGINE_NAMES as readonly string[]).includes("sim"));
    assert.equal(engineByName("sim").name, "sim");
  });

  test("steps, names, exit codes and captures come out as the real engines give them", async () => {
    const r = await runSim(simFixture("basic.lab.yaml"));
    assert.equal(r.lab, "sim-basic");
    assert.equal(r.engine, "sim");
    assert.equal(r.kernel, "sim");
    assert.deepEqual(
      r.steps.map((s) => [s.kind, s.name]),
      [
        ["action", "setup a"],
        ["action", "setup b"],
        ["check", "a reaches b"],
        ["matrix", "no forwarding"],
        ["action", "sysctl -w net.ipv4.ip_forward=1"],
        ["action", "ip route add 10.9.1.0/24 via 10.9.0.1"],
        ["matrix", "forwarding"],
        ["check", "arping b from a"],
        ["check", "ping an absent host"],
        ["check", "no route"],
        ["check", "unknown command"],
        ["check", "killed at its timeout"],
        ["check", "loopback is up on a booted host"],
      ],
    );
    const setup = command(r, "setup a");
    assert.equal(setup.setup, true);
    assert.equal(setup.exitCode, 0, setup.stderr);
    assert.deepEqual(setup.captures, {});
    // A command that cannot run as written is an error whatever `expect` says; everything else here meets its expectation.
    const cannotRun = ["unknown command", "killed at its timeout"];
    for (const s of r.steps) {
      if (s.kind === "matrix") continue;
      assert.equal(s.state, cannotRun.includes(s.name) ? "error" : "met", `${s.name}: exit ${s.exitCode}\n${s.stdout}${s.stderr}`);
      assert.equal(s.met, s.state === "met");
    }

    const ping = command(r, "a reaches b");
    assert.equal(ping.host, "a");
    assert.equal(ping.command, "ping -c 1 -W 1 10.9.0.2");
    assert.deepEqual(Object.keys(ping.captures), ["b:eth0", "a/inner:v1"]);
    const n = new Normalizer(new Set(["02:00:00:00:0a:01", "02:00:00:00:0b:01"]));
    assert.deepEqual(
      ping.captures["b:eth0"]!.map((l) => n.text(l)),
      [
        "HH:MM:SS.ffffff 02:00:00:00:0a:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.9.0.2 tell 10.9.0.1, length 28",
        "HH:MM:SS.ffffff 02:00:00:00:0b:01 > 02:00:00:00:0a:01, ethertype ARP (0x0806), length 42: Reply 10.9.0.2 is-at 02:00:00:00:0b:01, length 28",
        "HH:MM:SS.ffffff 02:00:00:00:0a:01 > 02:00:00:00:0b:01, ethertype IPv4 (0x0800), length 98: 10.9.0.1 > 10.9.0.2: ICMP echo request, id ID, seq 1, length 64",
        "HH:MM:SS.ffffff 02:00:00:00:0b:01 > 02:00:00:00:0a:01, ethertype IPv4 (0x0800), length 98: 10.9.0.2 > 10.9.0.1: ICMP echo reply, id ID, seq 1, length 64",
      ],
    );
    assert.deepEqual(ping.captures["a/inner:v1"], [], "nothing crosses the namespace's veth");

    const absent = command(r, "ping an absent host");
    assert.equal(absent.exitCode, 1);
    assert.match(absent.stdout, /^From 10\.9\.0\.1 icmp_seq=1 Destination Host Unreachable$/m);
    assert.match(absent.stdout, /^1 packets transmitted, 0 received, \+1 errors, 100% packet loss, time 0ms$/m);

    const noRoute = command(r, "no route");
    assert.deepEqual([noRoute.exitCode, noRoute.stdout, noRoute.stderr], [2, "", "ping: connect: Network is unreachable\n"]);

    // The simulator cannot know whether the command exists where the lab runs for real: it refuses it, at its line.
    const unknown = command(r, "unknown command");
    assert.deepEqual(
      unknown.failures.map((f) => [f.line, f.kind]),
      [[1, "refused"]],
    );
    assert.match(unknown.stderr, /^\/ipvlab\/cmd\/\d+\.sh: line 1: `frobnicate`: --engine sim does not simulate this command; the real engines .* run it if it is installed\n$/);

    const killed = command(r, "killed at its timeout");
    assert.deepEqual([killed.exitCode, killed.stdout, killed.stderr], [137, "before\n", "ipvlab: killed after 2 s (the step's timeout)\n"]);
    assert.deepEqual(killed.failures, [{ line: 2, exitCode: 137, kind: "killed", message: "`sleep 10` was killed after 2 s (the step's timeout): it sleeps 10 s; raise the step's timeout (timeout: 20)" }]);
    const file = simFixture("basic.lab.yaml");
    assert.deepEqual(
      r.diagnostics.map((d) => [d.file === file, d.line, d.severity, d.step]),
      [
        // The lab's steps 9 and 10, as the lab file lists them (its two setup scripts not counted).
        [true, 51, "error", 9],
        [true, 57, "error", 10],
      ],
    );

    assert.equal(command(r, "loopback is up on a booted host").exitCode, 0);
  });

  test("the matrix: endpoints in driver order, every pair in different namespaces, routes decide", async () => {
    const r = await runSim(simFixture("basic.lab.yaml"));
    const before = matrix(r, "no forwarding");
    assert.deepEqual(
      before.endpoints.map((e) => [e.id, e.host, e.netns, e.dev, e.address]),
      [
        ["a:eth0", "a", null, "eth0", "10.9.0.1"],
        ["a:v0", "a", null, "v0", "10.9.1.1"],
        ["a/inner:v1", "a", "inner", "v1", "10.9.1.2"],
        ["b:eth0", "b", null, "eth0", "10.9.0.2"],
      ],
    );
    const cells = (m: MatrixResult) => m.cells.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.from} -> ${c.to}`);
    // a:eth0 and a:v0 share a namespace: never pinged.
    assert.equal(before.cells.length, 10);
    assert.deepEqual(cells(before), [
      "ok a:eth0 -> a/inner:v1",
      "ok a:eth0 -> b:eth0",
      "ok a:v0 -> a/inner:v1",
      "FAIL a:v0 -> b:eth0",
      "ok a/inner:v1 -> a:eth0",
      "ok a/inner:v1 -> a:v0",
      "FAIL a/inner:v1 -> b:eth0",
      "ok b:eth0 -> a:eth0",
      "FAIL b:eth0 -> a:v0",
      "FAIL b:eth0 -> a/inner:v1",
    ]);
    assert.ok(matrix(r, "forwarding").cells.every((c) => c.ok), "ip_forward and a route on b join everything");
  });

  test("a run is repeatable: same seed, same answers", async () => {
    const a = await runSim(simFixture("basic.lab.yaml"));
    const b = await runSim(simFixture("basic.lab.yaml"));
    assert.deepEqual(a, b);
  });

  test("--pcap writes each capture of each step, readable by tcpdump's reader", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-sim-pcap-"));
    try {
      await new SimEngine().runMany([load(simFixture("basic.lab.yaml"))], { pcapDir: dir });
      const files = readdirSync(join(dir, "sim-basic")).sort();
      assert.deepEqual(files, ["01-a_inner_v1.pcap", "01-b_eth0.pcap"]);
      const recs = readPcap(new Uint8Array(readFileSync(join(dir, "sim-basic", "01-b_eth0.pcap"))));
      assert.deepEqual(
        recs.map((x) => x.bytes.length),
        [42, 42, 98, 98],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sim engine: tool output matches the real kernel's golden files", () => {
  const labMacs = ["00:0c:29:51:4c:e0", "00:0c:29:a0:10:10", "00:50:56:e1:f0:02"];
  const norm = (s: string) => new Normalizer(new Set(labMacs)).text(s);

  test("ping: replies, statistics and a silent loss print as iputils does", async () => {
    const g = golden("seed-ipvlan-l2").result;
    const r = await runSim(simFixture("seed-like.lab.yaml"));
    const want = command(g, "ns01 reaches vm01 and the gateway");
    const got = command(r, "ns01 reaches vm01 and the gateway");
    assert.equal(got.exitCode, want.exitCode);
    assert.equal(norm(got.stdout), norm(want.stdout));
    assert.equal(got.stderr, want.stderr);

    const lost = command(g, "ns01 cannot reach vm02's own 172.16.91.14 before host routes");
    const gotLost = command(r, "ns01 cannot reach an absent address");
    assert.equal(gotLost.exitCode, lost.exitCode);
    assert.equal(norm(gotLost.stdout), norm(lost.stdout));
  });

  test("arping: unicast replies after the broadcast probe, counters and exit code", async () => {
    const g = golden("seed-ipvlan-l2").result;
    const r = await runSim(simFixture("seed-like.lab.yaml"));
    const want = command(g, "arping from ns01 to ipvlan0 gets unicast replies from the parent's MAC");
    const got = command(r, "arping from ns01 gets unicast replies");
    assert.equal(got.exitCode, want.exitCode);
    assert.equal(norm(got.stdout), norm(want.stdout));
    // The first probe is broadcast with a broadcast target MAC; the second is unicast to the replier.
    const cap = got.captures["vm02:ens34"]!.map(norm);
    assert.ok(cap.includes("HH:MM:SS.ffffff <mac1> > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 172.16.91.100 (ff:ff:ff:ff:ff:ff) tell 172.16.91.101, length 28"), cap.join("\n"));
    assert.ok(cap.includes("HH:MM:SS.ffffff <mac1> > 00:0c:29:51:4c:e0, ethertype ARP (0x0806), length 42: Request who-has 172.16.91.100 (00:0c:29:51:4c:e0) tell 172.16.91.101, length 28"), cap.join("\n"));
  });

  test('arping: a NOARP device is "not ARPable" (exit 2), as in ipvlan L3 mode', () => {
    const g = golden("seed-ipvlan-l3").result;
    const want = g.steps.find((s): s is CommandResult => s.kind !== "matrix" && s.command.includes("arping") && s.stdout.includes("not ARPable"))!;
    const lab = load(simFixture("seed-like.lab.yaml"));
    const world = buildWorld(lab);
    const k = world.kernels.get("vm02")!;
    const dev = k.initNet.devByName("ipvlan1")!;
    assert.ok(addrAdd(dev, { local: ip("172.16.91.101"), prefixlen: 24 }).ok);
    linkSetUp(dev);
    dev.flags |= IFF_NOARP;
    const ctx: ToolContext = { sim: world.sim, kernel: k, net: k.initNet, stdin: "", env: {}, exec: () => ({ exitCode: 127, stdout: "", stderr: "" }) };
    const got = arpingTool(["arping", "-c", "2", "-w", "3", "-I", "ipvlan1", "172.16.91.100"], ctx);
    assert.ok(!("then" in got));
    assert.deepEqual([got.exitCode, got.stdout, got.stderr], [want.exitCode, want.stdout, want.stderr]);
  });

  test("tcpdump lines: ARP (both target forms), replies and ICMP echo as recorded", () => {
    const g = golden("seed-ipvlan-l2").result;
    const recorded = g.steps.flatMap((s) => (s.kind === "matrix" ? [] : Object.values(s.captures).flat()));
    const frames: CapturedFrame[] = [
      { time: 0, frame: { dst: "ff:ff:ff:ff:ff:ff", src: "00:0c:29:51:4c:e0", payload: { kind: "arp", arp: { op: 1, sha: "00:0c:29:51:4c:e0", spa: ip("172.16.91.101"), tha: "00:00:00:00:00:00", tpa: ip("172.16.91.100") } } } },
      { time: 0, frame: { dst: "ff:ff:ff:ff:ff:ff", src: "00:0c:29:51:4c:e0", payload: { kind: "arp", arp: { op: 1, sha: "00:0c:29:51:4c:e0", spa: ip("172.16.91.101"), tha: "ff:ff:ff:ff:ff:ff", tpa: ip("172.16.91.100") } } } },
      { time: 0, frame: { dst: "00:0c:29:51:4c:e0", src: "00:0c:29:51:4c:e0", payload: { kind: "arp", arp: { op: 2, sha: "00:0c:29:51:4c:e0", spa: ip("172.16.91.14"), tha: "00:0c:29:51:4c:e0", tpa: ip("172.16.91.101") } } } },
      {
        time: 0,
        frame: {
          dst: "00:0c:29:51:4c:e0",
          src: "00:0c:29:51:4c:e0",
          payload: { kind: "ipv4", ip: { tos: 0, id: 1, df: true, ttl: 64, src: ip("172.16.91.101"), dst: ip("172.16.91.14"), payload: { kind: "icmp", icmp: { type: "echo-request", id: 2672, seq: 1, data: new Uint8Array(56) } } } },
        },
      },
    ];
    const n = new Normalizer(new Set(labMacs));
    const known = new Set(recorded.map((l) => n.text(l)));
    for (const f of frames) {
      const line = n.text(formatFrame(f)[0]!);
      assert.ok(
        known.has(line),
        `"${line}" is a line the real tcpdump printed`,
      );
    }
  });
});

describe("sim engine: tcpdump formats against tcpdump itself", () => {
  const tcpdump = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].find((p) => existsSync(p));
  const a = ip("10.0.0.1");
  const b = ip("10.0.0.2");
  const m1 = "02:00:00:00:00:01";
  const m2 = "02:00:00:00:00:02";
  const echo = { tos: 0, id: 7, df: true, ttl: 64, src: a, dst: b, payload: { kind: "icmp" as const, icmp: { type: "echo-request" as const, id: 99, seq: 3, data: new Uint8Array(56) } } };
  const quoted = encodeIpv4(echo);
  const frames: CapturedFrame[] = [
    { time: 0.001, frame: { dst: "ff:ff:ff:ff:ff:ff", src: m1, payload: { kind: "arp", arp: { op: 1, sha: m1, spa: a, tha: "00:00:00:00:00:00", tpa: b } } } },
    { time: 1.5, frame: { dst: "ff:ff:ff:ff:ff:ff", src: m1, payload: { kind: "arp", arp: { op: 1, sha: m1, spa: a, tha: "ff:ff:ff:ff:ff:ff", tpa: b } } } },
    { time: 2, frame: { dst: m1, src: m2, payload: { kind: "arp", arp: { op: 2, sha: m2, spa: b, tha: m1, tpa: a } } } },
    { time: 3, frame: { dst: m2, src: m1, payload: { kind: "ipv4", ip: echo } } },
    { time: 4, frame: { dst: m1, src: m2, payload: { kind: "ipv4", ip: { ...echo, src: b, dst: a, payload: { kind: "icmp", icmp: { type: "echo-reply", id: 99, seq: 3, data: new Uint8Array(56) } } } } } },
    ...[0, 1, 3, 4, 10, 13].map((code, k) => ({ time: 10 + k, frame: { dst: m1, src: m2, payload: { kind: "ipv4" as const, ip: { ...echo, src: b, dst: a, payload: { kind: "icmp" as const, icmp: { type: "dest-unreach" as const, code, mtu: code === 4 ? 1400 : 0, original: quoted } } } } } })),
    { time: 20, frame: { dst: m1, src: m2, payload: { kind: "ipv4", ip: { ...echo, src: b, dst: a, payload: { kind: "icmp", icmp: { type: "time-exceeded", code: 0, original: quoted } } } } } },
    { time: 21, frame: { dst: m1, src: m2, payload: { kind: "ipv4", ip: { ...echo, src: b, dst: a, payload: { kind: "icmp", icmp: { type: "redirect", code: 1, gateway: ip("10.0.0.3"), original: quoted } } } } } },
    { time: 22, frame: { dst: m2, src: m1, payload: { kind: "ipv4", ip: { ...echo, payload: { kind: "raw", protocol: 253, bytes: new Uint8Array(10) } } } } },
    { time: 3_723_004.5, frame: { dst: m2, src: m1, payload: { kind: "raw", ethertype: 0x88b5, bytes: Uint8Array.from({ length: 37 }, (_, i) => 0x30 + i) } } },
    // 802.1Q, and Q-in-Q with a PCP and the DEI bit: the tags in the pcap bytes, as tcpdump -e prints them.
    { time: 3_723_005, frame: { dst: "ff:ff:ff:ff:ff:ff", src: m1, vlans: [{ tpid: 0x8100, tci: 10 }], payload: { kind: "arp", arp: { op: 1, sha: m1, spa: a, tha: "00:00:00:00:00:00", tpa: b } } } },
    { time: 3_723_006, frame: { dst: m2, src: m1, vlans: [{ tpid: 0x88a8, tci: (5 << 13) | 0x1000 | 100 }, { tpid: 0x8100, tci: 4094 }], payload: { kind: "ipv4", ip: echo } } },
  ];

  test("timestamps are the virtual clock as HH:MM:SS.ffffff", () => {
    assert.equal(formatTimestamp(0), "00:00:00.000000");
    assert.equal(formatTimestamp(3_723_004.5), "01:02:03.004500");
  });

  test("ping's time= has iputils' precision steps", () => {
    assert.deepEqual([0, 185, 1234, 12345, 123456].map(formatTriptime), ["0.000", "0.185", "1.23", "12.3", "123"]);
  });

  test("tcpdump -n -e -r of the pcap prints exactly the lines the formatter gives", { skip: tcpdump ? false : "no tcpdump here" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-tcpdump-"));
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

describe("sim engine: ping", () => {
  function ctxFor(file: string, host: string) {
    const lab = load(file);
    const world = buildWorld(lab);
    const k = world.kernels.get(host)!;
    return { world, ctx: (net = k.initNet): ToolContext => ({ sim: world.sim, kernel: k, net, stdin: "", env: {}, exec: () => ({ exitCode: 127, stdout: "", stderr: "" }) }) };
  }

  test("-c 3 to an absent host: three errors after the ARP failure, pipe 3, exit 1", async () => {
    const run = await runLabInSim({ ...load(simFixture("basic.lab.yaml")), steps: [{ kind: "check", name: "p", on: "a", run: "ping -c 3 10.9.0.99", expect: "fail", capture: [], timeout: 30, pos: { file: "", line: 1, col: 1 }, runLines: [] }] });
    const s = run.result.steps[2] as CommandResult;
    assert.equal(s.exitCode, 1);
    assert.equal(
      s.stdout,
      [
        "PING 10.9.0.99 (10.9.0.99) 56(84) bytes of data.",
        "From 10.9.0.1 icmp_seq=1 Destination Host Unreachable",
        "From 10.9.0.1 icmp_seq=2 Destination Host Unreachable",
        "From 10.9.0.1 icmp_seq=3 Destination Host Unreachable",
        "",
        "--- 10.9.0.99 ping statistics ---",
        "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms",
        "pipe 3",
        "",
      ].join("\n"),
    );
  });

  test("past 65,536 echoes the sequence wraps and every reply still counts once (rcvd_tbl)", async () => {
    const run = await runLabInSim({
      ...load(simFixture("basic.lab.yaml")),
      steps: [{ kind: "check", name: "p", on: "a", run: "ping -c 1 -W 1 10.9.0.2 >/dev/null; ping -q -c 70000 -i 0 10.9.0.2", expect: "ok", capture: [], timeout: 30, pos: { file: "", line: 1, col: 1 }, runLines: [] }],
    });
    const s = run.result.steps[2] as CommandResult;
    assert.equal(s.exitCode, 0);
    assert.match(s.stdout, /^70000 packets transmitted, 70000 received, 0% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = [\d./]+ ms, ipg\/ewma [\d.]+\/[\d.]+ ms$/m);
  });

  test("-I ADDR prints the source; -I DEV the source and the device; a foreign -I address cannot bind", () => {
    const { ctx } = ctxFor(simFixture("basic.lab.yaml"), "a");
    const c = ctx();
    const dev = c.net.devByName("eth0")!;
    assert.ok(addrAdd(dev, { local: ip("10.9.0.1"), prefixlen: 24 }).ok);
    linkSetUp(dev);
    const byAddr = pingTool(["ping", "-c", "1", "-W", "1", "-I", "10.9.0.1", "10.9.0.7"], c);
    assert.ok(!("then" in byAddr));
    assert.match(byAddr.stdout, /^PING 10\.9\.0\.7 \(10\.9\.0\.7\) from 10\.9\.0\.1 : 56\(84\) bytes of data\.\n/);
    const byDev = pingTool(["ping", "-c", "1", "-W", "1", "-I", "eth0", "10.9.0.7"], c);
    assert.ok(!("then" in byDev));
    assert.match(byDev.stdout, /^PING 10\.9\.0\.7 \(10\.9\.0\.7\) from 10\.9\.0\.1 eth0: 56\(84\) bytes of data\.\n/);
    assert.equal(byDev.exitCode, 1);
    const foreign = pingTool(["ping", "-c", "1", "-I", "10.9.0.5", "10.9.0.7"], c);
    assert.deepEqual(foreign, { exitCode: 2, stdout: "", stderr: "ping: bind: Cannot assign requested address\n" });
    const noDev = pingTool(["ping", "-c", "1", "-I", "eth9", "10.9.0.7"], c);
    assert.deepEqual(noDev, { exitCode: 2, stdout: "", stderr: "ping: SO_BINDTODEVICE eth9: No such device\n" });
    const bcast = pingTool(["ping", "-c", "1", "10.9.0.255"], c);
    assert.deepEqual(bcast, { exitCode: 2, stdout: "", stderr: "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n" });
  });
});

describe("sim engine: golden labs it can run", () => {
  // Golden labs whose every step uses only what the simulator models, and
  // which must agree with the real kernel line for line (after normalising).
  // test/golden/6.12 holds Linux 6.12's answers; the simulator behaves as the release each file was recorded on.
  const dirs = [goldenDir, join(goldenDir, "core"), join(goldenDir, "vlan"), join(goldenDir, "vlan8021q"), join(goldenDir, "broken"), join(goldenDir, "capture-filter"), join(goldenDir, "ipv6"), join(goldenDir, "cni"), join(goldenDir, "docker"), join(goldenDir, "import"), join(goldenDir, "fuzz"), join(goldenDir, "6.12"), join(goldenDir, "6.12", "vlan8021q"), join(goldenDir, "6.12", "core")].filter((d) => existsSync(d));
  const goldens = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json")).map((f) => join(d, f)));
  for (const file of goldens) {
    const g = JSON.parse(readFileSync(file, "utf8")) as GoldenFile;
    const labFile = join(packageRoot, g.recordedWith.labFile);
    const loaded = existsSync(labFile) ? loadLabFile(labFile).lab : null;
    // A file recorded while IPv6 was off by default holds sim to that kernel: the lab runs as it ran then.
    const lab = loaded && { ...loaded, ipv6: recordedWithIpv6(g, readFileSync(labFile, "utf8")) };
    const runnable = lab !== null && unsimulatedKind(lab) === null;
    test(`${g.result.lab} (Linux ${g.result.kernel})`, { skip: runnable ? false : "uses what the simulator does not model yet" }, async () => {
      const [r] = await new SimEngine().runMany([lab!], { kernelRelease: g.result.kernel });
      const macs = lab!.hosts.flatMap((h) => h.interfaces.filter((i) => i.macGiven).map((i) => i.mac));
      const diffs = diffResults(g.result, r!, macs);
      assert.deepEqual(diffs.map((d) => d.patch), []);
    });
  }
});
