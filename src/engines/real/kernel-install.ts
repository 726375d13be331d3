// `ipvlab kernels install RELEASE`: Debian's user-mode-linux package of the
// suite that ships RELEASE, unpacked into the user's cache with that suite's C
// library beside it. A newer suite's linux.uml needs a newer glibc than the
// machine may have (6.12 wants 2.38; Debian 12 has 2.36), so the copy is made
// to load its own: its interpreter and library path point at the unpacked
// libc6. The machine's apt sources, lists and packages are never touched: apt
// reads a source list of ipvlab's and keeps its lists in a scratch directory.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineUnavailable } from "../engine.js";
import { cachedKernel, cachedKernelDir, KERNEL_SUITES, MANIFEST, type InstalledKernel, type KernelManifest, type KernelName } from "./kernels.js";
import { aptInstall, missingTools, toolsFor } from "./tools.js";
import { machineMirror } from "./apt-mirror.js";

const KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
const PACKAGES = ["user-mode-linux", "libc6"] as const;
const LIBDIR = "usr/lib/x86_64-linux-gnu";

export interface InstallOptions {
  /** Default: the mirror the machine's own apt sources name. */
  mirror?: string;
  /** Progress lines for a person watching (stderr). */
  say?: (line: string) => void;
}

/** apt's options that keep it to a scratch directory and ipvlab's one source. */
export function aptOptions(scratch: string): string[] {
  const o = (k: string, v: string) => ["-o", `${k}=${v}`];
  return [
    ...o("Dir::Etc::SourceList", join(scratch, "sources.list")),
    ...o("Dir::Etc::SourceParts", "/dev/null"),
    // The machine's pinning is about its own suite, not this one.
    ...o("Dir::Etc::Preferences", "/dev/null"),
    ...o("Dir::Etc::PreferencesParts", "/dev/null"),
    ...o("Dir::State::Lists", join(scratch, "lists")),
    ...o("Dir::Cache", join(scratch, "cache")),
    ...o("Acquire::Languages", "none"),
    // As root apt would hand the download to its _apt user, who cannot enter the user's cache.
    ...o("APT::Sandbox::User", process.getuid?.() === 0 ? "root" : "_apt"),
  ];
}

export function sourcesList(release: KernelName, mirror: string): string {
  return `deb [arch=amd64 signed-by=${KEYRING}] ${mirror} ${KERNEL_SUITES[release].suite} main\n`;
}

function run(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status === 0) return r.stdout;
  const said = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter((l) => /^(E:|W:|Err)|error|failed|cannot/i.test(l));
  throw new EngineUnavailable(`${what} failed: ${(said[0] ?? r.error?.message ?? `${cmd} exited ${r.status}`).replace(/\s+/g, " ")}`);
}

/** Version and size of each package in the scratch lists, from `apt-cache show`. */
function packageFacts(scratch: string, suite: string): Record<string, { version: string; size: number }> {
  const out = run("apt-cache", [...aptOptions(scratch), "show", "--no-all-versions", ...PACKAGES], scratch, "reading the package list");
  const facts: Record<string, { version: string; size: number }> = {};
  for (const block of out.split(/\n\n+/)) {
    const name = /^Package: (.*)$/m.exec(block)?.[1];
    if (name) facts[name] = { version: /^Version: (.*)$/m.exec(block)?.[1] ?? "?", size: Number(/^Size: (\d+)$/m.exec(block)?.[1] ?? 0) };
  }
  for (const p of PACKAGES) if (!facts[p]) throw new EngineUnavailable(`${suite}'s package list has no ${p}`);
  return facts;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Downloads, unpacks and checks RELEASE into cachedKernelDir(RELEASE). Built
 * beside it and moved into place whole once it starts, so a failed or killed
 * install leaves no kernel that half works.
 */
export function installKernel(release: KernelName, opts: InstallOptions = {}): InstalledKernel {
  const say = opts.say ?? (() => {});
  const mirror = (opts.mirror ?? machineMirror()).replace(/\/+$/, "");
  const { suite, debian } = KERNEL_SUITES[release];
  const missing = missingTools(toolsFor("kernels install"));
  if (missing.length) {
    throw new EngineUnavailable(`installing a kernel takes ${missing.map((t) => t.tool).join(", ")}, which ${missing.length > 1 ? "are" : "is"} not installed: run \`${aptInstall(missing)}\`, then \`ipvlab kernels install ${release}\``);
  }
  if (!existsSync(KEYRING)) throw new EngineUnavailable(`Debian's archive keys (${KEYRING}) are not here to check the download with: run \`apt-get install -y debian-archive-keyring\``);
  const final = cachedKernelDir(release);
  const build = `${final}.new-${process.pid}`;
  const scratch = join(build, "scratch");
  rmSync(build, { recursive: true, force: true });
  try {
    for (const d of ["lists/partial", "cache/archives/partial", "debs", "unpacked"]) mkdirSync(join(scratch, d), { recursive: true });
    writeFileSync(join(scratch, "sources.list"), sourcesList(release, mirror));
    say(`reading ${debian}'s package list (${suite}) from ${mirror}`);
    run("apt-get", [...aptOptions(scratch), "-q", "update"], scratch, `apt-get update from ${mirror} ${suite}`);
    const facts = packageFacts(scratch, suite);
    const total = PACKAGES.reduce((n, p) => n + facts[p]!.size, 0);
    say(`downloading ${PACKAGES.map((p) => `${p} ${facts[p]!.version}`).join(" and ")} (${mb(total)})`);
    run("apt-get", [...aptOptions(scratch), "-q", "download", ...PACKAGES], join(scratch, "debs"), "apt-get download");
    say("unpacking");
    for (const deb of readdirSync(join(scratch, "debs")).filter((f) => f.endsWith(".deb"))) {
      run("dpkg-deb", ["-x", join(scratch, "debs", deb), join(scratch, "unpacked")], scratch, `dpkg-deb -x ${deb}`);
    }
    const trees = join(scratch, "unpacked", "usr/lib/uml/modules");
    const version = existsSync(trees) ? readdirSync(trees)[0] : undefined;
    if (!version) throw new EngineUnavailable(`user-mode-linux ${facts["user-mode-linux"]!.version} from ${suite} has no module tree under /usr/lib/uml/modules`);
    renameSync(join(scratch, "unpacked", "usr/bin/linux.uml"), join(build, "linux.uml"));
    mkdirSync(join(build, "modules"));
    renameSync(join(trees, version), join(build, "modules", version));
    renameSync(join(scratch, "unpacked", LIBDIR), join(build, "lib"));
    say(`pointing linux.uml at ${suite}'s C library (patchelf)`);
    // The paths it will have once moved into place: they are written into the binary.
    run("patchelf", ["--set-interpreter", join(final, "lib", "ld-linux-x86-64.so.2"), "--set-rpath", join(final, "lib"), join(build, "linux.uml")], scratch, "patchelf");
    rmSync(scratch, { recursive: true, force: true });
    const manifest: KernelManifest = {
      release,
      version,
      suite,
      mirror,
      packages: Object.fromEntries(PACKAGES.map((p) => [p, facts[p]!.version])),
      installed: new Date().toISOString(),
    };
    writeFileSync(join(build, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
    const old = `${final}.old-${process.pid}`;
    if (existsSync(final)) renameSync(final, old);
    renameSync(build, final);
    rmSync(old, { recursive: true, force: true });
    const said = spawnSync(join(final, "linux.uml"), ["--version"], { encoding: "utf8" });
    if (said.status !== 0 || said.stdout.trim() !== version) {
      rmSync(final, { recursive: true, force: true });
      throw new EngineUnavailable(`the installed linux.uml does not start: ${(said.stderr || said.error?.message || said.stdout).trim().split("\n")[0]}`);
    }
    say(`Linux ${version} for User-Mode Linux installed in ${final}`);
    return cachedKernel(release)!;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}
