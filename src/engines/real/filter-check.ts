// Whether a capture failed because of its filter: the same tcpdump (the guest
// of uml runs this machine's) asked to compile it for an Ethernet device,
// without capturing anything.

import { spawnSync } from "node:child_process";
import { writePcapRecords } from "../../userland/pcap.js";

/** What tcpdump says refusing `filter` ("tcpdump: ..."); null when it compiles it, or cannot be asked. */
export function tcpdumpRefuses(filter: string): string | null {
  const r = spawnSync("tcpdump", ["-r", "-", "-d", "--", filter], { input: writePcapRecords([]), encoding: "utf8" });
  if (r.error || r.status === 0) return null;
  return r.stderr.split("\n").find((l) => l.startsWith("tcpdump: "))?.trim() ?? null;
}
