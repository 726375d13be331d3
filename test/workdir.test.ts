import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, test } from "node:test";
import { dropWorkDir, makeWorkDir, processStart, sweepWorkDirs, workDirOwner } from "../src/engines/real/workdir.js";

describe("work directories of dead runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-test-sweep-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const make = (name: string) => {
    mkdirSync(join(dir, name, "lab0"), { recursive: true });
    writeFileSync(join(dir, name, "lab0", "rc"), "0\n");
    return name;
  };

  test("are removed; a live run's, another pid namespace's, and anything not named like one, are kept", () => {
    const me = processStart("self")!;
    assert.match(me, /^\d+$/);
    const ns = /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))![1]!;
    assert.equal(workDirOwner(), `${ns}-${process.pid}-${me}`);
    // A process that has ended: its pid names no process now (or, reused, one that started later).
    const gone = spawnSync("true").pid!;
    const dead = make(`ipvlab-uml-${ns}-${gone}-${me}-AbC123`);
    const reused = make(`ipvlab-host-${ns}-${process.pid}-${Number(me) - 1}-xYz789`);
    const live = make(`ipvlab-host-${ns}-${process.pid}-${me}-Qwe456`);
    const others = [
      make(`ipvlab-uml-${Number(ns) + 1}-${gone}-${me}-AbC123`),
      make("ipvlab-uml-AbC123"),
      make(`ipvlab-uml-${ns}-${gone}-${me}-AbC123-kept`),
      make(`other-${ns}-${gone}-${me}-AbC123`),
    ];
    assert.deepEqual(sweepWorkDirs(dir).sort(), [dead, reused].sort());
    assert.deepEqual(readdirSync(dir).sort(), [live, ...others].sort());
  });

  test("a new one is named after this process, and IPVLAB_KEEP keeps it out of the sweep's reach", () => {
    const work = makeWorkDir("uml");
    try {
      assert.match(basename(work), new RegExp(`^ipvlab-uml-${workDirOwner()}-[A-Za-z0-9]{6}$`));
      process.env.IPVLAB_KEEP = "1";
      dropWorkDir(work);
      assert.equal(existsSync(work), false);
      assert.equal(statSync(`${work}-kept`).isDirectory(), true);
    } finally {
      delete process.env.IPVLAB_KEEP;
      rmSync(work, { recursive: true, force: true });
      rmSync(`${work}-kept`, { recursive: true, force: true });
    }
  });
});
