import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Lab } from "../lab/types.js";
import { EngineFailed, EngineUnavailable, type Engine, type RunOptions } from "./engine.js";
import { assetPath } from "../paths.js";
import { labDir, q, writePlan } from "./real/plan.js";
import { collectLab } from "./real/results.js";
import { writableDirs } from "./real/sandbox.js";
import { progressReporter, runBudget, runWrapper } from "./real/spawn.js";
import { xstateFixLibrary } from "./real/xstate-fix.js";
import { makeSafeToRead } from "./real/work-files.js";
import { dropWorkDir, makeWorkDir } from "./real/workdir.js";
import type { LabResult } from "./result.js";

const MODULES_ROOT = "/usr/lib/uml/modules";
// In modules.dep order: ipvlan needs ipv6 and crc-ccitt; macvtap needs macvlan and tap; bridge needs llc then stp;
// 8021q needs garp (stp, llc) and mrp; vxlan the UDP tunnels; nf_tables nfnetlink; ip_tables x_tables.
// The ones ipvlab's labs do not use are there so a user's script finds them as on their own machine;
// none may make a device at load time (bonding would make bond0).
// overlay: the writable layers over the host's read-only files.
const MODULES = [
  "fs/overlayfs/overlay",
  "lib/crc-ccitt",
  "net/ipv6/ipv6 disable_ipv6=IPV6_OFF",
  "drivers/net/ipvlan/ipvlan",
  "drivers/net/macvlan",
  "drivers/net/tap",
  "drivers/net/macvtap",
  "drivers/net/veth",
  "drivers/net/dummy numdummies=0",
  "net/llc/llc",
  "net/802/stp",
  "net/bridge/bridge",
  "net/802/garp",
  "net/802/mrp",
  "net/8021q/8021q",
  "net/ipv4/udp_tunnel",
  "net/ipv6/ip6_udp_tunnel",
  "drivers/net/vxlan/vxlan",
  "drivers/net/bonding/bonding max_bonds=0",
  "drivers/net/vrf",
  "drivers/net/tun",
  "net/netfilter/nfnetlink",
  "net/netfilter/nf_tables",
  "net/netfilter/x_tables",
  "net/ipv4/netfilter/ip_tables",
];

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
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

/** The lab on a Linux 6.1 kernel in User-Mode Linux: one boot for all the labs given. */
export class UmlEngine implements Engine {
  readonly name = "uml" as const;

  private locate(): { kernel: string; modules: string } {
    const kernel = findOnPath("linux.uml");
    const versions = existsSync(MODULES_ROOT) ? readdirSync(MODULES_ROOT) : [];
    if (!kernel || versions.length === 0) {
      throw new EngineUnavailable(
        "User-Mode Linux is not installed: run `apt-get install -y user-mode-linux busybox-static iputils-ping iputils-arping tcpdump`, or use --engine sim",
      );
    }
    for (const tool of ["busybox", "tcpdump", "ping", "nsenter", "unshare"]) {
      if (!findOnPath(tool)) throw new EngineUnavailable(`${tool} is missing; the uml engine needs busybox-static, iputils-ping, iputils-arping and tcpdump installed`);
    }
    return { kernel, modules: join(MODULES_ROOT, versions.sort().pop()!, "kernel") };
  }

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
    const { kernel, modules } = this.locate();
    const say = opts.onProgress ?? (() => {});
    const work = makeWorkDir("uml");
    try {
      const plan = writePlan(work, labs);
      const init = join(work, "init.sh");
      writeFileSync(init, umlInit(modules, plan, ipv6, work), { mode: 0o755 });
      const namespace = mountNamespace();
      if (!namespace) say("warning: no mount namespace can be made here (neither root nor user namespaces): only the guest's read-only root keeps a lab from writing this machine's files");
      // The guest's pid file and mconsole socket (uml_dir, umid) live and go with the work directory.
      // On CPUs whose FPU state outgrows UML's buffer (Intel AMX) its ptrace writes need the host's size.
      const fix = xstateFixLibrary();
      const boot = `${fix ? `env LD_PRELOAD=${q(fix)} ` : ""}${kernel} mem=384M rootfstype=hostfs rootflags=/ ro init=${init} con0=fd:0,fd:1 con=null quiet uml_dir=${work}/uml umid=ipvlab`;
      // exec keeps linux.uml at the pid the wrapper started; its memory file goes to the namespace's own tmpfs.
      const guarded = namespace
        ? `${namespace.join(" ")} /bin/bash -c 'source "$0" && why=$(ipvlab_uml_mounts "$1" 2>&1) || { echo "@@ipvlab fatal cannot make this machine read-only for User-Mode Linux: \${why//[[:cntrl:]]/ }"; exit 3; }; shift; TMPDIR=/dev/shm exec "$@"' ${q(assetPath("sandbox.sh"))} ${q(work)} ${boot}`
        : boot;
      say(`booting User-Mode Linux (${labs.length} lab${labs.length > 1 ? "s" : ""})`);
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
function umlInit(modules: string, plan: string, ipv6: boolean, work: string): string {
  return `#!/bin/bash
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# nosuid: in a user namespace (ipvlab without root) hostfs shows the machine's root-owned
# files as nobody's, and a set-user-ID mount(8) would run as nobody. busybox is not
# set-user-ID; it needs /proc for the remount.
busybox mount -t proc proc /proc
busybox mount -o remount,ro,nosuid / || echo "@@ipvlab fatal cannot remount the root nosuid"
mount -t sysfs sysfs /sys
${MODULES.map((m) => {
  const [path, ...params] = m.split(" ");
  return `busybox insmod ${modules}/${path}.ko ${params.join(" ").replace("IPV6_OFF", ipv6 ? "0" : "1")} || echo "@@ipvlab fatal cannot load ${path}.ko"`;
}).join("\n")}
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
