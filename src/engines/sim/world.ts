// A lab built in the simulated kernel exactly as the real driver builds it
// (assets/driver.sh): one kernel per host with loopback up; per network a
// namespace of its own (not a lab host) holding a bridge br0 (up, multicast
// snooping off); per lab interface a veth created in that namespace, its
// bridge end a port of br0 and its other end in the host, named and addressed
// as the lab says and left down.

import { brAddIf, Kernel, linkAddBridge, linkAddVeth, linkSetUp, Sim, snapshot, type RunReport, type Snapshot } from "../../kernel/index.js";
import { peernet2idAlloc } from "../../userland/ip/netnsid.js";
import { labPorts } from "../lab-ports.js";
import type { Lab } from "../../lab/types.js";

/** A step ran past its timeout: the real engines kill it (exit 137). */
export class StepKilled extends Error {
  constructor() {
    super("step killed at its timeout");
    this.name = "StepKilled";
  }
}

/**
 * The lab's Sim, with the running step's timeout as a wall in virtual time:
 * a command that would run the clock past it (sleep, ping without -c) is
 * killed there, as `timeout -s KILL` kills it on a real engine.
 */
export class StepSim extends Sim {
  deadline = Infinity;
  /** The running step reached its deadline. */
  killed = false;

  /** Sets the wall for a step (Infinity: none) and clears the last step's kill. */
  setDeadline(at: number): void {
    this.deadline = at;
    this.killed = false;
  }

  override run(o: { until?: number; for?: number; whileFrames?: boolean } = {}): RunReport {
    if (o.whileFrames) {
      if (this.killed) throw new StepKilled();
      return super.run({ until: this.deadline, whileFrames: true });
    }
    const until = o.for !== undefined ? this.now + o.for : (o.until ?? Infinity);
    if (this.killed) throw new StepKilled();
    if (until > this.deadline) {
      super.run({ until: this.deadline });
      this.killed = true;
      throw new StepKilled();
    }
    return super.run(o.for !== undefined ? { until } : o);
  }
}

export interface World {
  sim: StepSim;
  kernels: Map<string, Kernel>;
}

/**
 * The world in its present state, recorded (kernel/fork.ts): each copy() is
 * a fork, where what runs starts where the original was and never touches
 * it. Forks have no trace sink.
 */
export function snapshotWorld(world: World): Snapshot<World> {
  const sink = world.sim.traceSink;
  world.sim.traceSink = null;
  try {
    return snapshot(world);
  } finally {
    world.sim.traceSink = sink;
  }
}

/** One fork of the world in its present state. */
export function forkWorld(world: World): World {
  return snapshotWorld(world).copy();
}

/** A stable 32-bit seed from the lab's name, so every run of a lab is the same run. */
export function labSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

/** `release`: the Linux release to behave as (`uname -r` text); default the modelled one. */
export function buildWorld(lab: Lab, release?: string): World {
  const sim = new StepSim(release === undefined ? { seed: labSeed(lab.name) } : { seed: labSeed(lab.name), release });
  const kernels = new Map<string, Kernel>();
  for (const h of lab.hosts) {
    const k = sim.addKernel(h.name);
    k.ipv6 = lab.ipv6;
    kernels.set(h.name, k);
    // A booted machine: lo up (the holder runs `ip link set lo up`).
    linkSetUp(k.initNet.loopback);
  }
  const bridges = new Map(lab.networks.map((n) => [n.name, networkBridge(sim, n.name)]));
  const hairpin = new Map(lab.networks.map((n) => [n.name, n.hairpin]));
  for (const p of labPorts(lab)) {
    const br = bridges.get(p.iface.network)!;
    const host = kernels.get(p.host.name)!.initNet;
    const r = linkAddVeth(br.net, p.port, p.iface.name, { mac: p.portMac, peerNet: host, peerMac: p.iface.mac });
    if (!r.ok) throw new Error(`cannot create ${p.host.name}:${p.iface.name}: ${r.errno}`);
    // The port's RTM_NEWLINK, sent once veth_newlink has paired the two, names the host's
    // namespace by an id in the network's. The host's end was configured before the pairing
    // (its link is itself then): the host names the network's namespace only when something
    // first reports that end (ip link set, a dump), so its ids follow the lab's own order.
    peernet2idAlloc(br.net, host);
    brAddIf(br, r.value.dev);
    br.ports.get(r.value.dev)!.hairpin = hairpin.get(p.iface.network)!;
    linkSetUp(r.value.dev);
  }
  return { sim, kernels };
}

/** A network's namespace: lo and br0 up. Its kernel is not a lab host, so no step can reach it. */
function networkBridge(sim: Sim, name: string) {
  const net = new Kernel(sim, `network ${name}`).initNet;
  linkSetUp(net.loopback);
  const br = linkAddBridge(net, "br0");
  if (!br.ok) throw new Error(`cannot create network ${name}: ${br.errno}`);
  br.value.mcastSnooping = false;
  linkSetUp(br.value);
  return br.value;
}
