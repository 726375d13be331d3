import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../src/paths.js";
import { example, fixture, runCli } from "./helpers.js";

// One exit-code table for every command (README, `ipvlab --help`):
// 0 everything met, 1 not met / could not run / setup failed, 2 bad lab or usage, 3 the engine cannot run here.

const typos = join(packageRoot, "test", "labs", "honest", "typos.lab.yaml");
const good = example("macvlan-bridge.lab.yaml");
const missing = join(packageRoot, "examples", "no-such.lab.yaml");

async function code(args: string[], env: Record<string, string> = {}): Promise<number | null> {
  const r = await runCli(args, { env });
  return r.code;
}

test("run: 0 all met, 1 a setup command failed, 2 a bad lab or usage, 3 an engine that cannot run here", async () => {
  assert.equal(await code(["run", good, "-q"]), 0);
  assert.equal(await code(["run", typos, "-q"]), 1);
  assert.equal(await code(["run", missing]), 2);
  assert.equal(await code(["run", good, "--foo"]), 2);
  assert.equal(await code(["run", good, "--engine", "kvm"]), 2);
  assert.equal(await code(["runn", good]), 2);
  assert.equal(await code(["run"]), 2);
  assert.equal(await code(["run", good, "--engine", "uml", "-q"], { PATH: "/nonexistent" }), 3);
  assert.equal(await code(["run", fixture("labs/macvtap-one-slave.lab.yaml"), "--engine", "sim"]), 3);
});

test("help and version exit 0; no command at all is a usage error", async () => {
  for (const args of [["--help"], ["--version"], ["run", "--help"], ["help", "trace"]]) assert.equal(await code(args), 0, args.join(" "));
  assert.equal(await code([]), 2);
});

test("trace exits with the traced command's own status", async () => {
  const lab = example("seed-ipvlan-l2.lab.yaml");
  assert.equal(await code(["trace", lab, "--from", "vm02/ns01", "--to", "172.16.91.2"]), 0);
  assert.equal(await code(["trace", lab, "--from", "vm02/ns01", "--to", "172.16.91.14"]), 1);
  assert.equal(await code(["trace", lab, "--on", "vm02", "--run", "ping -c 1 192.0.2.1"]), 2, "ping's own 2: connect: Network is unreachable");
  assert.equal(await code(["trace", lab, "--on", "nohost", "--run", "true"]), 2);
});

test("matrix and diagram: 0, or 1 when the lab's setup failed (said on stderr at its line); check: 0 or 2", async () => {
  for (const cmd of ["matrix", "diagram"]) {
    assert.equal(await code([cmd, good]), 0, cmd);
    const r = await runCli([cmd, typos, "--after", "ns01 is there"]);
    assert.equal(r.code, 1, cmd);
    assert.match(r.stderr, /typos\.lab\.yaml:\d+:\d+: warning: `ip lnk add/);
  }
  assert.equal(await code(["check", good]), 0);
  assert.equal(await code(["check", missing]), 2);
});

test("verify --golden works from any folder; a lab with no golden file is a usage error", async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "ipvlab-elsewhere-"));
  try {
    const ok = await runCli(["verify", "--golden", "-q", good], { cwd: elsewhere });
    assert.equal(ok.code, 0, ok.stderr);
    const r = await runCli(["verify", "--golden", "-q", typos]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ipvlab: no golden file for lab typos \(typos\.json\) in test\/golden or a folder under it: record one with `ipvlab record /m);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("serve: a bad port is a usage error", async () => {
  assert.equal(await code(["serve", "--port", "abc"]), 2);
});

test("a reader that closes the pipe early (| head) ends ipvlab quietly, with no stack trace", async () => {
  const { spawnSync } = await import("node:child_process");
  const main = join(packageRoot, "dist", "src", "cli", "main.js");
  for (const args of ["kernels install --help", "run --help", `run ${good}`]) {
    const r = spawnSync("bash", ["-c", `node ${main} ${args} | true; exit \${PIPESTATUS[0]}`], { encoding: "utf8" });
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at /, `${args}: ${r.stderr}`);
    assert.equal(r.status, 0, args);
  }
});
