import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from "node:fs";
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

/** The largest lab file read: a lab is a page of YAML or shell, and anything larger is not one. */
export const MAX_LAB_BYTES = 1024 * 1024;

function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function linkNote(file: string): string {
  try {
    return lstatSync(file).isSymbolicLink() ? ` (a link to ${readlinkSync(file)})` : "";
  } catch {
    return "";
  }
}

function tooLarge(file: string, size: number): LabError {
  return fail(file, `is ${(size / MAX_LAB_BYTES).toFixed(1)} MiB; a lab file is at most 1 MiB (is it a lab at all?)`);
}

/**
 * A lab file's bytes, read only when it is a regular file of at most MAX_LAB_BYTES:
 * a FIFO would block the read forever, a device may never end (/dev/zero) or act
 * on being opened, so nothing but a regular file is even opened.
 */
export function readLabBytes(file: string): Uint8Array {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    throw readError(file, e);
  }
  if (st.isDirectory()) throw readError(file, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  if (!st.isFile()) throw fail(file, `is ${kindOf(st)}${linkNote(file)}, not a lab file: give a regular file`);
  if (st.size > MAX_LAB_BYTES) throw tooLarge(file, st.size);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, the open must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw readError(file, e);
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw fail(file, `is ${kindOf(now)}, not a lab file: give a regular file`);
    // One byte more than allowed tells a file that grew past the limit from one that fits.
    const buf = new Uint8Array(MAX_LAB_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_LAB_BYTES) throw tooLarge(file, Math.max(now.size, n));
    return buf.subarray(0, n);
  } catch (e) {
    throw e instanceof LabError ? e : readError(file, e);
  } finally {
    closeSync(fd);
  }
}

/** Reads a lab file: `*.lab.yaml`/`*.yaml`/`*.yml`, or a shell script (one host, no networks). */
export function loadLabFile(file: string): LoadedLab {
  const bytes = readLabBytes(file);
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

