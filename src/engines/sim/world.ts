// A lab built in the simulated kernel as the real driver builds it
// (assets/driver.sh): one kernel per host with loopback up and its lab NICs
// (down, with the lab's MACs) plugged into one switch per network.

import { linkAddEthernet, linkSetUp, Sim, type EthernetDevice, type Kernel, type RunReport } from "../../kernel/index.js";
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

  override run(o: { until?: number; for?: number } = {}): RunReport {
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

/** A stable 32-bit seed from the lab's name, so every run of a lab is the same run. */
export function labSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

export function buildWorld(lab: Lab): World {
  const sim = new StepSim({ seed: labSeed(lab.name) });
  for (const n of lab.networks) sim.addSwitch(n.name);
  const kernels = new Map<string, Kernel>();
  for (const h of lab.hosts) {
    const k = sim.addKernel(h.name);
    kernels.set(h.name, k);
    // A booted machine: lo up (the holder runs `ip link set lo up`).
    linkSetUp(k.initNet.loopback);
  }
  const nics: Array<{ network: string; dev: EthernetDevice }> = [];
  for (const h of lab.hosts) {
    const k = kernels.get(h.name)!;
    for (const i of h.interfaces) {
      const dev = linkAddEthernet(k.initNet, i.name, { mac: i.mac });
      if (!dev.ok) throw new Error(`cannot create ${h.name}:${i.name}: ${dev.errno}`);
      nics.push({ network: i.network, dev: dev.value });
    }
  }
  // The real network is a Linux bridge, whose br_add_if puts each new port at
  // the head of port_list (list_add_rcu): it floods to the newest port first.
  // The switch floods in attach order, so ports are attached newest first.
  for (const { network, dev } of nics.reverse()) sim.switches.get(network)!.attach(dev);
  return { sim, kernels };
}
