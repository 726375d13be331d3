import assert from "node:assert/strict";
import { test } from "node:test";
import type { Topology } from "../src/engines/sim/topology.js";
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
