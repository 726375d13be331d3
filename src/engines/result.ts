import type { Expect } from "../lab/types.js";
import { naturalCompare } from "../natural.js";
import { ipv6IsLinkLocal } from "../wire/ipv6-addr.js";

/** One LabResult per run, the same shape from every engine (DESIGN.md, "Lab files"). */
export interface LabResult {
  lab: string;
  engine: EngineName;
  kernel: string;
  steps: StepResult[];
  /** Every failing command and unmet check at its place in the lab file (engines/diagnostics.ts). */
  diagnostics: ResultDiagnostic[];
}

/**
 * What a command step came to. `error`: a command could not run as written
 * (not found, killed at the timeout, refused by the simulator, a syntax
 * error), never met whatever `expect` says; `setup-failed`: a host's `run`
 * script or an action had a command that exited non-zero.
 */
export type StepState = "met" | "not-met" | "error" | "setup-failed";

/** How a command of a step failed; everything but `exit` means it could not run as written. */
export type FailureKind = "exit" | "not-found" | "not-executable" | "killed" | "refused" | "syntax" | "limit";

/**
 * One command of a step's script that failed where bash's ERR trap fires:
 * a simple command or pipeline at the script's top level that exits
 * non-zero, not in a condition, not before `&&`/`||`, not negated.
 */
export interface CommandFailure {
  /** Line (1-based) in the step's own script. */
  line: number;
  exitCode: number;
  kind: FailureKind;
  /** One line: the command and why it failed. */
  message: string;
  /** Not a command: the step's capture of this index could not run as written (its filter); line is 0. */
  capture?: number;
}

export interface ResultDiagnostic {
  file: string;
  line: number;
  col: number;
  severity: "error" | "warning";
  message: string;
  /** The step it is about, numbered as the lab file lists its steps (from 1); 0 for a host's setup script. */
  step: number;
}

export type EngineName = "sim" | "uml" | "host";

/** The step's number as the lab file lists its steps, from 1 (engines/planned.ts stepNumber); absent on the hosts' setup scripts. */
type Numbered = { step?: number };

export interface CommandResult extends Numbered {
  kind: "action" | "check";
  name: string;
  host: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  ok: boolean;
  expect: Expect | null;
  /** state === "met": for a check, ok matched expect and every command could run; for an action or setup, every command succeeded. */
  met: boolean;
  state: StepState;
  failures: CommandFailure[];
  /** tcpdump -n -e lines per capture target ("host:dev" or "host/ns:dev"). */
  captures: Record<string, string[]>;
  /** Set for the hosts' `run` scripts, which run before the lab's steps. */
  setup?: boolean;
  /** Only in golden files: the exit code differed between recorded runs (timing on the real kernel). */
  unstable?: boolean;
}

export interface Endpoint {
  id: string;
  host: string;
  netns: string | null;
  dev: string;
  address: string;
}

/**
 * Names endpoints as DESIGN.md does, `host:dev` or `host/ns:dev`; a device
 * with several addresses has one endpoint per address, `...#address`.
 */
export function nameEndpoints(raw: Omit<Endpoint, "id">[]): Endpoint[] {
  const base = (e: Omit<Endpoint, "id">) => (e.netns === null ? `${e.host}:${e.dev}` : `${e.host}/${e.netns}:${e.dev}`);
  const count = new Map<string, number>();
  for (const e of raw) count.set(base(e), (count.get(base(e)) ?? 0) + 1);
  return raw.map((e) => ({ id: count.get(base(e))! > 1 ? `${base(e)}#${e.address}` : base(e), ...e }));
}

/**
 * What a matrix pairs an address with: IPv4, IPv6 global, or IPv6
 * link-local (fe80::/10, pinged with the sending device as its scope: a
 * global source never leaves for a link-local peer, nor the other way).
 */
export type AddressKind = "inet" | "inet6" | "link";
export const addressKind = (address: string): AddressKind => (!address.includes(":") ? "inet" : ipv6IsLinkLocal(address) ? "link" : "inet6");

/** A matrix pings only between addresses of one kind (addressKind). */
export const sameFamily = (a: { address: string }, b: { address: string }): boolean => addressKind(a.address) === addressKind(b.address);

/**
 * A matrix as every engine hands it out: hosts in the lab's order, in each the
 * root namespace first, then the namespaces in natural order (ns1, ns2, ns10),
 * devices and addresses as found; the cells row by row in that order. The
 * pings themselves go out in the order they were found.
 */
export function inNaturalOrder(m: MatrixResult): MatrixResult {
  const hostRank = new Map<string, number>();
  for (const e of m.endpoints) if (!hostRank.has(e.host)) hostRank.set(e.host, hostRank.size);
  const found = new Map(m.endpoints.map((e, i) => [e.id, i]));
  const endpoints = [...m.endpoints].sort(
    (a, b) =>
      hostRank.get(a.host)! - hostRank.get(b.host)! ||
      (a.netns === b.netns ? 0 : a.netns === null ? -1 : b.netns === null ? 1 : naturalCompare(a.netns, b.netns)) ||
      found.get(a.id)! - found.get(b.id)!,
  );
  const rank = new Map(endpoints.map((e, i) => [e.id, i]));
  const cells = [...m.cells].sort((a, b) => rank.get(a.from)! - rank.get(b.from)! || rank.get(a.to)! - rank.get(b.to)!);
  return { ...m, endpoints, cells };
}

export interface MatrixCell {
  from: string;
  to: string;
  ok: boolean;
  /** Why the ping failed, in one sentence; only the simulator can say. */
  reason?: string;
  /** The mechanisms the reason rests on (FACTORS in engines/sim/trace-verdict.ts). */
  factors?: string[];
  /** Only in golden files: the answer differed between recorded runs (a race between concurrent pings). */
  unstable?: boolean;
}

export interface MatrixResult extends Numbered {
  kind: "matrix";
  name: string;
  endpoints: Endpoint[];
  cells: MatrixCell[];
}

export type StepResult = CommandResult | MatrixResult;

/** The step's number (stepNumber), also for a result recorded before steps carried one; 0 for a setup script. */
export function stepNumberOf(steps: readonly StepResult[], idx: number): number {
  const s = steps[idx]!;
  if (s.kind !== "matrix" && s.setup) return 0;
  return s.step ?? idx - steps.filter((x) => x.kind !== "matrix" && x.setup).length + 1;
}

/** How a step is named in verify's and record's output, JUnit and the report: "step 4: its name", or a setup's own name. */
export function stepTitle(steps: readonly StepResult[], idx: number): string {
  const n = stepNumberOf(steps, idx);
  const s = steps[idx]!;
  return n === 0 ? s.name : `step ${n}: ${s.kind === "matrix" ? `matrix "${s.name}"` : s.name}`;
}

/** Every check met its expectation and every setup command and action succeeded. */
export function allMet(r: LabResult): boolean {
  return r.steps.every((s) => s.kind === "matrix" || s.met);
}
