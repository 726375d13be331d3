import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { closest, LabError } from "./errors.js";
import { parseScriptLab, parseYamlLab, SCRIPT_EXT, YAML_EXT, type LoadedLab } from "./parse.js";
import { binaryError, positionOf } from "./script.js";
import type { SourcePos } from "./types.js";

/* Reading lab files: the one module of src/lab that needs Node (the rest also runs in a browser). */

export { parseScriptLab, parseYamlLab, type LoadedLab };

function fail(file: string, message: string, pos: Partial<SourcePos> = {}): LabError {
  return new LabError([{ severity: "error", pos: { file, line: pos.line ?? 1, col: pos.col ?? 1 }, message }]);
}

/** Lab files in a directory, for messages about a path that is not one. */
function labsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => YAML_EXT.test(f) || SCRIPT_EXT.test(f))
      .sort();
  } catch {
    return [];
  }
}

/** The LabError for a lab file that cannot be read (missing, a directory, unreadable, ...). */
export function readError(file: string, e: unknown): LabError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT") {
    const dir = dirname(file);
    const near = closest(file.slice(dir.length).replace(/^[\\/]/, ""), labsIn(dir));
    return fail(file, `no such file${near ? ` (did you mean ${join(dir, near)}?)` : ""}`);
  }
  if (code === "EISDIR") {
    const labs = labsIn(file);
    const shown = labs.slice(0, 5).map((f) => join(file, f));
    return fail(
      file,
      labs.length
        ? `is a directory, not a lab: give lab files, e.g. ${shown.join(" ")}${labs.length > 5 ? ` (${labs.length} labs in it)` : ""}`
        : "is a directory, not a lab, and holds no *.lab.yaml or *.sh files: give a lab file",
    );
  }
  if (code === "EACCES" || code === "EPERM") return fail(file, "cannot read the lab: permission denied (check the file's permissions)");
  if (code === "ENOTDIR") return fail(file, "no such file: a part of the path before the file name is not a directory");
  const why = ((e as Error | null)?.message ?? String(e)).replace(/^[A-Z]+: /, "").replace(/, (open|read|scandir)( '.*')?$/, "");
  return fail(file, `cannot read the lab: ${why}`);
}

/** Reads a lab file: `*.lab.yaml`/`*.yaml`/`*.yml`, or a shell script (one host, no networks). */
export function loadLabFile(file: string): LoadedLab {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw readError(file, e);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder("utf-8").decode(bytes);
    if (loose.includes("\u0000")) throw binaryError(file, loose)!;
    const at = loose.indexOf("\ufffd");
    throw fail(file, "the file is not UTF-8 text: save it as UTF-8 (or it is not a lab at all)", positionOf(file, loose, Math.max(at, 0)));
  }
  if (YAML_EXT.test(file)) return parseYamlLab(file, text);
  if (SCRIPT_EXT.test(file) || text.startsWith("#!")) return parseScriptLab(file, text);
  const base = file.replace(/^.*[\\/]/, "");
  const ext = /\.[^.]+$/.exec(base)?.[0] ?? "";
  const rename = ext.toLowerCase() === ".json" ? ` (YAML reads JSON as it is: rename it to ${base.replace(/\.json$/i, ".lab.yaml")})` : ext.toLowerCase() === ".lab" ? ` (rename it to ${base}.yaml)` : "";
  throw fail(
    file,
    `not a lab file${ext ? ` (${quoteExt(ext)} is not a lab extension)` : ""}: name a YAML lab *.lab.yaml (or .yaml, .yml) and a shell-script lab *.sh (or .bash, or start it with #!)${rename}`,
  );
}

function quoteExt(ext: string): string {
  return JSON.stringify(ext.length > 20 ? `${ext.slice(0, 17)}...` : ext);
}

