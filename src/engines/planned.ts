import type { Lab, LabStep, SourcePos } from "../lab/types.js";

/**
 * A step as every engine runs it: the hosts' `run` scripts first (those that
 * have one), then the lab's steps; a LabResult's steps are these, in order.
 */
export type PlannedStep = { setup: true; host: string; run: string; runLines: SourcePos[]; pos: SourcePos; timeout: number } | { setup: false; step: LabStep };

/** How long a host's `run` script may take. */
export const SETUP_TIMEOUT = 120;

export function plannedSteps(lab: Lab): PlannedStep[] {
  return [
    ...lab.hosts.filter((h) => h.run.trim()).map((h) => ({ setup: true as const, host: h.name, run: h.run, runLines: h.runLines, pos: h.runPos, timeout: SETUP_TIMEOUT })),
    ...lab.steps.map((step) => ({ setup: false as const, step })),
  ];
}

/** The label progress lines give a step. */
export function plannedLabel(p: PlannedStep): string {
  return p.setup ? `setup of ${p.host}` : p.step.kind === "matrix" ? `matrix "${p.step.name}"` : p.step.name;
}

/** What runs a command step: its host, script and where each line was written; null for a matrix. */
export interface PlannedCommand {
  host: string;
  run: string;
  runLines: SourcePos[];
  pos: SourcePos;
  timeout: number;
}

export function plannedCommand(p: PlannedStep): PlannedCommand | null {
  if (p.setup) return p;
  if (p.step.kind === "matrix") return null;
  const s = p.step;
  return { host: s.on, run: s.run, runLines: s.runLines, pos: s.pos, timeout: s.timeout };
}
