import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from "yaml";
import type { SourcePos } from "./types.js";

/** Maps paths in a parsed YAML document back to file:line:col. */
export class YamlPositions {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The node at a path; `key` asks for the map key rather than its value. */
  node(path: readonly (string | number)[], key = false): Node | null {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return null;
        node = key && i === path.length - 1 ? pair.key : pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else {
        return null;
      }
    }
    if (isPair(node)) node = node.key;
    return (node as Node | null | undefined) ?? null;
  }

  /** The position of the deepest node along `path` that exists. */
  pos(path: readonly (string | number)[], key = false): SourcePos {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      const node = (key && n === path.length ? null : this.node(sub)) ?? this.node(sub, true);
      if (node?.range) return this.at(node.range[0]);
    }
    return { file: this.file, line: 1, col: 1 };
  }
}
