import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labPorts } from "../lab-ports.js";
import type { CommandStep, Lab } from "../../lab/types.js";
import { assetPath, packageRoot } from "../../paths.js";
import { plannedSteps } from "../planned.js";

export function labDir(work: string, index: number): string {
  return join(work, `lab${index}`);
}

export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Two words per capture: "host|netns|dev" (netns "-" for the root namespace) and its filter ('' for none). */
function captureSpec(step: CommandStep): string[] {
  return step.capture.map((c) => `${q(`${c.host}|${c.netns ?? "-"}|${c.dev}`)} ${q(c.filter ?? "")}`);
}

/** Writes the plan script (and each command as a file of its own, so nothing is re-quoted) for the labs. */
/**
 * The commands ipvlab gives lab scripts on the real engines (`ipvlab cni`, `docker`):
 * small scripts in the work directory's bin, first on the scripts' PATH.
 */
function labCommands(work: string): string[] {
  const bin = join(work, "bin");
  mkdirSync(bin, { recursive: true });
  const shim = join(packageRoot, "dist", "src", "engines", "real", "lab-shim.js");
  writeFileSync(join(bin, "ipvlab"), `#!/bin/bash\nexec ${q(process.execPath)} ${q(shim)} "$@"\n`, { mode: 0o755 });
  // Docker's network commands, done as iproute2 commands (src/userland/docker/docker.ts).
  writeFileSync(join(bin, "docker"), `#!/bin/bash\nexec ${q(process.execPath)} ${q(shim)} --docker "$@"\n`, { mode: 0o755 });
  return [`export PATH=${q(bin)}:$PATH`];
}

export function writePlan(work: string, labs: Lab[]): string {
  const lines = ["#!/bin/bash", `source ${q(assetPath("driver.sh"))}`, ...labCommands(work)];
  labs.forEach((lab, li) => {
    const dir = labDir(work, li);
    mkdirSync(join(dir, "cmd"), { recursive: true });
    lines.push(`ipvlab_lab_begin ${q(dir)} ${q(`${process.pid}-${li}`)} ${lab.ipv6 ? 0 : 1}`);
    for (const n of lab.networks) lines.push(`ipvlab_net ${q(n.name)} ${n.hairpin ? 1 : 0}`);
    for (const h of lab.hosts) lines.push(`ipvlab_host ${q(h.name)}`);
    for (const p of labPorts(lab)) {
      lines.push(`ipvlab_iface ${[p.host.name, p.iface.name, p.iface.network, p.iface.mac, p.port, p.portMac].map(q).join(" ")}`);
    }
    plannedSteps(lab).forEach((p, idx) => {
      // Made here, not by the driver: under UML every mkdir is a process, and a process costs ~20 ms.
      mkdirSync(join(dir, String(idx)));
      if (p.setup) {
        writeFileSync(join(dir, "cmd", `${idx}.sh`), p.run);
        lines.push(`ipvlab_step ${idx} ${q(p.host)} ${p.timeout}`);
      } else if (p.step.kind === "matrix") {
        lines.push(`ipvlab_matrix ${idx} ${p.step.family} ${p.step.linkLocal ? 1 : 0}`);
      } else {
        writeFileSync(join(dir, "cmd", `${idx}.sh`), p.step.run);
        lines.push(`ipvlab_step ${idx} ${q(p.step.on)} ${p.step.timeout} ${captureSpec(p.step).join(" ")}`.trimEnd());
      }
    });
    lines.push("ipvlab_lab_end");
  });
  const plan = join(work, "plan.sh");
  writeFileSync(plan, lines.join("\n") + "\n", { mode: 0o755 });
  return plan;
}
