import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../../lab/types.js";
import { nameEndpoints, type CommandResult, type EngineName, type LabResult, type MatrixResult } from "../result.js";
import { plannedSteps, type PlannedStep } from "./plan.js";

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}

/** Reads what the driver wrote for one lab into a LabResult. */
export function collectLab(lab: Lab, dir: string, engine: EngineName, pcapDir?: string): LabResult {
  const steps = plannedSteps(lab).map((p, idx) => {
    const d = join(dir, String(idx));
    return !p.setup && p.step.kind === "matrix" ? collectMatrix(p.step.name, d) : collectCommand(lab, p, idx, d, pcapDir);
  });
  return { lab: lab.name, engine, kernel: read(join(dir, "kernel")).trim(), steps };
}

function collectCommand(lab: Lab, p: PlannedStep, idx: number, d: string, pcapDir?: string): CommandResult {
  const rcText = read(join(d, "rc")).trim();
  const exitCode = rcText === "" ? -1 : Number(rcText);
  const step = p.setup ? null : p.step.kind === "matrix" ? null : p.step;
  let stderr = read(join(d, "stderr"));
  if (exitCode === 137 && step) stderr += `ipvlab: killed after ${step.timeout} s (the step's timeout)\n`;
  const captures: Record<string, string[]> = {};
  step?.capture.forEach((c, k) => {
    const f = join(d, `cap${k}`);
    const err = read(`${f}.err`);
    if (!err.includes("listening on")) {
      stderr += `ipvlab: capture on ${c.id} failed: ${lines(err).join(" ") || "tcpdump did not start"}\n`;
    }
    captures[c.id] = lines(read(`${f}.txt`));
    if (pcapDir && existsSync(`${f}.pcap`)) {
      const out = join(pcapDir, lab.name);
      mkdirSync(out, { recursive: true });
      copyFileSync(`${f}.pcap`, join(out, `${String(idx).padStart(2, "0")}-${c.id.replace(/[/:]/g, "_")}.pcap`));
    }
  });
  const ok = exitCode === 0;
  const expect = step?.expect ?? null;
  const base = {
    kind: (step?.kind ?? "action") as "action" | "check",
    name: p.setup ? `setup ${p.host}` : step!.name,
    host: p.setup ? p.host : step!.on,
    command: p.setup ? p.run : step!.run,
    exitCode,
    stdout: read(join(d, "stdout")),
    stderr,
    ok,
    expect,
    met: expect === null ? true : ok === (expect === "ok"),
    captures,
  };
  return p.setup ? { ...base, setup: true } : base;
}

function collectMatrix(name: string, d: string): MatrixResult {
  const raw = lines(read(join(d, "endpoints"))).map((l) => {
    const [host, ns, dev, address] = l.split(" ") as [string, string, string, string];
    return { host, netns: ns === "-" ? null : ns, dev, address };
  });
  const endpoints = nameEndpoints(raw);
  const cellFiles = new Set(existsSync(d) ? readdirSync(d).filter((f) => f.startsWith("cell.")) : []);
  const cells = [];
  for (let i = 0; i < endpoints.length; i++) {
    for (let j = 0; j < endpoints.length; j++) {
      const a = endpoints[i]!;
      const b = endpoints[j]!;
      if (a.host === b.host && a.netns === b.netns) continue;
      const f = `cell.${i}.${j}`;
      cells.push({ from: a.id, to: b.id, ok: cellFiles.has(f) && read(join(d, f)).trim() === "0" });
    }
  }
  return { kind: "matrix", name, endpoints, cells };
}
