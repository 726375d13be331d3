// `ipvlab snapshot`: this machine's network state, read only, as a lab.

import { count } from "../plural.js";
import { writeFileSync } from "node:fs";
import { EngineUnavailable } from "../engines/engine.js";
import { parseCapture } from "../snapshot/capture.js";
import { snapshotLab } from "../snapshot/lab.js";
import { readMachine, SnapshotUnavailable, type SnapshotScope } from "../snapshot/read.js";
import { readFileSync } from "node:fs";
import { UsageError } from "./errors.js";
import { loadLabs } from "./load.js";
import { stepsBefore } from "./trace.js";
import { readLabHost } from "../snapshot/in-lab.js";

export interface SnapshotFlags {
  out?: string;
  json?: boolean;
  name?: string;
  scope?: SnapshotScope;
  from?: string;
  lab?: string;
  on?: string;
  after?: string;
  engine?: "uml" | "host";
  quiet?: boolean;
  ipv6?: boolean;
}

export async function snapshotCommand(f: SnapshotFlags): Promise<number> {
  let cap;
  let source: string | undefined;
  try {
    if (f.lab) {
      const [lab] = loadLabs([f.lab], (w) => process.stderr.write(w + "\n"));
      const host = f.on ?? (lab!.hosts.length === 1 ? lab!.hosts[0]!.name : undefined);
      if (!host) throw new UsageError(`--lab ${f.lab}: say which host to read with --on HOST (hosts: ${lab!.hosts.map((h) => h.name).join(", ")})`);
      if (!lab!.hosts.some((h) => h.name === host)) throw new UsageError(`--on ${host}: no host ${host} in ${lab!.name} (hosts: ${lab!.hosts.map((h) => h.name).join(", ")})`);
      const count = f.after === undefined ? lab!.steps.length : stepsBefore(lab!, f.after).count;
      cap = await readLabHost(lab!, host, count, f.engine ?? "uml", f.quiet ? undefined : (l) => process.stderr.write(`${l}\n`));
      f.name ??= host;
      source = `lab host ${host} of ${f.lab} on ${f.engine ?? "uml"}, after ${f.after === undefined ? "its last step" : `step ${f.after}`}`;
    } else if (f.from) {
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
  const lab = snapshotLab(cap, { name: f.name, source, ipv6: f.ipv6, takenAt: new Date().toISOString().replace(/\.\d+Z$/, "Z") });
  if (f.out) writeFileSync(f.out, lab.yaml);
  if (f.json) {
    process.stdout.write(`${JSON.stringify({ lab: lab.yaml, file: f.out ?? null, host: lab.host, namespaces: lab.namespaces, standIns: lab.standIns, notCaptured: lab.notCaptured, capture: cap }, null, 2)}\n`);
  } else if (!f.out) {
    process.stdout.write(lab.yaml);
  }
  const ns = lab.namespaces.length;
  process.stderr.write(
    `ipvlab: ${f.out ? `wrote ${f.out}: ` : ""}${cap.hostname} as lab host ${lab.host}, ${count(ns, "namespace")}, ${count(lab.standIns.length, "stand-in host")}` +
      (lab.notCaptured.length ? `\nnot captured:\n${lab.notCaptured.map((s) => `  - ${s}`).join("\n")}\n` : "\n"),
  );
  return 0;
}
