import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { findKernel, kernelInstallCommand } from "../src/engines/real/kernels.js";
import { UmlEngine } from "../src/engines/uml.js";
import { labSha256, readGolden } from "../src/golden/golden.js";
import { loadLabFile } from "../src/lab/load.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { packageRoot } from "../src/paths.js";
import { assertGoldenAnswers } from "./golden-answers.js";

// Linux 6.12 under User-Mode Linux (Debian 13's, `ipvlab kernels install 6.12`):
// one boot with a seed lab (L3 mode: the L2 one waits 40 s in sleeps; it runs on
// 6.12 with every example in npm run test:uml-examples) and a VLAN lab, held to
// their 6.12 golden files, and the modules a user's script may need.
// Skipped only where 6.12 is not installed; .ci/run installs it.

const installed = findKernel("6.12");
const skip = installed ? false : `Linux 6.12 for User-Mode Linux is not installed here (run \`${kernelInstallCommand("6.12")}\`)`;
const files = [join(packageRoot, "examples", "seed-ipvlan-l3.lab.yaml"), join(packageRoot, "test", "labs", "vlan8021q", "vlan-ipvlan-l2.lab.yaml")];
const goldenDirs = [join(packageRoot, "test", "golden", "6.12"), join(packageRoot, "test", "golden", "6.12", "vlan8021q")];
const labs = files.map((f) => loadLabFile(f).lab);
// The modules a user's script may need, loaded in 6.12's own dependency order.
const MODULES = parseYamlLab(
  "modules-6.12.lab.yaml",
  `
name: modules-6.12
networks: { lan: {} }
hosts:
  h:
    interfaces: { eth0: { network: lan } }
steps:
  - name: modules
    on: h
    run: cut -d' ' -f1 /proc/modules | sort
    expect: ok
`,
).lab;

describe("Linux 6.12 on uml", { skip }, () => {
  let results: LabResult[] = [];
  before(async () => {
    results = await new UmlEngine().runMany([...labs, MODULES], { kernel: "6.12" });
  });

  test("8021q, vxlan, bonding, vrf, tun, nf_tables and ip_tables are loaded", () => {
    const r = results[labs.length]!;
    assert.match(r.kernel, /^6\.12\./);
    const loaded = (r.steps.at(-1) as CommandResult).stdout.split("\n");
    for (const m of ["ipvlan", "macvlan", "macvtap", "veth", "bridge", "8021q", "vxlan", "bonding", "vrf", "tun", "nf_tables", "ip_tables"]) assert.ok(loaded.includes(m), `${m} in ${loaded.join(" ")}`);
  });

  labs.forEach((lab, i) => {
    test(`${lab.name} boots 6.12 and answers as its 6.12 golden file`, () => {
      const r = results[i]!;
      assert.match(r.kernel, /^6\.12\./);
      const golden = readGolden(goldenDirs[i]!, lab.name);
      assert.match(golden.result.kernel, /^6\.12\./, "the golden file was recorded on 6.12");
      assert.equal(golden.recordedWith.labSha256, labSha256(files[i]!), `${lab.name} changed since it was recorded: run npm run record -- ${files[i]} --kernel 6.12`);
      assertGoldenAnswers(r, golden);
    });
  });
});
