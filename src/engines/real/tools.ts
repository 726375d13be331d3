// The programs the real engines, a lab's scripts and `ipvlab kernels install`
// run on this machine, and the Debian package each comes in, so that whoever
// finds one missing can say the exact command that installs it.

import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export type ToolUse = "uml" | "host" | "labs" | "kernels install" | "the AMX fix" | "web tests";

export interface ToolNeed {
  /** The program's name on PATH, or a file's path when `file` says so. */
  tool: string;
  /** The Debian package that has it. */
  package: string;
  /** Who needs it. */
  for: readonly ToolUse[];
  /** Looked for as this file rather than on PATH (a library's headers). */
  file?: string;
}

export const TOOLS: readonly ToolNeed[] = [
  { tool: "bash", package: "bash", for: ["uml", "host"] },
  { tool: "ip", package: "iproute2", for: ["uml", "host"] },
  // The guest's init mounts and loads modules with it before anything else is there.
  { tool: "busybox", package: "busybox-static", for: ["uml"] },
  { tool: "tcpdump", package: "tcpdump", for: ["uml", "host"] },
  { tool: "ping", package: "iputils-ping", for: ["uml", "host"] },
  { tool: "arping", package: "iputils-arping", for: ["labs"] },
  { tool: "nsenter", package: "util-linux", for: ["uml", "host"] },
  { tool: "unshare", package: "util-linux", for: ["uml", "host"] },
  // A matrix's pings (assets/matrix-ping.pl) need only what perl-base has.
  { tool: "perl", package: "perl-base", for: ["uml", "host"] },
  // What users' own scripts call, so that they run on a real engine as on their machine.
  { tool: "nc", package: "netcat-openbsd", for: ["labs"] },
  { tool: "iptables", package: "iptables", for: ["labs"] },
  { tool: "nft", package: "nftables", for: ["labs"] },
  { tool: "ss", package: "iproute2", for: ["labs"] },
  { tool: "traceroute", package: "traceroute", for: ["labs"] },
  { tool: "ethtool", package: "ethtool", for: ["labs"] },
  { tool: "gcc", package: "gcc", for: ["the AMX fix"] },
  { tool: "stdio.h", file: "/usr/include/stdio.h", package: "libc6-dev", for: ["the AMX fix"] },
  { tool: "apt-get", package: "apt", for: ["kernels install"] },
  { tool: "dpkg-deb", package: "dpkg", for: ["kernels install"] },
  { tool: "patchelf", package: "patchelf", for: ["kernels install"] },
  { tool: "chromium", package: "chromium", for: ["web tests"] },
];

export function findOnPath(name: string, path = process.env.PATH ?? "/usr/bin:/bin"): string | null {
  for (const dir of path.split(delimiter)) {
    const file = join(dir, name);
    try {
      if (existsSync(file) && statSync(file).isFile()) return file;
    } catch {
      // an unreadable directory on PATH
    }
  }
  return null;
}

/** Whether a tool is here: its file, or its name on PATH. */
export function toolPresent(t: ToolNeed): boolean {
  return t.file ? existsSync(t.file) : findOnPath(t.tool) !== null;
}

/** The tools among `needed` that are not here. */
export function missingTools(needed: readonly ToolNeed[], present: (t: ToolNeed) => boolean = toolPresent): ToolNeed[] {
  return needed.filter((t) => !present(t));
}

/** The one command that installs what is missing: `apt-get install -y A B` (with sudo for a user who is not root). */
export function aptInstall(missing: readonly Pick<ToolNeed, "package">[], root = process.getuid?.() === 0): string {
  return `${root ? "" : "sudo "}apt-get install -y ${[...new Set(missing.map((t) => t.package))].join(" ")}`;
}

export function toolsFor(who: ToolUse): ToolNeed[] {
  return TOOLS.filter((t) => t.for.includes(who));
}
