// `ipvlab kernels` and `ipvlab kernels install RELEASE`: the User-Mode Linux
// releases the uml engine can boot here, and getting another.

import { installKernel } from "../engines/real/kernel-install.js";
import { cachedKernel, DEFAULT_KERNEL, findKernel, kernelInstallCommand, KERNEL_RELEASES, KERNEL_SUITES, systemKernel, type KernelName } from "../engines/real/kernels.js";
import { EXIT } from "./errors.js";
import { progress } from "./run.js";

export interface KernelRow {
  release: KernelName;
  default: boolean;
  installed: boolean;
  /** Present when installed. */
  version?: string;
  where?: "system" | "cache";
  binary?: string;
  modules?: string;
  package?: string;
  /** Present when not installed: the command that installs it. */
  install?: string;
}

export function kernelRows(): KernelRow[] {
  return KERNEL_RELEASES.map((release) => {
    const k = findKernel(release);
    const base = { release, default: release === DEFAULT_KERNEL };
    if (!k) return { ...base, installed: false, install: kernelInstallCommand(release) };
    return { ...base, installed: true, version: k.version, where: k.where, binary: k.binary, modules: k.modules, ...(k.package ? { package: k.package } : {}) };
  });
}

export function kernelsText(rows: readonly KernelRow[]): string {
  const lines = rows.map((r) => {
    const what = r.installed
      ? `Linux ${r.version}, ${r.where === "system" ? "this machine's" : "in your cache:"} ${r.package ?? "user-mode-linux"} (${r.binary})`
      : `not installed (${KERNEL_SUITES[r.release].debian}'s user-mode-linux): ${r.install}`;
    return `${r.release.padEnd(6)} ${what}${r.default ? "  [default]" : ""}`;
  });
  return `User-Mode Linux kernels for --engine uml (pick one with --kernel):\n${lines.join("\n")}\n`;
}

export async function kernelsCommand(flags: { json?: boolean }): Promise<number> {
  const rows = kernelRows();
  process.stdout.write(flags.json ? JSON.stringify(rows, null, 2) + "\n" : kernelsText(rows));
  return EXIT.ok;
}

export async function kernelsInstallCommand(release: KernelName, flags: { mirror?: string; force?: boolean; quiet?: boolean }): Promise<number> {
  const say = progress(flags.quiet);
  const system = systemKernel();
  if (system?.release === release) {
    process.stderr.write(`Linux ${release} is this machine's own user-mode-linux (${system.version}, ${system.binary}): nothing to install\n`);
    return EXIT.ok;
  }
  const had = cachedKernel(release);
  if (had && !flags.force) {
    process.stderr.write(`Linux ${had.version} is installed already (${had.binary}); --force installs it again\n`);
    return EXIT.ok;
  }
  const k = installKernel(release, { say, ...(flags.mirror ? { mirror: flags.mirror } : {}) });
  process.stdout.write(`${k.release} ${k.version} ${k.binary}\n`);
  return EXIT.ok;
}
