import type { Word, WordPart } from "../parse/ast.js";

/** One character of unquoted text (a backslash pair stays one, never special), or a part brace expansion passes over. */
type Tok = { c: string } | { part: WordPart };

/**
 * Brace expansion (braces.c): `{a,b}` and `{1..5}`, `{a..e..2}` in the
 * unquoted text of a word, before any other expansion; a word without a
 * valid brace pair is itself.
 */
export function braceExpand(w: Word): Word[] {
  if (!w.parts.some((p) => p.kind === "lit" && p.value.includes("{"))) return [w];
  const toks: Tok[] = [];
  for (const p of w.parts) {
    if (p.kind !== "lit") {
      toks.push({ part: p });
      continue;
    }
    for (let i = 0; i < p.value.length; i++) {
      if (p.value[i] === "\\" && i + 1 < p.value.length) toks.push({ c: p.value.slice(i, ++i + 1) });
      else toks.push({ c: p.value[i]! });
    }
  }
  return expand(toks).map((ts) => ({ pos: w.pos, parts: toParts(ts) }));
}

function toParts(ts: Tok[]): WordPart[] {
  const out: WordPart[] = [];
  for (const t of ts) {
    if ("part" in t) out.push(t.part);
    else if (out.length && out[out.length - 1]!.kind === "lit") (out[out.length - 1] as { value: string }).value += t.c;
    else out.push({ kind: "lit", value: t.c });
  }
  return out;
}

const isC = (t: Tok | undefined, c: string): boolean => t !== undefined && "c" in t && t.c === c;

function expand(ts: Tok[]): Tok[][] {
  for (let open = 0; open < ts.length; open++) {
    if (!isC(ts[open], "{")) continue;
    // The matching close, and the commas at this depth.
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = open + 1; j < ts.length; j++) {
      if (isC(ts[j], "{")) depth++;
      else if (isC(ts[j], "}")) {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (isC(ts[j], ",") && depth === 0) commas.push(j);
    }
    if (close < 0) return [ts];
    const prefix = ts.slice(0, open);
    const suffix = ts.slice(close + 1);
    let alts: Tok[][] | null = null;
    if (commas.length) {
      alts = [];
      let from = open + 1;
      for (const c of [...commas, close]) {
        alts.push(ts.slice(from, c));
        from = c + 1;
      }
      alts = alts.flatMap((a) => expand(a));
    } else {
      const body = ts.slice(open + 1, close);
      const seq = body.every((t) => "c" in t) ? sequence(body.map((t) => (t as { c: string }).c).join("")) : null;
      if (seq) alts = seq.map((s) => [...s].map((c) => ({ c: /[\\{},]/.test(c) ? `\\${c}` : c })));
    }
    if (!alts) continue;
    const rest = expand(suffix);
    const out: Tok[][] = [];
    for (const a of alts) for (const r of rest) out.push([...prefix, ...a, ...r]);
    return out;
  }
  return [ts];
}

/** `{1..5}`, `{5..1}`, `{01..10}`, `{1..10..3}`, `{a..e}`. */
function sequence(body: string): string[] | null {
  const num = /^([+-]?\d+)\.\.([+-]?\d+)(?:\.\.([+-]?\d+))?$/.exec(body);
  const chr = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.([+-]?\d+))?$/.exec(body);
  if (!num && !chr) return null;
  const m = (num ?? chr)!;
  let incr = Math.abs(Number(m[3] ?? 1)) || 1;
  const out: string[] = [];
  if (num) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const width = /^[+-]?0\d/.test(m[1]!) || /^[+-]?0\d/.test(m[2]!) ? Math.max(m[1]!.length, m[2]!.length) : 0;
    if (a > b) incr = -incr;
    for (let x = a; a <= b ? x <= b : x >= b; x += incr) {
      const s = String(Math.abs(x)).padStart(width - (x < 0 ? 1 : 0), "0");
      out.push(x < 0 ? `-${s}` : s);
      if (out.length > 100000) break;
    }
    return out;
  }
  const a = m[1]!.charCodeAt(0);
  const b = m[2]!.charCodeAt(0);
  if (a > b) incr = -incr;
  for (let x = a; a <= b ? x <= b : x >= b; x += incr) out.push(String.fromCharCode(x));
  return out;
}
