import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { MAX_WORK_FILE_BYTES, makeSafeToRead } from "../src/engines/real/work-files.js";

test("what a lab leaves in its work directory is made safe to read: no links, FIFOs, second names or huge files", () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-test-safe-"));
  const outside = mkdtempSync(join(tmpdir(), "ipvlab-test-outside-"));
  try {
    writeFileSync(join(outside, "secret"), "the machine's\n");
    const step = join(dir, "lab0", "3");
    mkdirSync(step, { recursive: true });
    writeFileSync(join(step, "rc"), "0\n");
    symlinkSync(join(outside, "secret"), join(step, "stdout"));
    symlinkSync(outside, join(dir, "lab0", "4"));
    execFileSync("mkfifo", [join(step, "stderr")]);
    linkSync(join(outside, "secret"), join(step, "cap0.pcap"));
    writeFileSync(join(step, "cap1.pcap"), "");
    execFileSync("truncate", ["-s", String(MAX_WORK_FILE_BYTES + 4096), join(step, "cap1.pcap")]);
    // A link deep in a tree the lab made is found too.
    let deep = join(dir, "lab0");
    for (let i = 0; i < 400; i++) deep = join(deep, "d");
    mkdirSync(deep, { recursive: true });
    symlinkSync("/etc/passwd", join(deep, "rc"));

    const changed = makeSafeToRead(dir);
    assert.deepEqual(readdirSync(step).sort(), ["cap1.pcap", "rc"]);
    assert.equal(readFileSync(join(step, "rc"), "utf8"), "0\n");
    assert.equal(statSync(join(step, "cap1.pcap")).size, MAX_WORK_FILE_BYTES);
    assert.equal(existsSync(join(dir, "lab0", "4")), false);
    assert.equal(existsSync(join(deep, "rc")), false);
    assert.equal(changed.length, 6, changed.join("\n"));
    assert.equal(readFileSync(join(outside, "secret"), "utf8"), "the machine's\n", "nothing outside was touched");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
