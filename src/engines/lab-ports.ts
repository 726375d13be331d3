// How every engine wires a lab: each network is a bridge (br0) in a
// namespace of its own, and each lab interface is a veth whose other end is a
// port of that bridge. The real engines build it with iproute2
// (assets/driver.sh), sim with the simulated kernel; both from this list, so
// port names, MACs and creation order (and with them ifindexes) agree.

import { stableMac } from "../lab/mac.js";
import type { Lab, LabHost, LabInterface } from "../lab/types.js";

export interface LabPort {
  host: LabHost;
  iface: LabInterface;
  /** The bridge port's name in the network's namespace: port0, port1, ... in lab order. */
  port: string;
  portMac: string;
}

export function labPorts(lab: Lab): LabPort[] {
  const ports: LabPort[] = [];
  for (const host of lab.hosts) {
    for (const iface of host.interfaces) {
      ports.push({ host, iface, port: `port${ports.length}`, portMac: stableMac(`${lab.name}/${host.name}/${iface.name}/port`) });
    }
  }
  return ports;
}

/**
 * A trace line of a network's bridge names its ports as the kernel does
 * (port0, port1, ...): each with the lab interface behind it, as other trace
 * lines name devices, "out port1 (vm01's ens34)". Lines elsewhere stay as they are.
 */
export function portOwnerNamer(lab: Lab): (where: string, text: string) => string {
  const owner = new Map(labPorts(lab).map((p) => [`network ${p.iface.network}\n${p.port}`, `${p.host.name}'s ${p.iface.name}`]));
  return (where, text) => (where.startsWith("network ") ? text.replace(/\bport\d+\b/g, (port) => (owner.has(`${where}\n${port}`) ? `${port} (${owner.get(`${where}\n${port}`)})` : port)) : text);
}
