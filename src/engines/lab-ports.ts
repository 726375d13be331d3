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
