// `ipvlab trace LAB`: one command run in the simulator, in the state the lab
// leaves after its setup (or after a given step), with every kernel decision
// it causes, in order, and a verdict.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { traceAfter } from "../engines/sim/explain.js";
import type { World } from "../engines/sim/world.js";
import type { Lab } from "../lab/types.js";
import { styleFor } from "./style.js";
import { portOwnerNamer } from "../engines/lab-ports.js";
import { traceVerdict } from "../engines/sim/trace-verdict.js";
import { traceText } from "../report/trace.js";
import { writePcap } from "../userland/pcap.js";
import type { CapturedFrame } from "../userland/tcpdump.js";
import { UsageError } from "./errors.js";
import { loadLabs } from "./load.js";
import { shellWord } from "../report/fix-line.js";
import { naturalCompare } from "../natural.js";

export interface TraceFlags {
  on?: string;
  run?: string;
  from?: string;
  to?: string;
  arp?: boolean;
  after?: string;
  json?: boolean;
  pcap?: string;
}

function usage(msg: string): never {
  throw new UsageError(msg);
}

/** The lab's steps as --after takes them: `3 "its name"`, numbered as the lab file lists them. */
function stepList(lab: Lab, which: number[]): string {
  return which.map((i) => `${i + 1} ${JSON.stringify(lab.steps[i]!.name)}`).join(", ");
}

/**
 * --after: a step's number (its place in the lab file's `steps:`, from 1, as
 * `run`, `check`, --json and the pcap file names number it; 0 is right after
 * the hosts' setup), or its exact name when no other step has it; how many of
 * the lab's steps run first, and how to say it.
 */
export function stepsBefore(lab: Lab, after: string | undefined): { count: number; label: string } {
  if (after === undefined) return { count: 0, label: "setup" };
  if (lab.steps.length === 0) usage(`--after ${after}: ${lab.name} has no steps, only its hosts' setup: leave --after out`);
  const named = lab.steps.flatMap((s, i) => (s.name === after ? [i] : []));
  if (named.length > 1) usage(`--after ${JSON.stringify(after)}: ${named.length} steps of ${lab.name} have that name: give one's number (${stepList(lab, named)})`);
  const n = named.length === 1 ? named[0]! + 1 : /^\d+$/.test(after) ? Number(after) : NaN;
  if (n === 0) return { count: 0, label: "setup" };
  if (!(n >= 1 && n <= lab.steps.length)) {
    const all = lab.steps.map((_, i) => i);
    usage(`--after ${after}: no such step in ${lab.name}: give a number from 1 to ${lab.steps.length} (0: right after the hosts' setup), or a step's name: ${stepList(lab, all)}`);
  }
  return { count: n, label: `step ${n} (${lab.steps[n - 1]!.name})` };
}

/** --from HOST[/NS] --to ADDR [--arp]: the ping (or arping, from the namespace's first addressed device) a matrix cell runs. */
export function probeCommand(world: World, lab: Lab, f: TraceFlags): { host: string; run: string } {
  let [host, ns] = f.from!.split("/", 2) as [string, string | undefined];
  if (!f.to) usage("--from needs --to ADDR");
  // --from NS alone: a namespace one host has (a container of a snapshot, named after it).
  if (ns === undefined && !world.kernels.has(host)) {
    const holders = [...world.kernels].filter(([, k]) => k.netns.has(host)).map(([h]) => h);
    if (holders.length === 1) [host, ns] = [holders[0]!, host];
    else if (holders.length > 1) usage(`--from ${f.from}: namespace ${f.from} is on ${holders.join(" and ")}: say which, as HOST/${f.from}`);
  }
  const net = world.kernels.get(host)?.net(ns);
  if (!net) {
    const k = world.kernels.get(host);
    const known = k
      ? `namespaces of ${host}: ${[...k.netns.keys()].sort(naturalCompare).join(", ") || "none"}`
      : `hosts: ${lab.hosts.map((h) => h.name).join(", ")}${namespacesOf(world)}`;
    usage(`--from ${f.from}: ${k ? `no namespace ${ns} on ${host}` : `no host ${host} in ${lab.name}`} at that point of the lab (${known})`);
  }
  const inNs = (cmd: string) => (ns ? `ip netns exec ${ns} ${cmd}` : cmd);
  if (!f.arp) return { host, run: inNs(`ping -c 1 -W 1 ${f.to}`) };
  const dev = [...net.devices.values()].find((d) => d !== net.loopback && (d.inDev?.ifaList.length ?? 0) > 0);
  if (!dev) usage(`--from ${f.from} --arp: no device there has an IPv4 address to arping from`);
  return { host, run: inNs(`arping -c 1 -w 1 -I ${dev.name} ${f.to}`) };
}

/** Where --from may start, besides the hosts: "; namespaces: vm02/ns01, vm02/ns02". */
function namespacesOf(world: World): string {
  const all = [...world.kernels].flatMap(([h, k]) => [...k.netns.keys()].sort(naturalCompare).map((n) => `${h}/${n}`));
  return all.length ? `; namespaces: ${all.join(", ")}` : "";
}

/** One pcap file per device that saw a frame of the command: DIR/host[_netns]_dev.pcap; the count on stderr. */
function writeTracePcaps(dir: string, frames: Map<string, CapturedFrame[]>): void {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const [id, list] of frames) {
    if (list.length === 0) continue;
    writeFileSync(join(dir, `${id.replace(/[/:]/g, "_")}.pcap`), writePcap(list));
    n++;
  }
  process.stderr.write(`ipvlab: wrote ${n} pcap file${n === 1 ? "" : "s"} (one per device a frame crossed) to ${dir}\n`);
}

export async function traceCommand(file: string, f: TraceFlags): Promise<number> {
  const [lab] = loadLabs([file], (w) => process.stderr.write(w + "\n"));
  if ((f.from || f.to || f.arp) && (f.on || f.run)) usage(`${f.on ? "--on" : "--run"} and ${f.from ? "--from" : f.to ? "--to" : "--arp"} ask for two different things: trace a command (--on HOST --run COMMAND) or a ping (--from HOST[/NS] --to ADDR [--arp]), not both`);
  if (!f.from && (f.to || f.arp)) usage(`${f.to ? "--to" : "--arp"} needs --from HOST[/NS]`);
  if (!f.from && (!f.on || !f.run)) usage("say what to trace: --on HOST --run COMMAND, or --from HOST[/NS] --to ADDR");
  if (!f.from && !lab!.hosts.some((h) => h.name === f.on)) usage(`--on ${f.on}: no host ${f.on} in ${lab!.name} (hosts: ${lab!.hosts.map((h) => h.name).join(", ")})`);
  const { count, label } = stepsBefore(lab!, f.after);
  const frames = f.pcap ? new Map<string, CapturedFrame[]>() : undefined;
  const t = await traceAfter(lab!, count, label, (world) => (f.from ? probeCommand(world, lab!, f) : { host: f.on!, run: f.run! }), frames);
  if (f.pcap && frames) writeTracePcaps(f.pcap, frames);
  if (f.json) process.stdout.write(`${JSON.stringify({ lab: lab!.name, ...t, verdict: traceVerdict(t) }, null, 2)}\n`);
  else {
    process.stdout.write(traceText(t, styleFor(), portOwnerNamer(lab!)));
    // A failed ping from --from is a goal `ipvlab fix` takes as it is.
    if (t.exitCode !== 0 && f.from && !f.arp) process.stdout.write(`try: ipvlab fix ${[file, "--from", f.from, "--to", f.to!, ...(f.after !== undefined ? ["--after", f.after] : [])].map(shellWord).join(" ")}\n`);
  }
  // The traced command's own status, so a script can branch on it as on the command itself.
  return t.exitCode;
}
