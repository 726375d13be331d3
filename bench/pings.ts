// Ping drivers for the all-pairs matrix over many namespaces, straight on the
// simulated kernel (the lab's matrix step opens one raw socket per cell, and
// every ICMP packet a namespace receives is copied to each of them: O(N^3)).

import { pingOnce, RawSocket, type Net, type Sim } from "../src/kernel/index.js";
import { MATRIX_WAIT_MS } from "../src/engines/sim/matrix.js";

export interface PingEndpoint {
  readonly net: Net;
  readonly addr: number;
}

export interface PingTally {
  pings: number;
  replies: number;
  /** Wall ms spent in the loop (memory sampling included, it is cheap). */
  ms: number;
}

/** Called between batches (every source): peak-memory sampling. */
export type BatchHook = () => void;

/**
 * The matrix's own semantics (src/engines/sim/matrix.ts): every cell's echo
 * request sent one after another, each send's softirq run before the next
 * (Sim.settle), then the clock runs out the cells' wait (MATRIX_WAIT_MS).
 * Here one source namespace at a time: one raw socket in it, an echo request
 * to every other endpoint (id = source index, seq = destination index), then
 * the wait in virtual time. `sources` limits which endpoints send (all by
 * default).
 */
export function matrixBySource(sim: Sim, eps: readonly PingEndpoint[], o: { sources?: readonly number[]; onBatch?: BatchHook; data?: Uint8Array } = {}): PingTally {
  const data = o.data ?? new Uint8Array(56);
  const n = eps.length;
  const got = new Uint8Array(n);
  let pings = 0;
  let replies = 0;
  const t0 = performance.now();
  for (const ai of o.sources ?? eps.keys()) {
    const a = eps[ai]!;
    const id = ai & 0xffff;
    got.fill(0);
    const sock = new RawSocket(a.net, 1, null);
    const start = sim.now;
    sock.onRecv = (r) => {
      const p = r.ip.payload;
      if (p.kind !== "icmp" || p.icmp.type !== "echo-reply" || p.icmp.id !== id) return;
      const bi = p.icmp.seq;
      if (bi < n && r.ip.src === eps[bi]!.addr && sim.now - start <= MATRIX_WAIT_MS) got[bi] = 1;
    };
    for (let bi = 0; bi < n; bi++) {
      if (bi === ai) continue;
      pings++;
      sock.sendIcmp(eps[bi]!.addr, { type: "echo-request", id, seq: bi, data }, { saddr: a.addr });
      sim.settle();
    }
    sim.run({ until: sim.now + MATRIX_WAIT_MS });
    sock.close();
    // A socket keeps what it received (RawSocket.rx); closed, it is garbage.
    for (let bi = 0; bi < n; bi++) replies += got[bi]!;
    o.onBatch?.();
  }
  return { pings, replies, ms: performance.now() - t0 };
}

/** `ping -c 1 -W 1 -I FROM TO` one cell after another through pingOnce: each ping runs the clock 1 s. */
export function sequentialPingOnce(eps: readonly PingEndpoint[], o: { sources?: readonly number[]; onBatch?: BatchHook } = {}): PingTally {
  let pings = 0;
  let replies = 0;
  const t0 = performance.now();
  for (const ai of o.sources ?? eps.keys()) {
    const a = eps[ai]!;
    for (let bi = 0; bi < eps.length; bi++) {
      if (bi === ai) continue;
      pings++;
      if (pingOnce(a.net, eps[bi]!.addr, { src: a.addr, id: ai & 0xffff, seq: bi & 0xffff, timeoutMs: 1000 }).reply) replies++;
    }
    o.onBatch?.();
  }
  return { pings, replies, ms: performance.now() - t0 };
}
