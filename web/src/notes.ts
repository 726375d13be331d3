// What a run says about the lab's own lines, for the editor: a check that
// did not meet its expectation, and what a command wrote on stderr (at the
// script line bash names, when it names one) unless it was a check that
// meant to fail. Markers only: the run's
// result is the simulator's, untouched.

import type { CommandResult, LabResult } from "../../src/engines/result.js";
import type { Lab } from "../../src/lab/types.js";
import type { Diagnostic } from "./protocol.js";

const BASH_LINE = /^\/ipvlab\/cmd\/\d+\.sh: line (\d+): (.*)$/;

/** The line of the text where a script's first line is: the line after `run: |`, or `run:`'s own line. */
function scriptStart(lines: string[], line: number, col: number): number {
  const at = (lines[line - 1] ?? "").slice(col - 1);
  return /^[|>]/.test(at) ? line + 1 : line;
}

/** A step's `run:` line: the first one from its `- ` line on, before the next step. */
function stepRun(lines: string[], line: number): { line: number; col: number } {
  const indent = /^(\s*)-/.exec(lines[line - 1] ?? "")?.[1]?.length ?? 0;
  for (let i = line - 1; i < lines.length; i++) {
    if (i > line - 1 && new RegExp(`^\\s{0,${indent}}-`).test(lines[i]!)) break;
    const m = /^(\s*(?:-\s+)?run:\s*)/.exec(lines[i]!);
    if (m) return { line: i + 1, col: m[1]!.length + 1 };
  }
  return { line, col: 1 };
}

function stderrNotes(s: CommandResult, first: number, fallback: number, isScriptLab: boolean): Diagnostic[] {
  return s.stderr
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("ipvlab: killed"))
    .map((l) => {
      const m = BASH_LINE.exec(l);
      const line = m ? first + Number(m[1]) - 1 : fallback;
      return { severity: "warning" as const, line, col: 1, message: `${isScriptLab ? "" : `${s.setup ? `setup of ${s.host}` : `“${s.name}”`}: `}${m ? m[2]! : l}` };
    });
}

export function runNotes(lab: Lab, result: LabResult, text: string, isScriptLab: boolean): Diagnostic[] {
  const lines = text.split("\n");
  const notes: Diagnostic[] = [];
  let step = 0;
  for (const s of result.steps) {
    if (s.kind === "matrix") {
      step++;
      continue;
    }
    if (s.setup) {
      const host = lab.hosts.find((h) => h.name === s.host);
      if (!host) continue;
      const first = isScriptLab ? 1 : scriptStart(lines, host.runPos.line, host.runPos.col);
      notes.push(...stderrNotes(s, first, first, isScriptLab));
      continue;
    }
    const pos = lab.steps[step++]?.pos;
    if (!pos) continue;
    const run = stepRun(lines, pos.line);
    // A check that meant to fail says why on stderr as it should: nothing to point out.
    if (!(s.kind === "check" && s.met && s.expect === "fail")) notes.push(...stderrNotes(s, scriptStart(lines, run.line, run.col), run.line, false));
    if (!s.met) notes.push({ severity: "warning", line: pos.line, col: pos.col, message: `“${s.name}” expected ${s.expect}, and the command exited ${s.exitCode}` });
  }
  return notes.sort((a, b) => a.line - b.line || a.col - b.col);
}
