// A lab's leading comment (its story: the seed lab's is 55 lines) folded to
// its first line when the lab opens, so that the lab itself is in sight; the
// fold gutter opens it again. A script's `#!` line stays as it is.

import type { EditorState } from "@codemirror/state";
import { foldService } from "@codemirror/language";

const isComment = (text: string) => /^\s*#/.test(text) && !/^#!/.test(text);

/** The leading comment's lines (1-based, first and last), when it has more than one. */
export function headerLines(state: EditorState): { first: number; last: number } | null {
  const doc = state.doc;
  let first = 1;
  if (doc.lines >= 1 && /^#!/.test(doc.line(1).text)) first = 2;
  if (first > doc.lines || !isComment(doc.line(first).text)) return null;
  let last = first;
  while (last < doc.lines && isComment(doc.line(last + 1).text)) last++;
  return last > first ? { first, last } : null;
}

/** The range a fold of the leading comment hides: from the end of its first line to the end of its last. */
export function headerRange(state: EditorState): { from: number; to: number } | null {
  const h = headerLines(state);
  return h && { from: state.doc.line(h.first).to, to: state.doc.line(h.last).to };
}

/** The first line of the lab proper: neither blank nor a comment, after the leading comment. */
export function firstContentLine(state: EditorState): number {
  const doc = state.doc;
  for (let n = 1; n <= doc.lines; n++) {
    const t = doc.line(n).text;
    if (t.trim() && !/^\s*#/.test(t)) return n;
  }
  return 1;
}

/** Lets the fold gutter fold and unfold the leading comment. */
export const headerFolding = foldService.of((state, lineStart) => {
  const r = headerRange(state);
  return r && state.doc.lineAt(lineStart).to === r.from ? r : null;
});
