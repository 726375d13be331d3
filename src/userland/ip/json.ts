// iproute2's json_writer: compact by default; with -p, its own pretty layout
// (objects open on the bracket's line, arrays of scalars on one line).

/** A number json_writer prints with its own format (jsonw_printf "%i.%.2i": the bridge timers' 0.00). */
export class JsonRaw {
  constructor(readonly text: string) {}
}

function scalar(v: unknown): string {
  return v instanceof JsonRaw ? v.text : JSON.stringify(v);
}

/** As JSON.stringify, a key whose value is undefined is left out. */
const entries = (o: object) => Object.entries(o).filter(([, x]) => x !== undefined);

const isScalar = (x: unknown) => typeof x !== "object" || x === null || x instanceof JsonRaw;

function compact(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(",")}]`;
  if (v && typeof v === "object" && !(v instanceof JsonRaw)) return `{${entries(v).map(([k, x]) => `${JSON.stringify(k)}:${compact(x)}`).join(",")}}`;
  return scalar(v);
}

function pretty(v: unknown, depth: number): string {
  const pad = "    ".repeat(depth);
  if (Array.isArray(v)) {
    if (v.every(isScalar)) return `[ ${v.map(scalar).join(",")} ]`;
    return `[ ${v.map((x) => pretty(x, depth + 1)).join(",")} ]`;
  }
  if (v && typeof v === "object" && !(v instanceof JsonRaw)) {
    const inner = entries(v).map(([k, x]) => `${pad}    ${JSON.stringify(k)}: ${pretty(x, depth + 1)}`);
    return `{\n${inner.join(",\n")}\n${pad}}`;
  }
  return scalar(v);
}

export function jsonOut(items: unknown[], isPretty: boolean): string {
  if (!isPretty) return `${compact(items)}\n`;
  return items.length === 0 ? "[ ]\n" : `${pretty(items, 0)}\n`;
}
