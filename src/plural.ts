// Counted words for every message: "1 network", "2 networks", "1 matrix".
// Pure (no I/O), so the simulator in the browser uses it too.

/** `n` and the word in its number: count(1, "check") is "1 check", count(2, "matrix", "matrices") "2 matrices". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 of 5 checks met", with the word agreeing with the total; "no checks" when there are none. */
export function countOf(done: number, total: number, one: string, many = `${one}s`, what = ""): string {
  if (total === 0) return `no ${many}`;
  return `${done} of ${count(total, one, many)}${what ? ` ${what}` : ""}`;
}
