// The simulator's traces and diagrams of the seed examples, held to the
// snapshots test/snapshots/make.sh wrote (and a reader reviewed): a change
// in what the kernel model decides, or in how it is told, shows up here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../src/paths.js";
import { runCli } from "./helpers.js";

const snapshots = readFileSync(join(packageRoot, "test", "snapshots", "make.sh"), "utf8")
  .split("\n")
  .filter((l) => l.startsWith("ipvlab "))
  .map((l) => {
    const m = /^ipvlab (.*) > (\S+)$/.exec(l)!;
    // The arguments as the shell would split them: words, or "quoted words".
    const args = [...m[1]!.matchAll(/"([^"]*)"|(\S+)/g)].map((x) => x[1] ?? x[2]!);
    return { args, file: m[2]! };
  });

test("the snapshot list is read from make.sh", () => {
  assert.ok(snapshots.length >= 5);
});

for (const { args, file } of snapshots) {
  test(`snapshot ${file}`, async () => {
    const r = await runCli(args);
    // trace exits with the traced command's status, which its verdict names.
    const traced = /^verdict: .*? fails \(exit (\d+)\)/m.exec(r.stdout);
    assert.equal(r.code, traced ? Number(traced[1]) : 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(packageRoot, file), "utf8"));
  });
}
