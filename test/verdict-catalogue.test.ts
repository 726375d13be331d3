// The catalogue of broken labs (test/labs/broken): each is an example with
// one mistake. The verdict of each failing ping must name the first cause on
// its path and the command that changes it; that command is the lab's own
// step "the verdict's fix", and the real kernel's run of the lab
// (test/golden/broken) shows the ping failing before it and working after.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { CommandResult } from "../src/engines/result.js";
import { traceAfter } from "../src/engines/sim/explain.js";
import { traceVerdict } from "../src/engines/sim/trace-verdict.js";
import { labSha256, type GoldenFile } from "../src/golden/golden.js";
import { loadLabFile } from "../src/lab/load.js";
import type { CommandStep } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { runCli } from "./helpers.js";

const labDir = join(packageRoot, "test", "labs", "broken");
const goldenDir = join(packageRoot, "test", "golden", "broken");
const FIX_STEP = "the verdict's fix";

interface Entry {
  lab: string;
  /** What the verdict must say is wrong. */
  cause: RegExp;
  /** The command it must give, and the host it runs on. */
  fix: string;
  on: string;
}

const CATALOGUE: Entry[] = [
  { lab: "seed-l2-slave-down", cause: /172\.16\.91\.101 is vm02\/ns01's ipvlan1, an ipvlan l2 slave of vm02's ens34, which is down/, fix: "ip netns exec ns01 ip link set ipvlan1 up", on: "vm02" },
  { lab: "seed-l2-parent-down", cause: /the request never leaves: vm02\/ns01's ipvlan1 cannot send: it has no carrier: its parent vm02's ens34 is down/, fix: "ip link set ens34 up", on: "vm02" },
  { lab: "seed-l2-lan-nic-down", cause: /172\.16\.91\.10 is vm01's ens34, which is down/, fix: "ip link set ens34 up", on: "vm01" },
  { lab: "seed-l2-no-address", cause: /no device in the lab holds 172\.16\.91\.101; vm02\/ns01's ipvlan1, on the same link, has no address/, fix: "ip netns exec ns01 ip addr add 172.16.91.101/24 dev ipvlan1", on: "vm02" },
  {
    lab: "seed-l2-slash32",
    cause: /vm02\/ns01 has no route to 172\.16\.91\.10: vm02\/ns01's ipvlan1 holds 172\.16\.91\.101\/32, a prefix that does not take in 172\.16\.91\.10, though 172\.16\.91\.10 is vm01's ens34 \(172\.16\.91\.10\/24\) on the same link/,
    fix: "ip netns exec ns01 ip addr del 172.16.91.101/32 dev ipvlan1; ip netns exec ns01 ip addr add 172.16.91.101/24 dev ipvlan1",
    on: "vm02",
  },
  { lab: "seed-l2-no-netns", cause: /no device in the lab holds 172\.16\.91\.101: the lab adds it to ipvlan1 in ns01 on vm02, but vm02 has no namespace ns01/, fix: "ip netns add ns01", on: "vm02" },
  { lab: "seed-l2-wrong-parent", cause: /ipvlan1's frames reach only vmnet1, and vm01 is on vmnet8: an ARP request never leaves its own network \(ipvlan1 is a slave of ens33; ens34 is vm02's NIC on vmnet8/, fix: "ip link add link ens34 ipvlan1 type ipvlan mode l2", on: "vm02" },
  { lab: "seed-l2-slave-noarp", cause: /vm02\/ns01's ipvlan1(, an ipvlan l2 slave of vm02's ens34, which holds 172\.16\.91\.101 but)? is NOARP/, fix: "ip netns exec ns01 ip link set ipvlan1 arp on", on: "vm02" },
  { lab: "seed-l2-lan-nic-noarp", cause: /the request reaches vm01's ens34, which holds 172\.16\.91\.10 but is NOARP and never answers ARP/, fix: "ip link set ens34 arp on", on: "vm01" },
  { lab: "seed-l2-rpfilter", cause: /vm02 drops 172\.16\.91\.101 > 172\.16\.91\.14 as it arrives on ens34: with rp_filter=1 \(strict reverse-path filtering\)/, fix: "sysctl -w net.ipv4.conf.all.rp_filter=2", on: "vm02" },
  { lab: "seed-l2-arp-ignore", cause: /the request reaches ipvlan0, not ens34 which holds 172\.16\.91\.14 .*, and ipvlan0 does not answer: with arp_ignore=1 a device answers only for its own addresses/, fix: "sysctl -w net.ipv4.conf.all.arp_ignore=0", on: "vm02" },
  { lab: "seed-l2-private", cause: /vm02\/ns02's ipvlan2 answers, but the answer is lost: vm02\/ns02's ipvlan2 may not reach its sibling slave: the ipvlan port is private/, fix: "ip netns exec ns02 ip link set ipvlan2 type ipvlan mode l2 bridge", on: "vm02" },
  { lab: "seed-l2-vepa", cause: /the answer is lost: the ipvlan port of vm02's ens34 is vepa, so ipvlan2 sends even a sibling's answer out of the parent, and the switch on vmnet8 does not send it back/, fix: "ip netns exec ns02 ip link set ipvlan2 type ipvlan mode l2 bridge", on: "vm02" },
  { lab: "seed-l2-wrong-neigh", cause: /vm02\/ns01's ipvlan1 sends to 00:0c:29:a0:10:01, the MAC of its permanent neighbour entry for 172\.16\.91\.10, but 172\.16\.91\.10 is vm01's ens34, whose MAC is 00:0c:29:a0:10:10/, fix: "ip netns exec ns01 ip neigh replace 172.16.91.10 lladdr 00:0c:29:a0:10:10 dev ipvlan1", on: "vm02" },
  { lab: "seed-l2-noprefixroute", cause: /vm02\/ns01's ipvlan1 holds 172\.16\.91\.101\/24, but no route to 172\.16\.91\.0\/24 came with it/, fix: "ip netns exec ns01 ip route add 172.16.91.0/24 dev ipvlan1", on: "vm02" },
  { lab: "seed-l2-veth-peer-down", cause: /vm01's veth0 cannot send: it has no carrier: its peer vm01\/c1's veth1 is down/, fix: "ip netns exec c1 ip link set veth1 up", on: "vm01" },
  {
    lab: "seed-l3-slash32",
    cause: /the echo request reaches vm02\/ns02, but the reply never gets back: vm02\/ns02 has no route to 172\.16\.91\.101: vm02\/ns02's ipvlan2 holds 172\.16\.91\.102\/32/,
    fix: "ip netns exec ns02 ip addr del 172.16.91.102/32 dev ipvlan2; ip netns exec ns02 ip addr add 172.16.91.102/24 dev ipvlan2",
    on: "vm02",
  },
  { lab: "seed-l3-parent-down", cause: /vm02\/ns01's ipvlan1 cannot send: it has no carrier: its parent vm02's ens34 is down/, fix: "ip link set ens34 up", on: "vm02" },
  { lab: "macvlan-slave-down", cause: /172\.16\.91\.102 is vm02\/ns02's macvlan2, a macvlan bridge slave of vm02's ens34, which is down/, fix: "ip netns exec ns02 ip link set macvlan2 up", on: "vm02" },
  { lab: "macvlan-parent-down", cause: /vm02\/ns01's macvlan1 cannot send: it has no carrier: its parent vm02's ens34 is down/, fix: "ip link set ens34 up", on: "vm02" },
  { lab: "macvlan-private", cause: /the request never gets there: macvlan1 is a private macvlan: what it sends goes only out of the parent/, fix: "ip netns exec ns01 ip link set macvlan1 type macvlan mode bridge", on: "vm02" },
  { lab: "macvlan-vepa", cause: /the request never gets there: macvlan1 is a vepa macvlan: what it sends goes only out of the parent/, fix: "ip netns exec ns01 ip link set macvlan1 type macvlan mode bridge", on: "vm02" },
  { lab: "macvlan-gateway-nic-down", cause: /172\.16\.91\.2 is gateway's eth0, which is down/, fix: "ip link set eth0 up", on: "gateway" },
];

const golden = (name: string): GoldenFile => JSON.parse(readFileSync(join(goldenDir, `broken-${name}.json`), "utf8")) as GoldenFile;

describe("verdict catalogue: broken labs, one mistake each", () => {
  test("every broken lab is in the catalogue, and the catalogue has at least 15", () => {
    const labs = readdirSync(labDir).filter((f) => f.endsWith(".lab.yaml")).map((f) => f.replace(/\.lab\.yaml$/, "")).sort();
    assert.deepEqual(labs, CATALOGUE.map((e) => e.lab).sort());
    assert.ok(CATALOGUE.length >= 15);
  });

  for (const e of CATALOGUE) {
    test(`${e.lab}: the verdict names the cause and the fix, which the real kernel shows working`, async () => {
      const lab = loadLabFile(join(labDir, `${e.lab}.lab.yaml`)).lab;
      const fixAt = lab.steps.findIndex((s) => s.name === FIX_STEP);
      const fix = lab.steps[fixAt] as CommandStep | undefined;
      assert.ok(fix && fix.kind === "action", `${e.lab} has a step "${FIX_STEP}"`);
      assert.equal(fix.on, e.on);
      assert.ok(fix.run.split(/\n/).includes(e.fix), `the lab's fix runs \`${e.fix}\`: ${fix.run}`);
      const failing = lab.steps.slice(0, fixAt).flatMap((s, i) => (s.kind === "check" && s.expect === "fail" ? [{ s, i }] : []));
      assert.ok(failing.length > 0);
      for (const { s, i } of failing) {
        const t = await traceAfter(lab, i, "", () => ({ host: s.on, run: s.run }));
        const verdict = traceVerdict(t);
        assert.notEqual(t.exitCode, 0, verdict);
        assert.match(verdict, e.cause);
        assert.ok(verdict.includes(`\`${e.fix}\` on ${e.on} `), `${s.name}: the verdict gives \`${e.fix}\` on ${e.on}: ${verdict}`);
      }

      // The real kernel: the failing checks fail, and the last check (the first one again) works after the fix.
      assert.ok(existsSync(join(goldenDir, `broken-${e.lab}.json`)), `record it: node dist/src/cli/main.js record test/labs/broken/${e.lab}.lab.yaml -o test/golden/broken --engine uml`);
      const g = golden(e.lab);
      assert.equal(g.recordedWith.labSha256, labSha256(join(labDir, `${e.lab}.lab.yaml`)), `${e.lab} changed since it was recorded`);
      const steps = g.result.steps.filter((s): s is CommandResult => s.kind !== "matrix" && !s.setup);
      for (const { s } of failing) assert.ok(steps.some((r) => r.name === s.name && r.exitCode !== 0 && r.met), `${s.name} fails on the real kernel`);
      const after = steps.at(-1)!;
      assert.equal(after.expect, "ok");
      assert.equal(after.command, failing[0]!.s.run);
      assert.deepEqual([after.exitCode, after.met], [0, true], `${after.name} on the real kernel`);
    });
  }

  test("an arping's verdict names the cause as a ping's does: its probes are requests too", async () => {
    const ARPINGS: [lab: string, run: string, cause: RegExp][] = [
      ["seed-l2-slave-down", "ip netns exec ns02 arping -c 1 -w 1 -I ipvlan2 172.16.91.101", /: 172\.16\.91\.101 is vm02\/ns01's ipvlan1, an ipvlan l2 slave of vm02's ens34, which is down \(`ip netns exec ns01 ip link set ipvlan1 up` on vm02 brings it up\)\.$/],
      ["seed-l2-lan-nic-down", "ip netns exec ns01 arping -c 1 -w 1 -I ipvlan1 172.16.91.10", /: 172\.16\.91\.10 is vm01's ens34, which is down \(`ip link set ens34 up` on vm01 brings it up\)\.$/],
      ["seed-l2-parent-down", "ip netns exec ns01 arping -c 1 -w 1 -I ipvlan1 172.16.91.102", /: the request never leaves: vm02\/ns01's ipvlan1 cannot send: it has no carrier: its parent vm02's ens34 is down/],
      // The sender is a bridge-mode macvlan; the one that holds the address is not.
      ["macvlan-private", "ip netns exec ns02 arping -c 1 -w 1 -I macvlan2 172.16.91.101", /macvlan1 is a private macvlan: nothing is switched to it locally, not even from a bridge-mode sibling \(`ip netns exec ns01 ip link set macvlan1 type macvlan mode bridge` on vm02/],
      // arping refuses a device that is down before any probe.
      ["macvlan-slave-down", "ip netns exec ns02 arping -c 1 -w 1 -I macvlan2 172.16.91.101", /no packet leaves \(Interface "macvlan2" is down\): vm02\/ns02's macvlan2 is down \(`ip netns exec ns02 ip link set macvlan2 up` on vm02 brings it up\)\.$/],
    ];
    for (const [name, run, cause] of ARPINGS) {
      const lab = loadLabFile(join(labDir, `${name}.lab.yaml`)).lab;
      const verdict = traceVerdict(await traceAfter(lab, 0, "", () => ({ host: "vm02", run })));
      assert.match(verdict, cause, `${name}: ${verdict}`);
    }
  });

  test("a matrix cell's reason is the same verdict, fix included", async () => {
    const r = await runCli(["matrix", join(labDir, "seed-l2-slave-down.lab.yaml"), "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const [m] = JSON.parse(r.stdout) as { cells: { from: string; to: string; ok: boolean; reason?: string; factors?: string[] }[] }[];
    const cell = m!.cells.find((c) => c.from === "vm01:ens34" && c.to === "vm02/ns01:ipvlan1")!;
    assert.equal(cell.ok, false);
    assert.match(cell.reason ?? "", /which is down \(`ip netns exec ns01 ip link set ipvlan1 up` on vm02 brings it up\)$/);
    assert.deepEqual(cell.factors, ["device-down"]);
  });
});
