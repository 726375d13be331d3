import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseShard, shardFiles } from "../src/cli/shard.js";
import { locateUml } from "../src/engines/uml.js";
import { packageRoot } from "../src/paths.js";
import { junitXml } from "../src/report/junit.js";
import { runCli } from "./helpers.js";
import { parseXml, type XmlElement } from "./xml-wellformed.js";

const coreDir = join("test", "labs", "core");
const core = readdirSync(join(packageRoot, coreDir))
  .filter((f) => f.endsWith(".lab.yaml"))
  .map((f) => join(coreDir, f));
const work = mkdtempSync(join(tmpdir(), "ipvlab-shard-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

const suites = (root: XmlElement) => root.children.filter((c) => c.name === "testsuite");

test("the shards of a list are disjoint, together the whole list, and do not depend on the order given", () => {
  for (const n of [1, 2, 3, 7, core.length, core.length + 3]) {
    const parts = Array.from({ length: n }, (_, k) => shardFiles(core, { index: k + 1, total: n }, packageRoot));
    const all = parts.flat();
    assert.equal(new Set(all).size, all.length, `no lab twice with ${n} shards`);
    assert.deepEqual([...all].sort(), [...core].sort(), `every lab in some shard of ${n}`);
    const sizes = parts.map((p) => p.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `shards of ${n} as even as can be: ${sizes.join(",")}`);
    const shuffled = [...core].reverse().concat(core.slice(0, 3));
    const again = Array.from({ length: n }, (_, k) => shardFiles(shuffled, { index: k + 1, total: n }, packageRoot));
    assert.deepEqual(again.map((p) => [...p].sort()), parts.map((p) => [...p].sort()), `the same shards of ${n} whatever the order, duplicates once`);
  }
  // The same file named two ways is one lab.
  assert.deepEqual(shardFiles(["a.lab.yaml", "./a.lab.yaml", join(packageRoot, "a.lab.yaml")], { index: 1, total: 1 }, packageRoot), ["a.lab.yaml"]);
});

test("--shard takes K/N with 1 <= K <= N and nothing else", () => {
  assert.deepEqual(parseShard("2/5"), { index: 2, total: 5 });
  for (const bad of ["0/3", "4/3", "1/0", "1", "a/b", "1/2/3", "-1/2", "1.5/2", "/2", "1/"]) assert.throws(() => parseShard(bad), /K\/N/, bad);
});

test("bad --shard and --jobs values are usage errors, exit 2, saying why", async () => {
  const lab = join(coreDir, "accept-local.lab.yaml");
  for (const [args, why] of [
    [["--shard", "3/2"], /K in K\/N counts from 1 to N \(2\), not 3/],
    [["--shard", "x"], /"x" is not K\/N/],
    [["--jobs", "0"], /a whole number from 1 to 64/],
  ] as const) {
    for (const cmd of ["verify", "record"]) {
      const r = await runCli([cmd, lab, ...args]);
      assert.equal(r.code, 2, `${cmd} ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
  }
  const golden = await runCli(["verify", "--golden", lab, "--jobs", "2"]);
  assert.equal(golden.code, 2);
  assert.match(golden.stderr, /with --golden none runs/);
});

test("verify --golden --shard K/N: each lab in exactly one shard's JUnit report, every report well-formed", async () => {
  const n = 3;
  const seen: string[] = [];
  for (let k = 1; k <= n; k++) {
    const out = join(work, "reports", `verify-${k}.xml`);
    const r = await runCli(["verify", "--golden", "--golden-dir", "test/golden/core", "-q", "--shard", `${k}/${n}`, "--junit", out, ...core]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const root = parseXml(readFileSync(out, "utf8"));
    assert.equal(root.name, "testsuites");
    assert.equal(root.attrs.failures, "0");
    for (const s of suites(root)) {
      seen.push(s.attrs.file!);
      const cases = s.children.filter((c) => c.name === "testcase");
      assert.equal(cases[0]!.attrs.name, s.attrs.name, "the first test case is the lab as a whole");
      assert.ok(cases.length > 1, "a test case per step");
      assert.equal(s.attrs.tests, String(cases.length));
    }
    const m = suites(root).length;
    assert.match(r.stdout, new RegExp(`^${m} of ${m} ${m === 1 ? "lab agrees" : "labs agree"}$`, "m"));
  }
  assert.equal(new Set(seen).size, seen.length, "no lab twice");
  assert.deepEqual([...seen].sort(), [...core].sort());
});

test("a lab that differs from its golden file is a failure in the JUnit report, with the diff", async () => {
  // arp-ignore, but its last sysctl leaves arp_ignore at 0: the last arping is answered, unlike in the recording.
  const original = readFileSync(join(packageRoot, coreDir, "arp-ignore.lab.yaml"), "utf8");
  const changed = original.replace("net.ipv4.conf.all.arp_ignore=8", "net.ipv4.conf.all.arp_ignore=0");
  assert.notEqual(changed, original);
  const lab = join(work, "arp-ignore.lab.yaml");
  writeFileSync(lab, changed);
  const out = join(work, "differs.xml");
  const r = await runCli(["verify", "--golden", "--golden-dir", "test/golden/core", "-q", "--junit", out, lab, join(coreDir, "accept-local.lab.yaml")]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const root = parseXml(readFileSync(out, "utf8"));
  const [accept, arp] = ["accept-local", "arp-ignore"].map((name) => suites(root).find((s) => s.attrs.name === name)!);
  assert.equal(accept!.attrs.failures, "0");
  assert.ok(Number(arp!.attrs.failures) >= 2, "the lab and at least one step fail");
  const failing = arp!.children.filter((c) => c.children.some((f) => f.name === "failure"));
  assert.equal(failing[0]!.attrs.name, "arp-ignore");
  const step = failing.find((c) => c.attrs.name!.includes("not even 10.0.0.1 is answered"));
  assert.ok(step, `the step that now differs fails: ${failing.map((c) => c.attrs.name).join(", ")}`);
  const failure = step.children.find((f) => f.name === "failure")!;
  assert.match(failure.attrs.message!, /sim differs from its golden file/);
  assert.match(failure.text, /^[-+].*/m, "the unified diff");
  assert.equal(root.attrs.failures, String(suites(root).reduce((n, s) => n + Number(s.attrs.failures), 0)));
});

test("JUnit text and attributes carry any string: markup, quotes, line ends, control characters", () => {
  const nasty = `a<b>&c "q" 'a' ]]> line1\nline2\r\tend \x1b[31mred\x1b[0m \x00 \ud800 é 🙂`;
  const xml = junitXml(`ipvlab ${nasty}`, [{ name: nasty, file: `dir/${nasty}.lab.yaml`, cases: [{ name: nasty, failure: { message: nasty, detail: nasty } }, { name: "ok", failure: null }] }]);
  const root = parseXml(xml);
  const suite = suites(root)[0]!;
  const failure = suite.children[0]!.children[0]!;
  const shown = nasty.replaceAll("\x1b", "\\x1b").replaceAll("\x00", "\\x00").replaceAll("\ud800", "\\ud800");
  for (const v of [root.attrs.name!.slice("ipvlab ".length), suite.attrs.name, suite.children[0]!.attrs.name, failure.attrs.message]) assert.equal(v, shown);
  assert.equal(failure.text, shown);
  assert.equal(suite.attrs.tests, "2");
  assert.equal(suite.attrs.failures, "1");
});

const uml = (() => {
  try {
    locateUml("6.1");
    return null;
  } catch (e) {
    return (e as Error).message;
  }
})();

test("verify --engine uml --jobs 2 boots two kernels at once and reports the labs in the order given", { skip: uml ?? false }, async () => {
  const labs = [join(coreDir, "two-hosts-one-network.lab.yaml"), join(coreDir, "ping-outstanding.lab.yaml")];
  const out = join(work, "uml.xml");
  const r = await runCli(["verify", "--engine", "uml", "--jobs", "2", "--junit", out, ...labs]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /\[job 1\/2\] .*booting User-Mode Linux/);
  assert.match(r.stderr, /\[job 2\/2\] .*booting User-Mode Linux/);
  const order = [...r.stdout.matchAll(/^(\S+): sim agrees/gm)].map((m) => m[1]);
  assert.deepEqual(order, ["two-hosts-one-network", "ping-outstanding"]);
  const root = parseXml(readFileSync(out, "utf8"));
  assert.deepEqual(suites(root).map((s) => s.attrs.file), labs);
});
