// The fix catalogue: broken labs with one mistake each (test/labs/broken), the
// seed labs' ns -> host pings, an L3 slave the LAN cannot ARP for, and hosts
// that cannot reach their own macvlan containers. For each, `ipvlab fix` must put the
// expected change among its top three; every suggestion it prints, written
// into the lab file as printed, must make the goal succeed when that file
// is run again (checked here on its own, not by the search's word); and
// for a batch of them the real kernel (uml) must agree with the best.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { traceAfter } from "../src/engines/sim/explain.js";
import { CATALOGUE as GENERATORS } from "../src/engines/sim/fix/catalogue.js";
import { editedLab, judge, stepResult, upToGoal, type Suggestion } from "../src/engines/sim/fix/judge.js";
import { searchFixes, type SearchResult } from "../src/engines/sim/fix/search.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { UmlEngine } from "../src/engines/uml.js";
import { loadLabFile } from "../src/lab/load.js";
import { parseYamlLab } from "../src/lab/parse.js";
import type { Lab } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { runCli } from "./helpers.js";

interface Entry {
  file: string;
  /** The check to make succeed, or a ping after setup. */
  check?: string;
  from?: { host: string; netns: string; to: string };
  /** A command (or "hairpin NETWORK") one of the top three must contain. */
  expect: string;
  /** Verified on uml in the batch below. */
  uml?: boolean;
}

const broken = (name: string) => join(packageRoot, "test", "labs", "broken", `${name}.lab.yaml`);

/** Each broken lab's first check that documents its failure. */
const b = (name: string, expect: string, uml = false): Entry => ({ file: broken(name), expect, uml });

const CATALOGUE: Entry[] = [
  { file: join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml"), from: { host: "vm02", netns: "ns01", to: "172.16.91.14" }, expect: "ip route add 172.16.91.101 dev ipvlan0", uml: true },
  { file: join(packageRoot, "examples", "seed-ipvlan-l3.lab.yaml"), from: { host: "vm02", netns: "ns01", to: "172.16.91.14" }, expect: "ip route add 172.16.91.101 dev ipvlan0", uml: true },
  { file: join(packageRoot, "examples", "seed-ipvlan-l3.lab.yaml"), from: { host: "vm01", netns: "", to: "172.16.91.101" }, expect: "type ipvlan mode l2 bridge" },
  // Docker's macvlan shim (its documentation's fix for a host that cannot reach its containers), found for the host on VLAN 10.
  { file: join(packageRoot, "examples", "docker-macvlan-vlan-trunk.lab.yaml"), check: "the host with an address on eth0.10 cannot reach c1 through it", expect: "ip link add link eth0.10 macvl0 type macvlan mode bridge", uml: true },
  // ping -I ens34 leaves by the parent whatever the routes say: only a switch that reflects it back reaches the slave.
  { file: join(packageRoot, "examples", "macvlan-bridge.lab.yaml"), check: "vm02's ens34 cannot reach its own macvlan in ns01", expect: "hairpin vmnet8", uml: true },
  b("seed-l2-slave-down", "ip netns exec ns01 ip link set ipvlan1 up", true),
  b("seed-l2-parent-down", "ip link set ens34 up"),
  b("seed-l2-lan-nic-down", "ip link set ens34 up"),
  b("seed-l2-no-address", "ip netns exec ns01 ip addr add 172.16.91.101/24 dev ipvlan1", true),
  b("seed-l2-slash32", "ip netns exec ns01 ip addr add 172.16.91.101/24 dev ipvlan1", true),
  b("seed-l2-no-netns", "ip addr add 172.16.91.101/24 dev ipvlan1"),
  b("seed-l2-wrong-parent", "ip link add link ens34 ipvlan1 type ipvlan mode l2"),
  b("seed-l2-slave-noarp", "ip netns exec ns01 ip link set ipvlan1 arp on"),
  b("seed-l2-lan-nic-noarp", "ip link set ens34 arp on"),
  b("seed-l2-rpfilter", "sysctl -w net.ipv4.conf.all.rp_filter=2", true),
  b("seed-l2-arp-ignore", "sysctl -w net.ipv4.conf.all.arp_ignore=0", true),
  b("seed-l2-private", "type ipvlan mode l2 bridge"),
  b("seed-l2-vepa", "hairpin vmnet8", true),
  b("seed-l2-wrong-neigh", "ip netns exec ns01 ip neigh replace 172.16.91.10 lladdr 00:0c:29:a0:10:10 dev ipvlan1", true),
  b("seed-l2-noprefixroute", "ip netns exec ns01 ip route add 172.16.91.0/24 dev ipvlan1"),
  b("seed-l2-veth-peer-down", "ip netns exec c1 ip link set veth1 up"),
  b("seed-l3-slash32", "ip netns exec ns02 ip addr add 172.16.91.102/24 dev ipvlan2"),
  b("seed-l3-parent-down", "ip link set ens34 up"),
  b("macvlan-slave-down", "ip netns exec ns02 ip link set macvlan2 up"),
  b("macvlan-parent-down", "ip link set ens34 up"),
  b("macvlan-private", "ip netns exec ns01 ip link set macvlan1 type macvlan mode bridge", true),
  b("macvlan-vepa", "hairpin vmnet8"),
  b("macvlan-gateway-nic-down", "ip link set eth0 up"),
];

/** The broken labs' goal: their first check expecting the failure the mistake causes. */
function goalOf(lab: Lab, e: Entry): { steps: number; pick: Parameters<typeof searchFixes>[3] } {
  if (e.from) {
    const f = e.from;
    return { steps: 0, pick: () => ({ host: f.host, run: f.netns ? `ip netns exec ${f.netns} ping -c 1 -W 1 ${f.to}` : `ping -c 1 -W 1 ${f.to}`, check: null }) };
  }
  const i = lab.steps.findIndex((s) => s.kind === "check" && (e.check ? s.name === e.check : s.expect === "fail"));
  const s = lab.steps[i]!;
  assert.ok(s.kind === "check");
  return { steps: i, pick: () => ({ host: s.on, run: s.run, check: s.name }) };
}

const has = (s: Suggestion, expect: string): boolean => {
  const hp = /^hairpin (\S+)$/.exec(expect)?.[1];
  return s.changes.some((c) => (hp ? c.hairpinNetwork === hp : c.commands.some((cmd) => cmd.includes(expect))));
};

interface Found {
  lab: Lab;
  search: SearchResult;
  suggestions: Suggestion[];
  text: string;
}

const found = new Map<string, Found>();

async function fixOf(e: Entry): Promise<Found> {
  const got = found.get(e.file + (e.from?.to ?? "") + (e.from?.host ?? ""));
  if (got) return got;
  const lab = loadLabFile(e.file).lab;
  const text = readFileSync(e.file, "utf8");
  const g = goalOf(lab, e);
  const search = await searchFixes(lab, g.steps, "setup", g.pick, { budget: 500 });
  const suggestions = await judge(search, text, { max: 3, tries: 8 });
  const f = { lab, search, suggestions, text };
  found.set(e.file + (e.from?.to ?? "") + (e.from?.host ?? ""), f);
  return f;
}

describe("fix catalogue: the expected change among the top three, every suggestion proven on the lab as edited", () => {
  test("at least 20 labs, every broken lab among them, every generator with what it fixes and works around", () => {
    assert.ok(CATALOGUE.length >= 20);
    for (const g of GENERATORS) assert.ok(g.fixes && g.worksAround, g.name);
    assert.ok(CATALOGUE.filter((e) => e.uml).length >= 8);
  });

  for (const e of CATALOGUE) {
    const name = e.file.replace(/^.*\//, "").replace(/\.lab\.yaml$/, "");
    test(`${name}${e.from ? ` (${e.from.host}${e.from.netns ? `/${e.from.netns}` : ""} -> ${e.from.to})` : ""}: ${e.expect}`, async () => {
      const { lab, search, suggestions } = await fixOf(e);
      assert.notEqual(search.before.exitCode, 0, "the goal fails before the fix");
      assert.ok(suggestions.length > 0 && suggestions.length <= 3);
      assert.ok(
        suggestions.some((s) => has(s, e.expect)),
        `expected \`${e.expect}\` among: ${suggestions.map((s) => s.changes.map((c) => c.commands.join("; ") || `hairpin ${c.hairpinNetwork}`).join(" + ")).join(" | ")}`,
      );
      for (const s of suggestions) {
        // The printed diff, applied: the file text as the suggestion shows it.
        assert.ok(s.diff.includes("+++ b/"), "a unified diff");
        const edited = parseYamlLab(lab.file, s.text).lab;
        const added = edited.steps.length - lab.steps.length;
        if (e.from) {
          const t = await traceAfter(edited, search.scene.goal.steps + added, "", () => ({ host: search.scene.goal.host, run: search.scene.goal.run }));
          assert.equal(t.exitCode, 0, `${s.changes[0]!.what}: the ping succeeds in the lab as edited`);
        } else {
          const r = (await runLabInSim(edited)).result;
          const check = r.steps.find((x): x is CommandResult => x.kind !== "matrix" && x.name === search.scene.goal.check)!;
          assert.equal(check.exitCode, 0, `${s.changes[0]!.what}: the check succeeds in the lab as edited`);
        }
        assert.ok(s.why && s.why.length > 20, "a why from the successful trace");
      }
    });
  }

  test("ipvlab fix on the command line: the seed's host route as a diff, exit codes", async () => {
    const seed = join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml");
    const r = await runCli(["fix", seed, "--from", "vm02/ns01", "--to", "172.16.91.14"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Fix 1 \(host-route\): route 172\.16\.91\.101 through ipvlan0/);
    assert.match(r.stdout, /\+ {6}ip route add 172\.16\.91\.101 dev ipvlan0/);
    assert.match(r.stdout, /why: .*delivered to vm02\/ns01's ipvlan1/);
    assert.match(r.stdout, /tried all \d+ single changes/);
    assert.equal((await runCli(["fix", seed, "--check", "no such check"])).code, 2);
    assert.equal((await runCli(["fix", seed, "--from", "vm02/ns01"])).code, 2);
    const none = await runCli(["fix", seed, "--from", "vm01", "--to", "10.9.9.9", "--budget", "0", "--json"]);
    assert.equal(none.code, 1, none.stderr);
    assert.deepEqual((JSON.parse(none.stdout) as { suggestions: unknown[] }).suggestions, []);
  });
});

describe("fix catalogue on the real kernel: the best suggestion, written into the lab, succeeds on uml", () => {
  const batch = CATALOGUE.filter((e) => e.uml);
  let results: LabResult[] = [];
  const goals: { lab: Lab; index: number }[] = [];
  before(async () => {
    const labs: Lab[] = [];
    for (const e of batch) {
      const { lab, search, suggestions, text } = await fixOf(e);
      const ed = editedLab(lab, text, search.scene.goal, suggestions[0]!.changes);
      labs.push(upToGoal(ed));
      goals.push({ lab: ed.lab, index: ed.goalIndex });
    }
    results = await new UmlEngine().runMany(labs);
  });
  for (const [i, e] of batch.entries())
    test(`${e.file.replace(/^.*\//, "")}${e.from ? ` -> ${e.from.to}` : ""}`, () => {
      const g = stepResult(goals[i]!.lab, results[i]!, goals[i]!.index);
      assert.ok(g && g.kind !== "matrix");
      assert.equal(g.exitCode, 0, `on uml: ${g.stdout}${g.stderr}`);
    });
});
