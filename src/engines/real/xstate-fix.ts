// The fix that lets User-Mode Linux run on CPUs whose FPU state is larger
// than its buffer (Intel AMX): assets/uml-xstate-fix.c, preloaded into
// linux.uml. Built with the machine's C compiler at first use, kept in the
// user's cache under a name that changes with the source, so an edited
// source is built again and machines never share a build.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { assetPath } from "../../paths.js";
import { EngineUnavailable } from "../engine.js";

const SOURCE = "uml-xstate-fix.c";

export function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ipvlab");
}

/** Where UML panics without the fix: a CPU with AMX tile data in its extended state. */
export function cpuNeedsXstateFix(cpuinfo = readCpuinfo()): boolean {
  return /^flags\s*:.*\bamx_tile\b/m.test(cpuinfo);
}

function readCpuinfo(): string {
  try {
    return readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return "";
  }
}

/**
 * The built fix, or null where it cannot be built and is not needed. The fix
 * acts only when UML's buffer is short for this CPU, so preloading it
 * elsewhere changes nothing.
 */
export function xstateFixLibrary(): string | null {
  const source = readFileSync(assetPath(SOURCE));
  const out = join(cacheDir(), `uml-xstate-fix-${createHash("sha256").update(source).digest("hex").slice(0, 16)}.so`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = spawnSync("cc", ["-shared", "-fPIC", "-O2", "-o", tmp, assetPath(SOURCE), "-ldl"], { encoding: "utf8" });
  if (cc.status === 0) {
    renameSync(tmp, out);
    return out;
  }
  rmSync(tmp, { force: true });
  if (!cpuNeedsXstateFix()) return null;
  const why = cc.error ? "there is no C compiler (cc)" : `cc failed: ${cc.stderr.trim().split("\n")[0] ?? ""}`;
  throw new EngineUnavailable(
    `this CPU has Intel AMX, where User-Mode Linux needs ipvlab's fix for its FPU state (${SOURCE}), built with the machine's C compiler, and ${why}: apt-get install -y gcc`,
  );
}

/** What the fix says on the console the first time it acts, in words for the user. */
export function xstateFixNote(arg: string): string {
  const [uml, host] = arg.split(" ").map(Number) as [number, number];
  return uml < host
    ? `this CPU's FPU state is ${host} bytes and User-Mode Linux passes ${uml}: ipvlab's fix (${SOURCE}) hands the host its full size`
    : `ipvlab's FPU-state fix for User-Mode Linux (${SOURCE}) is in use (forced with IPVLAB_XSTATE_FIX=force)`;
}
