import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../paths.js";
import type { EngineName, LabResult } from "../engines/result.js";
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
  };
  result: LabResult;
}

export const GOLDEN_DIR = join("test", "golden");

export function labSha256(file: string): string {
  return createHash("sha256").update(readLabBytes(file)).digest("hex");
}

export function readGolden(dir: string, lab: string): GoldenFile {
  return JSON.parse(readFileSync(join(dir, `${lab}.json`), "utf8")) as GoldenFile;
}

/**
 * Where a lab's golden file is: DIR/<lab>.json or one folder down (the
 * examples' files sit at the top, the corpora in core/, vlan/, ...); then the
 * same under ipvlab's own test/golden, so its labs verify from any folder.
 * Null when there is none.
 */
export function findGolden(dir: string, lab: string): string | null {
  for (const base of [dir, join(packageRoot, GOLDEN_DIR)]) {
    if (!existsSync(base)) continue;
    const subdirs = readdirSync(base).filter((d) => statSync(join(base, d)).isDirectory());
    for (const d of [base, ...subdirs.map((x) => join(base, x))]) if (existsSync(join(d, `${lab}.json`))) return d;
  }
  return null;
}
