// When there is no topology to draw, the sentence that says why: the lab
// (or the script) left no device but lo anywhere, and, when one of its
// commands failed, the first that did.

import type { LabResult } from "../../src/engines/result.js";
import type { Topology } from "../../src/engines/sim/topology.js";

export function emptyTopology(t: Topology, result: LabResult, script: boolean): string | null {
  const devices = t.hosts.reduce((n, host) => n + host.namespaces.reduce((m, ns) => m + ns.devices.length, 0), 0);
  if (devices > 0 || t.networks.length > 0) return null;
  const who = script ? "the script" : "the lab";
  const failed = result.diagnostics.filter((d) => d.severity === "error");
  const first = failed[0];
  const why = first ? ` ${failed.length === 1 ? "One of its commands" : `${failed.length} of its commands`} failed, the first at line ${first.line}: ${first.message}` : "";
  return `Nothing to draw: ${who} leaves no network device but lo in any namespace (no ip link add, no interfaces:).${why}`;
}
