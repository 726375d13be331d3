// npm test: every test file, in three phases.
//
// 1. The files that never start a real kernel, two at a time: the simulator
//    runs on a virtual clock, so its answers do not depend on the machine's load.
// 2. The files that boot User-Mode Linux, two at a time: each kernel is a few
//    processes that mostly wait (a lab's sleeps, a ping's -W 1), as two labs of
//    `--jobs 2` do. Nothing else runs beside them.
// 3. The files that use the host engine, one at a time: its namespaces are the
//    machine's own, and these tests check that the machine is as it was.
//
// A file of phase 1 that starts a real kernel anyway (a process carrying
// IPVLAB_RUN, as every process of a real engine's run does) fails the run,
// naming the file, so that the lists below cannot fall behind the tests.
//
//   node dist/scripts/test.js [FILE...]   (default: every dist/test/*.test.js)

import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { packageRoot } from "../src/paths.js";

/** The test files (test/NAME.test.ts) that run labs on User-Mode Linux only. */
const UML_TESTS = [
  "cli-engines",
  "cli-run-labs",
  "fix-catalogue",
  "fuzz",
  "kernels",
  "limits",
  "shard-junit",
  "snapshot-uml",
  "uml-examples",
  "uml-kernel-6.12",
  "uml-modules",
  "uml-xstate-fix",
];
/** Those that run labs on the host engine too (in the machine's own namespaces). */
const HOST_TESTS = ["cleanup", "honest-results", "host-engine", "kill-anytime", "sandbox", "snapshot-host"];

const testDir = join(packageRoot, "dist", "test");
const allFiles = readdirSync(testDir)
  .filter((f) => f.endsWith(".test.js"))
  .map((f) => join(testDir, f));
for (const name of [...UML_TESTS, ...HOST_TESTS]) {
  if (!allFiles.includes(join(testDir, `${name}.test.js`))) throw new Error(`scripts/test.ts names ${name}, and there is no test/${name}.test.ts`);
}
const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : allFiles;
const named = (list: string[]) => (f: string) => list.includes(basename(f, ".test.js"));

/** The test files whose process has a descendant carrying IPVLAB_RUN now. */
function filesStartingRealKernels(): Set<string> {
  const parent = new Map<number, number>();
  const tagged: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      parent.set(Number(p), Number(readFileSync(`/proc/${p}/stat`, "latin1").replace(/^.*\) /s, "").split(" ")[1]));
      if (readFileSync(`/proc/${p}/environ`, "latin1").includes("\0IPVLAB_RUN=")) tagged.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  const found = new Set<string>();
  for (let pid of tagged) {
    for (let hops = 0; pid > 1 && hops < 64; hops++, pid = parent.get(pid) ?? 0) {
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0");
      } catch {
        break;
      }
      const file = argv.find((a) => files.includes(a));
      if (file) {
        found.add(file);
        break;
      }
    }
  }
  return found;
}

async function phase(list: string[], concurrency: number, watch: boolean): Promise<{ failed: boolean; misplaced: Set<string> }> {
  const misplaced = new Set<string>();
  if (!list.length) return { failed: false, misplaced };
  let failed = false;
  const watchdog = watch ? setInterval(() => filesStartingRealKernels().forEach((f) => misplaced.add(f)), 500) : undefined;
  const stream = run({ files: list, concurrency });
  stream.on("test:fail", () => (failed = true));
  await new Promise<void>((done) => {
    const out = stream.compose(new spec());
    out.pipe(process.stdout, { end: false });
    out.on("end", done);
  });
  clearInterval(watchdog);
  return { failed, misplaced };
}

const sim = await phase(files.filter((f) => !named(UML_TESTS)(f) && !named(HOST_TESTS)(f)), 2, true);
const uml = await phase(files.filter(named(UML_TESTS)), 2, false);
const host = await phase(files.filter(named(HOST_TESTS)), 1, false);
for (const f of sim.misplaced) {
  process.stdout.write(`\n✖ ${f} started a real kernel while other tests ran beside it: add ${basename(f, ".test.js")} to UML_TESTS or HOST_TESTS in scripts/test.ts\n`);
}
process.exitCode = sim.failed || uml.failed || host.failed || sim.misplaced.size ? 1 : 0;
