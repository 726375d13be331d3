import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isRoot, processesTagged, runCli, waitUntil } from "./helpers.js";
import { sandboxProbe, type SandboxProbe } from "./sandbox-lab.js";

// ipvlab killed with SIGKILL at any moment of a real-engine run (making its
// work directory, booting, building the lab, in a step, collecting results,
// right at the end) leaves no process, nothing changed on the machine, and at
// most its work directory, which the next run removes. A run that is still
// alive keeps its own. Each engine runs in a $TMPDIR and a home of its own, so
// what is left there is exactly what these runs left.
const KILLS = 20;

for (const engine of ["uml", "host"] as const) {
  describe(`engine ${engine}: killed at any moment, nothing is left behind`, { skip: engine === "host" && !isRoot ? "the host engine needs root" : false }, () => {
    let dir: string;
    let env: Record<string, string>;
    let probe: SandboxProbe;
    let machine: string;
    let fullRunMs = 0;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), `ipvlab-test-kills-${engine}-`));
      env = { TMPDIR: join(dir, "tmp"), HOME: join(dir, "home") };
      mkdirSync(env.TMPDIR!);
      mkdirSync(env.HOME!);
      probe = sandboxProbe(engine, { home: env.HOME!, tmp: env.TMPDIR! });
      machine = probe.machine();
    });
    after(() => {
      probe.remove();
      rmSync(dir, { recursive: true, force: true });
    });
    const run = (opts: { tag: string; killAfterMs?: number }) => runCli(["run", probe.lab, "--engine", engine, "-q"], { cwd: probe.cwd, env: { ...env, IPVLAB_RUN: opts.tag }, killAfterMs: opts.killAfterMs });
    const workDirs = () => readdirSync(env.TMPDIR!).filter((f) => f.startsWith("ipvlab-"));

    test("a complete run removes its own work directory", async () => {
      const start = Date.now();
      const r = await run({ tag: `kills-${engine}-${process.pid}-full` });
      fullRunMs = Date.now() - start;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(workDirs(), []);
    });

    test(`${KILLS} runs killed at moments spread over a whole run`, async () => {
      assert.ok(fullRunMs > 0, "the complete run measured how long a run takes");
      let kills = 0;
      // One moment in each of KILLS equal slices of a run, at random within its slice.
      for (let attempt = 0; kills < KILLS && attempt < KILLS * 2; attempt++) {
        const at = Math.round(((kills + Math.random()) / KILLS) * fullRunMs);
        const tag = `kills-${engine}-${process.pid}-${attempt}`;
        const r = await run({ tag, killAfterMs: at });
        if (r.code === null) kills++;
        assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 10_000), `killed at ${at} ms, left running: ${processesTagged(tag).join(" ")}`);
        assert.equal(probe.machine(), machine, `killed at ${at} ms`);
      }
      assert.equal(kills, KILLS, "every run was killed before it ended");
    });

    test("the next run removes what killed runs left, and keeps a live run's", async (t) => {
      t.diagnostic(`work directories the killed runs left: ${workDirs().length}`);
      const live = sandboxProbe(engine, { home: env.HOME!, tmp: env.TMPDIR!, sleep: engine === "uml" ? 12 : 5 });
      try {
        let livePid = 0;
        const liveRun = runCli(["run", live.lab, "--engine", engine, "-q"], {
          cwd: live.cwd,
          env,
          onStart: (pid) => (livePid = pid),
        });
        const liveDir = () => workDirs().find((f) => f.includes(`-${livePid}-`));
        assert.ok(await waitUntil(() => liveDir() !== undefined, 10_000), "the live run made its work directory");
        const next = await run({ tag: `kills-${engine}-${process.pid}-next` });
        assert.equal(next.code, 0, next.stderr);
        assert.deepEqual(workDirs(), [liveDir()], "only the live run's work directory is left");
        const r = await liveRun;
        assert.equal(r.code, 0, `the live run went on undisturbed: ${r.stderr}`);
        assert.deepEqual(workDirs(), []);
        assert.equal(existsSync(join(env.HOME!, ".uml")), false, "no ~/.uml of User-Mode Linux's own");
        assert.equal(probe.machine(), machine);
      } finally {
        live.remove();
      }
    });
  });
}
