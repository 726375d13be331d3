// coreutils that change the files a lab writes: tee, rm, rmdir, mkdir, touch, mktemp.
import type { ShellFs } from "../interp/host.js";
import { fail, getopt, unsupportedOption, type Tool, type ToolIo, type ToolResult } from "./tool.js";

function filesOf(tool: string, io: ToolIo): { fs: ShellFs; at: (p: string) => string } {
  if (!io.fs) return unsupportedOption(tool, "changing files");
  return { fs: io.fs, at: (p) => (io.resolve ? io.resolve(p) : p) };
}

/** A path the host's files do not hold: the command is refused, as a real engine is needed. */
function outside(tool: string, path: string): never {
  return unsupportedOption(tool, `the file ${path}`);
}

export const tee: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `tee: ${bad}\nTry 'tee --help' for more information.\n`);
  let append = false;
  for (const [o] of opts) {
    if (o === "a") append = true;
    else return unsupportedOption("tee", `the option -${o}`);
  }
  const text = io.stdin();
  let stderr = "";
  const { fs, at } = filesOf("tee", io);
  for (const f of operands) {
    if (f === "/dev/null") continue;
    const r = fs.write(at(f), text, append);
    if (r === null) return outside("tee", f);
    if (!r.ok) stderr += `tee: ${f}: ${r.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout: text, stderr };
};

export const rm: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `rm: ${bad}\nTry 'rm --help' for more information.\n`);
  let force = false;
  let recursive = false;
  let dir = false;
  for (const [o] of opts) {
    if (o === "f") force = true;
    else if (o === "r" || o === "R") recursive = true;
    else if (o === "d") dir = true;
    else if (o !== "v" && o !== "i") return unsupportedOption("rm", `the option -${o}`);
    if (o === "v" || o === "i") return unsupportedOption("rm", `the option -${o}`);
  }
  if (operands.length === 0 && !force) return fail(1, "rm: missing operand\nTry 'rm --help' for more information.\n");
  const { fs, at } = filesOf("rm", io);
  let stderr = "";
  for (const f of operands) {
    const r = fs.remove(at(f), recursive, dir);
    if (r === null) return outside("rm", f);
    if (!r.ok && !(force && r.error === "No such file or directory")) stderr += `rm: cannot remove '${f}': ${r.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout: "", stderr };
};

export const rmdir: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `rmdir: ${bad}\nTry 'rmdir --help' for more information.\n`);
  if (opts.length) return unsupportedOption("rmdir", `the option -${opts[0]![0]}`);
  if (operands.length === 0) return fail(1, "rmdir: missing operand\nTry 'rmdir --help' for more information.\n");
  const { fs, at } = filesOf("rmdir", io);
  let stderr = "";
  for (const f of operands) {
    const kind = fs.stat(at(f));
    if (kind === null) return outside("rmdir", f);
    const r = kind === "file" ? { ok: false as const, error: "Not a directory" } : fs.remove(at(f), false, true)!;
    if (!r.ok) stderr += `rmdir: failed to remove '${f}': ${r.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout: "", stderr };
};

export const mkdir: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "m");
  if (bad) return fail(1, `mkdir: ${bad}\nTry 'mkdir --help' for more information.\n`);
  let parents = false;
  for (const [o] of opts) {
    if (o === "p") parents = true;
    else return unsupportedOption("mkdir", `the option -${o}`);
  }
  if (operands.length === 0) return fail(1, "mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
  const { fs, at } = filesOf("mkdir", io);
  let stderr = "";
  for (const f of operands) {
    const r = fs.mkdir(at(f), parents);
    if (r === null) return outside("mkdir", f);
    if (!r.ok) stderr += `mkdir: cannot create directory '${f}': ${r.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout: "", stderr };
};

export const touch: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `touch: ${bad}\nTry 'touch --help' for more information.\n`);
  if (opts.length) return unsupportedOption("touch", `the option -${opts[0]![0]}`);
  if (operands.length === 0) return fail(1, "touch: missing file operand\nTry 'touch --help' for more information.\n");
  const { fs, at } = filesOf("touch", io);
  let stderr = "";
  for (const f of operands) {
    const kind = fs.stat(at(f));
    if (kind === null) return outside("touch", f);
    if (kind !== "missing") continue;
    const r = fs.write(at(f), "", true)!;
    if (!r.ok) stderr += `touch: cannot touch '${f}': ${r.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout: "", stderr };
};

export const mktemp: Tool = (args, io): ToolResult => {
  const { opts, operands, bad } = getopt(args, "p");
  if (bad) return fail(1, `mktemp: ${bad}\nTry 'mktemp --help' for more information.\n`);
  let dir = false;
  let base: string | null = null;
  for (const [o, v] of opts) {
    if (o === "d") dir = true;
    else if (o === "p") base = v;
    else if (o !== "q") return unsupportedOption("mktemp", `the option -${o}`);
  }
  if (operands.length > 1) return fail(1, "mktemp: too many templates\nTry 'mktemp --help' for more information.\n");
  const given = operands[0];
  if (given !== undefined && !/XXX$/.test(given)) return fail(1, `mktemp: too few X's in template '${given}'\n`);
  const template = given === undefined ? `${base ?? "/tmp"}/tmp.XXXXXXXXXX` : base !== null ? `${base}/${given}` : given;
  const { fs, at } = filesOf("mktemp", io);
  const r = fs.mktemp(at(template), dir);
  if (r === null) return outside("mktemp", template);
  if (!r.ok) return fail(1, `mktemp: failed to create ${dir ? "directory" : "file"} via template '${template}': ${r.error}\n`);
  return { status: 0, stdout: `${template.slice(0, template.length - (/X*$/.exec(template)![0].length))}${r.path.slice(r.path.length - /X*$/.exec(template)![0].length)}\n`, stderr: "" };
};
