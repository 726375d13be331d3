import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { cpuNeedsXstateFix, xstateFixLibrary } from "../src/engines/real/xstate-fix.js";
import { example, runCli } from "./helpers.js";

// On Intel AMX, User-Mode Linux panics at its first process unless its FPU-state
// writes get the host's size (assets/uml-xstate-fix.c). Forcing the fix's path
// proves it on any machine.

test("AMX in /proc/cpuinfo's flags is what calls for the fix", () => {
  assert.equal(cpuNeedsXstateFix("processor\t: 0\nflags\t\t: fpu vme sse avx512f amx_bf16 amx_tile amx_int8\n"), true);
  assert.equal(cpuNeedsXstateFix("processor\t: 0\nflags\t\t: fpu vme sse avx2 avx512f\n"), false);
  assert.equal(cpuNeedsXstateFix("model name\t: amx_tile lookalike\nflags\t\t: fpu\n"), false, "only the flags line counts");
});

test("the fix is built once per machine and source, into the user's cache", () => {
  const cache = mkdtempSync(join(tmpdir(), "ipvlab-cache-"));
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  try {
    const lib = xstateFixLibrary();
    assert.ok(lib && lib.startsWith(join(cache, "ipvlab", "uml-xstate-fix-")) && existsSync(lib), String(lib));
    const built = statSync(lib).mtimeMs;
    assert.equal(xstateFixLibrary(), lib);
    assert.equal(statSync(lib).mtimeMs, built, "not built again");
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(cache, { recursive: true, force: true });
  }
});

test("with the fix's path forced on every FPU-state write, the kernel boots and the lab's checks are met; ipvlab says so once", async () => {
  const r = await runCli(["run", example("macvlan-private.lab.yaml"), "--engine", "uml"], { env: { IPVLAB_XSTATE_FIX: "force" } });
  assert.equal(r.code, 0, r.stderr.split("\n").slice(-20).join("\n"));
  assert.equal(r.stderr.match(/FPU-state fix for User-Mode Linux \(uml-xstate-fix\.c\) is in use/g)?.length, 1, r.stderr);
  assert.match(r.stdout, /engine uml, kernel 6\.1\./);
});
