import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
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
