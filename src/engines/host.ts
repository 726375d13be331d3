import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/types.js";
import { EngineFailed, EngineUnavailable, type Engine, type RunOptions } from "./engine.js";
import { assetPath } from "../paths.js";
import { labDir, q, writePlan } from "./real/plan.js";
import { collectLab } from "./real/results.js";
import { writableDirs } from "./real/sandbox.js";
import { progressReporter, runBudget, runWrapper } from "./real/spawn.js";
import { makeSafeToRead } from "./real/work-files.js";
import { dropWorkDir, makeWorkDir } from "./real/workdir.js";
import { deviceType, kernelCanCreate } from "./real/host-devices.js";
import type { LabResult } from "./result.js";

/** Device types a lab's scripts create with `type X`. */
export function deviceTypes(lab: Lab): string[] {
  const texts = [...lab.hosts.map((h) => h.run), ...lab.steps.map((s) => (s.kind === "matrix" ? "" : s.run))];
  const types = new Set(["veth", ...(lab.networks.length ? ["bridge"] : [])]);
  for (const t of texts) for (const m of t.matchAll(/\btype\s+([a-z_]+)/g)) if (deviceType(m[1]!)) types.add(m[1]!);
  return [...types];
}

export { kernelCanCreate };

/** Why the host engine cannot run these labs here, in one sentence; null when it can. */
export function hostRefusal(labs: Lab[], uid: number, canCreate: (type: string) => boolean): string | null {
  if (uid !== 0) return "the host engine needs root (it creates namespaces and devices); run as root, or use --engine uml";
  const missing = new Map<string, string>();
  for (const lab of labs) {
    for (const t of deviceTypes(lab)) if (!missing.has(t) && !canCreate(t)) missing.set(t, lab.name);
  }
  if (!missing.size) return null;
  const [type, lab] = [...missing][0]!;
  return `this machine's kernel cannot create ${[...missing.keys()].join(", ")} devices, which lab ${lab} uses (type ${type}); use --engine uml`;
}

/** The lab on this machine's own kernel, every host in a fresh namespace inside one sandbox namespace. */
export class HostEngine implements Engine {
  readonly name = "host" as const;

  async runMany(labs: Lab[], opts: RunOptions = {}): Promise<LabResult[]> {
    const refusal = hostRefusal(labs, process.getuid?.() ?? -1, kernelCanCreate);
    if (refusal) throw new EngineUnavailable(refusal);
    const say = opts.onProgress ?? (() => {});
    const work = makeWorkDir("host");
    try {
      const plan = writePlan(work, labs);
      // PID 1 of the sandbox's pid namespace: when it exits the kernel kills
      // everything inside, and it exits when the plan ends or ipvlab's pipe closes.
      const init = join(work, "init.sh");
      writeFileSync(
        init,
        [
          "#!/bin/bash",
          `source ${q(assetPath("sandbox.sh"))}`,
          `why=$(ipvlab_host_mounts ${[work, ...writableDirs()].map(q).join(" ")} 2>&1) || { echo "@@ipvlab fatal cannot build the sandbox's mounts: \${why//[[:cntrl:]]/ }"; exit 3; }`,
          "mkdir -p /run/netns || exit 3",
          // Namespaces made inside a lab host copy its settings, as under uml (see driver.sh).
          "export IPVLAB_NETNS_INHERIT=1",
          "exec 3<&0",
          `bash ${plan} </dev/null & plan=$!`,
          "cat <&3 >/dev/null & watch=$!",
          "wait -n $plan $watch",
          // ipvlab itself is gone: nobody will read the work directory. (Its mount point here
          // stays, empty, on the machine until the next run's sweep.)
          `kill -0 $watch 2>/dev/null || rm -rf ${q(work)}`,
        ].join("\n") + "\n",
        { mode: 0o755 },
      );
      say(`running on this machine's kernel in a sandbox namespace (${labs.length} lab${labs.length > 1 ? "s" : ""})`);
      const run = await runWrapper(
        "unshare",
        ["--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--mount", "--uts", "--ipc", "--propagation", "private", "--", "/bin/bash", init],
        progressReporter(labs, say),
        runBudget(labs),
      );
      if (run.fatal) throw new EngineFailed(`the host run failed: ${run.fatal}`);
      makeSafeToRead(work);
      return labs.map((lab, i) => collectLab(lab, labDir(work, i), "host", opts.pcapDir));
    } finally {
      dropWorkDir(work);
    }
  }
}
