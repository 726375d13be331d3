// The programs the real engines and `ipvlab kernels install` run on this
// machine, and the Debian package each comes in, so that whoever finds one
// missing can say the exact command that installs it.

import { existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface ToolNeed {
  tool: string;
  /** The Debian package that has it. */
  package: string;
  /** Who needs it, in words ("uml", "host", "kernels install"). */
  for: readonly ("uml" | "host" | "kernels install" | "the AMX fix")[];
}

export const TOOLS: readonly ToolNeed[] = [
  { tool: "bash", package: "bash", for: ["uml", "host"] },
  { tool: "ip", package: "iproute2", for: ["uml", "host"] },
  // The guest's init mounts and loads modules with it before anything else is there.
  { tool: "busybox", package: "busybox-static", for: ["uml"] },
  { tool: "tcpdump", package: "tcpdump", for: ["uml", "host"] },
  { tool: "ping", package: "iputils-ping", for: ["uml", "host"] },
  { tool: "arping", package: "iputils-arping", for: ["uml", "host"] },
  { tool: "nsenter", package: "util-linux", for: ["uml", "host"] },
  { tool: "unshare", package: "util-linux", for: ["uml", "host"] },
  { tool: "cc", package: "gcc", for: ["the AMX fix"] },
  { tool: "apt-get", package: "apt", for: ["kernels install"] },
  { tool: "dpkg-deb", package: "dpkg", for: ["kernels install"] },
  { tool: "patchelf", package: "patchelf", for: ["kernels install"] },
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

/** The tools among `needed` that are not on PATH. */
export function missingTools(needed: readonly ToolNeed[]): ToolNeed[] {
  return needed.filter((t) => !findOnPath(t.tool));
}

/** The one command that installs what is missing: `apt-get install -y A B`. */
export function aptInstall(missing: readonly ToolNeed[]): string {
  return `apt-get install -y ${[...new Set(missing.map((t) => t.package))].join(" ")}`;
}

export function toolsFor(who: ToolNeed["for"][number]): ToolNeed[] {
  return TOOLS.filter((t) => t.for.includes(who));
}
