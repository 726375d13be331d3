// A file being imported: its YAML (or JSON) document with positions, so
// every part of the lab written from it can say where it came from, and
// every refusal can point at the line that caused it.

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from "yaml";
import { LabError } from "../errors.js";

export class ImportSource {
  readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false });
    const err = this.doc.errors[0];
    if (err) {
      const at = this.lines.linePos(err.pos[0]);
      throw this.errorAt(at.line, at.col, err.message.split("\n")[0]!);
    }
  }

  /** "file:line" of a node (its first character). */
  where(node: unknown): string {
    return `${this.file}:${this.line(node)}`;
  }

  line(node: unknown): number {
    const r = (node as Node | null)?.range;
    return r ? this.lines.linePos(r[0]).line : 1;
  }

  errorAt(line: number, col: number, message: string): LabError {
    return new LabError([{ pos: { file: this.file, line, col }, severity: "error", message }]);
  }

  /** An error at a node. */
  error(node: unknown, message: string): LabError {
    const r = (node as Node | null)?.range;
    const at = r ? this.lines.linePos(r[0]) : { line: 1, col: 1 };
    return this.errorAt(at.line, at.col, message);
  }

  root(): YAMLMap {
    const c = this.doc.contents;
    if (!isMap(c)) throw this.error(c, "expected a mapping at the top of the file");
    return c;
  }
}

/** A map's value by key, as a node. */
export function get(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  for (const p of map.items) if (isScalar(p.key) && String(p.key.value) === key) return p.value;
  return undefined;
}

/** The key node of `key` in `map` (for positions). */
export function keyNode(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  for (const p of map.items) if (isScalar(p.key) && String(p.key.value) === key) return p.key;
  return undefined;
}

export function entries(map: unknown): Array<[string, unknown, unknown]> {
  if (!isMap(map)) return [];
  return map.items.filter((p) => isScalar(p.key)).map((p) => [String((p.key as { value: unknown }).value), p.value, p.key]);
}

export function text(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
}

export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}
