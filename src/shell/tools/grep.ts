import { escapeRe } from "../interp/pattern.js";
import { fail, getopt, lines, ok, unlines, unsupportedOption, type Tool } from "./tool.js";

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
function classes(re: string): string {
  const map: Record<string, string> = {
    alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z",
    space: " \\t\\n\\r\\f\\v", blank: " \\t", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f",
  };
  return re.replace(/\[:([a-z]+):\]/g, (m, name: string) => map[name] ?? m);
}

export const grep: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "emA");
  if (bad) return fail(2, `grep: ${bad}\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
  const f = { q: false, v: false, c: false, E: false, F: false, i: false, w: false, o: false, x: false, n: false, m: Infinity };
  const patterns: string[] = [];
  for (const [o, v] of opts) {
    if (o === "e") patterns.push(v!);
    else if (o === "m") f.m = Number(v);
    else if (o in f && o !== "m") (f as Record<string, unknown>)[o] = true;
    else if (o === "s" || o === "h") continue;
    else return unsupportedOption("grep", `the option -${o}`);
  }
  const rest = [...operands];
  if (patterns.length === 0) {
    if (rest.length === 0) return fail(2, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    patterns.push(rest.shift()!);
  }
  if (rest.length > 0 && !(rest.length === 1 && rest[0] === "-")) return unsupportedOption("grep", "reading files");
  const sources = patterns.flatMap((p) => p.split("\n")).map((p) => (f.F ? escapeRe(p) : f.E ? classes(p) : classes(breToJs(p))));
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
  let count = 0;
  lines(stdin).forEach((line, idx) => {
    if (count >= f.m) return;
    re.lastIndex = 0;
    const hit = re.test(line);
    if (hit === f.v) return;
    count++;
    const prefix = f.n ? `${idx + 1}:` : "";
    if (f.o && !f.v) {
      re.lastIndex = 0;
      for (const m of line.matchAll(re)) if (m[0] !== "") out.push(prefix + m[0]);
    } else out.push(prefix + line);
  });
  const status = count > 0 ? 0 : 1;
  if (f.q) return { status, stdout: "", stderr: "" };
  if (f.c) return { status, stdout: `${count}\n`, stderr: "" };
  return { ...ok(unlines(out)), status };
};
