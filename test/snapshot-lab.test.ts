import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SimEngine } from "../src/engines/sim.js";
import type { CommandResult } from "../src/engines/result.js";
import { parseYamlLab } from "../src/lab/load.js";
import { parseCapture, type RawCapture } from "../src/snapshot/capture.js";
import { snapshotLab } from "../src/snapshot/lab.js";
import { buildMachine } from "../src/snapshot/machine.js";
import { fixture, runCli } from "./helpers.js";

// test/fixtures/snapshot/host-machine.json: what assets/snapshot.sh printed inside vm02 of the
// host round-trip lab (test/snapshot-labs.ts) on Linux 6.18.
const text = readFileSync(fixture("snapshot/host-machine.json"), "utf8");
const capture = (): RawCapture => parseCapture(text);

function write(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "ipvlab-snap-")), "snap.lab.yaml");
  writeFileSync(file, yaml);
  return file;
}

test("the machine: veth peers found across namespaces by ifindex, the NIC is the veth whose peer is nowhere, the macvlan's lower device in the root", () => {
  const m = buildMachine(capture());
  const dev = (ns: string | null, name: string) => m.devices.find((d) => d.ns.name === ns && d.name === name)!;
  assert.equal(dev(null, "eth0").nic, true);
  assert.equal(dev(null, "v1").peer, dev("ns1", "eth0"));
  assert.equal(dev("ns1", "eth0").peer, dev(null, "v1"));
  const container = m.namespaces[3]!.name!;
  assert.match(container, /^sleep-\d+$/);
  assert.equal(dev(null, "c0").peer, dev(container, "eth0"));
  assert.equal(dev("ns2", "mv2").parent, dev(null, "eth0"));
  assert.equal(m.devices.filter((d) => d.nic).length, 1);
});

test("a container is named after what its runtime wrote; two of one name are told apart", () => {
  const cap = capture();
  const c = cap.namespaces[3]!;
  c.container = { runtime: "docker", id: "f".repeat(64), name: "web" };
  cap.namespaces.push({ ...structuredClone(c), id: "net:[1]", pid: 999 });
  const lab = snapshotLab(cap, { name: "vm02" });
  assert.deepEqual(lab.namespaces, [null, "ns1", "ns2", "web", "web-2"]);
  assert.match(lab.yaml, /# web: docker container web \(ffffffffffff\), process \d+ \(sleep\)/);
});

test("the lab rebuilds it in sim without a failing command, and says where each part came from", async () => {
  const snap = snapshotLab(capture(), { name: "vm02" });
  for (const s of ["ip -j -d link", "ip -j -d addr", "ip -j -d route show table all", "ip -j neigh", "/proc/sys/net/ipv4"]) assert.ok(snap.yaml.includes(s), s);
  assert.match(snap.yaml, /sysctl -qw net\/ipv4\/conf\/all\/rp_filter=1/);
  assert.match(snap.yaml, /sysctl -qw net\/ipv4\/ip_forward=1/);
  assert.match(snap.yaml, /ip link add link eth0 mv2 address 02:00:00:00:00:66 type macvlan mode bridge\n\s+ip link set mv2 netns ns2/);
  assert.match(snap.yaml, /ip link set v1 master br0/);
  const file = write(snap.yaml);
  const [r] = await new SimEngine().runMany([parseYamlLab(file, snap.yaml).lab]);
  const bad = r!.steps.filter((s): s is CommandResult => s.kind !== "matrix" && s.state !== "met");
  assert.deepEqual(bad.map((s) => s.stderr), []);
});

test("what the lab cannot rebuild is listed with its reason, in the lab and in --json", () => {
  const cap = capture();
  const root = cap.namespaces[0]!;
  root.link.push({ ifindex: 90, ifname: "vx0", flags: ["UP"], mtu: 1450, link_type: "ether", address: "02:00:00:00:00:90", linkinfo: { info_kind: "vxlan", info_data: { id: 42 } } });
  root.netfilter = ["ip_tables_names:nat"];
  root.qdisc.push({ kind: "clsact", dev: "eth0", handle: "ffff:" });
  const snap = snapshotLab(cap, { name: "vm02" });
  assert.ok(snap.notCaptured.some((s) => /^vx0 \(the root namespace\): a VXLAN tunnel/.test(s)));
  assert.ok(snap.notCaptured.some((s) => /^netfilter tables in the root namespace \(ip_tables_names:nat\)/.test(s)));
  assert.ok(snap.notCaptured.some((s) => /^tc qdisc clsact on eth0/.test(s)));
  assert.doesNotMatch(snap.yaml, /link add.*vx0/);
  assert.match(snap.yaml, /# NOT CAPTURED\n# - vx0 \(the root namespace\): a VXLAN tunnel/);
});

test("ipvlab snapshot --from FILE --json, and trace --from CONTAINER on what it wrote", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-snap-"));
  const cap = capture();
  cap.namespaces[3]!.container = { runtime: "docker", id: "a".repeat(64), name: "web" };
  writeFileSync(join(dir, "r.json"), JSON.stringify(cap));
  const out = join(dir, "snap.lab.yaml");
  const r = await runCli(["snapshot", "--from", join(dir, "r.json"), "--name", "vm02", "-o", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { lab: string; namespaces: (string | null)[]; notCaptured: string[]; file: string };
  assert.deepEqual(j.namespaces, [null, "ns1", "ns2", "web"]);
  assert.equal(j.file, out);
  assert.equal(readFileSync(out, "utf8"), j.lab);
  assert.match(r.stderr, /wrote .*snap\.lab\.yaml: .* as lab host vm02, 4 namespaces, 2 stand-in hosts/);
  // The container reaches vm02 over its bridge; the gateway's stand-in gets the ping but knows no way back
  // to the container's subnet (as the real gateway of that lab: the round trip holds the same answer).
  const t = await runCli(["trace", out, "--from", "web", "--to", "10.0.0.14"]);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /vm02\/web\s+eth0/);
  const u = await runCli(["trace", out, "--from", "web", "--to", "10.0.0.2"]);
  assert.equal(u.code, 1);
  assert.match(u.stdout, /gateway\s+eth0\s+icmp_reply\s+no echo reply to 10\.9\.0\.12/);
});

test("ipvlab snapshot: --help, and usage errors exit 2", async () => {
  const h = await runCli(["snapshot", "--help"]);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /ip -j -d/);
  assert.match(h.stdout, /--scope/);
  assert.equal((await runCli(["snapshot", "--bogus"])).code, 2);
  assert.equal((await runCli(["snapshot", "--scope", "galaxy"])).code, 2);
  const missing = await runCli(["snapshot", "--from", "/nonexistent/readings.json"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^ipvlab: --from \/nonexistent\/readings.json: /);
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-snap-"));
  writeFileSync(join(dir, "x.json"), "{}");
  assert.equal((await runCli(["snapshot", "--from", join(dir, "x.json")])).code, 2);
  const noHost = await runCli(["snapshot", "--lab", fixture("../labs/snapshot/seed-machine.lab.yaml"), "--on", "vm99"]);
  assert.equal(noHost.code, 2);
  assert.match(noHost.stderr, /--on vm99: no host vm99 in seed-machine \(hosts: vm02, vm01, gateway, router\)/);
});

test("--ipv6: global IPv6 addresses and routes rebuilt, link-local and kernel-made ones left to the kernel; without it, said not to be", () => {
  const cap = capture();
  const ns1 = cap.namespaces[1]!;
  ns1.addr.find((a) => a.ifname === "eth0")!.addr_info.push(
    { family: "inet6", local: "fd00:9::11", prefixlen: 64, scope: "global" },
    { family: "inet6", local: "fe80::1", prefixlen: 64, scope: "link" },
  );
  ns1.route6.push(
    { type: "unicast", dst: "fd00:9::/64", dev: "eth0", table: "main", protocol: "kernel", scope: "global", metric: 256 },
    { type: "unicast", dst: "default", gateway: "fd00:9::1", dev: "eth0", table: "main", protocol: "boot", scope: "global", metric: 1024 },
    { type: "local", dst: "fd00:9::11", dev: "eth0", table: "local", protocol: "kernel", scope: "global", metric: 0 },
  );
  const without = snapshotLab(cap, { name: "vm02" });
  assert.doesNotMatch(without.yaml, / -6 /);
  assert.ok(without.notCaptured.some((s) => /^IPv6 in namespace ns1 \(fd00:9::11\/64 on eth0\).*--ipv6/.test(s)));
  const snap = snapshotLab(cap, { name: "vm02", ipv6: true });
  assert.match(snap.yaml, /^ipv6: true/m);
  const v6 = snap.yaml.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("ip ") && / -6 /.test(l));
  assert.deepEqual(v6, ["ip -n ns1 -6 addr add fd00:9::11/64 dev eth0", "ip -n ns1 -6 route add default via fd00:9::1 dev eth0"]);
  // A lab with IPv6 commands is the real engines' (the simulator refuses it and says so).
  assert.equal(parseYamlLab(write(snap.yaml), snap.yaml).lab.ipv6, true);
});
