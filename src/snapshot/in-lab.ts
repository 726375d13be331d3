// A snapshot of a lab host on a real engine: the lab runs (its setup and, up
// to --after, its steps), then the reader runs in HOST as one more step, as a
// person would run `ipvlab snapshot` on that machine. The reader's output is
// what the lab host's kernel says, read from inside it.

import { engineByName } from "../engines/index.js";
import type { CommandResult } from "../engines/result.js";
import type { Lab } from "../lab/types.js";
import { assetPath } from "../paths.js";
import { parseCapture, type RawCapture } from "./capture.js";

export const READER_TIMEOUT = 300;

/** The reader as a lab step runs it: the lab's other hosts are other machines (--scope uts). */
export function readerCommand(): string {
  return `bash '${assetPath("snapshot.sh").replace(/'/g, `'\\''`)}' --scope uts`;
}

/** The lab cut after `stepsBefore` of its steps, with the reader run in `host` as its last step. */
export function withReader(lab: Lab, host: string, stepsBefore: number): Lab {
  const h = lab.hosts.find((x) => x.name === host)!;
  const run = readerCommand();
  return {
    ...lab,
    steps: [
      ...lab.steps.slice(0, stepsBefore),
      { kind: "action", name: "ipvlab snapshot", on: host, run, expect: null, capture: [], timeout: READER_TIMEOUT, pos: h.pos, runLines: [h.pos] },
    ],
  };
}

export async function readLabHost(lab: Lab, host: string, stepsBefore: number, engine: "uml" | "host", onProgress?: (s: string) => void): Promise<RawCapture> {
  const [r] = await engineByName(engine).runMany([withReader(lab, host, stepsBefore)], { onProgress });
  const step = r!.steps[r!.steps.length - 1] as CommandResult;
  if (step.exitCode !== 0) throw new Error(`the snapshot reader failed in ${host} (exit ${step.exitCode}): ${step.stderr.trim()}`);
  return parseCapture(step.stdout);
}
