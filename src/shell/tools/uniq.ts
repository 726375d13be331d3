// GNU uniq: adjacent equal lines, compared after -f fields and -s characters, -i ignoring case.
import { fail, getopt, inputs, lines, ok, unsupportedOption, type Tool } from "./tool.js";

export const uniq: Tool = (args, io) => {
  const norm = args.map((a) => (/^-\d+$/.test(a) ? `-f${a.slice(1)}` : a));
  const { opts, operands, bad } = getopt(norm, "fsw");
  if (bad) return fail(1, `uniq: ${bad}\nTry 'uniq --help' for more information.\n`);
  let count = false;
  let dups = false;
  let uniques = false;
  let fold = false;
  let skipFields = 0;
  let skipChars = 0;
  let width = Infinity;
  for (const [o, v] of opts) {
    if (o === "c") count = true;
    else if (o === "d") dups = true;
    else if (o === "u") uniques = true;
    else if (o === "i") fold = true;
    else if (o === "f" || o === "s" || o === "w") {
      if (!/^\d+$/.test(v!)) return fail(1, `uniq: ${v}: invalid number of ${o === "f" ? "fields to skip" : o === "s" ? "bytes to skip" : "bytes to compare"}\n`);
      if (o === "f") skipFields = Number(v);
      else if (o === "s") skipChars = Number(v);
      else width = Number(v);
    } else return unsupportedOption("uniq", `the option -${o}`);
  }
  if (operands.length > 1) return unsupportedOption("uniq", "an output file");
  const { inputs: ins, unsupported } = inputs(operands, io);
  if (unsupported !== null) return unsupportedOption("uniq", `reading the file ${unsupported}`);
  const input = ins[0]!;
  if (!input.read.ok) return fail(1, `uniq: ${input.name}: ${input.read.error}\n`);
  const keyOf = (l: string): string => {
    let p = 0;
    for (let f = 0; f < skipFields; f++) {
      while (p < l.length && /[ \t]/.test(l[p]!)) p++;
      while (p < l.length && !/[ \t]/.test(l[p]!)) p++;
    }
    let k = l.slice(Math.min(l.length, p + skipChars));
    if (width !== Infinity) k = k.slice(0, width);
    return fold ? k.toLowerCase() : k;
  };
  let out = "";
  const ls = lines(input.read.content);
  for (let i = 0; i < ls.length; ) {
    let j = i + 1;
    while (j < ls.length && keyOf(ls[j]!) === keyOf(ls[i]!)) j++;
    const n = j - i;
    if ((!dups || n > 1) && (!uniques || n === 1)) out += count ? `${String(n).padStart(7)} ${ls[i]}\n` : `${ls[i]}\n`;
    i = j;
  }
  return ok(out);
};
