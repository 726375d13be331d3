import { fail, getopt, lines, ok, unlines, unsupportedOption, type Tool } from "./tool.js";

/**
 * Only `awk [-F sep] '[/re/] { print ITEM[, ITEM...] }'` with $N, $NF, NR, NF and
 * "strings": what lab scripts use to pick a column.
 */
export const awk: Tool = (args, stdin) => {
  const { opts, operands, bad } = getopt(args, "F");
  if (bad) return fail(2, `awk: ${bad}\n`);
  let sep: string | null = null;
  for (const [o, v] of opts) {
    if (o === "F") sep = v!;
    else return unsupportedOption("awk", `the option -${o}`);
  }
  if (operands.length !== 1) return unsupportedOption("awk", operands.length === 0 ? "awk without a program" : "reading files");
  const m = /^\s*(?:\/((?:[^/\\]|\\.)*)\/\s*)?\{\s*print\s*(.*?)\s*;?\s*\}\s*$/s.exec(operands[0]!);
  if (!m) return unsupportedOption("awk", "this awk program (only '[/re/] {print $N, ...}' is)");
  const filter = m[1] === undefined ? null : new RegExp(m[1]);
  const items = m[2] === "" ? ["$0"] : m[2]!.split(/\s*,\s*/);
  if (!items.every((i) => /^(\$(\d+|NF)|NR|NF|"[^"]*")$/.test(i))) return unsupportedOption("awk", `print ${m[2]}`);
  const out: string[] = [];
  lines(stdin).forEach((line, idx) => {
    if (filter && !filter.test(line)) return;
    const fields = sep === null ? line.trim().split(/[ \t]+/).filter(Boolean) : line.split(sep.length === 1 ? sep : new RegExp(sep));
    const value = (item: string): string => {
      if (item.startsWith('"')) return item.slice(1, -1);
      if (item === "NR") return String(idx + 1);
      if (item === "NF") return String(fields.length);
      const n = item === "$NF" ? fields.length : Number(item.slice(1));
      return n === 0 ? line : (fields[n - 1] ?? "");
    };
    out.push(items.map(value).join(" "));
  });
  return ok(unlines(out));
};
