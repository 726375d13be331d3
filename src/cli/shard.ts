import { relative, resolve, sep } from "node:path";
import { InvalidArgumentError } from "commander";

/** Shard K of N (K counted from 1), as Jest and Playwright write it. */
export interface Shard {
  index: number;
  total: number;
}

/** `--shard K/N`: a usage error (exit 2) for anything but whole numbers with 1 <= K <= N. */
export function parseShard(value: string): Shard {
  const parts = value.split("/");
  const whole = (s: string | undefined) => s !== undefined && s.length > 0 && [...s].every((c) => c >= "0" && c <= "9");
  if (parts.length !== 2 || !whole(parts[0]) || !whole(parts[1])) {
    throw new InvalidArgumentError(`"${value}" is not K/N: shard K of N, whole numbers, e.g. 1/4`);
  }
  const index = Number(parts[0]);
  const total = Number(parts[1]);
  if (total < 1) throw new InvalidArgumentError(`N in K/N is the number of shards: at least 1, not ${total}`);
  if (index < 1 || index > total) throw new InvalidArgumentError(`K in K/N counts from 1 to N (${total}), not ${index}`);
  return { index, total };
}

/**
 * The lab files of one shard. The files (each once) are sorted by their path
 * relative to the working directory, with / between folders whatever the OS,
 * and dealt out in turn: the i-th (from 0) goes to shard (i mod N) + 1. Every
 * job of a CI matrix given the same lab files from the same checkout gets a
 * disjoint part, and the parts together are all of them; shard sizes differ by
 * at most one. Adding a lab may move others to another shard.
 */
export function shardFiles(files: string[], shard: Shard | undefined, cwd = process.cwd()): string[] {
  if (!shard) return files;
  const byKey = new Map<string, string>();
  for (const f of files) {
    const key = relative(cwd, resolve(cwd, f)).split(sep).join("/");
    if (!byKey.has(key)) byKey.set(key, f);
  }
  const sorted = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((_, i) => i % shard.total === shard.index - 1).map((k) => byKey.get(k)!);
}
