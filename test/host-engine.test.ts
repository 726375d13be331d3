import assert from "node:assert/strict";
import { test } from "node:test";
import { deviceTypes, hostRefusal, kernelCanCreate } from "../src/engines/host.js";
import { loadLabFile } from "../src/lab/load.js";
import { example, fixture, isRoot, runCli } from "./helpers.js";

const seed = loadLabFile(example("seed-ipvlan-l2.lab.yaml")).lab;
const plain = loadLabFile(fixture("labs/two-hosts-slow.lab.yaml")).lab;

test("deviceTypes finds what a lab's scripts create", () => {
  assert.deepEqual(deviceTypes(seed).sort(), ["bridge", "ipvlan", "veth"]);
  assert.deepEqual(deviceTypes(plain).sort(), ["bridge", "veth"]);
});

test("the host engine refuses without root, naming --engine uml", () => {
  const why = hostRefusal([plain], 1000, () => true);
  assert.match(why ?? "", /needs root.*--engine uml/);
  assert.equal(hostRefusal([plain], 0, () => true), null);
});

test("the host engine refuses a lab whose device types the kernel lacks", () => {
  const why = hostRefusal([plain, seed], 0, (t) => t !== "ipvlan");
  assert.equal(why, "this machine's kernel cannot create ipvlan devices, which lab seed-ipvlan-l2 uses (type ipvlan); use --engine uml");
});

test("ipvlab run --engine host on an ipvlan lab: refused with exit 3 here, or run where the kernel has ipvlan", { skip: !isRoot && "needs root" }, async () => {
  const r = await runCli(["run", example("seed-ipvlan-l2.lab.yaml"), "--engine", "host", "-q"]);
  if (kernelCanCreate("ipvlan")) {
    assert.notEqual(r.code, 3, r.stderr);
  } else {
    assert.equal(r.code, 3);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one sentence");
    assert.match(r.stderr, /^ipvlab: this machine's kernel cannot create ipvlan devices.*--engine uml$/m);
  }
});
