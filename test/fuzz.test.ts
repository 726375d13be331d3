import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fuzz, fuzzIndices, type FuzzFlags } from "../src/cli/fuzz.js";
import type { Engine, RunOptions } from "../src/engines/engine.js";
import type { LabResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { UmlEngine } from "../src/engines/uml.js";
import { simRefusal } from "../src/fuzz/compare.js";
import { generateLab } from "../src/fuzz/generate.js";
import { fuzzLabYaml, fuzzParts, fuzzSubset } from "../src/fuzz/lab.js";
import { Coalescer } from "../src/fuzz/coalesce.js";
import { shrink } from "../src/fuzz/shrink.js";
import { parseYamlLab } from "../src/lab/load.js";
import type { Lab } from "../src/lab/types.js";

const flags = (out: string, more: Partial<FuzzFlags> = {}): FuzzFlags => ({ seed: 1, count: 5, engine: "uml", out, batch: 50, shrinkRounds: 15, quiet: true, ...more });

describe("fuzz: the labs", () => {
  test("the same seed makes the same labs; lab i does not depend on the count", () => {
    for (let i = 0; i < 20; i++) assert.equal(fuzzLabYaml(generateLab(42, i)), fuzzLabYaml(generateLab(42, i)));
    const a = Array.from({ length: 20 }, (_, i) => fuzzLabYaml(generateLab(42, i)));
    assert.equal(new Set(a).size, 20, "twenty different labs");
    assert.notEqual(fuzzLabYaml(generateLab(43, 0)), a[0], "another seed, other labs");
  });

  test("shards deal the lab numbers out in turn: disjoint, and together all of them", () => {
    const parts = [1, 2, 3].map((index) => fuzzIndices(10, { index, total: 3 }));
    assert.deepEqual(parts[0], [0, 3, 6, 9]);
    assert.deepEqual(parts.flat().sort((x, y) => x - y), fuzzIndices(10, undefined));
  });

  test("every generated lab loads, and the simulator runs it without refusing a command", async () => {
    for (let i = 0; i < 40; i++) {
      const f = generateLab(7, i);
      const lab = parseYamlLab(`/fuzz/${f.name}.lab.yaml`, fuzzLabYaml(f)).lab;
      assert.ok(lab.hosts.length >= 1 && lab.hosts.length <= 4);
      const [r] = await new SimEngine().runMany([lab]);
      assert.equal(simRefusal(r!), null, f.name);
    }
  });
});

describe("fuzz: shrinking", () => {
  test("ddmin keeps only what the difference needs, trying each round's candidates in one batch", async () => {
    let batches = 0;
    const r = await shrink(
      Array.from({ length: 20 }, (_, i) => i),
      async (cs) => {
        batches++;
        return cs.map((c) => c.includes(3) && c.includes(17));
      },
    );
    assert.deepEqual(r.parts, [3, 17]);
    assert.equal(r.rounds, batches);
  });

  test("a synthetic difference shrinks to the one setup line and the one step that show it", async () => {
    // A stand-in for a real kernel that answers as the simulator, except that every ping in a
    // lab with an ipvlan l3 slave exits otherwise: the minimal lab is that line and one ping.
    const marker = /type ipvlan mode l3\b/;
    const calls: number[] = [];
    const fake: Engine = {
      name: "uml",
      async runMany(labs: Lab[], opts: RunOptions = {}): Promise<LabResult[]> {
        calls.push(labs.length);
        const rs = await new SimEngine().runMany(labs, { kernelRelease: opts.kernelRelease });
        return rs.map((r, i) => {
          const flip = labs[i]!.hosts.some((h) => marker.test(h.run));
          return {
            ...r,
            engine: "uml",
            steps: r.steps.map((s) => (flip && s.kind === "check" && /\bping\b/.test(s.command) ? { ...s, exitCode: s.exitCode ? 0 : 1 } : s)),
          };
        });
      },
    };
    const [index, other] = Array.from({ length: 200 }, (_, i) => i).filter((i) => {
      const f = generateLab(1, i);
      return f.hosts.some((h) => h.lines.some((l) => marker.test(l))) && f.steps.some((s) => s.kind === "check" && /\bping\b/.test(s.run));
    });
    assert.ok(index !== undefined && other !== undefined);
    const out = mkdtempSync(join(tmpdir(), "ipvlab-fuzz-"));
    try {
      const summary = await fuzz(flags(out, { count: other + 1, batch: other + 1, shard: undefined }), { real: fake, sim: new SimEngine() }, () => {});
      const o = summary.outcomes.find((x) => x.index === index)!;
      const o2 = summary.outcomes.find((x) => x.index === other)!;
      assert.equal(o.verdict, "differs");
      assert.equal(o2.verdict, "differs");
      assert.equal(calls[0], other + 1, "every lab in one run of the real engine");
      assert.equal(calls[1], 2, "both differences run once more in one run");
      // Shrunk at once: each round's candidates of both in one run (one at a time would take the sum of their rounds).
      const rounds = [o.size!.rounds, o2.size!.rounds];
      assert.ok(Math.min(...rounds) >= 2);
      assert.ok(calls.length - 2 <= Math.max(...rounds) + 2, `${calls.length - 2} runs to shrink, rounds ${rounds}`);
      const text = readFileSync(o.file!, "utf8");
      const lab = parseYamlLab(o.file!, text).lab;
      assert.equal(lab.hosts.length, 1);
      assert.deepEqual(lab.hosts[0]!.run.trim().split("\n").length, 1);
      assert.match(lab.hosts[0]!.run, marker);
      assert.equal(lab.steps.length, 1);
      assert.match(lab.steps[0]!.kind === "matrix" ? "" : lab.steps[0]!.run, /\bping\b/);
      assert.match(text, /^# What differs: on h\d: .*ping/m, "the lab says what differs");
      assert.match(text, /^# -.*exit [01]/m, "and both answers, the kernel's first");
      const side = JSON.parse(readFileSync(o.file!.replace(/\.lab\.yaml$/, ".json"), "utf8")) as { real: LabResult; sim: LabResult };
      assert.equal(side.real.engine, "uml");
      assert.equal(side.sim.engine, "sim");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("what several shrinkers ask for at once is one run; what comes during a run waits for the next", async () => {
    const runs: number[][] = [];
    const c = new Coalescer<number, number>(async (xs) => {
      runs.push(xs);
      await new Promise((r) => setTimeout(r, 5));
      return xs.map((x) => x * 10);
    });
    const a = c.submit([1, 2]);
    const b = c.submit([3]);
    assert.deepEqual(await Promise.all([a, b]), [[10, 20], [30]]);
    const first = c.submit([4]);
    await new Promise((r) => setImmediate(r));
    const during = [c.submit([5]), c.submit([6, 7])];
    assert.deepEqual(await first, [40]);
    assert.deepEqual(await Promise.all(during), [[50], [60, 70]]);
    assert.deepEqual(runs, [[1, 2, 3], [4], [5, 6, 7]]);
    const failing = new Coalescer<number, number>(async () => {
      throw new Error("kernel gone");
    });
    await assert.rejects(Promise.all([failing.submit([1]), failing.submit([2])]), /kernel gone/);
  });

  test("a difference the simulator loses when its steps start later is timing: counted apart, not shrunk", async () => {
    // A stand-in kernel whose steps start 500 ms after the one before (the simulator's take 300 ms).
    const calls: number[] = [];
    const late: Engine = {
      name: "uml",
      async runMany(labs: Lab[], opts: RunOptions = {}): Promise<LabResult[]> {
        calls.push(labs.length);
        const rs = await new SimEngine().runMany(labs, { kernelRelease: opts.kernelRelease, stepStartMs: 500 });
        return rs.map((r) => ({ ...r, engine: "uml" }));
      },
    };
    const out = mkdtempSync(join(tmpdir(), "ipvlab-fuzz-"));
    try {
      // Seed 1's lab 31 pings across a router right where a resolution ends.
      const summary = await fuzz(flags(out, { count: 32, batch: 32 }), { real: late, sim: new SimEngine() }, () => {});
      const o = summary.outcomes.find((x) => x.index === 31)!;
      assert.equal(o.verdict, "timing");
      assert.match(o.detail.at(-1)!, /when a step starts [45]00 ms after the one before, not 300 ms/);
      assert.match(o.detail[0]!, /^on h\d: [^\n]*ping [^\n]*\S$/, "what differs, on one line");
      assert.equal(summary.timing, 1);
      assert.equal(summary.differ, 0);
      assert.deepEqual(calls, [32, 1], "the labs, the difference once more, and no shrinking");
      assert.match(readFileSync(o.file!, "utf8"), /not shrunk: timing/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("a lab from which nothing can go stays whole", () => {
    const f = generateLab(1, 0);
    assert.equal(fuzzLabYaml(fuzzSubset(f, fuzzParts(f))), fuzzLabYaml(f));
  });
});

describe("fuzz: on the real kernel (uml)", () => {
  test("two labs in one boot, each compared", async () => {
    const calls: number[] = [];
    const uml = new UmlEngine();
    const counting: Engine = {
      name: "uml",
      runMany: (labs, opts) => {
        calls.push(labs.length);
        return uml.runMany(labs, opts);
      },
    };
    const out = mkdtempSync(join(tmpdir(), "ipvlab-fuzz-"));
    try {
      const summary = await fuzz(flags(out, { seed: 3, count: 2, shrinkRounds: 0 }), { real: counting, sim: new SimEngine() }, () => {});
      assert.equal(calls[0], 2, "one boot for the two labs");
      assert.equal(summary.labs, 2);
      assert.equal(summary.notRun + summary.refused, 0);
      assert.equal(summary.agree + summary.differ + summary.unstable, 2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
