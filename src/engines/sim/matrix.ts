// The all-pairs matrix: endpoints found as the driver's ipvlab_endpoints
// finds them, and every pair in different namespaces pinged at once, each
// cell `ping -c 1 -W 1 -I FROM TO` run in FROM's namespace.

import { pingEchoFilter, RawSocket, type Kernel, type Net } from "../../kernel/index.js";
import type { Lab } from "../../lab/types.js";
import { formatIpv4, ipv4IsLoopback, parseIpv4 } from "../../wire/ipv4-addr.js";
import { quotedEcho } from "../../userland/ping.js";
import { inNaturalOrder, nameEndpoints, type Endpoint, type MatrixCell, type MatrixResult } from "../result.js";
import type { Snapshot } from "../../kernel/index.js";
import type { StepSim, World } from "./world.js";

/** Every non-loopback IPv4 address: hosts in lab order, the root namespace first, then namespaces by name (C collation), devices by ifindex. */
export function discoverEndpoints(lab: Lab, kernels: Map<string, Kernel>): Endpoint[] {
  const raw: Omit<Endpoint, "id">[] = [];
  for (const h of lab.hosts) {
    const k = kernels.get(h.name)!;
    const names = [...k.netns.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const nets: Array<[string | null, Net]> = [[null, k.initNet], ...names.map((n): [string, Net] => [n, k.netns.get(n)!])];
    for (const [ns, net] of nets) {
      const devs = [...net.devices.values()].sort((a, b) => a.ifindex - b.ifindex);
      for (const d of devs) {
        if (d.name === "lo") continue;
        for (const ifa of d.inDev?.ifaList ?? []) {
          if (ipv4IsLoopback(ifa.local)) continue;
          raw.push({ host: h.name, netns: ns, dev: d.name, address: formatIpv4(ifa.local) });
        }
      }
    }
  }
  return nameEndpoints(raw);
}

interface Probe {
  cell: MatrixCell;
  sock: RawSocket | null;
  ident: number;
  dst: number;
  sentAt: number;
  replied: boolean;
}

/** Where a matrix step is: its pings sent (none answered yet), or all answered that will be. */
export interface MatrixProgress {
  matrix: string;
  cells: number;
  /** null until the clock has run out the pings' -W 1. */
  ok: number | null;
}

/** Limits a matrix ran into with all its pings at once, which no single ping alone meets. */
export interface MatrixLimits {
  /** Lab hosts whose neighbour table refused new entries ("neighbor table overflow!"), with its gc_thresh3. */
  neighTableFull: { host: string; gcThresh3: number }[];
  /** The simulator's frame budget (frames per virtual second) when it cut the matrix's traffic, else null. */
  frameBudget: number | null;
}

/** What a matrix's cells are explained from: the world just before the matrix step (copy() forks it) and the limits the matrix met. */
export interface MatrixContext {
  before: Snapshot<World>;
  limits: MatrixLimits;
  /** How many of the lab's own steps ran before the matrix (what a verdict may say the lab meant so far). */
  steps: number;
}

/** Runs one matrix step: all echo requests leave at once, then the clock runs 1 s (ping -W 1). */
export function runMatrix(name: string, lab: Lab, kernels: Map<string, Kernel>, sim: StepSim, onProgress?: (p: MatrixProgress) => void): { result: MatrixResult; limits: MatrixLimits } {
  const endpoints = discoverEndpoints(lab, kernels);
  const probes: Probe[] = [];
  let ident = sim.rng.u32() & 0xffff;
  for (const a of endpoints) {
    for (const b of endpoints) {
      if (a.host === b.host && a.netns === b.netns) continue;
      const net = kernels.get(a.host)!.net(a.netns ?? undefined)!;
      ident = (ident + 1) & 0xffff;
      probes.push({ cell: { from: a.id, to: b.id, ok: false }, sock: new RawSocket(net, 1, null), ident, dst: parseIpv4(b.address)!, sentAt: 0, replied: false });
    }
  }
  const start = sim.now;
  for (const p of probes) {
    const sock = p.sock!;
    sock.filter = pingEchoFilter(p.ident);
    const src = parseIpv4(endpoints.find((e) => e.id === p.cell.from)!.address)!;
    sock.onRecv = (r) => {
      if (r.ip.payload.kind !== "icmp") return;
      const icmp = r.ip.payload.icmp;
      if (icmp.type === "echo-reply" && icmp.id === p.ident && icmp.seq === 1) {
        if (sim.now - p.sentAt <= 1000) p.replied = true;
      } else if (icmp.type === "dest-unreach" || icmp.type === "time-exceeded") {
        const inner = quotedEcho(icmp.original);
        if (inner && inner.icmpType === 8 && inner.id === p.ident && inner.dst === p.dst) p.sock?.close();
      }
    };
    p.sentAt = sim.now;
    const sent = sock.sendIcmp(p.dst, { type: "echo-request", id: p.ident, seq: 1, data: new Uint8Array(56) }, { saddr: src });
    if (!sent.ok) {
      sock.close();
      p.sock = null;
    }
  }
  onProgress?.({ matrix: name, cells: probes.length, ok: null });
  const fullBefore = new Map([...kernels].map(([h, k]) => [h, k.arpTbl.tableFulls]));
  const report = sim.run({ until: start + 1000 });
  for (const p of probes) {
    p.sock?.close();
    p.cell.ok = p.replied;
  }
  onProgress?.({ matrix: name, cells: probes.length, ok: probes.filter((p) => p.replied).length });
  const limits: MatrixLimits = {
    neighTableFull: [...kernels].filter(([h, k]) => k.arpTbl.tableFulls > fullBefore.get(h)!).map(([host, k]) => ({ host, gcThresh3: k.arpTbl.gcThresh3 })),
    frameBudget: report.budgetExceeded ? sim.frameBudget : null,
  };
  return { result: inNaturalOrder({ kind: "matrix", name, endpoints, cells: probes.map((p) => p.cell) }), limits };
}
