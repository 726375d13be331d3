import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { cli, loPingLab, waitUntil } from "./helpers.js";

// --watch: run again when the lab file changes; a bad edit shows its file:line and the watch goes
// on; Ctrl-C (SIGINT) ends it with exit 0.

const ESC = "\x1b";
/** Screen, scrollback, cursor home: what `tsc --watch` sends. */
const CLEAR = `${ESC}[2J${ESC}[3J${ESC}[H`;

const dir = mkdtempSync(join(tmpdir(), "ipvlab-watch-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const labText = (expect: "ok" | "fail") => loPingLab("watched", expect);

class Watched {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [cli, ...args], { cwd: dir });
    this.child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve) => this.child.on("close", (code, signal) => resolve({ code, signal })));
  }
  /** Waits for the n-th run to end (its "watching" line). */
  async runs(n: number): Promise<void> {
    const ok = await waitUntil(() => (this.stderr.match(/; watching /g) ?? []).length >= n, 60_000);
    assert.ok(ok, `run ${n} did not end:\n${this.stderr}`);
  }
  async interrupt(): Promise<number | null> {
    this.child.kill("SIGINT");
    const { code } = await this.exit;
    return code;
  }
}

test("run --watch: a change runs the lab again; a bad edit shows file:line and the watch goes on; Ctrl-C exits 0", async () => {
  const file = join(dir, "watched.lab.yaml");
  writeFileSync(file, labText("ok"));
  const w = new Watched(["run", "watched.lab.yaml", "--watch", "-q"]);
  try {
    await w.runs(1);
    assert.match(w.stderr, /^ipvlab: exit 0; watching watched\.lab\.yaml for changes, Ctrl-C ends$/m);
    assert.equal((w.stdout.match(/^watched: /gm) ?? []).length, 1);

    // Edited in place.
    writeFileSync(file, labText("fail"));
    await w.runs(2);
    assert.match(w.stderr, /^ipvlab: watched\.lab\.yaml changed \(.*\): running again$/m);
    assert.match(w.stdout, /^watched: 0 of 1 check met/m, "the second run saw the edit");
    assert.match(w.stderr, /^ipvlab: exit 1; watching /m);

    // A broken edit: its line, no stack trace, and the watch goes on.
    writeFileSync(file, labText("ok").replace("    on: h1\n", "    on: [h1\n"));
    await w.runs(3);
    assert.match(w.stderr, /^watched\.lab\.yaml:\d+:\d+: error: /m);
    assert.match(w.stderr, /^ipvlab: exit 2; watching /m);
    assert.doesNotMatch(w.stderr, /\n\s+at /);

    // The fix saved as editors do: a new file renamed over the old one.
    writeFileSync(join(dir, ".watched.lab.yaml.swp"), labText("ok"));
    renameSync(join(dir, ".watched.lab.yaml.swp"), file);
    await w.runs(4);
    assert.match(w.stderr.split("; watching ").at(-2)!, /exit 0$/, "the fixed lab ran and met everything");
    assert.equal((w.stdout.match(/^watched: 1 of 1 check met/gm) ?? []).length, 2);

    // Not a terminal: no clear codes.
    assert.ok(!w.stdout.includes(ESC), "no escape codes");
    assert.equal(await w.interrupt(), 0);
  } finally {
    w.child.kill("SIGKILL");
  }
});

test("several saves in a burst are one run; a file that is not the lab changes nothing", async () => {
  const file = join(dir, "burst.lab.yaml");
  writeFileSync(file, labText("ok").replace("watched", "burst"));
  const w = new Watched(["run", "burst.lab.yaml", "-w", "-q"]);
  try {
    await w.runs(1);
    for (let i = 0; i < 5; i++) writeFileSync(file, labText("ok").replace("watched", "burst") + `# ${i}\n`);
    writeFileSync(join(dir, "other.lab.yaml"), labText("fail"));
    await w.runs(2);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((w.stderr.match(/changed \(/g) ?? []).length, 1, w.stderr);
    assert.equal(await w.interrupt(), 0);
  } finally {
    w.child.kill("SIGKILL");
  }
});

test("trace --watch and matrix --watch run again on a change", async () => {
  const file = join(dir, "probe.lab.yaml");
  writeFileSync(file, labText("ok").replace("watched", "probe"));
  for (const args of [
    ["trace", "probe.lab.yaml", "--on", "h1", "--run", "ping -c 1 -W 1 127.0.0.1", "--watch"],
    ["matrix", "probe.lab.yaml", "--after", "lo answers", "--watch"],
  ]) {
    const w = new Watched(args);
    try {
      await w.runs(1);
      writeFileSync(file, readFileSync(file, "utf8") + "\n");
      await w.runs(2);
      assert.match(w.stderr, /^ipvlab: probe\.lab\.yaml changed/m, args[0]);
      assert.equal(await w.interrupt(), 0, args[0]);
    } finally {
      w.child.kill("SIGKILL");
    }
  }
});

const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;

test("on a terminal each new run clears the screen first", { skip: hasScript ? false : "script(1) is not installed (util-linux), needed for a terminal" }, async () => {
  const file = join(dir, "tty.lab.yaml");
  writeFileSync(file, labText("ok").replace("watched", "tty"));
  // script(1) gives ipvlab a terminal; its output is what the terminal was sent. It runs the
  // command with $SHELL -c: exec, or a shell that is not bash (dash) would die of the Ctrl-C itself.
  const child = spawn("script", ["-qfec", `exec ${process.execPath} ${cli} run tty.lab.yaml --watch -q`, "/dev/null"], { cwd: dir });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  try {
    assert.ok(await waitUntil(() => /watching/.test(out), 60_000), out);
    assert.ok(!out.includes(CLEAR), "the first run does not clear");
    writeFileSync(file, labText("fail").replace("watched", "tty"));
    assert.ok(await waitUntil(() => (out.match(/watching/g) ?? []).length >= 2, 60_000), out);
    assert.ok(out.includes(CLEAR), "the second run clears the screen");
    child.stdin.write("\x03");
    assert.equal(await closed, 0);
  } finally {
    child.kill("SIGKILL");
  }
});
