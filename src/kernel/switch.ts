// A lab network: an L2 switch between NICs of different kernels. It learns
// source MACs, floods broadcast, multicast and unknown unicast, and never
// sends a frame back out the port it came in on, unless that port is in
// hairpin (reflective relay, as a VEPA's upstream switch would be).

import type { EthernetFrame } from "../wire/ethernet.js";
import { isMulticastMac, isValidEtherAddr, type Mac } from "../wire/mac.js";
import type { EthernetDevice } from "./devices/ethernet.js";
import { netifCarrier } from "./core/link.js";
import type { Sim } from "./sim.js";
import { kernelFn } from "./fork.js";

export class SwitchPort {
  constructor(
    readonly sw: LabSwitch,
    readonly nic: EthernetDevice,
    public hairpin: boolean,
  ) {}

  get label(): string {
    return `${this.nic.net.kernel.hostname}:${this.nic.name}`;
  }

  transmit(frame: EthernetFrame): void {
    this.sw.sim.deliverFrame(switchReceive, { port: this, frame });
  }
}

interface SwitchFdbEntry {
  port: SwitchPort;
  updated: number;
}

export class LabSwitch {
  readonly ports: SwitchPort[] = [];
  readonly fdb = new Map<Mac, SwitchFdbEntry>();
  ageingMs = 300_000;

  constructor(
    readonly sim: Sim,
    readonly name: string,
  ) {}

  attach(nic: EthernetDevice, o: { hairpin?: boolean } = {}): SwitchPort {
    const port = new SwitchPort(this, nic, o.hairpin ?? false);
    this.ports.push(port);
    nic.port = port;
    if (nic.isUp) netifCarrier(nic, true);
    return port;
  }

  detach(nic: EthernetDevice): void {
    const i = this.ports.findIndex((p) => p.nic === nic);
    if (i < 0) return;
    this.ports.splice(i, 1);
    for (const [mac, e] of this.fdb) if (e.port.nic === nic) this.fdb.delete(mac);
    nic.port = null;
    netifCarrier(nic, false);
  }

  lookup(mac: Mac): SwitchPort | null {
    const e = this.fdb.get(mac);
    if (!e) return null;
    if (this.sim.queue.now > e.updated + this.ageingMs) {
      this.fdb.delete(mac);
      return null;
    }
    return e.port;
  }

  receive(ingress: SwitchPort, frame: EthernetFrame): void {
    const now = this.sim.queue.now;
    if (isValidEtherAddr(frame.src)) this.fdb.set(frame.src, { port: ingress, updated: now });
    const known = isMulticastMac(frame.dst) ? null : this.lookup(frame.dst);
    const trace = this.sim.traceSink;
    if (known) {
      if (known === ingress && !ingress.hairpin) {
        if (trace) trace({ time: now, host: this.name, netns: "", dev: ingress.label, func: "switch", what: `filter ${frame.src} > ${frame.dst}`, why: "destination is behind the ingress port" });
        return;
      }
      this.out(known, frame);
      return;
    }
    if (trace) trace({ time: now, host: this.name, netns: "", dev: ingress.label, func: "switch", what: `flood ${frame.src} > ${frame.dst}`, why: isMulticastMac(frame.dst) ? "broadcast/multicast" : "unknown unicast" });
    for (const p of this.ports) if (p !== ingress || p.hairpin) this.out(p, frame);
  }

  private out(p: SwitchPort, frame: EthernetFrame): void {
    this.sim.deliverFrame(nicReceive, { port: p, frame });
  }
}

interface OnWire {
  port: SwitchPort;
  frame: EthernetFrame;
}

function switchReceive(w: OnWire): void {
  w.port.sw.receive(w.port, w.frame);
}
kernelFn(switchReceive);

function nicReceive(w: OnWire): void {
  w.port.nic.receiveFromWire(w.frame);
}
kernelFn(nicReceive);
