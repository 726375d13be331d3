import { readFileSync, writeFileSync } from "node:fs";
import { importFile } from "../lab/import/index.js";
import { UsageError, EXIT } from "./errors.js";

export interface ImportFlags {
  out?: string;
  pods?: string;
  json?: boolean;
}

/** Pods: a count ("3": pod1..pod3) or names ("web,db"). */
function podNames(spec: string | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    if (n < 1 || n > 64) throw new UsageError(`--pods ${spec}: a count from 1 to 64, or names separated by commas`);
    return Array.from({ length: n }, (_, i) => `pod${i + 1}`);
  }
  const names = spec.split(",").map((s) => s.trim());
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)) throw new UsageError(`--pods: "${n}" is not a namespace name`);
  return names;
}

export async function importCommand(file: string, flags: ImportFlags): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const pods = podNames(flags.pods);
  const r = await Promise.resolve(importFile(file, text, pods ? { pods } : {}));
  if (flags.json) process.stdout.write(`${JSON.stringify({ file, kind: r.kind, lab: r.lab })}\n`);
  else if (flags.out) writeFileSync(flags.out, r.lab);
  else process.stdout.write(r.lab);
  if (flags.out) process.stderr.write(`ipvlab: ${file} (${r.kind}) -> ${flags.out}; run it with: ipvlab run ${flags.out}\n`);
  return EXIT.ok;
}
