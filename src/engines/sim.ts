// The `sim` engine: every lab in the simulated Linux network stack, answered
// in the same LabResult the real engines give. The only I/O is --pcap.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/types.js";
import { writePcap } from "../userland/pcap.js";
import type { Tool } from "../userland/tool.js";
import { EngineUnavailable, type Engine, type RunOptions } from "./engine.js";
import type { LabResult } from "./result.js";
import { pcapFileName } from "./pcap-name.js";
import { count } from "../plural.js";
import { plannedProgress, stepNumber } from "./planned.js";
import { captureFilter } from "./sim/capture.js";
import { explainMatrix } from "./sim/explain.js";
import { matrixProgress, reasonsProgress, throttled } from "./sim/progress.js";
import { runLabInSim } from "./sim/run.js";

const UNSIMULATED_KINDS = /\btype\s+(ipvtap|macvtap)\b/;

/**
 * In a lab with IPv6 on, what the simulator does not model yet: the
 * bridge's MDB, which MLD snooping fills from every device's reports, and
 * `ip maddr`'s view of the groups. (`bridge fdb show` lists each device's
 * multicast MACs in join order, which the golden labs bridge-fdb-show,
 * bridge-in-host, bridge-port-options and vlan-trunk-bridge hold.)
 */
const IPV6_TRAFFIC = /\bbridge\s+(mdb|monitor)\b|\bmaddr\b/;

/**
 * What a lab uses that the simulator does not model yet, if anything ("macvtap
 * devices"): such a lab would run in sim without it, silently wrong.
 */
export function unsimulatedKind(lab: Lab): string | null {
  const scripts = [...lab.hosts.map((h) => h.run), ...lab.steps.map((s) => (s.kind === "matrix" ? "" : s.run))].map((t) => t.replace(/#.*$/gm, ""));
  if (lab.ipv6 && scripts.some((t) => IPV6_TRAFFIC.test(t))) {
    return "the multicast groups IPv6 joins as bridge mdb and ip maddr list them (with IPv6 on)";
  }
  for (const script of scripts) {
    const m = UNSIMULATED_KINDS.exec(script);
    if (m) return `${m[1]!} devices`;
  }
  return null;
}

/**
 * A capture filter the simulator does not evaluate (a byte offset, a name to
 * resolve, `portrange`...), said with its place: run on its own, sim refuses
 * it at that capture's line; a run with no engine named goes to uml instead.
 */
export function unsimulatedFilter(lab: Lab): string | null {
  for (const s of lab.steps) {
    if (s.kind === "matrix") continue;
    for (const c of s.capture) {
      const r = captureFilter(c).refusal;
      if (r?.kind === "refused") return `a capture filter it does not evaluate (${c.pos.file}:${c.pos.line}: ${c.filter})`;
    }
  }
  return null;
}

export class SimEngine implements Engine {
  readonly name = "sim" as const;

  /** `tools` adds or replaces simulated commands (tests). */
  constructor(private readonly tools: Record<string, Tool> = {}) {}

  async runMany(labs: Lab[], opts: RunOptions = {}): Promise<LabResult[]> {
    const say = opts.onProgress ?? (() => {});
    for (const lab of labs) {
      const kind = unsimulatedKind(lab);
      if (kind) throw new EngineUnavailable(`${lab.name}: --engine sim does not simulate ${kind} yet; run this lab with --engine uml`);
    }
    const out: LabResult[] = [];
    for (const [li, lab] of labs.entries()) {
      const prefix = labs.length > 1 ? `[${li + 1}/${labs.length} ${lab.name}] ` : "";
      say(`${prefix}building the lab: ${count(lab.hosts.length, "host")}, ${count(lab.networks.length, "network")}`);
      const run = await runLabInSim(lab, {
        tools: this.tools,
        onStep: (i) => say(`${prefix}${plannedProgress(lab, i)}`),
        onMatrix: (p) => say(`${prefix}${matrixProgress(p)}`),
        ...(opts.reasons ? { afterMatrix: (m, ctx) => explainMatrix(lab, ctx, m, throttled((p) => say(`${prefix}${reasonsProgress(p)}`))) } : {}),
        ...(opts.kernelRelease ? { release: opts.kernelRelease } : {}),
        ...(opts.stepStartMs !== undefined ? { stepStartMs: opts.stepStartMs } : {}),
      });
      if (opts.pcapDir) {
        for (const c of run.captures) {
          const dir = join(opts.pcapDir, lab.name);
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, pcapFileName(stepNumber(lab, c.step), c.id)), writePcap(c.frames));
        }
      }
      out.push(run.result);
    }
    return out;
  }
}
