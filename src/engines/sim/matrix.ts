// The all-pairs matrix: endpoints found as the driver's ipvlab_endpoints
// finds them, and every pair in different namespaces pinged at once, each
// cell what `ping -c 1 -I FROM TO` does in FROM's namespace (waiting
// MATRIX_WAIT_MS for its answer), between addresses of one family (IPv6:
// global addresses that passed DAD; with `link-local: true` also
// link-locals, pinged as `ping -c 1 -I FROM%DEV TO%DEV`, DEV being FROM's
// device).

import { Raw6Socket, RawSocket, type Kernel, type Net, type NetDevice } from "../../kernel/index.js";
import type { Lab, MatrixFamily } from "../../lab/types.js";
import { ipv6FromBytes, ipv6IsLinkLocal, type Ipv6 } from "../../wire/ipv6-addr.js";
import { formatIpv4, ipv4IsLoopback, parseIpv4 } from "../../wire/ipv4-addr.js";
import { quotedEcho } from "../../userland/ping.js";
import { addressKind, inNaturalOrder, nameEndpoints, type Endpoint, type MatrixCell, type MatrixResult } from "../result.js";
import type { Snapshot } from "../../kernel/index.js";
import type { StepSim, World } from "./world.js";

/**
 * Every non-loopback IPv4 address and every usable global IPv6 one, as the
 * family asks: hosts in lab order, the root namespace first, then
 * namespaces by name (C collation), devices by ifindex, IPv4 before IPv6
 * (as `ip -o addr` lists them). With linkLocal, each device's fe80::
 * addresses that passed DAD too, in their place in that list.
 */
export function discoverEndpoints(lab: Lab, kernels: Map<string, Kernel>, family: MatrixFamily = "inet", linkLocal = false): Endpoint[] {
  const raw: Omit<Endpoint, "id">[] = [];
  for (const h of lab.hosts) {
    const k = kernels.get(h.name)!;
    const names = [...k.netns.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const nets: Array<[string | null, Net]> = [[null, k.initNet], ...names.map((n): [string, Net] => [n, k.netns.get(n)!])];
    for (const [ns, net] of nets) {
      const devs = [...net.devices.values()].sort((a, b) => a.ifindex - b.ifindex);
      for (const d of devs) {
        if (d.name === "lo") continue;
        if (family !== "inet6") {
          for (const ifa of d.inDev?.ifaList ?? []) {
            if (ipv4IsLoopback(ifa.local)) continue;
            raw.push({ host: h.name, netns: ns, dev: d.name, address: formatIpv4(ifa.local) });
          }
        }
        for (const a of d.in6Dev?.addrList ?? []) {
          if (a.tentative || a.dadfailed) continue;
          const wanted = a.scope === "global" ? family !== "inet" : linkLocal && a.scope === "link" && ipv6IsLinkLocal(a.addr);
          if (wanted) raw.push({ host: h.name, netns: ns, dev: d.name, address: a.addr });
        }
      }
    }
  }
  return nameEndpoints(raw);
}

/** An IPv6 cell's ping: its own socket, as ping -6 has (IPv6 cells are few; IPv4 ones share a socket per namespace). */
interface Probe6 {
  sock: Raw6Socket | null;
  ident: number;
  dst: Ipv6;
  sentAt: number;
  replied: boolean;
}

/**
 * How long a cell waits for its answer (assets/matrix-ping.pl, which sends
 * the real engines' cells): past proxy_delay's longest wait (800 ms), short
 * of the neighbour layer's first retransmission (1 s after its first probe).
 */
export const MATRIX_WAIT_MS = 900;

/** Where a matrix step is: its pings sent (none answered yet), or all answered that will be. */
export interface MatrixProgress {
  matrix: string;
  cells: number;
  /** null until the clock has run out the pings' wait. */
  ok: number | null;
}

/** Limits a matrix ran into with all its pings at once, which no single ping alone meets. */
export interface MatrixLimits {
  /** Lab hosts whose neighbour table refused new entries ("neighbor table overflow!"), with its gc_thresh3. */
  neighTableFull: { host: string; gcThresh3: number }[];
  /** The simulator's frame budget (frames per virtual second) when it cut the matrix's traffic, else null. */
  frameBudget: number | null;
  /** By cell index: where the cell's own echo request was refused its neighbour entry (its sendmsg failed at "neighbor table overflow!"), 1 + the index in refusedBy of the host that refused it; else 0. */
  sendRefused: Uint8Array;
  /** The hosts that refused echo requests their entries, with their gc_thresh3. */
  refusedBy: { host: string; gcThresh3: number }[];
}

/** What a matrix's cells are explained from: the world just before the matrix step (copy() forks it) and the limits the matrix met. */
export interface MatrixContext {
  before: Snapshot<World>;
  limits: MatrixLimits;
  /** How many of the lab's own steps ran before the matrix (what a verdict may say the lab meant so far). */
  steps: number;
}

/** A probe's state bits. */
const LIVE = 1;
const REPLIED = 2;
/** ICMP idents wrap at 16 bits: probe i has ident (first + i) & 0xffff. */
const IDENTS = 0x10000;

/**
 * Runs one matrix step: the echo requests leave one after another, each
 * sendmsg's softirq (and the work it queued) run before the next, as
 * matrix-ping.pl sends them; then the clock runs out the last one's wait.
 *
 * Each cell is its own ping with its own ident. Ping's socket filter passes
 * its own echo replies and every ICMP error, so every ping of a namespace
 * sees the same errors and only its own replies: one raw socket per
 * namespace hands each packet to the pings it names (the probe with that
 * ident, found from the ident alone), which is what the per-ping filters
 * let through, without every packet visiting every ping. Cells are held in
 * typed arrays until the end, so a matrix of a million cells stays small.
 */
export function runMatrix(name: string, lab: Lab, kernels: Map<string, Kernel>, sim: StepSim, onProgress?: (p: MatrixProgress) => void, family: MatrixFamily = "inet", linkLocal = false): { result: MatrixResult; limits: MatrixLimits } {
  const endpoints = discoverEndpoints(lab, kernels, family, linkLocal);
  const nets = endpoints.map((e) => kernels.get(e.host)!.net(e.netns ?? undefined)!);
  const v6 = endpoints.map((e) => e.address.includes(":"));
  // Link-locals pair with link-locals only, every pair of them in different
  // namespaces, on one link or not: which of them answer is the kernel's
  // (NDISC on the sending device's link, ipvlan's and macvlan's delivery),
  // as a user pinging fe80::x%dev would find it, not a guess from the lab.
  const kind = endpoints.map((e) => addressKind(e.address));
  const addrs = endpoints.map((e, i) => (v6[i] ? 0 : parseIpv4(e.address)!));
  const kernelOf = endpoints.map((e) => kernels.get(e.host)!);
  // Endpoints in one namespace share a key: a pair of them, or of two families, is no cell.
  const space = new Map<Net, number>();
  const spaceOf = nets.map((n) => space.get(n) ?? (space.set(n, space.size), space.size - 1));
  let cells = 0;
  for (let a = 0; a < endpoints.length; a++) for (let b = 0; b < endpoints.length; b++) if (spaceOf[a] !== spaceOf[b] && kind[a] === kind[b]) cells++;
  const from = new Int32Array(cells);
  const to = new Int32Array(cells);
  const state = new Uint8Array(cells);
  const sentAt = new Float64Array(cells);
  const sendRefused = new Uint8Array(cells);
  const refusedBy: { host: string; gcThresh3: number }[] = [];
  const refusedIndex = new Map<string, number>();
  let c = 0;
  for (let a = 0; a < endpoints.length; a++)
    for (let b = 0; b < endpoints.length; b++) {
      if (spaceOf[a] === spaceOf[b] || kind[a] !== kind[b]) continue;
      from[c] = a;
      to[c] = b;
      c++;
    }
  const first = ((sim.rng.u32() & 0xffff) + 1) & 0xffff;
  const identOf = (p: number): number => (first + p) & 0xffff;
  /** The probes of namespace `net` whose ident is `id`: every IDENTS-th probe from the first with that ident. */
  const named = (net: Net, id: number, each: (p: number) => void): void => {
    for (let p = (id - first + IDENTS) & 0xffff; p < cells; p += IDENTS) if (nets[from[p]!] === net && !v6[from[p]!]) each(p);
  };
  const socks = new Map<Net, RawSocket>();
  for (let p = 0; p < cells; p++) {
    const net = nets[from[p]!]!;
    if (v6[from[p]!] || socks.has(net)) continue;
    const sock = new RawSocket(net, 1, null);
    sock.onRecv = (r) => {
      if (r.ip.payload.kind !== "icmp") return;
      const icmp = r.ip.payload.icmp;
      if (icmp.type === "echo-reply") {
        if (icmp.seq !== 1) return;
        named(net, icmp.id, (q) => {
          if (state[q]! & LIVE && sim.now - sentAt[q]! <= MATRIX_WAIT_MS) state[q]! |= REPLIED;
        });
      } else if (icmp.type === "dest-unreach" || icmp.type === "time-exceeded") {
        const inner = quotedEcho(icmp.original);
        if (!inner || inner.icmpType !== 8) return;
        named(net, inner.id, (q) => {
          if (inner.dst === addrs[to[q]!]) state[q]! &= ~LIVE;
        });
      }
    };
    socks.set(net, sock);
  }
  const fullBefore = new Map([...kernels].map(([h, k]) => [h, k.arpTbl.tableFulls]));
  let budgetExceeded = false;
  const data = new Uint8Array(56);
  const probes6 = new Map<number, Probe6>();
  for (let p = 0; p < cells; p++) {
    const a = from[p]!;
    if (v6[a]) {
      // -I FROM%DEV binds the socket to DEV (SO_BINDTODEVICE) and TO%DEV scopes the destination to it.
      const scope = kind[a] === "link" ? nets[a]!.devByName(endpoints[a]!.dev)! : null;
      const probe: Probe6 = { sock: new Raw6Socket(nets[a]!, scope), ident: identOf(p), dst: endpoints[to[p]!]!.address, sentAt: 0, replied: false };
      probes6.set(p, probe);
      sendProbe6(probe, endpoints[a]!.address, scope, sim);
      budgetExceeded = sim.settle().budgetExceeded || budgetExceeded;
      continue;
    }
    const arp = kernelOf[a]!.arpTbl;
    const fulls = arp.tableFulls;
    state[p] = LIVE;
    sentAt[p] = sim.now;
    const sent = socks.get(nets[a]!)!.sendIcmp(addrs[to[p]!]!, { type: "echo-request", id: identOf(p), seq: 1, data }, { saddr: addrs[a]! });
    if (!sent.ok) {
      state[p] = 0;
      if (arp.tableFulls > fulls) {
        const host = endpoints[a]!.host;
        let i = refusedIndex.get(host);
        if (i === undefined) {
          i = refusedBy.push({ host, gcThresh3: arp.gcThresh3 }) - 1;
          refusedIndex.set(host, i);
        }
        // More hosts than a byte holds refusing: the rest go unnamed (no lab comes near).
        if (i < 255) sendRefused[p] = i + 1;
      }
    }
    budgetExceeded = sim.settle().budgetExceeded || budgetExceeded;
  }
  onProgress?.({ matrix: name, cells, ok: null });
  const report = sim.run({ until: sim.now + MATRIX_WAIT_MS });
  for (const s of socks.values()) s.close();
  for (const probe of probes6.values()) probe.sock?.close();
  const out: MatrixCell[] = new Array<MatrixCell>(cells);
  let ok = 0;
  for (let p = 0; p < cells; p++) {
    const replied = probes6.get(p)?.replied ?? (state[p]! & REPLIED) !== 0;
    if (replied) ok++;
    out[p] = { from: endpoints[from[p]!]!.id, to: endpoints[to[p]!]!.id, ok: replied };
  }
  onProgress?.({ matrix: name, cells, ok });
  const limits: MatrixLimits = {
    neighTableFull: [...kernels].filter(([h, k]) => k.arpTbl.tableFulls > fullBefore.get(h)!).map(([host, k]) => ({ host, gcThresh3: k.arpTbl.gcThresh3 })),
    frameBudget: report.budgetExceeded || budgetExceeded ? sim.frameBudget : null,
    sendRefused,
    refusedBy,
  };
  return { result: inNaturalOrderOfCells(name, endpoints, out, limits), limits };
}

/**
 * The matrix in the order every engine hands it out (inNaturalOrder), its
 * pings having gone out in the order they were found; the cell-indexed
 * limits follow their cells.
 */
function inNaturalOrderOfCells(name: string, endpoints: Endpoint[], cells: MatrixCell[], limits: MatrixLimits): MatrixResult {
  const sorted = inNaturalOrder({ kind: "matrix", name, endpoints, cells: [] }).endpoints;
  if (sorted.every((e, i) => e === endpoints[i])) return { kind: "matrix", name, endpoints, cells };
  const rank = new Map(sorted.map((e, i) => [e.id, i]));
  const order = Array.from(cells.keys()).sort((x, y) => rank.get(cells[x]!.from)! - rank.get(cells[y]!.from)! || rank.get(cells[x]!.to)! - rank.get(cells[y]!.to)!);
  const refused = limits.sendRefused;
  limits.sendRefused = Uint8Array.from(order, (i) => refused[i]!);
  return { kind: "matrix", name, endpoints: sorted, cells: order.map((i) => cells[i]!) };
}

/** ping -6 -c 1 -I FROM TO (FROM%DEV TO%DEV with a scope): an echo reply within the cell's wait, or an ICMPv6 error for this echo that ends ping early. */
function sendProbe6(p: Probe6, from: Ipv6, scope: NetDevice | null, sim: StepSim): void {
  const { dst, sock } = p;
  if (!sock) return;
  sock.filter = (ip6) => ip6.payload.kind === "icmpv6";
  sock.onRecv = (r) => {
    if (r.ip6.payload.kind !== "icmpv6") return;
    const icmp = r.ip6.payload.icmp;
    if (icmp.type === "echo-reply" && icmp.id === p.ident && icmp.seq === 1) {
      if (sim.now - p.sentAt <= MATRIX_WAIT_MS) p.replied = true;
    } else if ((icmp.type === "dest-unreach" || icmp.type === "time-exceeded" || icmp.type === "packet-too-big") && echoOf(icmp.original, p.ident, dst)) p.sock?.close();
  };
  p.sentAt = sim.now;
  const sent = sock.sendIcmp6(dst, scope, from, { type: "echo-request", id: p.ident, seq: 1, data: new Uint8Array(56) }, null);
  if (!sent.ok) {
    sock.close();
    p.sock = null;
  }
}

/** Whether an ICMPv6 error quotes this probe's echo request (as ping -6 reads the quoted header). */
function echoOf(o6: Uint8Array, ident: number, dst: Ipv6): boolean {
  if (o6.length < 48 || o6[6] !== 58 || o6[40] !== 128 || ((o6[44]! << 8) | o6[45]!) !== ident) return false;
  return ipv6FromBytes(o6, 24) === dst;
}
