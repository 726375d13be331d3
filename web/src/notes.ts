// What a run says about the lab's own lines, for the editor: the run's
// diagnostics (engines/diagnostics.ts), each failing command at its line in
// the text and each unmet check, exactly as the CLI lists them.

import type { LabResult } from "../../src/engines/result.js";
import type { Diagnostic } from "./protocol.js";

export function runNotes(result: LabResult): Diagnostic[] {
  return result.diagnostics.map((d) => ({ severity: d.severity, line: d.line, col: d.col, message: d.message }));
}
