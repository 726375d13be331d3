import { exportLab, type ExportFormat } from "../engines/sim/export.js";
import { EXIT, UsageError } from "./errors.js";
import { loadLabs } from "./load.js";

export interface ExportFlags {
  compose?: boolean;
  cni?: boolean;
  nad?: boolean;
}

export async function exportCommand(file: string, flags: ExportFlags): Promise<number> {
  const formats = (["compose", "cni", "nad"] as const).filter((f) => flags[f]);
  if (formats.length !== 1) throw new UsageError("export: give one of --compose, --cni, --nad");
  const [lab] = loadLabs([file], (w) => process.stderr.write(`${w}\n`));
  try {
    process.stdout.write(await exportLab(lab!, formats[0] as ExportFormat));
  } catch (e) {
    if (e instanceof Error && /nothing to export/.test(e.message)) throw new UsageError(e.message);
    throw e;
  }
  return EXIT.ok;
}
