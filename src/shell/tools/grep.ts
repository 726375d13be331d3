import { escapeRe } from "../interp/pattern.js";
import { fail, getopt, inputs, lines, ok, unlines, unsupportedOption, type Tool } from "./tool.js";

/** POSIX basic regular expressions as JavaScript ones: in a BRE `\(`, `\{`, `\|`, `\+`, `\?` are the operators. */
export function breToJs(bre: string): string {
  let out = "";
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === "\\" && i + 1 < bre.length) {
      const n = bre[++i]!;
      out += "(){}|+?".includes(n) ? n : "\\" + n;
    } else if ("(){}|+?".includes(c)) {
      out += "\\" + c;
    } else if (c === "*" && (out === "" || out.endsWith("^"))) {
      out += "\\*";
    } else out += c;
  }
  return out;
}

/** POSIX bracket classes ([[:digit:]]) have no JavaScript spelling. */
export function posixClasses(re: string): string {
  const map: Record<string, string> = {
    alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z",
    space: " \\t\\n\\r\\f\\v", blank: " \\t", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f",
  };
  return re.replace(/\[:([a-z]+):\]/g, (m, name: string) => map[name] ?? m);
}

export const grep: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "emA");
  if (bad) return fail(2, `grep: ${bad}\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
  const f = { q: false, v: false, c: false, E: false, F: false, i: false, w: false, o: false, x: false, n: false, s: false, l: false, m: Infinity };
  let withName: boolean | null = null;
  const patterns: string[] = [];
  for (const [o, v] of opts) {
    if (o === "e") patterns.push(v!);
    else if (o === "m") f.m = Number(v);
    else if (o === "H" || o === "h") withName = o === "H";
    else if (o in f && o !== "m") (f as Record<string, unknown>)[o] = true;
    else return unsupportedOption("grep", `the option -${o}`);
  }
  const rest = [...operands];
  if (patterns.length === 0) {
    if (rest.length === 0) return fail(2, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    patterns.push(rest.shift()!);
  }
  const { inputs: ins, unsupported } = inputs(rest, io);
  if (unsupported !== null) return unsupportedOption("grep", `reading the file ${unsupported}`);
  withName ??= rest.length > 1;
  const sources = patterns.flatMap((p) => p.split("\n")).map((p) => (f.F ? escapeRe(p) : f.E ? posixClasses(p) : posixClasses(breToJs(p))));
  let body = sources.map((s) => `(?:${s})`).join("|");
  if (f.w) body = `(?<![A-Za-z0-9_])(?:${body})(?![A-Za-z0-9_])`;
  if (f.x) body = `^(?:${body})$`;
  let re: RegExp;
  try {
    re = new RegExp(body, f.i ? "gi" : "g");
  } catch {
    return fail(2, "grep: Unmatched ( or \\(\n");
  }
  const out: string[] = [];
  let stderr = "";
  let selected = false;
  for (const input of ins) {
    const name = input.name === "-" ? "(standard input)" : input.name;
    if (!input.read.ok) {
      if (!f.s) stderr += `grep: ${input.name}: ${input.read.error}\n`;
      continue;
    }
    const label = withName ? `${name}:` : "";
    let count = 0;
    lines(input.read.content).forEach((line, idx) => {
      if (count >= f.m) return;
      re.lastIndex = 0;
      const hit = re.test(line);
      if (hit === f.v) return;
      count++;
      if (f.q || f.c || f.l) return;
      const prefix = label + (f.n ? `${idx + 1}:` : "");
      if (f.o && !f.v) {
        re.lastIndex = 0;
        for (const m of line.matchAll(re)) if (m[0] !== "") out.push(prefix + m[0]);
      } else out.push(prefix + line);
    });
    if (count > 0) selected = true;
    if (f.q && selected) return { status: 0, stdout: "", stderr };
    if (f.l) {
      if (count > 0) out.push(name);
    } else if (f.c) out.push(`${label}${count}`);
  }
  // An error makes the status 2 whatever matched, unless -q found a line.
  const status = stderr || ins.some((i) => !i.read.ok) ? 2 : selected ? 0 : 1;
  if (f.q) return { status, stdout: "", stderr };
  return { ...ok(unlines(out)), status, stderr };
};
