import { formatDiagnostic, LabError, type LabDiagnostic } from "../lab/errors.js";
import { loadLabFile } from "../lab/load.js";
import type { Lab } from "../lab/types.js";

/** Loads every file, printing warnings; throws one LabError with every file's errors. */
export function loadLabs(files: string[], warn: (line: string) => void): Lab[] {
  const labs: Lab[] = [];
  const errors: LabDiagnostic[] = [];
  for (const f of files) {
    try {
      const { lab, warnings } = loadLabFile(f);
      warnings.forEach((w) => warn(formatDiagnostic(w)));
      labs.push(lab);
    } catch (e) {
      if (!(e instanceof LabError)) throw e;
      errors.push(...e.diagnostics);
    }
  }
  if (errors.length) throw new LabError(errors);
  return labs;
}
