import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isRoot, processesTagged, runCli, waitUntil, type CliRun } from "./helpers.js";
import { sandboxProbe, type SandboxProbe } from "./sandbox-lab.js";

// ipvlab killed with SIGKILL at any moment of a real-engine run (making its
// work directory, booting, building the lab, in a step, collecting results,
// at the end) leaves no process and nothing changed on the machine. Every
// other kill takes the whole run at once, ipvlab and every process it started,
// as the end of a CI job does: nothing is left to clean up after ipvlab then,
// and its work directory stays until the next run, which removes it. A run
// that is still alive keeps its own. Each engine runs in a $TMPDIR and a home
// of its own, so what is left there is exactly what these runs left.
const KILLS = 8;

function sigkill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Kills ipvlab and every process of its run, as a CI job's end kills its whole
 * cgroup. Not atomic here: a kernel that is still alive between two looks at
 * /proc may start another process, so the killing goes on until none is left.
 */
async function killWholeRun(pid: number, tag: string): Promise<void> {
  sigkill(pid);
  for (let round = 0; round < 50; round++) {
    const left = processesTagged(tag);
    if (!left.length) return;
    left.forEach(sigkill);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const engine of ["uml", "host"] as const) {
  describe(`engine ${engine}: killed at any moment, nothing is left behind`, { skip: engine === "host" && !isRoot ? "the host engine needs root" : false }, () => {
    let dir: string;
    let env: Record<string, string>;
    let probe: SandboxProbe;
    let machine: string;
    let runMs = 0;
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
    const workDirs = () => readdirSync(env.TMPDIR!).filter((f) => f.startsWith("ipvlab-"));
    /** A run of the probe lab, killed `stop.at` ms after it started: ipvlab alone, or with every process of the run. */
    const run = async (tag: string, stop?: { at: number; whole: boolean }): Promise<CliRun & { pid: number }> => {
      let timer: NodeJS.Timeout | undefined;
      let pid = 0;
      const onStart = (p: number) => {
        pid = p;
        if (stop) timer = setTimeout(() => (stop.whole ? void killWholeRun(p, tag) : sigkill(p)), stop.at);
      };
      const r = await runCli(["run", probe.lab, "--engine", engine, "-q"], { cwd: probe.cwd, env: { ...env, IPVLAB_RUN: tag }, onStart });
      clearTimeout(timer);
      return { ...r, pid };
    };

    test("a complete run removes its own work directory", async () => {
      const start = Date.now();
      const r = await run(`kills-${engine}-${process.pid}-full`);
      runMs = Date.now() - start;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(workDirs(), []);
    });

    test(`${KILLS} runs killed at moments spread over a whole run`, async (t) => {
      assert.ok(runMs > 0, "the complete run measured how long a run takes");
      let kills = 0;
      let leftBehind = 0;
      // One moment in each of KILLS equal slices of a run, at random within its slice. A run
      // that ended before its moment tells how long runs take now, and its slice is tried again.
      for (let attempt = 0; kills < KILLS && attempt < KILLS * 2; attempt++) {
        const at = Math.round(((kills + Math.random()) / KILLS) * runMs);
        const whole = kills % 2 === 1;
        const tag = `kills-${engine}-${process.pid}-${attempt}`;
        const start = Date.now();
        const r = await run(tag, { at, whole });
        if (r.code === null) kills++;
        else runMs = Date.now() - start;
        const what = `killed ${whole ? "with every process of its run " : ""}at ${at} ms`;
        assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 10_000), `${what}, left running: ${processesTagged(tag).join(" ")}`);
        assert.equal(probe.machine(), machine, what);
        // A run removes what the runs before it left before it makes its own directory: once
        // that is there, no other can be.
        const left = workDirs();
        const own = left.filter((d) => d.includes(`-${r.pid}-`));
        if (own.length) assert.deepEqual(left, own, `${what}: work directories of earlier runs`);
        leftBehind += own.length;
      }
      assert.equal(kills, KILLS, `${KILLS} runs were killed before they ended`);
      t.diagnostic(`killed runs that left their work directory for the next run to remove: ${leftBehind}`);
    });

    test("a run killed with every process of it once its work directory exists leaves it, and the next run removes it", async () => {
      const tag = `kills-${engine}-${process.pid}-after-workdir`;
      let pid = 0;
      const killed = runCli(["run", probe.lab, "--engine", engine, "-q"], { cwd: probe.cwd, env: { ...env, IPVLAB_RUN: tag }, onStart: (p) => (pid = p) });
      const own = () => workDirs().filter((d) => d.includes(`-${pid}-`));
      assert.ok(await waitUntil(() => pid > 0 && own().length > 0, 30_000), "the run made its work directory");
      await killWholeRun(pid, tag);
      assert.equal((await killed).code, null, "killed before it ended");
      assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 10_000));
      assert.equal(own().length, 1, "nobody was left to remove it");
      const next = await run(`kills-${engine}-${process.pid}-after-workdir-next`);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(workDirs(), [], "the next run removed it, and its own");
      assert.equal(probe.machine(), machine);
    });

    test("the next run removes what killed runs left, and keeps a live run's", async () => {
      const live = sandboxProbe(engine, { home: env.HOME!, tmp: env.TMPDIR!, sleep: engine === "uml" ? 12 : 5 });
      try {
        let livePid = 0;
        const liveRun = runCli(["run", live.lab, "--engine", engine, "-q"], { cwd: live.cwd, env, onStart: (pid) => (livePid = pid) });
        const liveDir = () => workDirs().find((f) => f.includes(`-${livePid}-`));
        assert.ok(await waitUntil(() => liveDir() !== undefined, 10_000), "the live run made its work directory");
        const next = await run(`kills-${engine}-${process.pid}-next`);
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
