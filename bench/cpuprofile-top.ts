// The hotspots of a `node --cpu-prof` profile, by self and by inclusive time,
// each function named at its TypeScript file:line (through dist's source maps).
//
//   node dist/bench/cpuprofile-top.js FILE.cpuprofile|DIR [N]   (DIR: its newest profile)

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../src/paths.js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload) : null);
  }
  return maps.get(file)!;
}

/** "name src/kernel/ipv4/fib.ts:104", or the URL as V8 gave it for node internals. */
function where(cf: CallFrame): string {
  const name = cf.functionName || "(anonymous)";
  if (!cf.url.startsWith("file://")) return cf.url ? `${name} ${cf.url}:${cf.lineNumber + 1}` : name;
  const file = fileURLToPath(cf.url);
  const entry = sourceMapOf(file)?.findEntry(cf.lineNumber, cf.columnNumber);
  if (entry && "originalSource" in entry) {
    const src = entry.originalSource.startsWith("file://") ? fileURLToPath(entry.originalSource) : join(file, "..", entry.originalSource);
    return `${name} ${relative(packageRoot, src)}:${entry.originalLine + 1}`;
  }
  return `${name} ${relative(packageRoot, file)}:${cf.lineNumber + 1}`;
}

export function summarize(p: Profile, top: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ticks = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    ticks.set(id, (ticks.get(id) ?? 0) + dt);
    total += dt;
  });
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, t] of ticks) {
    const k = where(byId.get(id)!.callFrame);
    self.set(k, (self.get(k) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = where(byId.get(cur)!.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + t);
    }
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => !k.startsWith("(root)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
  return [`total ${(total / 1000).toFixed(0)} ms sampled`, "", "self time:", ...list(self), "", "inclusive time:", ...list(incl), ""].join("\n");
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const arg = process.argv[2];
  if (!arg) {
    console.error("usage: node dist/bench/cpuprofile-top.js FILE.cpuprofile|DIR [N]");
    process.exit(2);
  }
  // A directory (--cpu-prof-dir): its newest profile.
  const files = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => join(arg, f))
        .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)
        .slice(0, 1)
    : [arg];
  for (const f of files) {
    console.log(`# ${f}\n`);
    console.log(summarize(JSON.parse(readFileSync(f, "utf8")) as Profile, Number(process.argv[3] ?? 25)));
  }
}
