import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../paths.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { DEFAULT_KERNEL, isKernelName, type KernelName } from "../engines/real/kernels.js";
import { goldenDirFor } from "./dir.js";
import { readLabBytes } from "../lab/load.js";

/** A real kernel's answer for one lab, written only by `ipvlab record`. */
export interface GoldenFile {
  recordedWith: {
    command: string;
    ipvlab: string;
    engine: EngineName;
    kernel: string;
    labFile: string;
    /** sha256 of the lab file as recorded: a changed lab needs a new recording. */
    labSha256: string;
    /** Whether the lab ran with IPv6 on; absent in files recorded while IPv6 was off unless a lab said `ipv6: true`. */
    ipv6?: boolean;
  };
  result: LabResult;
}

/** Whether the lab ran with IPv6 on when the golden file was recorded (older files: only with `ipv6: true`, then the default was off). */
export function recordedWithIpv6(g: GoldenFile, labText: string): boolean {
  return g.recordedWith.ipv6 ?? /^ipv6:\s*true\b/m.test(labText);
}

export { GOLDEN_DIR, goldenDirFor } from "./dir.js";

export function labSha256(file: string): string {
  return createHash("sha256").update(readLabBytes(file)).digest("hex");
}

export function readGolden(dir: string, lab: string): GoldenFile {
  return JSON.parse(readFileSync(join(dir, `${lab}.json`), "utf8")) as GoldenFile;
}

/**
 * Where a lab's golden file is: DIR/<lab>.json or one folder down (the
 * examples' files sit at the top, the corpora in core/, vlan/, ...); then the
 * same under ipvlab's own golden files of KERNEL, so its labs verify from any
 * folder. A folder named after a release (6.12/) holds another kernel's
 * answers and is not looked in. Null when there is none.
 */
export function findGolden(dir: string, lab: string, kernel: KernelName = DEFAULT_KERNEL): string | null {
  for (const base of [dir, join(packageRoot, goldenDirFor(kernel))]) {
    if (!existsSync(base)) continue;
    const subdirs = readdirSync(base).filter((d) => !isKernelName(d) && statSync(join(base, d)).isDirectory());
    for (const d of [base, ...subdirs.map((x) => join(base, x))]) if (existsSync(join(d, `${lab}.json`))) return d;
  }
  return null;
}
