import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes a --junit report, making its folder (CI jobs name one under a reports folder that may not exist yet). */
export function writeJUnit(file: string, xml: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, xml);
}
