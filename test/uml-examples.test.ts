import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { UmlEngine } from "../src/engines/uml.js";
import type { LabResult } from "../src/engines/result.js";
import { goldenDirFor, labSha256, readGolden } from "../src/golden/golden.js";
import { DEFAULT_KERNEL, findKernel, kernelInstallCommand, type KernelName } from "../src/engines/real/kernels.js";
import { loadLabFile } from "../src/lab/load.js";
import { packageRoot } from "../src/paths.js";
import { assertGoldenAnswers } from "./golden-answers.js";

// The examples, run on the real kernel in one UML boot, must meet all their checks
// and give the same answers as their golden recordings: exit codes and every matrix cell.
// `npm test` runs the quick ones on 6.1 (a lab on 6.12 runs in test/uml-kernel-6.12.test.ts);
// `npm run test:uml-examples` (IPVLAB_ALL_EXAMPLES=1), which CI runs too, runs every one,
// on 6.1 and on 6.12 (where it is installed) against test/golden/6.12.
const QUICK = new Set(["docker-macvlan-vlan-trunk", "seed-ipvlan-addr-before-move", "seed-ipvlan-l3"]);
const all = process.env.IPVLAB_ALL_EXAMPLES === "1";
const dir = join(packageRoot, "examples");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".lab.yaml") && (all || QUICK.has(f.slice(0, -".lab.yaml".length))))
  .map((f) => join(dir, f));
const labs = files.map((f) => loadLabFile(f).lab);
const releases: KernelName[] = all ? ["6.1", "6.12"] : ["6.1"];

for (const kernel of releases) {
  const skip = findKernel(kernel) ? false : `Linux ${kernel} for User-Mode Linux is not installed here (run \`${kernelInstallCommand(kernel)}\`)`;
  const goldenDir = join(packageRoot, goldenDirFor(kernel));
  describe(`${all ? "every example" : "the quick examples"} on the real kernel (uml ${kernel})`, { skip }, () => {
    test("the examples it runs are there", () => assert.equal(files.length, all ? readdirSync(dir).filter((f) => f.endsWith(".lab.yaml")).length : QUICK.size));
    let results: LabResult[] = [];
    before(async () => {
      results = await new UmlEngine().runMany(labs, { kernel });
    });

    labs.forEach((lab, i) => {
      test(lab.name, () => {
        const r = results[i]!;
        const golden = readGolden(goldenDir, lab.name);
        const record = `npm run record -- ${files[i]}${kernel === DEFAULT_KERNEL ? "" : ` --kernel ${kernel}`}`;
        assert.equal(golden.recordedWith.labSha256, labSha256(files[i]!), `${lab.name} changed since it was recorded: run ${record}`);
        assert.ok(r.kernel.startsWith(`${kernel}.`), `${r.kernel} is ${kernel}`);
        assertGoldenAnswers(r, golden);
      });
    });
  });
}
