// Trace steps: one per decision that moves or drops a packet. Code on the
// packet path checks `net.tracing` before building a step, so a simulation
// without a sink allocates nothing for tracing.

import { ARPOP_REQUEST } from "../wire/arp.js";
import type { EthernetFrame } from "../wire/ethernet.js";
import { formatIpv4 } from "../wire/ipv4-addr.js";

export interface TraceStep {
  readonly time: number;
  readonly host: string;
  /** "" for the host's initial namespace. */
  readonly netns: string;
  readonly dev: string;
  /** The kernel function this decision mirrors, e.g. "arp_process". */
  readonly func: string;
  readonly what: string;
  readonly why?: string;
  /** Set on a step of IPv6's own traffic (IPV6_HOUSEKEEPING): a trace of a command leaves such steps out. */
  readonly housekeeping?: true;
}

/** The cause of the events IPv6 sets going on its own: DAD, router solicitations, MLD reports, and all they cause. */
export const IPV6_HOUSEKEEPING = "IPv6's own traffic";

export type TraceSink = (step: TraceStep) => void;

/**
 * A frame in a trace step's words, so that a step about a frame says which
 * packet it is: "ARP who-has B tell A", "ARP reply B is-at M to A", "A > B".
 */
export function frameWhat(frame: EthernetFrame): string {
  const p = frame.payload;
  if (p.kind === "arp") {
    const a = p.arp;
    return a.op === ARPOP_REQUEST ? `ARP who-has ${formatIpv4(a.tpa)} tell ${formatIpv4(a.spa)}` : `ARP reply ${formatIpv4(a.spa)} is-at ${a.sha} to ${formatIpv4(a.tpa)}`;
  }
  if (p.kind === "ipv4") return `${formatIpv4(p.ip.src)} > ${formatIpv4(p.ip.dst)}`;
  return `${frame.src} > ${frame.dst}`;
}
