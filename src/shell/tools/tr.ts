// GNU tr (coreutils 9.1) in the C locale: sets with escapes, ranges, classes
// and [c*n] repeats; -c -d -s -t.
import { fail, getopt, ok, unsupportedOption, type Tool } from "./tool.js";

const TRY = "Try 'tr --help' for more information.\n";

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => /[A-Za-z0-9]/.test(String.fromCharCode(c)),
  alpha: (c) => /[A-Za-z]/.test(String.fromCharCode(c)),
  blank: (c) => c === 32 || c === 9,
  cntrl: (c) => c < 32 || c === 127,
  digit: (c) => c >= 48 && c <= 57,
  graph: (c) => c > 32 && c < 127,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 32 && c < 127,
  punct: (c) => c > 32 && c < 127 && !/[A-Za-z0-9]/.test(String.fromCharCode(c)),
  space: (c) => (c >= 9 && c <= 13) || c === 32,
  upper: (c) => c >= 65 && c <= 90,
  xdigit: (c) => /[0-9A-Fa-f]/.test(String.fromCharCode(c)),
};

class TrError extends Error {}

/** One set as a list of characters; a `[c*]` repeat (set2 only) fills to `fill` characters. */
function parseSet(spec: string, fill: number | null): string[] {
  // Escapes first, keeping which characters were escaped (they are never syntax).
  const chars: Array<{ c: string; esc: boolean }> = [];
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c !== "\\" || i + 1 >= spec.length) {
      chars.push({ c, esc: false });
      continue;
    }
    const n = spec[++i]!;
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };
    if (n in simple) chars.push({ c: simple[n]!, esc: true });
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(spec.slice(i))![0];
      chars.push({ c: String.fromCharCode(parseInt(m, 8) & 0xff), esc: true });
      i += m.length - 1;
    } else chars.push({ c: n, esc: true });
  }
  const out: string[] = [];
  let repeatAt = -1;
  for (let i = 0; i < chars.length; i++) {
    const t = chars[i]!;
    const rest = chars.slice(i).map((x) => (x.esc ? "\0" : x.c)).join("");
    const cls = /^\[:([a-z]*):\]/.exec(rest);
    if (!t.esc && cls) {
      const f = CLASSES[cls[1]!];
      if (!f) throw new TrError(`tr: invalid character class '${cls[1]}'\n`);
      for (let c = 0; c < 256; c++) if (f(c)) out.push(String.fromCharCode(c));
      i += cls[0].length - 1;
      continue;
    }
    const eq = /^\[=(.)=\]/.exec(rest);
    if (!t.esc && eq) {
      out.push(chars[i + 2]!.c);
      i += 4;
      continue;
    }
    const rep = /^\[(.)\*(\d*)\]/s.exec(chars.slice(i).map((x, k) => (k === 1 ? "." : x.esc && k !== 1 ? "\0" : x.c)).join(""));
    if (!t.esc && rep && fill !== null) {
      const c = chars[i + 1]!.c;
      const n = rep[2] ? parseInt(rep[2], rep[2].startsWith("0") ? 8 : 10) : 0;
      if (n === 0) {
        repeatAt = out.length;
        out.push(c);
      } else for (let k = 0; k < n; k++) out.push(c);
      i += rep[0].length - 1;
      continue;
    }
    if (i + 2 < chars.length && chars[i + 1]!.c === "-" && !chars[i + 1]!.esc) {
      const a = t.c.charCodeAt(0);
      const b = chars[i + 2]!.c.charCodeAt(0);
      if (a > b) throw new TrError(`tr: range-endpoints of '${t.c}-${chars[i + 2]!.c}' are in reverse collating sequence order\n`);
      for (let c = a; c <= b; c++) out.push(String.fromCharCode(c));
      i += 2;
      continue;
    }
    out.push(t.c);
  }
  if (repeatAt >= 0 && fill !== null) {
    const c = out[repeatAt]!;
    const need = Math.max(0, fill - (out.length - 1));
    out.splice(repeatAt, 1, ...Array<string>(need).fill(c));
  }
  return out;
}

export const tr: Tool = (args, io) => {
  const { opts, operands, bad } = getopt(args, "");
  if (bad) return fail(1, `tr: ${bad}\n${TRY}`);
  const flags = new Set<string>();
  for (const [o] of opts) {
    if (o === "C") flags.add("c");
    else if ("cdst".includes(o)) flags.add(o);
    else return unsupportedOption("tr", `the option -${o}`);
  }
  const del = flags.has("d");
  const squeeze = flags.has("s");
  if (operands.length === 0) return fail(1, `tr: missing operand\n${TRY}`);
  if (operands.length === 1 && !del && !squeeze) return fail(1, `tr: missing operand after '${operands[0]}'\nTwo strings must be given when translating.\n${TRY}`);
  if (operands.length === 2 && del && !squeeze) return fail(1, `tr: extra operand '${operands[1]}'\nOnly one string may be given when deleting without squeezing repeats.\n${TRY}`);
  if (operands.length > 2) return fail(1, `tr: extra operand '${operands[2]}'\n${TRY}`);
  let set1: string[];
  let set2: string[] | null;
  try {
    set1 = parseSet(operands[0]!, null);
    if (flags.has("c")) {
      const inSet = new Set(set1);
      set1 = [];
      for (let c = 0; c < 256; c++) if (!inSet.has(String.fromCharCode(c))) set1.push(String.fromCharCode(c));
    }
    set2 = operands[1] === undefined ? null : parseSet(operands[1], set1.length);
  } catch (e) {
    if (e instanceof TrError) return fail(1, e.message);
    throw e;
  }
  const translating = !del && set2 !== null;
  if (translating && set2!.length === 0) return fail(1, "tr: when not truncating set1, string2 must be non-empty\n");
  if (translating && flags.has("t")) set1 = set1.slice(0, set2!.length);
  let text = [...io.stdin()];
  if (del) {
    const gone = new Set(set1);
    text = text.filter((c) => !gone.has(c));
  } else if (translating) {
    const map = new Map<string, string>();
    set1.forEach((c, i) => map.set(c, set2![Math.min(i, set2!.length - 1)]!));
    text = text.map((c) => map.get(c) ?? c);
  }
  if (squeeze) {
    const sq = new Set(del || translating ? (set2 ?? []) : set1);
    text = text.filter((c, i) => !(i > 0 && c === text[i - 1] && sq.has(c)));
  }
  return ok(text.join(""));
};
