// Names as people number them: ns1, ns2, ns10, ns11 (not ns1, ns10, ns11, ns2).
// Pure (no I/O), so the simulator in the browser uses it too.

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "variant" });

/** Compares names with their runs of digits taken as numbers; equal otherwise only when identical (C order breaks ties). */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
