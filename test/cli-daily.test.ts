// The command line as people use it every day: counted words, one step
// numbering, clear refusals, the matrix with a legend and its reasons grouped.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "ipvlab-daily-"));
after(() => rmSync(work, { recursive: true, force: true }));

function lab(name: string, text: string): string {
  const file = join(work, `${name}.lab.yaml`);
  writeFileSync(file, text);
  return file;
}

const ONE_HOST = `name: one
networks:
  lan: {}
hosts:
  a:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.1/24 dev eth0
      ip link set eth0 up
`;

test("counted words agree with their number: 1 host, 1 network, no checks", async () => {
  const file = lab("one", ONE_HOST);
  const c = await runCli(["check", file]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /one: 1 host, 1 network, 0 steps \(0 checks, 0 matrices\)$/m);
  const r = await runCli(["run", file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /building the lab: 1 host, 1 network$/m);
  assert.match(r.stdout, /^one: no checks, 0 matrices$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /\b1 (hosts|networks|checks|steps|cells|pings|labs)\b|0 of 0/);
});
