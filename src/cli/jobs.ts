import type { Engine, RunOptions } from "../engines/engine.js";
import type { EngineName, LabResult } from "../engines/result.js";
import { UsageError } from "./errors.js";
import type { Lab } from "../lab/types.js";
import { availableParallelism, freemem } from "node:os";

/**
 * Runs the labs as `jobs` runs of the engine at once (for uml: that many
 * kernels, each booted once for its batch); the results in the labs' order.
 * The batches are consecutive runs of the list, their sizes differing by at most one.
 */
export async function runInJobs(engine: Engine, labs: Lab[], jobs: number, opts: RunOptions): Promise<LabResult[]> {
  const n = Math.max(1, Math.min(jobs, labs.length));
  if (n === 1) return engine.runMany(labs, opts);
  const batches: Lab[][] = [];
  let start = 0;
  for (let b = 0; b < n; b++) {
    const size = Math.floor(labs.length / n) + (b < labs.length % n ? 1 : 0);
    batches.push(labs.slice(start, start + size));
    start += size;
  }
  const say = opts.onProgress;
  // Every run ends (and drops its work directory) before a failure of one is reported.
  const settled = await Promise.allSettled(
    batches.map((batch, b) => engine.runMany(batch, { ...opts, onProgress: say ? (line) => say(`[job ${b + 1}/${n}] ${line}`) : undefined })),
  );
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
}

/** --jobs N above 1 asks for N kernels: User-Mode Linux only (the host engine has one kernel, this machine's). */
export function checkJobs(engine: EngineName, jobs: number | undefined): void {
  if ((jobs ?? 1) > 1 && engine !== "uml") throw new UsageError(`--jobs runs several User-Mode Linux kernels at once; --engine ${engine} runs on ${engine === "host" ? "this machine's one kernel" : "no kernel"}: drop --jobs or use --engine uml`);
}

/** What one User-Mode Linux kernel may take: its mem= (384M) and the processes around it. */
const UML_FOOTPRINT = 512 * 1024 * 1024;

/**
 * How many kernels a fuzz run boots at once when --jobs is not given: a lab
 * spends most of its time waiting (pings' deadlines, the matrix's wait,
 * sleeps), so two per CPU and one more keep the CPUs busy (2 CPUs: 5 kernels,
 * about 39 labs a minute against 28 with 3); at most 8, and no more than free
 * memory holds. The host engine has one kernel.
 */
export function autoJobs(engine: EngineName): number {
  if (engine !== "uml") return 1;
  return Math.max(1, Math.min(8, 2 * availableParallelism() + 1, Math.floor(freemem() / UML_FOOTPRINT)));
}
