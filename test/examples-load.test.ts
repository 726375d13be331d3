import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadLabFile } from "../src/lab/load.js";
import { packageRoot } from "../src/paths.js";

const dir = join(packageRoot, "examples");

test("every example lab loads without errors or warnings", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".lab.yaml"));
  assert.ok(files.length > 0);
  for (const f of files) {
    const { lab, warnings } = loadLabFile(join(dir, f));
    assert.deepEqual(warnings, [], f);
    assert.equal(`${lab.name}.lab.yaml`, f, "an example's name matches its file name");
    assert.ok(lab.steps.length > 0, `${f} has steps`);
  }
});
