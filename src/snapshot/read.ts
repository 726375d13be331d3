// Runs assets/snapshot.sh on this machine (or in the lab host ipvlab runs in)
// and parses what it printed. The script only reads; see its header.

import { spawnSync } from "node:child_process";
import { assetPath } from "../paths.js";
import { parseCapture, type RawCapture } from "./capture.js";

export type SnapshotScope = "machine" | "uts";

export class SnapshotUnavailable extends Error {
  override name = "SnapshotUnavailable";
}

export function readMachine(scope: SnapshotScope = "machine"): RawCapture {
  if (process.platform !== "linux") throw new SnapshotUnavailable("a snapshot reads a Linux kernel's network state; this is not Linux");
  const r = spawnSync("/bin/bash", [assetPath("snapshot.sh"), "--scope", scope], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new SnapshotUnavailable(`cannot run the snapshot reader: ${r.error.message}`);
  if (r.status === 3) throw new SnapshotUnavailable(`${r.stderr.trim().replace(/^snapshot\.sh: /, "")}: install iproute2 (ip, bridge) and util-linux (nsenter)`);
  if (r.status !== 0) throw new Error(`the snapshot reader exited ${r.status}: ${r.stderr.trim()}`);
  return parseCapture(r.stdout);
}
