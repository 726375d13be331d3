// `bridge` against the simulated kernel. The dumps are compared with what the
// real tool printed on Linux 6.1.176 under `--engine uml`, read from the golden
// files of the core labs bridge-fdb-show and bridge-in-host (their scripts are
// replayed here tool by tool, the lab's `grep -v` and `sort` done in the
// test); the other expectations follow iproute2 6.1's bridge/fdb.c, link.c and
// bridge.c (fdb_show, print_fdb, brlink_show, main) and the kernel's
// rtnl_fdb_dump, as the comments say.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { CommandResult } from "../src/engines/result.js";
import { defaultTools } from "../src/engines/sim/shell-host.js";
import { buildWorld } from "../src/engines/sim/world.js";
import type { GoldenFile } from "../src/golden/golden.js";
import type { Net } from "../src/kernel/index.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { packageRoot } from "../src/paths.js";
import type { ExecResult } from "../src/shell/index.js";
import type { ToolContext } from "../src/userland/tool.js";

interface Host {
  /** Runs one command line (words split on blanks, no quoting) in the host's root namespace. */
  sh(line: string): Promise<ExecResult>;
  /** Runs lines that must succeed silently (a lab's setup). */
  setup(script: string): Promise<void>;
}

function host(): Host {
  const { sim, kernels } = buildWorld(parseYamlLab("h.lab.yaml", "name: bridge-tool\nhosts: { h: {} }\n").lab);
  const k = kernels.get("h")!;
  const tools = defaultTools();
  const exec = async (argv: string[], net: Net): Promise<ExecResult> => {
    const tool = tools[argv[0]!];
    if (!tool) return { exitCode: 127, stdout: "", stderr: `${argv[0]}: command not found\n` };
    const ctx: ToolContext = { sim, kernel: k, net, stdin: "", env: {}, exec };
    return tool(argv, ctx);
  };
  const sh = (line: string) => exec(line.trim().split(/\s+/), k.initNet);
  return {
    sh,
    async setup(script) {
      for (const line of script.split("\n").filter((l) => l.trim())) {
        const r = await sh(line);
        assert.deepEqual([r.exitCode, r.stderr], [0, ""], line);
      }
    },
  };
}

function goldenStep(lab: string, name: string): CommandResult {
  const g = JSON.parse(readFileSync(join(packageRoot, "test", "golden", "core", `${lab}.json`), "utf8")) as GoldenFile;
  const s = g.result.steps.find((x) => x.name === name);
  assert.ok(s && s.kind !== "matrix", `${lab}: step ${name}`);
  return s;
}

const grepV = (text: string, word: string) => text.split(/(?<=\n)/).filter((l) => !l.includes(word)).join("");
const sort = (text: string) => text.split(/(?<=\n)/).sort().join("");

/** bridge-fdb-show's setup: br0 with port v1, whose peer v2 is not in the bridge. */
async function bridgeFdbShow(): Promise<Host> {
  const h = host();
  await h.setup(`
    ip link add br0 address 02:00:00:00:00:b0 type bridge
    ip link add v1 address 02:00:00:00:00:11 type veth peer name v2 address 02:00:00:00:00:12
    ip link set v1 master br0
    ip link set br0 up
    ip link set v1 up`);
  return h;
}

/** bridge-fdb-show after its second action and the ping of its third step: br0 has learned v2's MAC on v1. */
async function learned(): Promise<Host> {
  const h = await bridgeFdbShow();
  await h.setup(`
    ip netns add ns1
    ip link set v2 netns ns1
    ip -n ns1 addr add 10.0.0.2/24 dev v2
    ip -n ns1 link set v2 up
    ip addr add 10.0.0.1/24 dev br0`);
  assert.equal((await h.sh("ping -c 1 -W 1 10.0.0.2")).exitCode, 0);
  return h;
}

test("bridge fdb show: every device's entries in ifindex order, self multicast lists, and bridge link show", async () => {
  const h = await bridgeFdbShow();
  const want = goldenStep("bridge-fdb-show", "the whole dump, a port without carrier");
  const fdb = await h.sh("bridge fdb show");
  const link = await h.sh("bridge link show");
  const details = await h.sh("bridge -d link show dev v1");
  assert.equal(grepV(fdb.stdout, " vlan 1 ") + link.stdout + details.stdout, want.stdout);
  assert.deepEqual([fdb.exitCode, link.exitCode, details.exitCode], [0, 0, 0]);
});

test("bridge fdb show brport: the learned entry, without the dev word", async () => {
  const h = await learned();
  const want = goldenStep("bridge-fdb-show", "a ping teaches br0 ns1's MAC on v1");
  const fdb = await h.sh("bridge fdb show brport v1");
  const link = await h.sh("bridge link show");
  assert.equal(sort(grepV(fdb.stdout, " vlan 1 ")) + link.stdout, want.stdout);
});

test("bridge fdb show br: a bridge without snooping; a bridge that does not exist", async () => {
  const h = host();
  await h.setup("ip link add br1 address 02:00:00:00:00:b1 up type bridge mcast_snooping 0");
  const want = goldenStep("bridge-fdb-show", "a bridge without snooping, and a bridge that does not exist");
  const fdb = await h.sh("bridge fdb show br br1");
  const nope = await h.sh("bridge fdb show br nope");
  assert.deepEqual(
    { stdout: grepV(fdb.stdout, " vlan 1 ") + nope.stdout, stderr: nope.stderr, exitCode: nope.exitCode },
    { stdout: want.stdout, stderr: want.stderr, exitCode: want.exitCode },
  );
});

test("bridge fdb show br br0 learns the namespaces' MACs on their ports (bridge-in-host)", async () => {
  const h = host();
  await h.setup(`
    ip link add br0 address 02:00:00:00:00:b0 type bridge
    ip addr add 10.0.0.254/24 dev br0
    ip link set br0 up`);
  for (const i of [1, 2, 3]) {
    await h.setup(`
      ip netns add ns${i}
      ip link add veth${i} address 02:00:00:00:01:0${i} type veth peer name eth0 netns ns${i} address 02:00:00:00:00:0${i}
      ip link set veth${i} master br0 up
      ip -n ns${i} addr add 10.0.0.${i}/24 dev eth0
      ip -n ns${i} link set eth0 up`);
  }
  assert.equal((await h.sh("ip netns exec ns1 ping -c 1 -W 1 10.0.0.2")).exitCode, 0);
  const want = goldenStep("bridge-in-host", "the bridge learned ns1's and ns2's MACs on their ports");
  const fdb = await h.sh("bridge fdb show br br0");
  assert.equal(sort(grepV(grepV(fdb.stdout, "permanent"), "33:33")), want.stdout);
});

test("filters: dynamic drops permanent entries, vlan keeps one VLAN, state ORs states (print_fdb)", async () => {
  const h = await learned();
  // The golden brport dump's learned line, with the dev word a dump without brport prints.
  assert.deepEqual(await h.sh("bridge fdb show dynamic"), { exitCode: 0, stdout: "02:00:00:00:00:12 dev v1 master br0 \n", stderr: "" });
  assert.equal((await h.sh("bridge fdb show state reachable")).stdout, "02:00:00:00:00:12 dev v1 master br0 \n");
  // Only the local entries exist for VLAN 1 (learned ones have no VLAN with vlan_filtering off).
  assert.equal(
    (await h.sh("bridge fdb show vlan 1")).stdout,
    "02:00:00:00:00:b0 dev br0 vlan 1 master br0 permanent\n02:00:00:00:00:11 dev v1 vlan 1 master br0 permanent\n",
  );
  const all = (await h.sh("bridge fdb show")).stdout;
  assert.equal((await h.sh("bridge fdb show state all")).stdout, all);
  assert.equal((await h.sh("bridge fdb show state permanent state reachable")).stdout, all);
  assert.equal((await h.sh("bridge fdb")).stdout, all);
  assert.equal((await h.sh("bridge fdb list junk")).stdout, all, "fdb_show ignores words it does not know");
  assert.equal((await h.sh("bridge fdb show state stale")).stdout, "");
});

test("rtnl_fdb_dump with NDA_MASTER of a device that is not a bridge selects nothing", async () => {
  const h = await bridgeFdbShow();
  // fdb_show only resolves the name (ll_name_to_index); the kernel then skips every device.
  assert.deepEqual(await h.sh("bridge fdb show br v1"), { exitCode: 0, stdout: "", stderr: "" });
  assert.deepEqual(await h.sh("bridge fdb show br v2"), { exitCode: 0, stdout: "", stderr: "" });
  // A bridge and a port of another bridge: nothing either.
  assert.deepEqual(await h.sh("bridge fdb show br br0 brport v2"), { exitCode: 0, stdout: "", stderr: "" });
});

test("errors: exit(-1) or return -1 from main, so 255", async () => {
  const h = await bridgeFdbShow();
  const fail = (stderr: string) => ({ exitCode: 255, stdout: "", stderr });
  assert.deepEqual(await h.sh("bridge fdb show dev nope"), fail('Cannot find device "nope"\n'));
  assert.deepEqual(await h.sh("bridge fdb show dev nope br nope2"), fail('Cannot find bridge device "nope2"\n'), "the bridge is looked up first");
  assert.deepEqual(await h.sh("bridge fdb show br"), fail('Command line is not complete. Try option "help"\n'));
  assert.deepEqual(await h.sh("bridge fdb show vlan 1 vlan 2"), fail('Error: duplicate "vlan": "2" is the second value.\n'));
  assert.deepEqual(await h.sh("bridge fdb show state bogus"), fail('Error: argument "bogus" is wrong: invalid state\n'));
  assert.deepEqual(await h.sh("bridge fdb frob"), fail('Command "frob" is unknown, try "bridge fdb help".\n'));
  assert.deepEqual(await h.sh("bridge frob"), fail('Object "frob" is unknown, try "bridge help".\n'));
  assert.deepEqual(await h.sh("bridge -frob fdb"), fail('Option "-frob" is unknown, try "bridge help".\n'));
  assert.deepEqual(await h.sh("bridge link show dev nope"), fail('Cannot find device "nope"\n'));
  assert.deepEqual(await h.sh("bridge link show dev v1 dev v2"), fail('Error: duplicate "dev": "v2" is the second value.\n'));
  assert.deepEqual(await h.sh("bridge link frob"), fail('Command "frob" is unknown, try "bridge link help".\n'));
  const usage = await h.sh("bridge fdb help");
  assert.equal(usage.exitCode, 255);
  assert.match(usage.stderr, /^Usage: bridge fdb \{ add \| append \| del \| replace \} ADDR dev DEV\n/);
});

test("bridge link: prefixes, -oneline, and a device that is not a port", async () => {
  const h = await bridgeFdbShow();
  const want = goldenStep("bridge-fdb-show", "the whole dump, a port without carrier").stdout.split("\n");
  const [line, details] = [want.at(-3)!, want.at(-2)!];
  assert.equal((await h.sh("bridge l")).stdout, `${line}\n`);
  assert.equal((await h.sh("bridge --details link lst dev v1")).stdout, `${line}\n${details}\n`);
  // print_protinfo writes _SL_ before the details: a backslash with -oneline.
  assert.equal((await h.sh("bridge -d -o link show")).stdout, `${line}\\${details}\n`);
  assert.deepEqual(await h.sh("bridge link show dev v2"), { exitCode: 0, stdout: "", stderr: "" });
});

test("bridge link set and ip link set ... type bridge_slave: the port options the simulator models, and a refusal for the rest", async () => {
  const h = await bridgeFdbShow();
  await h.setup(`
    bridge link set dev v1 hairpin on isolated on flood off cost 9 priority 3
    ip link set v1 type bridge_slave mcast_flood off bcast_flood off learning off
    bridge link set dev v1 guard off locked off`);
  const d = await h.sh("bridge -d link show dev v1");
  assert.match(d.stdout, / priority 3 cost 9 \n {4}hairpin on guard off root_block off fastleave off learning off flood off mcast_flood off bcast_flood off mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated on locked off \n$/);
  // Turning on what the simulator does not model is refused at its line, never taken silently.
  await assert.rejects(h.sh("bridge link set dev v1 guard on"), /bridge link set \.\.\. guard is not supported by --engine sim/);
  await assert.rejects(h.sh("ip link set v1 type bridge_slave state 3"), /type bridge_slave state is not supported by --engine sim/);
  await assert.rejects(h.sh("bridge link set dev v1 hwmode vepa"), /bridge link set \.\.\. hwmode is not supported/);
  // parse_on_off's -EINVAL is bridge's exit status; an unknown word is usage(), exit 255.
  const bad = await h.sh("bridge link set dev v1 flood maybe");
  assert.deepEqual([bad.exitCode, bad.stderr], [234, 'Error: argument of "flood" must be one of "off", "on", not "maybe"\n']);
  assert.equal((await h.sh("bridge link set dev v1 foo on")).exitCode, 255);
  const notPort = await h.sh("bridge link set dev v2 hairpin on");
  assert.deepEqual([notPort.exitCode, notPort.stderr], [255, "RTNETLINK answers: Operation not supported\n"]);
});
