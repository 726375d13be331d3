// A fork of the simulated world (kernel/fork.ts) is the world itself, twice:
// the same shape with nothing mutable shared, and every command run on the
// copy answers as it does on the original, at every step of every example
// and golden lab.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { CommandStep } from "../src/lab/types.js";
import { unsimulatedKind } from "../src/engines/sim.js";
import { runMatrix } from "../src/engines/sim/matrix.js";
import { runExtraCommand, runLabInSim } from "../src/engines/sim/run.js";
import { forkWorld, type World } from "../src/engines/sim/world.js";
import { forkGraph, NotForkable, RawSocket, sideTable } from "../src/kernel/index.js";
import { loadLabFile } from "../src/lab/load.js";
import { packageRoot } from "../src/paths.js";
import { exampleAndGoldenLabs } from "./helpers.js";

/** Walks a and its copy b side by side: same prototypes, keys and values, and no object of a reachable from b (functions and frozen objects aside). */
function assertIsomorphic(a: unknown, b: unknown): number {
  const pairs = new Map<object, object>();
  const inA = new Set<object>();
  const stack: Array<[unknown, unknown, string]> = [[a, b, "world"]];
  let objects = 0;
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    if (x === null || (typeof x !== "object" && typeof x !== "function")) {
      assert.ok(Object.is(x, y), `${path}: ${String(x)} became ${String(y)}`);
      continue;
    }
    assert.equal(typeof y, typeof x, `${path}: type`);
    if (typeof x === "function") continue;
    const seen = pairs.get(x);
    if (seen !== undefined) {
      assert.equal(seen, y, `${path}: one object became two`);
      continue;
    }
    pairs.set(x, y as object);
    inA.add(x);
    objects++;
    if (Object.isFrozen(x)) {
      assert.equal(y, x, `${path}: a frozen object is shared`);
      continue;
    }
    assert.notEqual(y, x, `${path}: shared with the original`);
    assert.equal(Object.getPrototypeOf(y), Object.getPrototypeOf(x), `${path}: prototype`);
    if (x instanceof Map) {
      const ys = [...(y as Map<unknown, unknown>)];
      assert.equal(ys.length, x.size, `${path}: size`);
      [...x].forEach(([k, v], i) => stack.push([k, ys[i]![0], `${path}<key ${i}>`], [v, ys[i]![1], `${path}<value ${i}>`]));
    } else if (x instanceof Set) {
      const ys = [...(y as Set<unknown>)];
      assert.equal(ys.length, x.size, `${path}: size`);
      [...x].forEach((v, i) => stack.push([v, ys[i], `${path}<member ${i}>`]));
    } else if (ArrayBuffer.isView(x)) {
      assert.deepEqual(y, x, `${path}: bytes`);
    } else {
      const keys = Object.keys(x);
      assert.deepEqual(Object.keys(y as object), keys, `${path}: keys`);
      for (const k of keys) stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`]);
    }
  }
  for (const y of pairs.values()) if (!Object.isFrozen(y)) assert.ok(!inA.has(y) || pairs.get(y) === y, "the copy reaches an object of the original");
  return objects;
}

/** What the rest of the lab says when run on `world`: each command's result, each matrix's cells. */
async function rest(world: World, lab: ReturnType<typeof loadLabFile>["lab"], from: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of lab.steps.slice(from)) {
    world.sim.run({ for: 300 });
    if (s.kind === "matrix") out.push(runMatrix(s.name, lab, world.kernels, world.sim));
    else out.push(await runExtraCommand(world, (s as CommandStep).on, (s as CommandStep).run, (s as CommandStep).timeout));
  }
  return out;
}

describe("fork of the simulated world", () => {
  for (const file of exampleAndGoldenLabs()) {
    const { lab } = loadLabFile(join(packageRoot, file));
    if (unsimulatedKind(lab)) continue;
    test(`${file}: after every step, a fork is a copy that answers as the original`, async () => {
      for (let k = 0; k <= lab.steps.length; k++) {
        const { world } = await runLabInSim(lab, { steps: k });
        const fork = forkWorld(world);
        assert.ok(assertIsomorphic(world, fork) > 50, "a whole world was compared");
        const onFork = await rest(fork, lab, k);
        const onOriginal = await rest(world, lab, k);
        assert.deepEqual(onFork, onOriginal, `the steps after step ${k}`);
      }
    });
  }
});

describe("forkGraph", () => {
  test("re-binds bound callbacks, copies side tables, shares frozen objects", () => {
    const table = sideTable<object, { n: number }>();
    const frozen = Object.freeze({ k: 1 });
    const a = { n: 1, frozen, self: null as unknown };
    a.self = a;
    table.set(a, { n: 2 });
    const b = forkGraph(a);
    assert.notEqual(b, a);
    assert.equal(b.self, b);
    assert.equal(b.frozen, frozen);
    assert.deepEqual(table.get(b), { n: 2 });
    assert.notEqual(table.get(b), table.get(a));
  });

  test("refuses a closure: it would keep working on the original", async () => {
    const { lab } = loadLabFile(join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml"));
    const { world } = await runLabInSim(lab, { steps: 0 });
    const sock = new RawSocket(world.kernels.get("vm01")!.initNet, 1, null);
    sock.onRecv = () => {};
    assert.throws(() => forkWorld(world), NotForkable);
    sock.close();
    assert.ok(forkWorld(world));
  });
});
