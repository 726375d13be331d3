// The simulator behaves as 6.1 unless told which release it is held to, and
// follows a later release only where the difference is known.

import assert from "node:assert/strict";
import { test } from "node:test";
import { devChangeNetNamespace, linkAddBridge, Sim } from "../src/kernel/index.js";
import { parseRelease, releaseAtLeast } from "../src/kernel/release.js";

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
