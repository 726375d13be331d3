// Every failing command and unmet check of a run, at its place in the lab
// file: what the CLI lists as file:line:col, --json carries and the web
// editor marks. The same for every engine: it reads only the LabResult.

import { sortDiagnostics } from "../lab/errors.js";
import { scriptLineAt } from "../lab/script-lines.js";
import type { Lab, SourcePos } from "../lab/types.js";
import { plannedCommand, plannedSteps, stepNumber } from "./planned.js";
import type { CommandResult, ResultDiagnostic, StepResult } from "./result.js";

function unmet(s: CommandResult): string {
  if (s.expect === "fail") return `check "${s.name}" expected the command to fail, but it succeeded`;
  const last = [...s.failures].reverse().find((f) => f.kind === "exit");
  return `check "${s.name}" expected ok, but ${last ? last.message : `the command exited ${s.exitCode}`}`;
}

export function labDiagnostics(lab: Lab, steps: readonly StepResult[]): ResultDiagnostic[] {
  const plan = plannedSteps(lab);
  const out: { pos: SourcePos; severity: "error" | "warning"; message: string; step: number }[] = [];
  steps.forEach((s, idx) => {
    const p = plan[idx];
    const step = stepNumber(lab, idx);
    const where = p ? plannedCommand(p) : null;
    if (!where || s.kind === "matrix") return;
    const lines = where.runLines;
    const first = lines[0] ?? where.pos;
    const at = (line: number) => (line > 0 ? scriptLineAt(lines, line, first) : first);
    const captures = p && !p.setup && p.step.kind !== "matrix" ? p.step.capture : [];
    // A check meant to fail: its commands failing is the point.
    const expectedFailures = s.kind === "check" && s.expect === "fail";
    for (const f of s.failures) {
      // A capture's failure is at the capture's own entry.
      const capturePos = f.capture !== undefined ? captures[f.capture]?.pos : undefined;
      if (capturePos) out.push({ pos: capturePos, severity: "error", message: f.message, step });
      else if (f.kind !== "exit") out.push({ pos: at(f.line), severity: "error", message: f.message, step });
      else if (!expectedFailures && s.state !== "not-met") out.push({ pos: at(f.line), severity: "warning", message: f.message, step });
    }
    if (s.state === "not-met") {
      const last = [...s.failures].reverse().find((f) => f.kind === "exit");
      out.push({ pos: s.expect === "ok" && last ? at(last.line) : first, severity: "warning", message: unmet(s), step });
    }
    if (s.state === "setup-failed" && s.failures.length === 0) out.push({ pos: first, severity: "warning", message: `the script exited ${s.exitCode}`, step });
  });
  return sortDiagnostics(out).map((d) => ({ file: d.pos.file, line: d.pos.line, col: d.pos.col, severity: d.severity, message: d.message, step: d.step }));
}
