import assert from "node:assert/strict";
import { homedir, tmpdir } from "node:os";
import { describe, test } from "node:test";
import { isRoot, processesTagged, runCli, waitUntil } from "./helpers.js";
import { sandboxProbe } from "./sandbox-lab.js";

// On each real engine a lab writes where labs write and where they must not,
// and the machine's files, name, sysctls and IPC are as they were afterwards:
// after a complete run, and after ipvlab is killed with SIGKILL in the middle.
for (const engine of ["uml", "host"] as const) {
  describe(`engine ${engine}: a lab cannot change the machine`, { skip: engine === "host" && !isRoot ? "the host engine needs root" : false }, () => {
    test("after a complete run, in which every write the lab may make worked", async () => {
      const probe = sandboxProbe(engine, { home: homedir(), tmp: tmpdir() });
      try {
        const before = probe.machine();
        assert.doesNotMatch(before, /: "(machine\\n)?lab\\n"/, "nothing of the lab's before it ran");
        const r = await runCli(["run", probe.lab, "--engine", engine, "--json"], { cwd: probe.cwd });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const steps = (JSON.parse(r.stdout) as { steps: { name: string; met: boolean; stderr: string }[] }).steps;
        assert.deepEqual(steps.filter((s) => !s.met).map((s) => `${s.name}: ${s.stderr}`), [], "every check met");
        assert.equal(probe.machine(), before);
      } finally {
        probe.remove();
      }
    });

    test("after ipvlab is killed with SIGKILL in a step after the writes", async () => {
      const probe = sandboxProbe(engine, { home: homedir(), tmp: tmpdir(), sleep: 30 });
      const tag = `sandbox-${engine}-${process.pid}-kill`;
      try {
        const before = probe.machine();
        const r = await runCli(["run", probe.lab, "--engine", engine], { cwd: probe.cwd, env: { IPVLAB_RUN: tag }, killWhen: (stderr) => stderr.includes("a long step") });
        assert.equal(r.code, null, `ipvlab was killed: ${r.stderr}`);
        assert.match(r.stderr, /what the lab wrote is there/, "killed after the writes");
        assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 10_000), `left behind: ${processesTagged(tag).join(" ")}`);
        assert.equal(probe.machine(), before);
      } finally {
        probe.remove();
      }
    });
  });
}
