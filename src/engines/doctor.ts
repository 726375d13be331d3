// What this machine can run: each engine, each User-Mode Linux release, the
// FPU-state fix, root, the host kernel's device types and the tools missing,
// with the commands that install what is missing. diagnose() reads only the
// facts it is handed (DoctorFacts), so any machine can be described in a test.

import { spawnSync } from "node:child_process";
import { release as osRelease } from "node:os";
import { DEVICE_TYPES, HOST_ESSENTIAL, hostModuleSource, kernelCanCreate } from "./real/host-devices.js";
import { findKernel, kernelInstallCommand, KERNEL_RELEASES, type InstalledKernel, type KernelName, DEFAULT_KERNEL } from "./real/kernels.js";
import { aptInstall, TOOLS, toolPresent, type ToolNeed, type ToolUse } from "./real/tools.js";
import { modulePlanFor } from "./real/uml-modules.js";
import { cpuNeedsXstateFix, xstateFixLibrary } from "./real/xstate-fix.js";
import { DEFAULT_ENGINE } from "./index.js";
import type { EngineName } from "./result.js";

const DEFAULT: EngineName = DEFAULT_ENGINE;

/** Everything diagnose() looks at, gathered by machineFacts() or made up by a test. */
export interface DoctorFacts {
  uid: number;
  /** The machine's own kernel, `uname -r`. */
  hostRelease: string;
  amx: boolean;
  /** Building the fix: its library, or why it did not build. */
  xstateFix: { library: string } | { error: string };
  present: (t: ToolNeed) => boolean;
  kernel: (release: KernelName) => InstalledKernel | null;
  /** Why an installed kernel cannot be booted (it does not start, its modules do not resolve), or null. */
  kernelProblem: (k: InstalledKernel) => string | null;
  installCommand: (release: KernelName) => string;
  /** A device type in the host kernel: how it was found, or null. */
  hostDevice: (type: string) => string | null;
}

export interface EngineStatus {
  engine: "sim" | "uml" | "host";
  /** uml: the release. */
  kernel?: KernelName;
  default: boolean;
  works: boolean;
  /** The kernel it runs: `sim` models one, uml boots one, host is the machine's. */
  version?: string;
  /** Why it does not work, in a sentence per reason. */
  problems: string[];
  /** The commands that make it work, in order. */
  fix: string[];
}

export interface DoctorReport {
  ok: boolean;
  root: boolean;
  hostKernel: string;
  xstateFix: { needed: boolean; builds: boolean; library?: string; error?: string };
  engines: EngineStatus[];
  deviceTypes: { type: string; module: string; available: boolean; how: string | null }[];
  tools: { tool: string; package: string; for: readonly ToolUse[]; present: boolean }[];
  /** All that is missing: one apt-get command, then ipvlab's own installs; empty when nothing is. */
  install: string[];
}

const SIM_VERSION = "6.1 (a model of Linux 6.1; --kernel 6.12 where they differ)";

export function diagnose(f: DoctorFacts): DoctorReport {
  const root = f.uid === 0;
  const tools = TOOLS.map((t) => ({ tool: t.tool, package: t.package, for: t.for, present: f.present(t) }));
  const missingFor = (use: ToolUse) => tools.filter((t) => !t.present && t.for.includes(use));
  const apt = (pkgs: readonly { package: string }[]) => aptInstall(pkgs, root);
  const fixBuilds = "library" in f.xstateFix;
  const xstateFix = { needed: f.amx, builds: fixBuilds, ...f.xstateFix };

  const engines: EngineStatus[] = [{ engine: "sim", default: DEFAULT === "sim", works: true, version: SIM_VERSION, problems: [], fix: [] }];

  const umlTools = missingFor("uml");
  for (const release of KERNEL_RELEASES) {
    const s: EngineStatus = { engine: "uml", kernel: release, default: DEFAULT === "uml" && release === DEFAULT_KERNEL, works: false, problems: [], fix: [] };
    const k = f.kernel(release);
    if (!k) {
      s.problems.push(`Linux ${release} for User-Mode Linux is not installed`);
      const cmd = f.installCommand(release);
      s.fix.push(cmd.startsWith("apt-get") ? apt([{ package: "user-mode-linux" }]) : cmd);
    } else {
      s.version = k.version;
      const problem = f.kernelProblem(k);
      if (problem) {
        s.problems.push(problem);
        s.fix.push(k.where === "cache" ? `ipvlab kernels install ${release} --force` : apt([{ package: "user-mode-linux" }]).replace("install -y", "install -y --reinstall"));
      }
    }
    if (umlTools.length) {
      s.problems.push(`missing ${umlTools.map((t) => t.tool).join(", ")}`);
      s.fix.unshift(apt(umlTools));
    }
    if (f.amx && !fixBuilds) {
      s.problems.push(`this CPU has Intel AMX and the FPU-state fix does not build: ${(f.xstateFix as { error: string }).error}`);
      s.fix.unshift(apt(missingFor("the AMX fix").length ? missingFor("the AMX fix") : [{ package: "gcc" }, { package: "libc6-dev" }]));
    }
    s.works = s.problems.length === 0;
    engines.push(s);
  }

  const deviceTypes = DEVICE_TYPES.map((d) => {
    const how = f.hostDevice(d.type);
    return { type: d.type, module: d.module, available: how !== null, how };
  });
  const host: EngineStatus = { engine: "host", default: DEFAULT === "host", works: false, version: f.hostRelease, problems: [], fix: [] };
  if (!root) host.problems.push("it needs root (it creates namespaces and devices on this machine's kernel)");
  const hostTools = missingFor("host");
  if (hostTools.length) {
    host.problems.push(`missing ${hostTools.map((t) => t.tool).join(", ")}`);
    host.fix.push(apt(hostTools));
  }
  const lacking = HOST_ESSENTIAL.filter((t) => !deviceTypes.find((d) => d.type === t)?.available);
  if (lacking.length) host.problems.push(`this machine's kernel (${f.hostRelease}) has no ${lacking.join(", ")} devices`);
  if (!root) host.fix.push("run ipvlab as root for --engine host");
  host.works = host.problems.length === 0;
  engines.push(host);

  const missing = tools.filter((t) => !t.present);
  const kernelInstalls = engines.filter((e) => e.engine === "uml" && !f.kernel(e.kernel!)).map((e) => f.installCommand(e.kernel!));
  const aptPkgs = [...missing, ...kernelInstalls.filter((c) => c.startsWith("apt-get")).map(() => ({ package: "user-mode-linux" }))];
  const install = [...(aptPkgs.length ? [apt(aptPkgs)] : []), ...kernelInstalls.filter((c) => !c.startsWith("apt-get"))];

  return { ok: doctorOk(engines), root, hostKernel: f.hostRelease, xstateFix, engines, deviceTypes, tools, install };
}

/** Exit 0's condition: the default engine works, and at least one real kernel (a uml release or the host's). */
export function doctorOk(engines: readonly EngineStatus[]): boolean {
  const def = engines.find((e) => e.default);
  return !!def?.works && engines.some((e) => e.engine !== "sim" && e.works);
}

/** Whether an installed kernel can boot here: it starts (`--version`) and its module tree has what the guest loads. */
export function kernelProblem(k: InstalledKernel): string | null {
  const v = spawnSync(k.binary, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (v.status !== 0) return `${k.binary} does not start: ${(v.stderr || v.error?.message || `exit ${v.status}`).trim().split("\n")[0]}`;
  try {
    modulePlanFor(k.modules);
  } catch (e) {
    return `its modules (${k.modules}) cannot be loaded: ${(e as Error).message}`;
  }
  return null;
}

/** This machine, as it is. Builds the FPU-state fix into the user's cache if it is not there yet. */
export function machineFacts(): DoctorFacts {
  const uid = process.getuid?.() ?? -1;
  const hostRelease = osRelease();
  let xstateFix: DoctorFacts["xstateFix"];
  try {
    const lib = xstateFixLibrary();
    xstateFix = lib ? { library: lib } : { error: "the C compiler (cc) failed or is missing" };
  } catch (e) {
    xstateFix = { error: (e as Error).message };
  }
  const probe = uid === 0 && toolPresent({ tool: "unshare", package: "util-linux", for: [] }) && toolPresent({ tool: "ip", package: "iproute2", for: [] });
  return {
    uid,
    hostRelease,
    amx: cpuNeedsXstateFix(),
    xstateFix,
    present: toolPresent,
    kernel: findKernel,
    kernelProblem,
    installCommand: (r) => kernelInstallCommand(r),
    hostDevice: (type) => {
      if (probe && kernelCanCreate(type)) return "created in a throwaway namespace";
      const m = DEVICE_TYPES.find((d) => d.type === type)!.module;
      return hostModuleSource(m, hostRelease);
    },
  };
}
