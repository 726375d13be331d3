import { fail, getopt, lines, ok, unlines, unsupportedOption, type Tool } from "./tool.js";

/** `-n N`, `-N` and (tail) `-n +N`. */
function lineCount(tool: string, args: string[]): { n: number; fromStart: boolean; operands: string[] } | string {
  const norm = args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
  const { opts, operands, bad } = getopt(norm, "n");
  if (bad) return `${tool}: ${bad}\n`;
  let n = 10;
  let fromStart = false;
  for (const [o, v] of opts) {
    if (o !== "n") return `${tool}: the option -${o} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it\n`;
    const m = /^([+-]?)(\d+)$/.exec(v!);
    if (!m) return `${tool}: invalid number of lines: '${v}'\n`;
    n = Number(m[2]);
    fromStart = m[1] === "+";
  }
  return { n, fromStart, operands };
}

export const head: Tool = (args, stdin) => {
  const c = lineCount("head", args);
  if (typeof c === "string") return fail(1, c);
  if (c.operands.length) return unsupportedOption("head", "reading files");
  return ok(unlines(lines(stdin).slice(0, c.n)));
};

export const tail: Tool = (args, stdin) => {
  const c = lineCount("tail", args);
  if (typeof c === "string") return fail(1, c);
  if (c.operands.length) return unsupportedOption("tail", "reading files");
  const ls = lines(stdin);
  return ok(unlines(c.fromStart ? ls.slice(Math.max(0, c.n - 1)) : c.n === 0 ? [] : ls.slice(-c.n)));
};

export const wc: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `wc: ${bad}\n`);
  if (operands.length) return unsupportedOption("wc", "reading files");
  const want = new Set(opts.map(([o]) => o));
  for (const o of want) if (!"lwcm".includes(o)) return unsupportedOption("wc", `the option -${o}`);
  if (want.size === 0) ["l", "w", "c"].forEach((o) => want.add(o));
  const counts: number[] = [];
  if (want.has("l")) counts.push((stdin.match(/\n/g) ?? []).length);
  if (want.has("w")) counts.push(stdin.split(/\s+/).filter(Boolean).length);
  if (want.has("m")) counts.push([...stdin].length);
  if (want.has("c")) counts.push(new TextEncoder().encode(stdin).length);
  // GNU wc pads to a width of 7 when it prints several counts of standard input.
  return ok((counts.length === 1 ? String(counts[0]) : counts.map((n) => String(n).padStart(7)).join(" ")) + "\n");
};

function ranges(list: string): Array<[number, number]> | null {
  const out: Array<[number, number]> = [];
  for (const part of list.split(",")) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === "" && m[3] === "")) return null;
    const a = m[1] ? Number(m[1]) : 1;
    const b = m[2] ? (m[3] ? Number(m[3]) : Infinity) : a;
    if (a < 1) return null;
    out.push([a, b]);
  }
  return out;
}

export const cut: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "dfc");
  if (bad) return fail(1, `cut: ${bad}\n`);
  if (operands.length) return unsupportedOption("cut", "reading files");
  let delim = "\t";
  let fields: string | null = null;
  let chars: string | null = null;
  let onlyDelimited = false;
  for (const [o, v] of opts) {
    if (o === "d") {
      if ([...v!].length !== 1) return fail(1, "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
      delim = v!;
    } else if (o === "f") fields = v!;
    else if (o === "c") chars = v!;
    else if (o === "s") onlyDelimited = true;
    else return unsupportedOption("cut", `the option -${o}`);
  }
  const list = fields ?? chars;
  if (list === null) return fail(1, "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
  const rs = ranges(list);
  if (!rs) return fail(1, `cut: invalid field value '${list}'\nTry 'cut --help' for more information.\n`);
  const pick = (n: number): boolean => rs.some(([a, b]) => n >= a && n <= b);
  const out: string[] = [];
  for (const line of lines(stdin)) {
    if (chars !== null) {
      out.push([...line].filter((_c, i) => pick(i + 1)).join(""));
    } else if (!line.includes(delim)) {
      if (!onlyDelimited) out.push(line);
    } else {
      out.push(line.split(delim).filter((_f, i) => pick(i + 1)).join(delim));
    }
  }
  return ok(unlines(out));
};

export const sort: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "kt");
  if (bad) return fail(2, `sort: ${bad}\n`);
  if (operands.length) return unsupportedOption("sort", "reading files");
  let numeric = false;
  let reverse = false;
  let unique = false;
  let key: number | null = null;
  let sep: string | null = null;
  for (const [o, v] of opts) {
    if (o === "n") numeric = true;
    else if (o === "r") reverse = true;
    else if (o === "u") unique = true;
    else if (o === "k" && /^\d+$/.test(v!)) key = Number(v);
    else if (o === "t") sep = v!;
    else return unsupportedOption("sort", `the option -${o}${v ? " " + v : ""}`);
  }
  const keyOf = (l: string): string => {
    if (key === null) return l;
    const fs = sep === null ? l.trim().split(/\s+/) : l.split(sep);
    return fs.slice(key - 1).join(sep ?? " ");
  };
  const cmp = (a: string, b: string): number => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const c = numeric ? (parseFloat(ka) || 0) - (parseFloat(kb) || 0) : ka < kb ? -1 : ka > kb ? 1 : 0;
    return c !== 0 ? c : a < b ? -1 : a > b ? 1 : 0;
  };
  let ls = lines(stdin).sort(cmp);
  if (reverse) ls.reverse();
  if (unique) ls = ls.filter((l, i) => i === 0 || cmp(ls[i - 1]!, l) !== 0);
  return ok(unlines(ls));
};

function trSet(spec: string): string[] | null {
  const classes: Record<string, string> = {
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower: "abcdefghijklmnopqrstuvwxyz", digit: "0123456789",
    space: " \t\n\r\f\v", blank: " \t",
  };
  const out: string[] = [];
  const s = spec.replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\\\/g, "\\");
  for (let i = 0; i < s.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (cls) {
      if (!classes[cls[1]!]) return null;
      out.push(...classes[cls[1]!]!);
      i += cls[0].length - 1;
    } else if (s[i + 1] === "-" && i + 2 < s.length) {
      for (let c = s.charCodeAt(i); c <= s.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c));
      i += 2;
    } else out.push(s[i]!);
  }
  return out;
}

export const tr: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `tr: ${bad}\n`);
  const flags = new Set(opts.map(([o]) => o));
  for (const o of flags) if (!"ds".includes(o)) return unsupportedOption("tr", `the option -${o}`);
  const set1 = operands[0] === undefined ? null : trSet(operands[0]);
  const set2 = operands[1] === undefined ? null : trSet(operands[1]);
  if (!set1) return fail(1, "tr: missing operand\nTry 'tr --help' for more information.\n");
  let text = [...stdin];
  if (flags.has("d")) {
    const del = new Set(set1);
    text = text.filter((c) => !del.has(c));
  } else if (set2) {
    const map = new Map(set1.map((c, i) => [c, set2[Math.min(i, set2.length - 1)]!]));
    text = text.map((c) => map.get(c) ?? c);
  } else if (!flags.has("s")) {
    return fail(1, `tr: missing operand after '${operands[0]}'\nTry 'tr --help' for more information.\n`);
  }
  if (flags.has("s")) {
    const squeeze = new Set(flags.has("d") ? (set2 ?? []) : (set2 ?? set1));
    text = text.filter((c, i) => !(i > 0 && c === text[i - 1] && squeeze.has(c)));
  }
  return ok(text.join(""));
};
