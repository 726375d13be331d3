// Round trips for `ipvlab snapshot`: a lab is built on a real engine, its
// machine is snapshotted from inside (the reader run as a step in the lab
// host, --scope uts), the snapshot is run in the simulator, and its matrix
// must equal the real one taken just before the snapshot.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandResult, LabResult, MatrixResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { loadLabFile, parseYamlLab } from "../src/lab/load.js";
import type { Lab } from "../src/lab/types.js";
import { assetPath } from "../src/paths.js";
import { parseCapture } from "../src/snapshot/capture.js";
import { snapshotLab, type SnapshotLab } from "../src/snapshot/lab.js";

/** The reader as a lab step runs it, and the listings it must leave as they were. */
export const READ_STEP = `bash ${assetPath("snapshot.sh")} --scope uts`;

/** Every `ip -j` listing of every namespace of the lab host (neighbour states age, so only who is whose), and its sysctls. */
export const LISTINGS = `listings() {
  local ns p seen=" $(readlink /proc/self/ns/net) " uts=$(readlink /proc/self/ns/uts) n
  local spaces=("")
  for ns in $(ls /run/netns); do spaces+=("name:$ns"); done
  # The namespaces of processes of this lab host, each once, by what it is (not by which pid holds it).
  for p in /proc/[0-9]*; do
    [ "$(readlink $p/ns/uts 2>/dev/null)" = "$uts" ] || continue
    n=$(readlink $p/ns/net 2>/dev/null) || continue
    case $seen in *" $n "*) continue ;; esac
    seen="$seen$n "
    spaces+=("pid:\${p#/proc/}:$n")
  done
  for ns in "\${spaces[@]}"; do
    local pre=()
    case $ns in "") ;; pid:*) p=\${ns#pid:}; pre=(nsenter --net=/proc/\${p%%:*}/ns/net) ;; name:*) pre=(ip netns exec "\${ns#name:}") ;; esac
    echo "== \${ns#pid:*:}"
    {
      "\${pre[@]}" ip -j -d link show
      "\${pre[@]}" ip -j -d addr show
      "\${pre[@]}" ip -j -d route show table all
      "\${pre[@]}" ip -j rule show
    } | sed -E 's/"[a-z_]*_timer":[0-9.]+,?//g'
    "\${pre[@]}" ip -j neigh show | grep -o '"dst":"[^"]*","dev":"[^"]*","lladdr":"[^"]*"'
    "\${pre[@]}" bridge -j fdb show | grep -o '"mac":"[^"]*","ifname":"[^"]*"[^}]*"state":"permanent"'
    "\${pre[@]}" cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/{rp_filter,arp_ignore,arp_announce,arp_filter,proxy_arp,forwarding}
  done
}`;

export function labFile(text: string, name: string): Lab {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-snap-"));
  const file = join(dir, `${name}.lab.yaml`);
  writeFileSync(file, text);
  return loadLabFile(file).lab;
}

export interface RoundTrip {
  snap: SnapshotLab;
  real: MatrixResult;
  /** Every real matrix before the reader: a cell that differs between them is a race, not an answer. */
  reals: MatrixResult[];
  sim: MatrixResult;
  readStep: CommandResult;
}

/** From a real engine's result: the matrix just before the step that ran the reader, and the reader's output as a lab. */
export async function roundTrip(result: LabResult, host: string, readStepName: string): Promise<RoundTrip> {
  const k = result.steps.findIndex((s) => s.name === readStepName);
  const readStep = result.steps[k] as CommandResult;
  if (readStep.exitCode !== 0) throw new Error(`the reader failed: ${readStep.stderr}`);
  const reals = result.steps.slice(0, k).filter((s): s is MatrixResult => s.kind === "matrix");
  const real = reals[reals.length - 1]!;
  const snap = snapshotLab(parseCapture(readStep.stdout), { name: host });
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-snap-"));
  const file = join(dir, "snap.lab.yaml");
  writeFileSync(file, snap.yaml);
  const lab = parseYamlLab(file, snap.yaml).lab;
  const [r] = await new SimEngine().runMany([lab]);
  const failed = r!.steps.filter((s): s is CommandResult => s.kind !== "matrix" && !s.met);
  if (failed.length) throw new Error(`the snapshot's setup failed in sim:\n${failed.map((s) => `${s.name}: ${s.stderr}`).join("\n")}\n${snap.yaml}`);
  const sim = r!.steps.find((s): s is MatrixResult => s.kind === "matrix")!;
  return { snap, real, reals, sim, readStep };
}

/**
 * The real matrix's cells from the snapshotted machine's endpoints, each as "from -> address: ok|fail",
 * and the simulated snapshot's answer for the same: an address no endpoint of the snapshot holds
 * (a neighbour the machine never resolved) is unreachable there.
 */
export function compareCells(t: RoundTrip, host: string): { real: string[]; sim: string[]; races: string[] } {
  const addrOf = (m: MatrixResult, id: string) => m.endpoints.find((e) => e.id === id)!.address;
  const mine = (m: MatrixResult, id: string) => m.endpoints.find((e) => e.id === id)!.host === host;
  const real: string[] = [];
  const sim: string[] = [];
  const races: string[] = [];
  for (const c of t.real.cells) {
    if (!mine(t.real, c.from)) continue;
    const to = addrOf(t.real, c.to);
    // Concurrent pings racing for ARP answer differently from run to run on a real kernel (see ipvlab record --runs).
    if (t.reals.some((m) => m.cells.find((x) => x.from === c.from && x.to === c.to)?.ok !== c.ok)) {
      races.push(`${c.from} -> ${to}`);
      continue;
    }
    real.push(`${c.from} -> ${to}: ${c.ok ? "ok" : "fail"}`);
    const s = t.sim.cells.find((x) => x.from === c.from && addrOf(t.sim, x.to) === to);
    sim.push(`${c.from} -> ${to}: ${s?.ok ? "ok" : "fail"}`);
  }
  return { real, sim, races };
}
