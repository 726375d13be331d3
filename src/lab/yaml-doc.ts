import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { LabDiagnostic } from "./errors.js";
import { scriptLinePositions } from "./script-lines.js";
import { quote } from "./vocabulary.js";
import type { SourcePos } from "./types.js";

/*
 * A lab's YAML document as the checker sees it: what YAML allows but a lab
 * cannot use (duplicate keys, dangling aliases, keys that are not names), the
 * plain value the schema validates, and where each part of it was written.
 */

/** A value after aliases are resolved; null when the key has no value at all. */
export type Val = Scalar | YAMLMap | YAMLSeq | null;

/** Where a value sits in the document, found from a JSON pointer. */
export interface Loc {
  /** The key node when the value is in a map. */
  key: Scalar | null;
  /** The node as written (maybe an alias). */
  node: unknown;
  value: Val;
  inSeq: boolean;
}

export function isEmpty(v: Val): boolean {
  return v === null || (isScalar(v) && (v.value === null || v.value === undefined));
}

/** A name written as a scalar: text, or a number written as digits (`10:`) taken as written. */
export function nameText(v: unknown): string | null {
  if (!isScalar(v)) return null;
  if (typeof v.value === "string") return v.value;
  if (typeof v.value === "number") return v.source ?? String(v.value);
  return null;
}

/** Splits an ajv instancePath (a JSON pointer) into its segments. */
export function segments(pointer: string): string[] {
  return pointer ? pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
}

export class LabDoc {
  readonly diags: LabDiagnostic[] = [];
  /** Maps with a pair that has no usable key: what they miss may be behind it. */
  readonly keyless = new Set<YAMLMap>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly source: string,
  ) {}

  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  posOf(n: unknown, fallback: SourcePos = this.at(0)): SourcePos {
    const range = (n as Node | null | undefined)?.range;
    return range ? this.at(range[0]) : fallback;
  }

  private error(pos: SourcePos, message: string): void {
    this.diags.push({ severity: "error", pos, message });
  }

  deref(n: unknown): Val {
    const node = isAlias(n) ? n.resolve(this.doc) : n;
    return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
  }

  /**
   * Duplicate keys (the second would silently replace the first) and aliases
   * to no anchor: the document does not say what its author meant, so checking
   * stops there. Returns false then.
   */
  scan(): boolean {
    let readable = true;
    const walk = (n: unknown, path: string) => {
      if (isAlias(n)) {
        if (!n.resolve(this.doc)) {
          this.error(this.posOf(n), `alias *${n.source} refers to no anchor: define &${n.source} on a value above it, or write the value out`);
          readable = false;
        }
        return;
      }
      if (isMap(n)) {
        const where = path ? `in ${path}` : "at the top level";
        const seen = new Map<string, number>();
        const dups: { name: string; pos: SourcePos; first: number }[] = [];
        let empty: { name: string; pos: SourcePos } | null = null;
        for (const p of n.items) {
          if (isScalar(p.key) && p.key.value !== null) {
            const name = nameText(p.key) ?? String(p.key.value);
            const pos = this.posOf(p.key);
            const first = seen.get(name);
            if (first !== undefined) dups.push({ name, pos, first });
            else seen.set(name, pos.line);
            if (!dups.length && isEmpty(this.deref(p.value)) && seen.size > 1) empty = { name, pos };
            walk(p.value, path ? `${path}.${name}` : name);
          } else {
            walk(p.value, path);
          }
        }
        const [d, ...more] = dups;
        if (d) {
          readable = false;
          const names = dups.map((x) => quote(x.name)).join(", ");
          if (empty && empty.pos.line > d.first) {
            // `vm02:` indented one level too far: it ends up empty and its keys repeat those above it.
            this.error(empty.pos, `${quote(empty.name)} has no value, and the keys after it (${names}) repeat keys ${where}: is ${quote(empty.name)} indented too far, or its keys not far enough?`);
          } else {
            const others = more.length ? ` (and ${more.map((x) => `${quote(x.name)} on line ${x.pos.line}`).join(", ")})` : "";
            this.error(d.pos, `duplicate key ${quote(d.name)} ${where}: it is already on line ${d.first}${others}; each key may appear once (YAML would keep only one of them)`);
          }
        }
      } else if (isSeq(n)) {
        n.items.forEach((item, i) => walk(item, `${path}[${i}]`));
      }
    };
    walk(this.doc.contents, "");
    return readable;
  }

  /**
   * The plain value of the document, for the schema: keys as written (`01:`
   * stays "01"), aliases shared (a cycle stays a cycle; the schema is finite).
   * Keys that are not names are reported here and left out.
   */
  toPlain(): unknown {
    const memo = new Map<unknown, unknown>();
    const conv = (n: unknown): unknown => {
      const v = this.deref(n);
      if (v === null) return null;
      if (isScalar(v)) return v.value ?? null;
      const known = memo.get(v);
      if (known !== undefined) return known;
      if (isSeq(v)) {
        const out: unknown[] = [];
        memo.set(v, out);
        for (const item of v.items) out.push(conv(item));
        return out;
      }
      const out: Record<string, unknown> = {};
      memo.set(v, out);
      for (const p of v.items) {
        const key = p.key;
        if (!isScalar(key)) {
          this.error(this.posOf(key, this.posOf(v)), `a key must be a plain name, not ${isMap(key) ? "a map" : isSeq(key) ? "a list" : "an alias"}`);
          this.keyless.add(v);
          continue;
        }
        if (key.value === null || key.value === undefined || key.value === "") {
          this.error(this.posOf(key, this.posOf(v)), "a value with no key: write NAME: VALUE");
          this.keyless.add(v);
          continue;
        }
        const name = nameText(key) ?? String(key.value);
        if (Object.prototype.hasOwnProperty.call(out, name)) continue;
        Object.defineProperty(out, name, { value: conv(p.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
    return conv(this.doc.contents);
  }

  /** The value at a JSON pointer's segments, with its key; null when the path leads nowhere. */
  locate(segs: readonly string[]): Loc | null {
    let loc: Loc = { key: null, node: this.doc.contents, value: this.deref(this.doc.contents), inSeq: false };
    for (const s of segs) {
      const v = loc.value;
      if (isMap(v)) {
        const p = v.items.find((x) => isScalar(x.key) && x.key.value !== null && (nameText(x.key) ?? String(x.key.value)) === s);
        if (!p) return null;
        loc = { key: p.key as Scalar, node: p.value, value: this.deref(p.value), inSeq: false };
      } else if (isSeq(v) && /^\d+$/.test(s) && Number(s) < v.items.length) {
        const item = v.items[Number(s)];
        loc = { key: null, node: item, value: this.deref(item), inSeq: true };
      } else return null;
    }
    return loc;
  }

  /** Where a value is written: its key's position when it is empty, the "-" of an empty list item. */
  valuePos(loc: Loc | null): SourcePos {
    if (!loc) return this.at(0);
    if (!isEmpty(loc.value)) return this.posOf(loc.node, loc.key ? this.posOf(loc.key) : this.at(0));
    if (loc.key) return this.posOf(loc.key);
    const offset = (loc.node as Node | null)?.range?.[0];
    if (loc.inSeq && offset !== undefined) {
      const dash = this.source.slice(0, offset).search(/-[ \t]*$/);
      if (dash >= 0) return this.at(dash);
    }
    return this.posOf(loc.node);
  }

  /** Where the thing at `loc` is named: its key in a map, itself in a list. */
  keyPos(loc: Loc | null): SourcePos {
    return loc?.key ? this.posOf(loc.key) : this.valuePos(loc);
  }

  /** Where each line of the script at `loc` was written (an alias's lines are where its anchor is). */
  scriptLines(loc: Loc | null, script: string): SourcePos[] {
    const range = (loc?.value as Node | null | undefined)?.range;
    if (!range) return script.split("\n").map(() => this.valuePos(loc));
    return scriptLinePositions(script, this.source, range[0], range[1], (o) => this.at(o));
  }

  /** The text a node was written as. */
  sourceOf(n: unknown): string {
    const range = (n as Node | null | undefined)?.range;
    return range ? this.source.slice(range[0], range[1]) : "";
  }

  /** The scalar at `segs` as a name (numbers as written), or null. */
  nameAt(segs: readonly string[]): string | null {
    return nameText(this.locate(segs)?.value ?? null);
  }
}
