import { fail, getopt, inputs, IS_A_DIRECTORY, lines, unlines, unsupportedOption, type Tool, type ToolIo } from "./tool.js";

const readingFile = (tool: string, path: string) => unsupportedOption(tool, `reading the file ${path}`);

/** cat: the operands in order; a missing one is reported and skipped. */
export const cat: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `cat: ${bad}\n`);
  if (opts.length) return unsupportedOption("cat", `the option -${opts[0]![0]}`);
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return readingFile("cat", unsupported);
  let stdout = "";
  let stderr = "";
  for (const i of ins) {
    if (i.read.ok) stdout += i.read.content;
    else stderr += `cat: ${i.name}: ${i.read.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout, stderr };
};

/** head and tail on each operand, with GNU's "==> NAME <==" headers when there are several. */
function eachFile(tool: "head" | "tail", operands: string[], io: ToolIo, take: (text: string) => string) {
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return readingFile(tool, unsupported);
  let stdout = "";
  let stderr = "";
  let first = true;
  for (const i of ins) {
    const header = () => {
      if (ins.length < 2) return;
      stdout += `${first ? "" : "\n"}==> ${i.name === "-" ? "standard input" : i.name} <==\n`;
      first = false;
    };
    if (i.read.ok) {
      header();
      stdout += take(i.read.content);
    } else if (i.read.error === IS_A_DIRECTORY) {
      header();
      stderr += `${tool}: error reading '${i.name}': ${i.read.error}\n`;
    } else stderr += `${tool}: cannot open '${i.name}' for reading: ${i.read.error}\n`;
  }
  return { status: stderr ? 1 : 0, stdout, stderr };
}

/** `-n N`, `-N` and (tail) `-n +N`. */
function lineCount(tool: string, args: string[]): { n: number; fromStart: boolean; operands: string[] } | string {
  const norm = args.map((a, i) => (/^-\d+$/.test(a) && args[i - 1] !== "-n" ? `-n${a.slice(1)}` : a));
  const { opts, operands, bad } = getopt(norm, "n");
  if (bad) return `${tool}: ${bad}\n`;
  let n = 10;
  let fromStart = false;
  for (const [o, v] of opts) {
    if (o !== "n") return unsupportedOption(tool, `the option -${o}`);
    const m = /^([+-]?)(\d+)$/.exec(v!);
    if (!m) return `${tool}: invalid number of lines: '${v}'\n`;
    n = Number(m[2]);
    fromStart = m[1] === "+";
    // head -n -N: all but the last N lines.
    if (tool === "head" && m[1] === "-") n = -n;
  }
  return { n, fromStart, operands };
}

export const head: Tool = (args, io) => {
  const c = lineCount("head", args);
  if (typeof c === "string") return fail(1, c);
  return eachFile("head", c.operands, io, (text) => unlines(c.n < 0 ? lines(text).slice(0, Math.max(0, lines(text).length + c.n)) : lines(text).slice(0, c.n)));
};

export const tail: Tool = (args, io) => {
  const c = lineCount("tail", args);
  if (typeof c === "string") return fail(1, c);
  return eachFile("tail", c.operands, io, (text) => {
    const ls = lines(text);
    return unlines(c.fromStart ? ls.slice(Math.max(0, c.n - 1)) : c.n === 0 ? [] : ls.slice(-c.n));
  });
};

export const wc: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `wc: ${bad}\n`);
  const want = new Set(opts.map(([o]) => o));
  for (const o of want) if (!"lwcm".includes(o)) return unsupportedOption("wc", `the option -${o}`);
  if (want.size === 0) ["l", "w", "c"].forEach((o) => want.add(o));
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return readingFile("wc", unsupported);
  const count = (text: string): number[] => {
    const counts: number[] = [];
    if (want.has("l")) counts.push((text.match(/\n/g) ?? []).length);
    if (want.has("w")) counts.push(text.split(/\s+/).filter(Boolean).length);
    if (want.has("m")) counts.push([...text].length);
    if (want.has("c")) counts.push(new TextEncoder().encode(text).length);
    return counts;
  };
  // compute_number_width: one count of one input is not padded; otherwise the
  // width of the regular files' total st_size, at least 7 if one is not a
  // regular file (a pipe, a directory).
  let width = 1;
  if (!(ins.length === 1 && want.size === 1)) {
    let total = 0;
    let min = 1;
    for (const i of ins) {
      if (i.stream || (!i.read.ok && i.read.error === IS_A_DIRECTORY)) min = 7;
      else if (i.read.ok) total += i.read.size ?? new TextEncoder().encode(i.read.content).length;
    }
    width = Math.max(min, String(total).length);
  }
  const line = (counts: number[], name: string | null) => counts.map((n) => String(n).padStart(width)).join(" ") + (name === null ? "" : ` ${name}`) + "\n";
  let stdout = "";
  let stderr = "";
  const totals = count("").map(() => 0);
  for (const i of ins) {
    if (!i.read.ok) {
      stderr += `wc: ${i.name}: ${i.read.error}\n`;
      if (i.read.error === IS_A_DIRECTORY) stdout += line(totals.map(() => 0), i.name);
      continue;
    }
    const counts = count(i.read.content);
    counts.forEach((n, k) => (totals[k]! += n));
    stdout += line(counts, operands.length ? i.name : null);
  }
  if (ins.length > 1) stdout += line(totals, "total");
  return { status: stderr ? 1 : 0, stdout, stderr };
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

export const cut: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "dfc");
  if (bad) return fail(1, `cut: ${bad}\n`);
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
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return readingFile("cut", unsupported);
  let stderr = "";
  let text = "";
  for (const i of ins) {
    if (i.read.ok) text += i.read.content;
    else stderr += `cut: ${i.name}: ${i.read.error}\n`;
  }
  const out: string[] = [];
  for (const line of lines(text)) {
    if (chars !== null) {
      out.push([...line].filter((_c, i) => pick(i + 1)).join(""));
    } else if (!line.includes(delim)) {
      if (!onlyDelimited) out.push(line);
    } else {
      out.push(line.split(delim).filter((_f, i) => pick(i + 1)).join(delim));
    }
  }
  return { status: stderr ? 1 : 0, stdout: unlines(out), stderr };
};

