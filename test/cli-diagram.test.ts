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
