import type { SourcePos } from "./types.js";

/*
 * Where each line of a `run` script was written in the lab file, so that a
 * command's failure (bash counts lines from the script's own start) is
 * reported at its place in the file: a block scalar's lines sit below its
 * `run: |`, indented; a one-line value sits after `run:`.
 */

/**
 * The position of each line of `script` in `source`, searched in order from
 * `start` (the value's first character) to `end`. A line YAML rewrote on the
 * way (escapes, folding) cannot be found as written: it gets the line after
 * the last one found, which is where it most likely was.
 */
export function scriptLinePositions(script: string, source: string, start: number, end: number, at: (offset: number) => SourcePos): SourcePos[] {
  let cursor = start;
  let last: SourcePos | null = null;
  return script.split("\n").map((text) => {
    const t = text.trim();
    const i = t ? source.indexOf(t, cursor) : -1;
    if (i >= 0 && i + t.length <= end) {
      cursor = i + t.length;
      last = at(i);
      return last;
    }
    const guess: SourcePos = last ? { ...last, line: last.line + 1 } : at(start);
    last = guess;
    return guess;
  });
}

/** A shell-script lab is its own script: line N is line N, at its first non-blank character. */
export function ownScriptLines(file: string, text: string): SourcePos[] {
  return text.split("\n").map((l, i) => ({ file, line: i + 1, col: (/^[ \t]*/.exec(l)?.[0].length ?? 0) + 1 }));
}

/** The file position of line `line` (1-based) of a script; past its end, its last line. */
export function scriptLineAt(lines: readonly SourcePos[], line: number, fallback: SourcePos): SourcePos {
  return lines[Math.min(Math.max(line, 1), lines.length) - 1] ?? fallback;
}
