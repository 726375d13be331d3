// `link-local: true` on a matrix step: every device's fe80:: address is an
// endpoint, pinged only from link-locals with the sender's device as scope;
// ipvlan l2 slaves reach each other and the LAN but not their parent, and
// the scope takes each ping out of the sender's own device.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cellCommand, explainCell } from "../src/engines/sim/explain.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import type { MatrixResult } from "../src/engines/result.js";
import { parseYamlLab } from "../src/lab/parse.js";

const FILE = "test/labs/ipv6/ipv6-matrix-link-local.lab.yaml";
const text = readFileSync(FILE, "utf8");

async function matrixOf(yaml: string): Promise<{ m: MatrixResult; run: Awaited<ReturnType<typeof runLabInSim>>; lab: ReturnType<typeof parseYamlLab>["lab"] }> {
  const { lab } = parseYamlLab(FILE, yaml);
  const run = await runLabInSim(lab, { steps: 2, forkBeforeMatrix: true });
  return { m: run.result.steps.find((s): s is MatrixResult => s.kind === "matrix")!, run, lab };
}

const ok = (m: MatrixResult, from: string, to: string): boolean => {
  const c = m.cells.find((x) => x.from === from && x.to === to);
  assert.ok(c, `no cell ${from} -> ${to}`);
  return c.ok;
};

test("link-local: true adds every device's link-local, paired only with link-locals", async () => {
  const { m } = await matrixOf(text);
  const ids = m.endpoints.map((e) => e.id);
  assert.deepEqual(ids, [
    "h:eth0",
    "h/ns1:ipvl1#2001:db8::101",
    "h/ns1:ipvl1#fe80::200:0:100:a10",
    "h/ns2:ipvl2#2001:db8::102",
    "h/ns2:ipvl2#fe80::200:0:200:a10",
    "m:eth0",
    "m/ns1:mv0#2001:db8::d2",
    "m/ns1:mv0#fe80::ff:fe00:d02",
    "q:eth0",
    "q:eth1",
  ]);
  // 7 link-locals (q's two in one namespace), 3 globals in 3 namespaces: no cell mixes the two.
  assert.equal(m.cells.length, 7 * 6 - 2 + 3 * 2);
  const ll = new Map(m.endpoints.map((e) => [e.id, e.address.startsWith("fe80:")]));
  assert.ok(m.cells.every((c) => ll.get(c.from) === ll.get(c.to)));
  assert.equal(ok(m, "h/ns1:ipvl1#fe80::200:0:100:a10", "h/ns2:ipvl2#fe80::200:0:200:a10"), true);
  assert.equal(ok(m, "h/ns1:ipvl1#fe80::200:0:100:a10", "m/ns1:mv0#fe80::ff:fe00:d02"), true);
  assert.equal(ok(m, "h:eth0", "h/ns1:ipvl1#fe80::200:0:100:a10"), false);
  assert.equal(ok(m, "m:eth0", "m/ns1:mv0#fe80::ff:fe00:d02"), false);
  // The scope picks the device: q's eth1 is on lan, its eth0 not, both with a fe80::/64 route.
  assert.equal(ok(m, "q:eth0", "h:eth0"), false);
  assert.equal(ok(m, "q:eth1", "h:eth0"), true);
  assert.equal(ok(m, "h/ns2:ipvl2#fe80::200:0:200:a10", "q:eth1"), true);
  assert.equal(ok(m, "h:eth0", "m:eth0"), true);
});

test("a link-local cell's command scopes both addresses to the sender's device, and a failed one is explained", async () => {
  const { m, run, lab } = await matrixOf(text);
  const cell = m.cells.find((c) => c.from === "h/ns1:ipvl1#fe80::200:0:100:a10" && c.to === "h/ns2:ipvl2#fe80::200:0:200:a10")!;
  assert.deepEqual(cellCommand(m, cell), { host: "h", run: "ip netns exec ns1 ping -c 1 -W 1 -I fe80::200:0:100:a10%ipvl1 fe80::200:0:200:a10%ipvl1" });
  const failed = m.cells.find((c) => c.from === "h:eth0" && c.to === "h/ns1:ipvl1#fe80::200:0:100:a10")!;
  const ctx = run.matrices.get(run.result.steps.indexOf(m))!;
  const e = await explainCell(lab, ctx, m, failed);
  assert.match(e.cause ?? "", /fe80::200:0:100:a10/);
});

test("without the key a matrix has no link-locals, as before", async () => {
  const { m } = await matrixOf(text.replace(/\n {4}link-local: true\n/, "\n"));
  assert.ok(m.endpoints.every((e) => !e.address.startsWith("fe80")), m.endpoints.map((e) => e.id).join(" "));
  assert.equal(m.cells.length, 3 * 2);
});

test("link-local is a matrix step's key only", () => {
  assert.throws(() => parseYamlLab(FILE, text.replace("    run: sleep 4\n", "    run: sleep 4\n    link-local: true\n")), /link-local/);
  assert.throws(() => parseYamlLab(FILE, text.replace("    link-local: true", "    link-local: 3")), /link-local of step 2 must be true or false, not the number 3/);
});
