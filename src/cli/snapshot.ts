// `ipvlab snapshot`: this machine's network state, read only, as a lab.

import { writeFileSync } from "node:fs";
import { EngineUnavailable } from "../engines/engine.js";
import { parseCapture } from "../snapshot/capture.js";
import { snapshotLab } from "../snapshot/lab.js";
import { readMachine, SnapshotUnavailable, type SnapshotScope } from "../snapshot/read.js";
import { readFileSync } from "node:fs";
import { UsageError } from "./errors.js";

export interface SnapshotFlags {
  out?: string;
  json?: boolean;
  name?: string;
  scope?: SnapshotScope;
  from?: string;
}

export async function snapshotCommand(f: SnapshotFlags): Promise<number> {
  let cap;
  try {
    if (f.from) {
      let text: string;
      try {
        text = readFileSync(f.from === "-" ? 0 : f.from, "utf8");
      } catch (e) {
        throw new UsageError(`--from ${f.from}: ${(e as Error).message}`);
      }
      try {
        cap = parseCapture(text);
      } catch (e) {
        throw new UsageError(`--from ${f.from}: not the snapshot reader's output (${(e as Error).message})`);
      }
    } else cap = readMachine(f.scope ?? "machine");
  } catch (e) {
    if (e instanceof SnapshotUnavailable) throw new EngineUnavailable(e.message);
    throw e;
  }
  const lab = snapshotLab(cap, { name: f.name, takenAt: new Date().toISOString().replace(/\.\d+Z$/, "Z") });
  if (f.out) writeFileSync(f.out, lab.yaml);
  if (f.json) {
    process.stdout.write(`${JSON.stringify({ lab: lab.yaml, file: f.out ?? null, host: lab.host, namespaces: lab.namespaces, standIns: lab.standIns, notCaptured: lab.notCaptured, capture: cap }, null, 2)}\n`);
  } else if (!f.out) {
    process.stdout.write(lab.yaml);
  }
  const ns = lab.namespaces.length;
  process.stderr.write(
    `ipvlab: ${f.out ? `wrote ${f.out}: ` : ""}${cap.hostname} as lab host ${lab.host}, ${ns} namespace${ns > 1 ? "s" : ""}, ${lab.standIns.length} stand-in host${lab.standIns.length === 1 ? "" : "s"}` +
      (lab.notCaptured.length ? `\nnot captured:\n${lab.notCaptured.map((s) => `  - ${s}`).join("\n")}\n` : "\n"),
  );
  return 0;
}
