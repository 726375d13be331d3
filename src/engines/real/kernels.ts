// The User-Mode Linux kernels the uml engine can boot: the machine's own
// (Debian's user-mode-linux package, /usr/bin/linux.uml) and those
// `ipvlab kernels install` unpacked into the user's cache, each release with
// its own module tree.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findOnPath } from "./tools.js";
import { cacheDir } from "./xstate-fix.js";

/** The releases ipvlab knows how to get, oldest first. */
export const KERNEL_RELEASES = ["6.1", "6.12"] as const;
export type KernelName = (typeof KERNEL_RELEASES)[number];
/** The release the golden files at test/golden/ are recorded on. */
export const DEFAULT_KERNEL: KernelName = "6.1";

/** The Debian suite whose user-mode-linux package is each release. */
export const KERNEL_SUITES: Record<KernelName, { suite: string; debian: string }> = {
  "6.1": { suite: "bookworm", debian: "Debian 12" },
  "6.12": { suite: "trixie", debian: "Debian 13" },
};

export const SYSTEM_MODULES = "/usr/lib/uml/modules";

export interface InstalledKernel {
  release: KernelName;
  /** As `uname -r` in the guest says it: 6.12.113. */
  version: string;
  /** linux.uml. */
  binary: string;
  /** The module tree, holding modules.dep and kernel/. */
  modules: string;
  /** The machine's package, or a copy in the user's cache. */
  where: "system" | "cache";
  /** The Debian package it came from, when known ("user-mode-linux 6.12um1+b22"). */
  package?: string;
}

/** What `ipvlab kernels install` leaves beside the kernel, written last: a directory without it is not installed. */
export interface KernelManifest {
  release: KernelName;
  version: string;
  suite: string;
  mirror: string;
  packages: Record<string, string>;
  installed: string;
}

/** A `uname -r` text's release among those ipvlab knows, or null (6.12.113 → 6.12). */
export function releaseOf(version: string): KernelName | null {
  const m = /^(\d+\.\d+)(\.|$)/.exec(version);
  return KERNEL_RELEASES.find((r) => r === m?.[1]) ?? null;
}

export function isKernelName(s: string): s is KernelName {
  return (KERNEL_RELEASES as readonly string[]).includes(s);
}

/** Where `ipvlab kernels install RELEASE` puts a release. */
export function cachedKernelDir(release: KernelName): string {
  return join(cacheDir(), "kernels", release);
}

export const MANIFEST = "kernel.json";

function dpkgVersion(pkg: string): string | undefined {
  try {
    const status = readFileSync("/var/lib/dpkg/status", "utf8");
    const block = status.split("\n\n").find((b) => b.startsWith(`Package: ${pkg}\n`) && /^Status: .* installed$/m.test(b));
    return block ? /^Version: (.*)$/m.exec(block)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's own User-Mode Linux: linux.uml on PATH and the newest tree under /usr/lib/uml/modules. */
export function systemKernel(): InstalledKernel | null {
  const binary = findOnPath("linux.uml");
  const versions = existsSync(SYSTEM_MODULES) ? readdirSync(SYSTEM_MODULES).filter((v) => releaseOf(v)) : [];
  const version = versions.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).pop();
  if (!binary || !version) return null;
  const pkg = dpkgVersion("user-mode-linux");
  return { release: releaseOf(version)!, version, binary, modules: join(SYSTEM_MODULES, version), where: "system", ...(pkg ? { package: `user-mode-linux ${pkg}` } : {}) };
}

/** A release installed into the user's cache, or null (nothing there, or an install that did not finish). */
export function cachedKernel(release: KernelName): InstalledKernel | null {
  const dir = cachedKernelDir(release);
  let m: KernelManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as KernelManifest;
  } catch {
    return null;
  }
  const binary = join(dir, "linux.uml");
  const modules = join(dir, "modules", m.version);
  if (m.release !== release || !existsSync(binary) || !existsSync(modules)) return null;
  const pkg = m.packages["user-mode-linux"];
  return { release, version: m.version, binary, modules, where: "cache", ...(pkg ? { package: `user-mode-linux ${pkg}` } : {}) };
}

/** Every kernel the uml engine can boot here, the machine's first. */
export function installedKernels(): InstalledKernel[] {
  const system = systemKernel();
  const cached = KERNEL_RELEASES.map(cachedKernel).filter((k): k is InstalledKernel => k !== null);
  return [...(system ? [system] : []), ...cached];
}

/** The kernel a run of RELEASE boots: the machine's package when it is that release, else the cache's copy. */
export function findKernel(release: KernelName): InstalledKernel | null {
  const system = systemKernel();
  return system?.release === release ? system : cachedKernel(release);
}

/** This machine's Debian suite (VERSION_CODENAME), or null on another system. */
export function machineSuite(osRelease = "/etc/os-release"): string | null {
  try {
    return /^VERSION_CODENAME=(\w+)/m.exec(readFileSync(osRelease, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The command that installs RELEASE here: the machine's own package when its
 * Debian suite ships that release, else ipvlab's install into the cache.
 */
export function kernelInstallCommand(release: KernelName, suite = machineSuite()): string {
  return suite === KERNEL_SUITES[release].suite ? "apt-get install -y user-mode-linux" : `ipvlab kernels install ${release}`;
}
