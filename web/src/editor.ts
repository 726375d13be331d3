// The lab editor: CodeMirror with YAML highlighting, long lines wrapped; the
// simulator's diagnostics become markers at their line (gutter and
// underline). A lab opens with its leading comment folded, at its first key.

import { basicSetup, EditorView } from "codemirror";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { foldEffect } from "@codemirror/language";
import type { Diagnostic } from "./protocol.js";
import { firstContentLine, headerFolding, headerRange } from "./header-fold.js";

export interface LabEditor {
  text(): string;
  setText(text: string): void;
  /** A lab newly opened: its text, its leading comment folded, the cursor at its first key. */
  open(text: string): void;
  mark(diags: Diagnostic[]): void;
  goto(line: number, col: number): void;
}

export function labEditor(parent: HTMLElement, onEdit: (text: string) => void): LabEditor {
  const view = new EditorView({
    parent,
    extensions: [
      basicSetup,
      yaml(),
      headerFolding,
      EditorView.lineWrapping,
      lintGutter(),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onEdit(u.state.doc.toString());
      }),
    ],
  });
  // A lab's line and column, clamped to the text as it is now.
  const offset = (line: number, col: number) => {
    const doc = view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return { at: Math.min(l.from + Math.max(col - 1, 0), l.to), end: l.to };
  };
  return {
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    open(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      const fold = headerRange(view.state);
      const at = view.state.doc.line(firstContentLine(view.state)).from;
      view.dispatch({ selection: { anchor: at }, effects: fold ? [foldEffect.of(fold)] : [] });
      // From the top (the lab before may have been scrolled), and down to the first key if it is further.
      view.scrollDOM.scrollTop = 0;
      view.dispatch({ effects: EditorView.scrollIntoView(at, { y: "nearest" }) });
    },
    mark(diags) {
      const marks: CmDiagnostic[] = diags.map((d) => {
        const { at, end } = offset(d.line, d.col);
        return { from: at, to: Math.max(end, at), severity: d.severity, message: d.message };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
    goto(line, col) {
      const { at } = offset(line, col);
      view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: "center" }) });
      view.focus();
    },
  };
}
