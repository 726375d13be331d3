import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runScript } from "../src/shell/run.js";
import type { ShellHost } from "../src/shell/interp/host.js";
import { Tmpfs } from "../src/kernel/tmpfs.js";

// Each case runs as `bash script.sh` in an empty directory of its own, and
// through the simulator's shell as a script named script.sh in a directory of
// the same name: bash's messages (`script.sh: line 3: ...`) then need no
// rewriting. Nothing is normalised: stdout, stderr and the exit code are
// compared as they are.

export interface BashCase {
  name: string;
  script: string;
}

/** `### name` starts a case; its script is every line up to the next one. */
export function parseCases(text: string): BashCase[] {
  const out: BashCase[] = [];
  for (const line of text.split("\n")) {
    const m = /^### (.+)$/.exec(line);
    if (m) out.push({ name: m[1]!, script: "" });
    else if (out.length) out[out.length - 1]!.script += line + "\n";
  }
  return out.map((c) => ({ ...c, script: c.script.replace(/\n+$/, "\n") }));
}

const here = join(fileURLToPath(import.meta.url), "..", "..", "..", "test", "shell-vs-bash");
const work = mkdtempSync(join(tmpdir(), "ipvlab-vs-bash-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A host with no commands of its own (what the script runs is the shell's builtins and text tools) and files in its directory. */
function bareHost(dir: string): ShellHost {
  return { exec: () => null, sleep: () => {}, fs: new Tmpfs([dir]) };
}

function runBash(c: BashCase, dir: string) {
  writeFileSync(join(dir, "script.sh"), c.script);
  const r = spawnSync("/bin/bash", ["script.sh"], { cwd: dir, encoding: "utf8", env: { PATH: "/usr/bin:/bin", LC_ALL: "C", HOME: dir }, stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
  rmSync(join(dir, "script.sh"));
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the simulator's shell against /bin/bash", () => {
  const files = ["basics.cases", "text-tools.cases", "more.cases", "labs.cases", "oils.cases", "jobs.cases"];
  for (const f of files) {
    const cases = parseCases(readFileSync(join(here, f), "utf8"));
    test(`${f}: ${cases.length} cases as bash runs them`, async () => {
      const wrong: string[] = [];
      for (const [i, c] of cases.entries()) {
        const dir = join(work, `${f}-${i}`);
        spawnSync("mkdir", [dir]);
        const real = runBash(c, dir);
        const sim = await runScript(c.script, bareHost(dir), { file: "script.sh", env: { HOME: dir }, cwd: dir });
        const got = { exitCode: sim.exitCode, stdout: sim.stdout, stderr: sim.stderr };
        try {
          assert.deepEqual(got, real);
        } catch {
          wrong.push(`--- ${c.name}\n${c.script}bash: ${JSON.stringify(real)}\nsim:  ${JSON.stringify(got)}`);
        }
      }
      assert.equal(wrong.length, 0, `${wrong.length} of ${cases.length} differ:\n${wrong.join("\n")}`);
    });
  }
});
