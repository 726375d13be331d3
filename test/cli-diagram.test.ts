import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Topology } from "../src/engines/sim/topology.js";
import { packageRoot } from "../src/paths.js";
import { example, runCli } from "./helpers.js";

test("diagram: hosts as boxes, namespaces inside, slaves with their parent, networks below", async () => {
  const r = await runCli(["diagram", example("seed-ipvlan-l2.lab.yaml")]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.ok(lines.includes("│ ipvlan0  172.16.91.100/32  ipvlan l2 on ens34                      │"), r.stdout);
  assert.ok(lines.includes("│ │ ipvlan1  172.16.91.101/24  ipvlan l2 on ens34 (root namespace) │ │"), r.stdout);
  assert.match(r.stdout, /^┌─ vm02 ─+┐$/m);
  assert.match(r.stdout, /^vmnet8: a switch\n {2}├── gateway:eth0\n {2}├── vm01:ens34\n {2}└── vm02:ens34$/m);
  assert.ok(lines.every((l) => [...l].length <= 100), "fits in 100 columns");
  // Every box is closed: as many corners on the right as on the left.
  assert.equal(r.stdout.split("┌").length, r.stdout.split("┐").length);
});

test("diagram --mermaid and --json; --after draws a later state", async () => {
  const m = await runCli(["diagram", example("seed-ipvlan-l2.lab.yaml"), "--mermaid"]);
  assert.match(m.stdout, /^flowchart TB$/m);
  assert.match(m.stdout, /^ {2}d_vm02_ns01_ipvlan1 -- "ipvlan l2" --> d_vm02_ens34$/m);
  assert.match(m.stdout, /^ {2}d_vm02_ens34 --- n_vmnet8$/m);
  const before = JSON.parse((await runCli(["diagram", example("seed-ipvlan0-slash24.lab.yaml"), "--json"])).stdout) as Topology;
  const after = JSON.parse((await runCli(["diagram", example("seed-ipvlan0-slash24.lab.yaml"), "--json", "--after", "switch the ipvlan port to mode l2"])).stdout) as Topology;
  const role = (t: Topology) => t.hosts.find((h) => h.name === "vm02")!.namespaces[0]!.devices.find((d) => d.name === "ipvlan0")!.role;
  assert.deepEqual([role(before), role(after)], ["ipvlan l3", "ipvlan l2"]);
});

test("diagram --svg: every device with its addresses in its host's box, a dashed line from each slave to its parent, a line from each NIC to its network", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-svg-"));
  try {
    const file = join(dir, "seed.svg");
    const r = await runCli(["diagram", example("seed-ipvlan-l2.lab.yaml"), "--svg", file]);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(file, "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)" viewBox="0 0 \1 \2"/);
    const [w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.slice(1).map(Number) as [number, number];
    for (const text of ["vm02", "netns ns01", "ipvlan1", "172.16.91.101/24", "ipvlan l2", "ipvlan0", "172.16.91.100/32", "gateway", "vmnet8"]) assert.ok(svg.includes(`>${text}<`), `${text} is drawn`);
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*?( stroke-dasharray="3 2")?\/>/g)];
    assert.equal(lines.filter((l) => l[2]).length, 3, "three slaves wired to ens34");
    assert.equal(lines.filter((l) => !l[2]).length, 3, "three NICs wired to vmnet8");
    const points = lines.flatMap((l) => l[1]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]));
    assert.ok(points.every(([x, y]) => x >= 0 && y >= 0 && x <= w && y <= h), "every line inside the picture");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("diagram --svg: a lab NIC moved into a namespace is still wired to its network", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-svg-moved-"));
  try {
    const lab = join(dir, "moved.lab.yaml");
    writeFileSync(lab, "name: moved\nnetworks: { lan: {} }\nhosts:\n  a:\n    interfaces: { eth0: { network: lan } }\n    run: |\n      ip netns add inner\n      ip link set eth0 netns inner\n  b:\n    interfaces: { eth0: { network: lan } }\n");
    const r = await runCli(["diagram", lab, "--svg", join(dir, "moved.svg")]);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(join(dir, "moved.svg"), "utf8");
    assert.ok(svg.includes(">netns inner<"), "the namespace is drawn");
    assert.equal([...svg.matchAll(/<polyline [^>]*\/>/g)].filter((m) => !m[0].includes("stroke-dasharray")).length, 2, "both NICs wired to lan");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("diagram: a veth pair inside a host is one cable between its two ends, in text and in SVG", async () => {
  const lab = join(packageRoot, "test", "labs", "core", "veth-pair-netns.lab.yaml");
  const text = await runCli(["diagram", lab]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /│ v1 +10\.0\.0\.1\/24 +veth to v2 \(netns ns2\) │/);
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-svg-veth-"));
  try {
    const r = await runCli(["diagram", lab, "--svg", join(dir, "veth.svg")]);
    assert.equal(r.code, 0, r.stderr);
    const lines = [...readFileSync(join(dir, "veth.svg"), "utf8").matchAll(/<polyline [^>]*\/>/g)];
    assert.equal(lines.length, 1, "the pair is drawn once");
    assert.ok(!lines[0]![0].includes("stroke-dasharray"), "as a cable, not as a slave on its parent");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("diagram of a dual-stack lab: each device's global IPv6 addresses under its IPv4 ones, link-locals said once below", async () => {
  const lab = example("seed-ipvlan-l2-dual-stack.lab.yaml");
  // Right after the setup every address is still in duplicate address detection, as `ip -6 addr` would say.
  const setup = await runCli(["diagram", lab]);
  assert.equal(setup.code, 0, setup.stderr);
  const lines = setup.stdout.split("\n");
  assert.ok(lines.includes("│ │ ipvlan1  172.16.91.101/24             ipvlan l2 on ens34 (root namespace) │ │"), setup.stdout);
  assert.ok(lines.includes("│ │          2001:db8::101/64 tentative                                       │ │"), setup.stdout);
  assert.ok(lines.includes("│          2001:db8::100/128 tentative                                          │"), setup.stdout);
  assert.ok(!/fe80::[0-9a-f]/.test(setup.stdout), "no link-local drawn");
  assert.equal(setup.stdout.split("\n").slice(-3).join("\n"), "IPv6: every device also has a link-local address (fe80::/64), not drawn.\ntentative: duplicate address detection had not ended, the address is not used yet.\n");
  assert.ok(lines.every((l) => [...l].length <= 100), "fits in 100 columns");
  // After the lab's `sleep 3` DAD has passed: the addresses plain, no word on tentative ones.
  const settled = await runCli(["diagram", lab, "--after", "1"]);
  assert.match(settled.stdout, /^│ ens34 +172\.16\.91\.10\/24 +on vmnet8 +│\n│ +2001:db8::10\/64 +│$/m);
  assert.ok(!settled.stdout.includes("tentative"), settled.stdout);
  assert.match(settled.stdout, /\n\nIPv6: every device also has a link-local address \(fe80::\/64\), not drawn\.\n$/);
  const m = await runCli(["diagram", lab, "--mermaid", "--after", "1"]);
  assert.match(m.stdout, /^ {6}d_vm02_ns01_ipvlan1\["ipvlan1<br\/>172\.16\.91\.101\/24<br\/>2001:db8::101\/64"\]$/m);
  assert.match(m.stdout, /^ {2}legend\["IPv6: every device also has a link-local address \(fe80::\/64\), not drawn\."\]$/m);
  const t = JSON.parse((await runCli(["diagram", lab, "--json", "--after", "1"])).stdout) as Topology;
  const gw = t.hosts.find((h) => h.name === "gateway")!.namespaces[0]!.devices[0]!;
  assert.deepEqual([gw.addrs, gw.addrs6, gw.linkLocal6], [["172.16.91.2/24"], ["2001:db8::2/64"], true]);
});

test("diagram: an IPv6 address that lost duplicate address detection is drawn dadfailed, its holder's plainly; so is a link-local that lost it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-dad-"));
  try {
    const lab = join(dir, "dad.lab.yaml");
    // b holds 2001:db8::5; a adds it too once b's has passed DAD: b defends it, a's fails.
    // c takes b's MAC, so its EUI-64 link-local is b's: b defends that one too.
    writeFileSync(
      lab,
      [
        "name: dad-conflict",
        "networks: { lan: {} }",
        "hosts:",
        "  a:",
        '    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0a:01" } }',
        "    run: |",
        "      ip addr add 10.0.0.1/24 dev eth0",
        "      ip link set eth0 up",
        "  b:",
        '    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0b:01" } }',
        "    run: |",
        "      ip -6 addr add 2001:db8::5/64 dev eth0",
        "      ip link set eth0 up",
        "      ip link add dummy0 type dummy",
        "  c:",
        '    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0c:01" } }',
        "steps:",
        "  - on: a",
        "    run: |",
        "      sleep 4",
        "      ip -6 addr add 2001:db8::5/64 dev eth0",
        "      sleep 3",
        "  - on: c",
        "    run: |",
        "      ip link set eth0 address 02:00:00:00:0b:01",
        "      ip link set eth0 up",
        "      sleep 3",
        "",
      ].join("\n"),
    );
    const r = await runCli(["diagram", lab, "--after", "2"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.ok(lines.includes("│ eth0  10.0.0.1/24               on lan   │"), r.stdout);
    assert.ok(lines.includes("│       2001:db8::5/64 dadfailed           │"), r.stdout);
    assert.ok(lines.includes("│ eth0    2001:db8::5/64  on lan           │"), r.stdout);
    assert.ok(lines.includes("│ eth0  fe80::ff:fe00:b01/64 dadfailed  on lan │"), r.stdout);
    assert.equal(r.stdout.match(/fe80::[0-9a-f]/g)?.length, 1, "only the link-local that failed DAD is drawn");
    // A device that is down has made no link-local: the legend names it.
    assert.equal(
      lines.slice(-3).join("\n"),
      "IPv6: every device but b:dummy0 also has a link-local address (fe80::/64), not drawn unless DAD failed on it.\ndadfailed: another node on the link holds the address, this one is never used.\n",
    );
    const svgFile = join(dir, "dad.svg");
    assert.equal((await runCli(["diagram", lab, "--after", "2", "--svg", svgFile])).code, 0);
    const svg = readFileSync(svgFile, "utf8");
    for (const text of ["2001:db8::5/64 dadfailed", "2001:db8::5/64", "fe80::ff:fe00:b01/64 dadfailed", "dadfailed: another node on the link holds the address, this one is never used."]) assert.ok(svg.includes(`>${text}<`), `${text} is drawn`);
    // The legend is inside the picture.
    const [w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.slice(1).map(Number) as [number, number];
    const legend = /<text x="([\d.]+)" y="([\d.]+)"[^>]*>(IPv6: [^<]*)</.exec(svg)!;
    assert.ok(Number(legend[2]) < h && Number(legend[1]) + legend[3]!.length * 7.2 <= w, `legend at ${legend[1]},${legend[2]} inside ${w}x${h}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("diagram: a lab with IPv6 on but no global IPv6 address draws as an IPv4 lab, without a legend", async () => {
  const r = await runCli(["diagram", example("seed-ipvlan-l2.lab.yaml")]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!/IPv6|fe80|tentative/.test(r.stdout), r.stdout);
  assert.match(r.stdout, /└── vm02:ens34\n$/);
});
