import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/types.js";
import { EngineFailed, EngineUnavailable, type Engine, type RunOptions } from "./engine.js";
import { assetPath } from "../paths.js";
import { labDir, q, writePlan } from "./real/plan.js";
import { collectLab } from "./real/results.js";
import { writableDirs } from "./real/sandbox.js";
import { progressReporter, runBudget, runWrapper } from "./real/spawn.js";
import { DEFAULT_KERNEL, findKernel, kernelInstallCommand, KERNEL_SUITES, type InstalledKernel, type KernelName } from "./real/kernels.js";
import { aptInstall, missingTools, TOOLS, toolsFor } from "./real/tools.js";
import { modulePlanFor, type ModulePlan } from "./real/uml-modules.js";
import { xstateFixLibrary } from "./real/xstate-fix.js";
import { makeSafeToRead } from "./real/work-files.js";
import { dropWorkDir, makeWorkDir } from "./real/workdir.js";
import type { LabResult } from "./result.js";

/** What the uml engine cannot start without; a lab's own tools (arping, ...) fail at their line instead. */
export const UML_TOOLS = TOOLS.filter((t) => ["bash", "ip", "busybox", "tcpdump", "ping", "nsenter", "unshare", "perl"].includes(t.tool));

/** The kernel of RELEASE, its modules' load order and what it needs here; why not, as EngineUnavailable. */
export function locateUml(release: KernelName): { kernel: InstalledKernel; modules: ModulePlan } {
  const kernel = findKernel(release);
  if (!kernel) {
    const install = kernelInstallCommand(release);
    throw new EngineUnavailable(
      release === DEFAULT_KERNEL && install.startsWith("apt-get")
        ? `User-Mode Linux is not installed: run \`${aptInstall([{ package: "user-mode-linux" }, ...toolsFor("uml"), { package: "iputils-arping" }])}\`, or use --engine sim`
        : `Linux ${release} for User-Mode Linux (${KERNEL_SUITES[release].debian}'s user-mode-linux) is not installed: run \`${install}\`, or use --engine sim`,
    );
  }
  const missing = missingTools(UML_TOOLS);
  if (missing.length) throw new EngineUnavailable(`${missing.map((t) => t.tool).join(", ")} ${missing.length > 1 ? "are" : "is"} missing; the uml engine needs them: run \`${aptInstall(missing)}\``);
  try {
    return { kernel, modules: modulePlanFor(kernel.modules) };
  } catch (e) {
    throw new EngineUnavailable(`the uml engine cannot boot Linux ${kernel.version} (${kernel.binary}): ${(e as Error).message}`);
  }
}

/**
 * How linux.uml is started in a mount namespace of its own where this machine's
 * files are read-only: the guest's root is read-only too, but a lab runs as root
 * in the guest and could remount it or mount hostfs anew; the namespace is what
 * hostfs itself cannot get past. Without root it takes a user namespace; null
 * when this machine allows neither.
 */
function mountNamespace(): string[] | null {
  const flags = process.getuid?.() === 0 ? ["--mount"] : ["--user", "--map-root-user", "--mount"];
  const probe = spawnSync("unshare", [...flags, "--propagation", "private", "--", "true"], { stdio: "ignore" });
  return probe.status === 0 ? ["unshare", ...flags, "--propagation", "private", "--"] : null;
}

/** The lab on a Linux kernel in User-Mode Linux (6.1 unless RunOptions.kernel says otherwise): one boot for all the labs given. */
export class UmlEngine implements Engine {
  readonly name = "uml" as const;

  async runMany(labs: Lab[], opts: RunOptions = {}): Promise<LabResult[]> {
    // IPv6 on or off is the ipv6 module's parameter (a new namespace's
    // conf/default/disable_ipv6 always starts from it), so it takes a boot each.
    const results = new Map<Lab, LabResult>();
    for (const ipv6 of [false, true]) {
      const group = labs.filter((l) => l.ipv6 === ipv6);
      if (group.length) (await this.boot(group, ipv6, opts)).forEach((r, i) => results.set(group[i]!, r));
    }
    return labs.map((l) => results.get(l)!);
  }

  private async boot(labs: Lab[], ipv6: boolean, opts: RunOptions): Promise<LabResult[]> {
    const { kernel, modules } = locateUml(opts.kernel ?? DEFAULT_KERNEL);
    const say = opts.onProgress ?? (() => {});
    const work = makeWorkDir("uml");
    try {
      const plan = writePlan(work, labs);
      const init = join(work, "init.sh");
      writeFileSync(init, umlInit(join(kernel.modules, "kernel"), modules, plan, ipv6, work), { mode: 0o755 });
      const namespace = mountNamespace();
      if (!namespace) say("warning: no mount namespace can be made here (neither root nor user namespaces): only the guest's read-only root keeps a lab from writing this machine's files");
      // The guest's pid file and mconsole socket (uml_dir, umid) live and go with the work directory.
      // On CPUs whose FPU state outgrows UML's buffer (Intel AMX) its ptrace writes need the host's size.
      const fix = xstateFixLibrary();
      const builtin = modules.cmdline.map((p) => p.replace("IPV6_OFF", ipv6 ? "0" : "1")).join(" ");
      const boot = `${fix ? `env LD_PRELOAD=${q(fix)} ` : ""}${q(kernel.binary)} mem=384M rootfstype=hostfs rootflags=/ ro init=${init} con0=fd:0,fd:1 con=null quiet uml_dir=${work}/uml umid=ipvlab${builtin ? ` ${builtin}` : ""}`;
      // exec keeps linux.uml at the pid the wrapper started; its memory file goes to the namespace's own tmpfs.
      const guarded = namespace
        ? `${namespace.join(" ")} /bin/bash -c 'source "$0" && why=$(ipvlab_uml_mounts "$1" 2>&1) || { echo "@@ipvlab fatal cannot make this machine read-only for User-Mode Linux: \${why//[[:cntrl:]]/ }"; exit 3; }; shift; TMPDIR=/dev/shm exec "$@"' ${q(assetPath("sandbox.sh"))} ${q(work)} ${boot}`
        : boot;
      say(`booting User-Mode Linux ${kernel.version} (${labs.length} lab${labs.length > 1 ? "s" : ""})`);
      const wrapper = [
        "exec 3<&0",
        `${guarded} </dev/null &`,
        "uml=$!",
        // linux.uml makes a session of its own (setsid), so its group is killed by name.
        `{ cat <&3 >/dev/null; kill -KILL -- -$uml 2>/dev/null; rm -rf ${q(work)}; kill -KILL 0; } &`,
        "watchdog=$!",
        "wait $uml",
        // A normal end: the watchdog must not take the results with it when the pipe closes.
        "kill -KILL $watchdog -- -$uml 2>/dev/null",
      ].join("\n");
      const run = await runWrapper("/bin/bash", ["-c", wrapper], progressReporter(labs, say), runBudget(labs));
      if (run.fatal) throw new EngineFailed(`the uml run failed: ${run.fatal}`);
      makeSafeToRead(work);
      return labs.map((lab, i) => {
        const dir = labDir(work, i);
        if (!existsSync(join(dir, "done"))) {
          throw new EngineFailed(`User-Mode Linux stopped before lab ${lab.name} finished; its console said:\n${run.console.trim().split("\n").slice(-15).join("\n")}`);
        }
        return collectLab(lab, dir, "uml", opts.pcapDir);
      });
    } finally {
      dropWorkDir(work);
    }
  }
}

/**
 * PID 1 inside UML: mounts, modules, then the plan; halts when done. The root
 * (the host's files) is mounted read-only; the places a lab writes get a
 * writable layer, and the work directory is mounted writable on its own.
 */
function umlInit(tree: string, modules: ModulePlan, plan: string, ipv6: boolean, work: string): string {
  return `#!/bin/bash
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# nosuid: in a user namespace (ipvlab without root) hostfs shows the machine's root-owned
# files as nobody's, and a set-user-ID mount(8) would run as nobody. busybox is not
# set-user-ID; it needs /proc for the remount.
busybox mount -t proc proc /proc
busybox mount -o remount,ro,nosuid / || echo "@@ipvlab fatal cannot remount the root nosuid"
mount -t sysfs sysfs /sys
# The guest's /dev is its own devtmpfs, without the links udev makes on a real machine:
# process substitution (<(...)) and /dev/stdin need them.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do [ -e "/dev/\${i#*:}" ] || ln -s "/proc/self/fd/\${i%%:*}" "/dev/\${i#*:}"; done
${modules.loads
  .map(({ path, params }) => `busybox insmod ${q(join(tree, path))} ${params.replace("IPV6_OFF", ipv6 ? "0" : "1")} || echo "@@ipvlab fatal cannot load ${path}"`)
  .join("\n")}
stop() { echo "@@ipvlab fatal $*"; halt -f || busybox halt -f; }
source ${q(assetPath("sandbox.sh"))}
why=$(ipvlab_layers /run ${writableDirs().map(q).join(" ")} 2>&1) || stop "\${why//[[:cntrl:]]/ }"
mount -t hostfs -o ${q(work)} ipvlab-work ${q(work)} || stop "cannot mount the work directory writable"
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
# 3: a new namespace copies conf/{all,default} (IPv4 and IPv6) from the namespace that creates it,
# so ip netns add inside a lab host inherits from that host as it would from init_net on a real machine.
echo 3 > /proc/sys/net/core/devconf_inherit_init_net || echo "@@ipvlab fatal net.core.devconf_inherit_init_net=3 refused"
ip link set lo up
echo "@@ipvlab boot $(uname -r)"
bash ${plan}
sync
halt -f || busybox halt -f
`;
}
