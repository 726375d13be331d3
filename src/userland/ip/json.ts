// iproute2's json_writer: compact by default; with -p, its own pretty layout
// (objects open on the bracket's line, arrays of scalars on one line).

function pretty(v: unknown, depth: number): string {
  const pad = "    ".repeat(depth);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== "object" || x === null)) return `[ ${v.map((x) => JSON.stringify(x)).join(",")} ]`;
    return `[ ${v.map((x) => pretty(x, depth + 1)).join(",")} ]`;
  }
  if (v && typeof v === "object") {
    const inner = Object.entries(v).map(([k, x]) => `${pad}    ${JSON.stringify(k)}: ${pretty(x, depth + 1)}`);
    return `{\n${inner.join(",\n")}\n${pad}}`;
  }
  return JSON.stringify(v);
}

export function jsonOut(items: unknown[], isPretty: boolean): string {
  if (!isPretty) return `${JSON.stringify(items)}\n`;
  return items.length === 0 ? "[ ]\n" : `${pretty(items, 0)}\n`;
}
