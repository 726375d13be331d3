// What the page and the simulator's worker say to each other: plain data,
// copied by postMessage. `gen` numbers the edits, so late answers about an
// older text are recognised and dropped.

import type { LabResult } from "../../src/engines/result.js";
import type { Topology } from "../../src/engines/sim/topology.js";
import type { TraceStep } from "../../src/kernel/trace.js";

/**
 * What to trace: a matrix cell's ping (`step`: the matrix's index in the
 * LabResult's steps), or a step's own command, in the state just before it.
 */
export type TraceTarget = { kind: "cell"; step: number; from: string; to: string } | { kind: "command"; step: number };

export const sameTarget = (a: TraceTarget | null, b: TraceTarget | null): boolean => JSON.stringify(a) === JSON.stringify(b);

export type ToWorker =
  | { type: "run"; gen: number; file: string; text: string }
  | { type: "trace"; gen: number; target: TraceTarget }
  | { type: "fix"; gen: number; target: TraceTarget }
  /** The Markdown report of the last lab that ran; `req` matches the answer to the question. */
  | { type: "report"; gen: number; req: number };

/** One suggestion of `ipvlab fix` for a traced command, with the lab text it makes. */
export interface FixSuggestion {
  what: string;
  commands: string[];
  diff: string;
  why: string | null;
  sideEffects: string[];
  text: string;
}

export interface Diagnostic {
  severity: "error" | "warning";
  line: number;
  col: number;
  message: string;
}

export interface TraceAnswer {
  type: "trace";
  gen: number;
  target: TraceTarget;
  host: string;
  command: string;
  /** The lab state the ping ran in. */
  after: string;
  exitCode: number;
  /** Step times made relative to the ping's start, in ms. */
  steps: TraceStep[];
  verdict: string;
  /** Indexes of the steps where a packet was dropped (or a neighbour given up on). */
  drops: number[];
  /** The kernel behaviours the verdict rests on, in words. */
  mechanisms: string[];
  /** The step that decided the outcome (engines/sim/trace-read.ts's decisive), when there is one. */
  deciding: number | null;
}

export type FromWorker =
  /** `notes`: the parser's warnings and what the run says about the lab's lines (web/src/notes.ts). */
  | { type: "lab"; gen: number; notes: Diagnostic[]; result: LabResult; topology: Topology; parseMs: number; runMs: number; script: boolean }
  | { type: "invalid"; gen: number; diagnostics: Diagnostic[] }
  | { type: "failed"; gen: number; message: string }
  /** `mechanisms`: the kernel behaviours the reason rests on, in words (engines/sim/verdict-story.ts's FACTORS). */
  | { type: "reason"; gen: number; step: number; from: string; to: string; reason: string; mechanisms: string[] }
  | { type: "explained"; gen: number; ms: number }
  | TraceAnswer
  | { type: "trace-failed"; gen: number; target: TraceTarget; message: string }
  /** `tried`: how much of the catalogue's space was tried, in words. */
  | { type: "fix"; gen: number; target: TraceTarget; suggestions: FixSuggestion[]; tried: string }
  | { type: "fix-failed"; gen: number; target: TraceTarget; message: string }
  | { type: "report"; gen: number; req: number; markdown: string }
  | { type: "report-failed"; gen: number; req: number; message: string };
