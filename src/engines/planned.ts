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

/** The hosts with a `run` script: those scripts run first, before the lab's steps. */
export function setupCount(lab: Lab): number {
  return lab.hosts.filter((h) => h.run.trim()).length;
}

/**
 * The number a step goes by everywhere: run's text and progress, --json, --after,
 * pcap file names, check, verify, record, report. It is the step's place in the
 * lab file's `steps:`, from 1; a host's setup script has none (0): it is "setup of HOST".
 */
export function stepNumber(lab: Lab, planIndex: number): number {
  const setups = setupCount(lab);
  return planIndex < setups ? 0 : planIndex - setups + 1;
}

/** A progress line's title for the step at planIndex: "setup 1 of 3: vm01", "step 4 of 16: its name". */
export function plannedProgress(lab: Lab, planIndex: number): string {
  const plan = plannedSteps(lab);
  const p = plan[planIndex]!;
  const setups = setupCount(lab);
  return p.setup ? `setup ${planIndex + 1} of ${setups}: ${p.host}` : `step ${stepNumber(lab, planIndex)} of ${lab.steps.length}: ${plannedLabel(p)}`;
}
