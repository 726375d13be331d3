// The simulator behaves as 6.1 unless told which release it is held to, and
// follows a later release only where the difference is known.

import assert from "node:assert/strict";
import { test } from "node:test";
import { devChangeNetNamespace, linkAddBridge, Sim } from "../src/kernel/index.js";
import { parseRelease, releaseAtLeast } from "../src/kernel/release.js";
import { join } from "node:path";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { loadLabFile } from "../src/lab/load.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { packageRoot } from "../src/paths.js";

function moveBridge(release?: string) {
  const k = new Sim(release === undefined ? { seed: 1 } : { seed: 1, release }).addKernel("h");
  const br = linkAddBridge(k.initNet, "br0");
  assert.ok(br.ok);
  const ns = k.netnsAdd("ns1");
  assert.ok(ns.ok);
  return devChangeNetNamespace(br.value, ns.value);
}

test("a bridge refuses to move: plain EINVAL on 6.1, with the extack message from 6.14", () => {
  assert.deepEqual(moveBridge(), { ok: false, errno: "EINVAL" });
  assert.deepEqual(moveBridge("6.1.176"), { ok: false, errno: "EINVAL" });
  assert.deepEqual(moveBridge("6.18.44-fc-v669"), { ok: false, errno: "EINVAL", msg: "The interface netns is immutable" });
});

test("uname -r text to a comparable release", () => {
  assert.deepEqual(parseRelease("6.18.44-fc-v669"), { major: 6, minor: 18 });
  assert.deepEqual(parseRelease("sim"), { major: 6, minor: 1 });
  assert.ok(releaseAtLeast(parseRelease("7.0.1"), 6, 14));
  assert.ok(!releaseAtLeast(parseRelease("6.13.2"), 6, 14));
});

// Where 6.1 and 6.12 answer differently (docs/kernel-releases.md), measured on
// both kernels under User-Mode Linux; the simulator follows the release asked for.

const MOVED_MACVLAN = `
name: moved-macvlan
networks: { lan: {} }
hosts:
  h:
    interfaces: { eth0: { network: lan } }
    run: |
      ip link set eth0 up
      ip link add link eth0 name eth0.10 type vlan id 10
      ip link set eth0.10 up
      ip link add link eth0.10 name mv1 type macvlan mode bridge
      ip netns add ns1
      ip link set mv1 netns ns1
      ip -n ns1 link set mv1 up
steps:
  - name: the lower's lower goes down
    on: h
    run: ip link set eth0 down && ip -n ns1 -br link show mv1
    expect: ok
`;

async function simRun(yaml: string, release: string): Promise<LabResult> {
  const [r] = await new SimEngine().runMany([parseYamlLab("t.lab.yaml", yaml).lab], { kernelRelease: release });
  return r!;
}

test("a macvlan in another namespace whose lower loses its carrier: LOWERLAYERDOWN on 6.1, DOWN from 6.2", async () => {
  const state = async (release: string) => {
    const s = (await simRun(MOVED_MACVLAN, release)).steps.at(-1) as CommandResult;
    assert.equal(s.exitCode, 0, s.stderr);
    return s.stdout.split(/\s+/)[1];
  };
  assert.equal(await state("6.1.176"), "LOWERLAYERDOWN");
  assert.equal(await state("6.12.113"), "DOWN");
});

test("an ipvlan slave's broadcast: on 6.1 it leaves the parent before a sibling's answer to it; from 6.5 after", async () => {
  const lab = loadLabFile(join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml")).lab;
  const firstOnParent = async (release: string) => {
    const [r] = await new SimEngine().runMany([lab], { kernelRelease: release });
    const step = r!.steps.find((s): s is CommandResult => s.kind !== "matrix" && s.name === "ns01 cannot reach ipvlan0's 172.16.91.100 before host routes")!;
    return /Request who-has \S+ tell [\d.]+/.exec(step.captures["vm02:ens34 not ip6"]![0]!)![0];
  };
  // ns01's own request first on 6.1; on 6.12 the reply ipvlan0 makes through the parent comes first.
  assert.equal(await firstOnParent("6.1.176"), "Request who-has 172.16.91.100 tell 172.16.91.101");
  assert.equal(await firstOnParent("6.12.113"), "Request who-has 172.16.91.101 tell 172.16.91.100");
});

test("IPv6 off: an address refused with the errno alone on 6.1, with the reason from 6.6", async () => {
  const lab = `
name: ipv6-off-words
ipv6: false
networks: { lan: {} }
hosts:
  a:
    interfaces: { eth0: { network: lan } }
steps:
  - name: add
    on: a
    run: ip -6 addr add 2001:db8::1/64 dev eth0
    expect: fail
  - name: del
    on: a
    run: ip -6 addr del 2001:db8::1/64 dev eth0
    expect: fail
`;
  const stderr = async (release: string) => (await simRun(lab, release)).steps.filter((s): s is CommandResult => s.kind !== "matrix" && s.name !== "setup a").map((s) => s.stderr);
  assert.deepEqual(await stderr("6.1.176"), ["RTNETLINK answers: Permission denied\n", "RTNETLINK answers: Cannot assign requested address\n"]);
  assert.deepEqual(await stderr("6.12.113"), ["Error: ipv6: IPv6 is disabled on this device.\n", "Error: ipv6: address not found.\n"]);
});
