import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, whether running from dist/src or installed. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function assetPath(name: string): string {
  return join(packageRoot, "assets", name);
}

export const version: string = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
