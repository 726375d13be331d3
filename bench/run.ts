// `npm run bench`: how fast the simulator is, in figures. It never asserts and
// no test depends on it; every figure is printed against its target.
//
//   node [--max-old-space-size=MB] dist/bench/run.js [options]   (--help: OPTIONS below)

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { allMet, type LabResult } from "../src/engines/result.js";
import { SimEngine } from "../src/engines/sim.js";
import { explainMatrix, tracedCells } from "../src/engines/sim/explain.js";
import { MATRIX_WAIT_MS } from "../src/engines/sim/matrix.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import type { Kernel, TraceStep } from "../src/kernel/index.js";
import { parseYamlLab } from "../src/lab/parse.js";
import type { Lab } from "../src/lab/types.js";
import { packageRoot } from "../src/paths.js";
import { parseIpv4 } from "../src/wire/ipv4-addr.js";
import { ipvlanSlavesLab, manyIpvlanLab, manyNsLab, oneBridgeLab, nsAddr, nsName, slaveAddr, slaveNs, type ManyNsShape } from "./labs.js";
import { matrixBySource, sequentialPingOnce, type PingEndpoint, type PingTally } from "./pings.js";
import { atLeast, atMost, info, int, median, mib, ms, quantile, table, type Figure } from "./report.js";
import { webResimulation } from "./web.js";
import { fixFigures } from "./fix.js";

/** Each option's default and what --help says of it; `only`'s default names every part. */
const OPTIONS = {
  only: { default: "seed,core,ns,ipvlan,step,reasons,scale,fix,web", help: "LIST  which parts to run" },
  runs: { default: "200", help: "N  warm runs of the seed lab" },
  "core-runs": { default: "5", help: "N  warm runs of each core lab" },
  bridges: { default: "10", help: "K  bridges of the many-namespaces lab" },
  "per-bridge": { default: "100", help: "I  namespaces on each of its bridges" },
  sources: { default: "all", help: "N|all  sources of its all-pairs matrix" },
  "seq-sources": { default: "50", help: "N  sources pinging one after another with -W 1" },
  "trace-sources": { default: "100", help: "N  sources of the tracing off/on loop" },
  "matrix-step-ns": { default: "50,100", help: "LIST  lab sizes for the lab's own matrix step" },
  "reasons-ns": { default: "100", help: "LIST  namespaces on one bridge, every failed cell explained" },
  "reasons-ipvlan": { default: "50,100,200", help: "LIST  ipvlan l3 slaves, every failed cell explained" },
  "scale-ns": { default: "100,300,1000", help: "LIST  `ipvlab run -q` on one bridge with N namespaces" },
  "fix-runs": { default: "5", help: "N  warm calls of ipvlab fix" },
  edits: { default: "30", help: "N  re-simulations of the web page" },
} as const;
type OptionName = keyof typeof OPTIONS;
const PARTS = OPTIONS.only.default.split(",");
const COUNTS: readonly OptionName[] = ["runs", "core-runs", "bridges", "per-bridge", "seq-sources", "trace-sources", "fix-runs", "edits"];
const LISTS: readonly OptionName[] = ["matrix-step-ns", "reasons-ns", "reasons-ipvlan", "scale-ns"];

const USAGE = `usage: npm run bench -- [options]   (or node [--max-old-space-size=MB] dist/bench/run.js [options])

How fast the simulator is, each figure printed against its target; nothing is asserted.

${Object.entries(OPTIONS)
  .map(([name, o]) => {
    const [arg, ...what] = o.help.split("  ");
    return `  ${`--${name} ${arg}`.padEnd(26)}${what.join("  ")} (default: ${o.default})`;
  })
  .join("\n")}
  ${"-h, --help".padEnd(26)}this text
`;

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseBenchArgs(): Record<OptionName, string> & { help?: boolean } {
  const options = Object.fromEntries(Object.entries(OPTIONS).map(([name, o]) => [name, { type: "string" as const, default: o.default }]));
  try {
    return parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } } }).values as Record<OptionName, string> & { help?: boolean };
  } catch (e) {
    usageError((e as Error).message);
  }
}
const args = parseBenchArgs();
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const num = (s: string | undefined): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) usageError(`not a count: ${s}`);
  return n;
};
const only = new Set(args.only.split(","));
for (const k of COUNTS) num(args[k]);
for (const k of LISTS) args[k].split(",").filter(Boolean).forEach(num);
if (args.sources !== "all") num(args.sources);
for (const part of only) if (!PARTS.includes(part)) usageError(`--only: no part ${JSON.stringify(part)} (the parts: ${PARTS.join(",")})`);

const GiB = 2 ** 30;
const engine = new SimEngine();

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

const checks = (r: LabResult): string => {
  const cmd = r.steps.filter((s) => s.kind !== "matrix" && s.expect !== null);
  const cells = r.steps.flatMap((s) => (s.kind === "matrix" ? s.cells : []));
  return `${cmd.filter((s) => s.kind !== "matrix" && s.met).length}/${cmd.length} checks met, ${cells.filter((c) => c.ok).length}/${cells.length} cells ok`;
};

// ---------------------------------------------------------------------------
// 1. The seed lab and the core labs, through SimEngine.runMany in-process.

async function seedSize(): Promise<Figure[]> {
  const runs = num(args.runs);
  const t0 = performance.now();
  const file = "examples/seed-ipvlan-l2.lab.yaml";
  const lab = parseYamlLab(file, readFileSync(join(packageRoot, file), "utf8")).lab;
  const parseMs = performance.now() - t0;
  const matrices = lab.steps.filter((s) => s.kind === "matrix").length;
  const planned = lab.hosts.filter((h) => h.run.trim()).length + lab.steps.length;
  // Warm up: the JIT, the shell's parser, the tools.
  let last: LabResult | undefined;
  for (let i = 0; i < Math.max(20, runs / 10); i++) [last] = await engine.runMany([lab]);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(() => engine.runMany([lab])))[1]);
  return [
    info("lab", `${file}: ${lab.hosts.length} hosts, ${lab.networks.length} network, ${planned} planned steps (setups included), ${matrices} matrices`),
    info("answers", checks(last!)),
    info("parseYamlLab, first call (cold: module load, JIT)", ms(parseMs)),
    atMost(`SimEngine.runMany, median of ${runs} warm runs`, median(times), 50, ms),
    atMost(`SimEngine.runMany, p95 of ${runs} warm runs`, quantile(times, 0.95), 50, ms),
    info("SimEngine.runMany, min / max", `${ms(Math.min(...times))} / ${ms(Math.max(...times))}`),
  ];
}

async function coreLabs(): Promise<Figure[]> {
  const runs = num(args["core-runs"]);
  const dir = join(packageRoot, "test", "labs", "core");
  const labs: Lab[] = readdirSync(dir)
    .filter((f) => f.endsWith(".lab.yaml"))
    .sort()
    .map((f) => parseYamlLab(relative(packageRoot, join(dir, f)), readFileSync(join(dir, f), "utf8")).lab);
  const rows: Figure[] = [];
  let total = 0;
  for (const lab of labs) {
    const [[r]] = await timed(() => engine.runMany([lab])); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await timed(() => engine.runMany([lab])))[1]);
    const m = median(times);
    total += m;
    rows.push(info(lab.name, `${ms(m)}${allMet(r!) ? "" : " (a check not met)"}`));
  }
  rows.push(info(`all ${labs.length} core labs (sum of medians)`, ms(total)));
  return rows;
}

// ---------------------------------------------------------------------------
// 2. 1,000 namespaces on bridges, the all-pairs matrix straight on the kernel.

/**
 * 1,000 namespaces reaching 100 neighbours each need 100,000 entries in
 * their kernel's one ARP table, past Linux's default gc_thresh3 of 1,024:
 * as an administrator would (net.ipv4.neigh.default.gc_thresh2/3 in the
 * machine's initial namespace), the speed figures raise the limits so that
 * every ping is answered and the whole path is measured.
 */
function raiseNeighLimits(kernels: Iterable<Kernel>): void {
  for (const k of kernels) {
    k.arpTbl.gcThresh2 = 1 << 20;
    k.arpTbl.gcThresh3 = 1 << 20;
  }
}

interface Peak {
  rss: number;
  heapUsed: number;
  sample(): void;
}

function peakMemory(): Peak {
  const p: Peak = {
    rss: 0,
    heapUsed: 0,
    sample() {
      const m = process.memoryUsage();
      p.rss = Math.max(p.rss, m.rss);
      p.heapUsed = Math.max(p.heapUsed, m.heapUsed);
    },
  };
  p.sample();
  return p;
}

function endpointsOf(k: Kernel, shape: ManyNsShape): PingEndpoint[] {
  const eps: PingEndpoint[] = [];
  for (let b = 1; b <= shape.bridges; b++) {
    for (let i = 1; i <= shape.perBridge; i++) eps.push({ net: k.netns.get(nsName(b, i))!, addr: parseIpv4(nsAddr(b, i))! });
  }
  return eps;
}

const rate = (t: PingTally): number => (t.pings / t.ms) * 1000;
const range = (from: number, n: number, max: number): number[] => Array.from({ length: Math.min(n, max - from) }, (_, i) => from + i);

async function manyNamespaces(): Promise<{ ns: Figure[]; trace: Figure[] }> {
  const shape: ManyNsShape = { bridges: num(args.bridges), perBridge: num(args["per-bridge"]) };
  const total = shape.bridges * shape.perBridge;
  const peak = peakMemory();
  const cpu0 = process.cpuUsage();

  const text = manyNsLab(shape);
  const lab = parseYamlLab(`bench/ns-${total}.lab.yaml`, text).lab;
  const [run, buildMs] = await timed(() => runLabInSim(lab));
  raiseNeighLimits(run.world.kernels.values());
  peak.sample();
  const commands = 1 + shape.bridges * 3 + total * 7;
  const sim = run.world.sim;
  const eps = endpointsOf(run.world.kernels.get("h")!, shape);

  const sources = args.sources === "all" ? range(0, total, total) : range(0, num(args.sources), total);
  const cpuMatrix0 = process.cpuUsage();
  const full = matrixBySource(sim, eps, { sources, onBatch: () => peak.sample() });
  const cpuMatrix = process.cpuUsage(cpuMatrix0);
  const cpu = process.cpuUsage(cpu0);
  const cpuCores = (cpu.user + cpu.system) / 1000 / (buildMs + full.ms);

  const seqSources = range(0, num(args["seq-sources"]), total);
  const seq = sequentialPingOnce(eps, { sources: seqSources, onBatch: () => peak.sample() });

  // 3. The same loop with a trace sink and without, alternated, best of two each.
  const traceSources = range(0, num(args["trace-sources"]), total);
  let steps = 0;
  const sink = (_: TraceStep) => {
    steps++;
  };
  const off: PingTally[] = [];
  const on: PingTally[] = [];
  for (let round = 0; round < 2; round++) {
    sim.traceSink = null;
    off.push(matrixBySource(sim, eps, { sources: traceSources }));
    sim.traceSink = sink;
    on.push(matrixBySource(sim, eps, { sources: traceSources }));
  }
  sim.traceSink = null;
  peak.sample();
  const best = (ts: PingTally[]) => Math.max(...ts.map(rate));
  const traced = on.reduce((n, t) => n + t.pings, 0);

  const rows: Figure[] = [
    info("lab", `1 host, ${shape.bridges} bridges × ${shape.perBridge} namespaces (veth, default route via the host, ip_forward=1); ARP table limits raised`),
    info("build: host script through the shell (runLabInSim)", `${ms(buildMs)} for ${int(commands)} commands`),
    info(`matrix: ${sources.length} sources one at a time, each's pings one after another, then their ${MATRIX_WAIT_MS} ms (virtual)`, `${int(full.pings)} pings, ${int(full.replies)} replies`),
    info("matrix wall time", ms(full.ms)),
    info("matrix pings/s (wall time)", int(rate(full))),
    // Per CPU second: on a shared machine, what one core does (GC threads count too).
    atLeast("matrix pings/s (CPU time, one core)", (full.pings / ((cpuMatrix.user + cpuMatrix.system) / 1000)) * 1000, 100_000, int),
    info("CPU time / wall time, build + matrix", `${cpuCores.toFixed(2)} cores`),
    atMost("peak rss (process.memoryUsage, sampled per source)", peak.rss, GiB, mib),
    atMost("peak heapUsed (sampled per source)", peak.heapUsed, GiB, mib),
    info("process maxRSS (getrusage)", mib(process.resourceUsage().maxRSS * 1024)),
  ];
  if (seq.pings > 0) {
    rows.push(
      info(`pingOnce one after another (-W 1 each), ${seqSources.length} sources`, `${int(seq.pings)} pings, ${int(seq.replies)} replies, ${ms(seq.ms)}`),
      // Not the target's figure (that is the matrix above): each ping here waits out -W 1, so ARP entries age between pings.
      info("pingOnce one after another: pings/s", int(rate(seq))),
    );
  }
  const trace: Figure[] = traced === 0 ? [] : [
    info("loop", `matrix driver, ${traceSources.length} sources (${int(off[0]!.pings)} pings), off/on alternated twice, best of each`),
    info("pings/s, no trace sink", int(best(off))),
    info("pings/s, trace sink attached (counts steps)", int(best(on))),
    info("trace steps per ping with the sink", (steps / traced).toFixed(1)),
    info("cost of a sink", `${((best(off) / best(on) - 1) * 100).toFixed(0)} % slower`),
  ];
  return { ns: rows, trace };
}

/**
 * 4. ipvlan at scale: 1,000 l2 slaves over 10 parents (manyIpvlanLab), the
 * all-pairs matrix straight on the kernel as in 2.
 */
async function manyIpvlanSlaves(): Promise<Figure[]> {
  const shape: ManyNsShape = { bridges: num(args.bridges), perBridge: num(args["per-bridge"]) };
  const total = shape.bridges * shape.perBridge;
  const peak = peakMemory();
  const lab = parseYamlLab(`bench/ipvlan-${total}.lab.yaml`, manyIpvlanLab(shape)).lab;
  const [run, buildMs] = await timed(() => runLabInSim(lab));
  raiseNeighLimits(run.world.kernels.values());
  peak.sample();
  const k = run.world.kernels.get("h")!;
  const eps: PingEndpoint[] = [];
  for (let b = 1; b <= shape.bridges; b++) for (let i = 1; i <= shape.perBridge; i++) eps.push({ net: k.netns.get(slaveNs(b, i))!, addr: parseIpv4(slaveAddr(b, i))! });
  const sources = args.sources === "all" ? range(0, total, total) : range(0, num(args.sources), total);
  const full = matrixBySource(run.world.sim, eps, { sources, onBatch: () => peak.sample() });
  return [
    info("lab", `host h: ${shape.bridges} NICs on ${shape.bridges} networks, ${shape.perBridge} ipvlan l2 slaves on each, one namespace per slave; host gw routes between the networks; ARP table limits raised`),
    info("first check", checks(run.result)),
    info("build: host scripts through the shell (runLabInSim)", ms(buildMs)),
    info(`matrix: ${sources.length} sources one at a time, each's pings one after another, then their ${MATRIX_WAIT_MS} ms (virtual)`, `${int(full.pings)} pings, ${int(full.replies)} replies`),
    info("matrix wall time", ms(full.ms)),
    atLeast("matrix pings/s (one core)", rate(full), 50_000, int),
    atMost("peak rss (process.memoryUsage, sampled per source)", peak.rss, GiB, mib),
    atMost("peak heapUsed (sampled per source)", peak.heapUsed, GiB, mib),
  ];
}

/**
 * The lab's own matrix step (src/engines/sim/matrix.ts) on smaller labs of
 * the same shape: what it costs, and whether its answers hold at that size.
 */
async function matrixStepScaling(): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const n of args["matrix-step-ns"].split(",").filter(Boolean).map(num)) {
    const shape = { bridges: 10, perBridge: Math.max(1, Math.round(n / 10)) };
    const lab = parseYamlLab(`bench/ns-matrix.lab.yaml`, manyNsLab(shape, { matrix: true })).lab;
    const [run, wall] = await timed(() => runLabInSim(lab));
    const m = run.result.steps.find((s) => s.kind === "matrix");
    if (m?.kind !== "matrix") continue;
    const ok = m.cells.filter((c) => c.ok).length;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    out.push(info(`${shape.bridges * shape.perBridge} namespaces, whole lab run`, `${ms(wall)}, ${int(ok)}/${int(m.cells.length)} cells ok, process maxRSS ${mib(maxRss)} after`));
  }
  return out;
}

/**
 * 4b. A lab's matrix with its failed cells' reasons, as `ipvlab run` finds
 * them (SimEngine with reasons): each failed cell's ping traced alone on a
 * fork of the world as the matrix found it (at most tracedCells of them, a
 * spread sample past that; the rest say what the kernel did to them in the
 * matrix where it said). Before forks, each reason was a
 * run of the whole lab: 100 namespaces on one bridge did not finish in 14
 * minutes, and N ipvlan slaves took 16 s (N = 50), 143 s (100) and more than
 * 600 s (200). The targets are on CPU time, which other processes skew
 * less than wall time (GC threads count too).
 */
async function matrixReasons(): Promise<Figure[]> {
  const out: Figure[] = [];
  const labs = [
    ...args["reasons-ns"].split(",").filter(Boolean).map(num).map((n) => ({ n, what: `1 host, ${n} namespaces on one bridge`, text: manyNsLab({ bridges: 1, perBridge: n }, { matrix: true }), target: 120_000 })),
    ...args["reasons-ipvlan"].split(",").filter(Boolean).map(num).map((n) => ({ n, what: `${n} ipvlan l3 slaves of one NIC, each in a namespace, and a gateway`, text: ipvlanSlavesLab(n), target: n <= 50 ? 5_000 : n <= 100 ? 15_000 : 60_000 })),
  ];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  for (const l of labs) {
    const lab = parseYamlLab(`bench/reasons-${l.n}.lab.yaml`, l.text).lab;
    let reasonsCpu = 0;
    let failed = 0;
    let traced = 0;
    let cells = 0;
    const cpu0 = process.cpuUsage();
    const [, wall] = await timed(() =>
      runLabInSim(lab, {
        afterMatrix: async (m, ctx) => {
          const c0 = process.cpuUsage();
          await explainMatrix(lab, ctx, m);
          reasonsCpu += cpuMs(process.cpuUsage(c0));
          cells += m.cells.length;
          failed += m.cells.filter((c) => !c.ok).length;
          traced += Math.min(m.cells.filter((c) => !c.ok).length, tracedCells(m.endpoints.length));
        },
      }),
    );
    const cpu = cpuMs(process.cpuUsage(cpu0));
    out.push(
      info(l.what, `${int(cells)} cells, ${int(failed)} failed, ${int(traced)} of them traced alone`),
      atMost("  whole run with every reason, CPU time", cpu, l.target, ms),
      info("  whole run, wall time", ms(wall)),
      info("  the reasons, CPU time", `${ms(reasonsCpu)}, ${traced ? ms(reasonsCpu / traced) : "-"} per cell traced`),
      info("  process maxRSS after", mib(process.resourceUsage().maxRSS * 1024)),
    );
  }
  return out;
}

/**
 * 4d. The issue's lab at scale through `ipvlab run -q`, each in a process of
 * its own (bench/run-lab.ts), so its CPU time and peak RSS are its alone:
 * one bridge, N namespaces, one /16, `- matrix: all`. The targets are the
 * 1,000-namespace lab's: 30 s on one core (CPU time; wall time is shown, and
 * other processes stretch it) and 1 GiB.
 */
function scaleRuns(): Figure[] {
  const out: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-bench-"));
  try {
    for (const n of args["scale-ns"].split(",").filter(Boolean).map(num)) {
      const file = join(dir, `bridge-${n}.lab.yaml`);
      writeFileSync(file, oneBridgeLab(n));
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [join(packageRoot, "dist", "bench", "run-lab.js"), file], { encoding: "utf8", maxBuffer: 1 << 30 });
      const wall = performance.now() - t0;
      const last = r.stderr.trim().split("\n").pop() ?? "";
      if (r.status === null || !last.startsWith("{")) {
        out.push(info(`${n} namespaces`, `failed: ${r.signal ?? r.status} ${r.stderr.slice(-300)}`));
        continue;
      }
      const fig = JSON.parse(last) as { cpuMs: number; maxRss: number };
      const cells = n * (n - 1);
      const head = /matrix: .*\((\d+) of (\d+) pings answered\)/.exec(r.stdout);
      const big = n >= 1000;
      out.push(
        info(`${n} namespaces, ${int(cells)} cells`, head ? `${int(Number(head[1]))} answered, report ${int(r.stdout.split("\n").length)} lines` : "no matrix line in the report"),
        big ? atMost("  CPU time (one core)", fig.cpuMs, 30_000, ms) : info("  CPU time", ms(fig.cpuMs)),
        info("  wall time", ms(wall)),
        big ? atMost("  peak RSS", fig.maxRss, GiB, mib) : info("  peak RSS", mib(fig.maxRss)),
        info("  cells/s (CPU time)", int((cells / fig.cpuMs) * 1000)),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------

const cmdline = [process.execPath.replace(/.*\//, ""), ...process.execArgv, relative(process.cwd(), process.argv[1]!), ...process.argv.slice(2)].join(" ");
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`# ipvlab bench\n\ncommand: ${cmdline}\nnode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, load average ${load()} (other processes skew every figure)\n`);
if (only.has("seed")) console.log(table("1. seed-size lab, --engine sim in-process", await seedSize()));
if (only.has("core")) console.log(table(`1b. core labs (test/labs/core), median of ${args["core-runs"]} warm runs each`, await coreLabs()));
if (only.has("ns")) {
  const { ns, trace } = await manyNamespaces();
  console.log(table("2. many namespaces: all-pairs ping matrix on the simulated kernel", ns));
  if (trace.length) console.log(table("3. tracing off vs on, same ping loop", trace));
}
if (only.has("ipvlan")) console.log(table("4. ipvlan: 1,000 slaves over 10 parents, all-pairs ping matrix", await manyIpvlanSlaves()));
if (only.has("step")) {
  // Last: at 200 namespaces the lab's matrix step alone takes ~2 GiB.
  console.log(table("4. the lab's own matrix step (src/engines/sim/matrix.ts) on smaller labs of the same shape", await matrixStepScaling()));
}
if (only.has("reasons")) console.log(table("4b. a matrix with its failed cells' reasons, each on a fork of the world (as ipvlab run)", await matrixReasons()));
if (only.has("scale")) console.log(table("4d. the issue's lab through `ipvlab run -q`: one bridge, N namespaces in one /16, the all-pairs matrix with its reasons", scaleRuns()));
if (only.has("fix")) console.log(table(`4c. ipvlab fix: every single change tried on forks of the world before the goal (median of ${args["fix-runs"]} warm calls)`, await fixFigures(num(args["fix-runs"]))));
if (only.has("web")) console.log(table("5. the web page: the seed lab re-simulated in its worker (Debian's chromium)", await webResimulation(num(args.edits))));
console.log(`load average at the end: ${load()}`);
