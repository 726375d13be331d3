import type { CommandResult, LabResult } from "../engines/result.js";
import { diagnosticsText } from "../report/text.js";
import { EXIT } from "./errors.js";

/**
 * For commands that run a lab to show something else (a matrix, a diagram,
 * a report): a setup command that failed or could not run makes what they
 * show a picture of a broken lab, so it is said on stderr, at its line, and
 * the command exits 1.
 */
export function setupProblems(r: LabResult): number {
  const broken = r.steps.some((s): s is CommandResult => s.kind !== "matrix" && (s.state === "setup-failed" || s.state === "error"));
  if (r.diagnostics.length) process.stderr.write(`${diagnosticsText(r)}\n`);
  return broken ? EXIT.failed : EXIT.ok;
}
