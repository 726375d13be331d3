// GNU sort (coreutils 9.1) in the C locale: keys as begfield/limfield find
// them (a field without -t includes the blanks before it), -n's numeric
// compare, the whole line as the last resort.
import { fail, getopt, inputs, IS_A_DIRECTORY, lines, ok, unlines, unsupportedOption, type Tool } from "./tool.js";

interface Key {
  sword: number;
  schar: number;
  /** Infinity: to the end of the line. */
  eword: number;
  echar: number;
  numeric: boolean;
  reverse: boolean;
  skipsblanks: boolean;
  skipeblanks: boolean;
  fold: boolean;
}

const BLANK = /[ \t]/;

function begfield(line: string, key: Key, tab: string | null): number {
  let p = 0;
  const lim = line.length;
  let sword = key.sword;
  if (tab !== null) {
    while (p < lim && sword--) {
      while (p < lim && line[p] !== tab) p++;
      if (p < lim) p++;
    }
  } else {
    while (p < lim && sword--) {
      while (p < lim && BLANK.test(line[p]!)) p++;
      while (p < lim && !BLANK.test(line[p]!)) p++;
    }
  }
  if (key.skipsblanks) while (p < lim && BLANK.test(line[p]!)) p++;
  return Math.min(lim, p + key.schar);
}

function limfield(line: string, key: Key, tab: string | null): number {
  if (key.eword === Infinity) return line.length;
  let p = 0;
  const lim = line.length;
  let eword = key.eword;
  const echar = key.echar;
  if (tab !== null) {
    while (p < lim && eword--) {
      while (p < lim && line[p] !== tab) p++;
      if (p < lim && (eword || echar)) p++;
    }
  } else {
    while (p < lim && eword--) {
      while (p < lim && BLANK.test(line[p]!)) p++;
      while (p < lim && !BLANK.test(line[p]!)) p++;
    }
  }
  if (echar !== 0) {
    if (key.skipeblanks) while (p < lim && BLANK.test(line[p]!)) p++;
    p = Math.min(lim, p + echar);
  }
  return p;
}

/** The number at the start of a key, as numcompare reads it: blanks, a sign, digits, a decimal point. */
function numberOf(s: string): number {
  const m = /^[ \t]*(-?)(\d*)(?:\.(\d*))?/.exec(s)!;
  if (!m[2] && !m[3]) return 0;
  const v = Number(`${m[2] || "0"}.${m[3] || "0"}`);
  return m[1] ? -v : v;
}

const byteCmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sort: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "ktoS");
  if (bad) return fail(2, `sort: ${bad}\nTry 'sort --help' for more information.\n`);
  const global: Key = { sword: 0, schar: 0, eword: Infinity, echar: 0, numeric: false, reverse: false, skipsblanks: false, skipeblanks: false, fold: false };
  let unique = false;
  let stable = false;
  let tab: string | null = null;
  const keys: Key[] = [];
  const keyOpts: string[][] = [];
  for (const [o, v] of opts) {
    if (o === "n") global.numeric = true;
    else if (o === "r") global.reverse = true;
    else if (o === "u") unique = true;
    else if (o === "s") stable = true;
    else if (o === "b") global.skipsblanks = global.skipeblanks = true;
    else if (o === "f") global.fold = true;
    else if (o === "t") {
      if ([...v!].length !== 1) return fail(2, v === "" ? "sort: empty tab\n" : `sort: multi-character tab '${v}'\n`);
      tab = v!;
    } else if (o === "k") {
      const m = /^(\d+)(?:\.(\d+))?([bfnr]*)(?:,(\d+)(?:\.(\d+))?([bfnr]*))?$/.exec(v!);
      if (!m) return unsupportedOption("sort", `the key ${v}`);
      if (Number(m[1]) === 0) return fail(2, `sort: field number is zero: invalid field specification '${v}'\n`);
      if (m[2] !== undefined && Number(m[2]) === 0) return fail(2, `sort: character offset is zero: invalid field specification '${v}'\n`);
      const k: Key = { ...global, sword: Number(m[1]) - 1, schar: m[2] ? Number(m[2]) - 1 : 0, eword: Infinity, echar: 0, numeric: false, reverse: false, skipsblanks: false, skipeblanks: false, fold: false };
      if (m[4] !== undefined) {
        if (Number(m[4]) === 0) return fail(2, `sort: field number is zero: invalid field specification '${v}'\n`);
        k.echar = m[5] ? Number(m[5]) : 0;
        k.eword = m[5] && k.echar !== 0 ? Number(m[4]) - 1 : Number(m[4]);
      }
      const flags = (m[3] ?? "") + (m[6] ?? "");
      for (const f of m[3] ?? "") if (f === "b") k.skipsblanks = true;
      for (const f of m[6] ?? "") if (f === "b") k.skipeblanks = true;
      if (flags.includes("n")) k.numeric = true;
      if (flags.includes("r")) k.reverse = true;
      if (flags.includes("f")) k.fold = true;
      keys.push(k);
      keyOpts.push([...flags]);
    } else return unsupportedOption("sort", `the option -${o}${v ? " " + v : ""}`);
  }
  // A key with no ordering options of its own takes the global ones.
  keys.forEach((k, i) => {
    if (keyOpts[i]!.length === 0) {
      k.numeric = global.numeric;
      k.reverse = global.reverse;
      k.fold = global.fold;
      k.skipsblanks = k.skipsblanks || global.skipsblanks;
      k.skipeblanks = k.skipeblanks || global.skipeblanks;
    }
  });
  if (keys.length === 0) keys.push({ ...global });
  const compareKey = (a: string, b: string, k: Key): number => {
    let ka = a.slice(begfield(a, k, tab), Math.max(begfield(a, k, tab), limfield(a, k, tab)));
    let kb = b.slice(begfield(b, k, tab), Math.max(begfield(b, k, tab), limfield(b, k, tab)));
    let c: number;
    if (k.numeric) c = Math.sign(numberOf(ka) - numberOf(kb));
    else {
      if (k.fold) {
        ka = ka.toUpperCase();
        kb = kb.toUpperCase();
      }
      c = byteCmp(ka, kb);
    }
    return k.reverse ? -c : c;
  };
  const compareKeys = (a: string, b: string): number => {
    for (const k of keys) {
      const c = compareKey(a, b, k);
      if (c !== 0) return c;
    }
    return 0;
  };
  const cmp = (a: string, b: string): number => {
    const c = compareKeys(a, b);
    if (c !== 0 || unique || stable) return c;
    return global.reverse ? -byteCmp(a, b) : byteCmp(a, b);
  };
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return unsupportedOption("sort", `reading the file ${unsupported}`);
  let text = "";
  for (const i of ins) {
    if (!i.read.ok) return fail(2, i.read.error === IS_A_DIRECTORY ? `sort: read failed: ${i.name}: ${i.read.error}\n` : `sort: cannot read: ${i.name}: ${i.read.error}\n`);
    // sort reads lines: a file without a final newline still ends its last line.
    text += i.read.content && !i.read.content.endsWith("\n") ? i.read.content + "\n" : i.read.content;
  }
  let ls = lines(text).sort(cmp);
  if (unique) ls = ls.filter((l, i) => i === 0 || compareKeys(ls[i - 1]!, l) !== 0);
  return ok(unlines(ls));
};
