import { LabError, type LabDiagnostic } from "./errors.js";
import type { SourcePos } from "./types.js";

/** Why a script's `#!` line would mislead: ipvlab always runs scripts with bash. Null when it is fine. */
export function shebangProblem(text: string): string | null {
  const m = /^#!\s*(\S*)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return null;
  let interp = (m[1] ?? "").replace(/^.*\//, "");
  if (interp === "env" && m[2]) interp = m[2].replace(/^.*\//, "");
  if (/^(ba|da|k|z)?sh$/.test(interp)) return null;
  return `the #! line names ${interp ? quoteName(interp) : "no interpreter"}, but ipvlab runs every script with bash: write the commands for bash (#!/bin/bash)`;
}

function quoteName(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}

/** The position of the first character that shows `text` is not a text file (a NUL byte), or null. */
export function binaryAt(text: string): number | null {
  const i = text.indexOf("\u0000");
  return i < 0 ? null : i;
}

export function positionOf(file: string, text: string, offset: number): SourcePos {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { file, line, col: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

export function binaryError(file: string, text: string): LabError | null {
  const at = binaryAt(text);
  if (at === null) return null;
  return new LabError([
    {
      severity: "error",
      pos: positionOf(file, text, at),
      message: "this is a binary file (it has a NUL byte), not a lab: give a *.lab.yaml file or a shell script",
    },
  ]);
}

/** Everything that stops a shell-script lab from running as written. */
export function scriptDiagnostics(file: string, text: string): LabDiagnostic[] {
  const pos: SourcePos = { file, line: 1, col: 1 };
  if (!text.replace(/^#.*$/gm, "").trim()) {
    const message = text.trim()
      ? "the script has only comments: write the commands that build the lab (ip link add ..., ip addr add ...)"
      : "the script is empty: write the commands that build the lab (ip link add ..., ip addr add ...)";
    return [{ severity: "error", pos, message }];
  }
  const out: LabDiagnostic[] = [];
  const cr = text.indexOf("\r");
  if (cr >= 0) {
    const word = /(\S+)$/.exec(text.slice(text.lastIndexOf("\n", cr) + 1, cr))?.[1] ?? "";
    out.push({
      severity: "error",
      pos: positionOf(file, text, cr),
      message: `this line ends in a carriage return (Windows line endings): bash would read the last word as ${JSON.stringify(word + "\r")}; save the file with Unix line endings (dos2unix)`,
    });
  }
  const problem = shebangProblem(text);
  if (problem) out.push({ severity: "error", pos: { file, line: 1, col: /^#!\s*/.exec(text)![0].length + 1 }, message: problem });
  return out;
}
