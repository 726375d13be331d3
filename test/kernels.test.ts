import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { debianMirror, DEFAULT_MIRROR } from "../src/engines/real/apt-mirror.js";
import { aptOptions, sourcesList } from "../src/engines/real/kernel-install.js";
import { cachedKernel, kernelInstallCommand, releaseOf, systemKernel } from "../src/engines/real/kernels.js";
import { modulePlan } from "../src/engines/real/uml-modules.js";
import { example, runCli } from "./helpers.js";

// Which User-Mode Linux releases are here, how one gets installed without
// touching the machine's apt, and what a missing one says.

describe("module load order, from each tree's modules.dep", () => {
  const dep = [
    "kernel/net/ipv6/ipv6.ko: kernel/lib/crc-ccitt.ko",
    "kernel/lib/crc-ccitt.ko:",
    "kernel/net/8021q/8021q.ko: kernel/net/802/garp.ko kernel/net/802/mrp.ko kernel/net/802/stp.ko kernel/net/llc/llc.ko",
    "kernel/net/802/garp.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko",
    "kernel/net/802/mrp.ko:",
    "kernel/net/802/stp.ko: kernel/net/llc/llc.ko",
    "kernel/net/llc/llc.ko:",
    "kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko",
    "kernel/drivers/net/bonding/bonding.ko:",
  ].join("\n");

  test("dependencies first, each module once, parameters kept", () => {
    const plan = modulePlan(dep, "", [{ name: "ipv6", params: "disable_ipv6=1" }, { name: "bridge" }, { name: "8021q" }, { name: "bonding", params: "max_bonds=0" }]);
    assert.deepEqual(
      plan.loads.map((l) => `${l.path} ${l.params}`.trim()),
      ["lib/crc-ccitt.ko", "net/ipv6/ipv6.ko disable_ipv6=1", "net/llc/llc.ko", "net/802/stp.ko", "net/bridge/bridge.ko", "net/802/mrp.ko", "net/802/garp.ko", "net/8021q/8021q.ko", "drivers/net/bonding/bonding.ko max_bonds=0"],
    );
    assert.deepEqual(plan.cmdline, []);
  });

  test("a module built into the kernel gets its parameters on the command line", () => {
    const plan = modulePlan("kernel/lib/crc-ccitt.ko:\n", "kernel/net/ipv6/ipv6.ko\n", [{ name: "ipv6", params: "disable_ipv6=IPV6_OFF" }]);
    assert.deepEqual(plan, { loads: [], cmdline: ["ipv6.disable_ipv6=IPV6_OFF"] });
  });

  test("a module the tree does not have, or compressed, is an error naming it", () => {
    assert.throws(() => modulePlan(dep, "", [{ name: "vrf" }]), /no module vrf/);
    assert.throws(() => modulePlan("kernel/drivers/net/vrf.ko.xz:\n", "", [{ name: "vrf" }]), /compressed/);
  });
});

describe("installing a release leaves the machine's apt alone", () => {
  test("the mirror is the one the machine's sources name, not a security or updates archive", () => {
    const deb822 = `Types: deb\n# http://snapshot.debian.org/archive/debian/20250520T000000Z\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n`;
    assert.equal(debianMirror([{ name: "/etc/apt/sources.list.d/debian.sources", text: deb822 }]), "http://mirror.example/debian");
    const oneLine = "# deb http://old.example/debian bookworm main\ndeb http://security.debian.org/debian-security bookworm-security main\ndeb [signed-by=/k.gpg] https://m.example/debian bookworm main\n";
    assert.equal(debianMirror([{ name: "/etc/apt/sources.list", text: oneLine }]), "https://m.example/debian");
    assert.equal(debianMirror([{ name: "/etc/apt/sources.list", text: "" }]), DEFAULT_MIRROR);
    assert.equal(debianMirror([{ name: "x.sources", text: "Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n" }]), DEFAULT_MIRROR);
  });

  test("apt reads ipvlab's one source list and keeps its lists and cache in the scratch directory", () => {
    const o = aptOptions("/s");
    assert.ok(o.every((v, i) => (i % 2 === 0 ? v === "-o" : v.includes("="))));
    const opt = new Map(o.filter((_, i) => i % 2 === 1).map((v) => v.split("=") as [string, string]));
    assert.equal(opt.get("Dir::Etc::SourceList"), "/s/sources.list");
    assert.equal(opt.get("Dir::Etc::SourceParts"), "/dev/null");
    assert.equal(opt.get("Dir::State::Lists"), "/s/lists");
    assert.equal(opt.get("Dir::Cache"), "/s/cache");
    assert.match(sourcesList("6.12", "http://m.example/debian"), /^deb \[arch=amd64 signed-by=\S+debian-archive-keyring.gpg\] http:\/\/m.example\/debian trixie main\n$/);
  });
});

describe("what is installed", () => {
  test("uname -r text to a release ipvlab knows", () => {
    assert.equal(releaseOf("6.12.113"), "6.12");
    assert.equal(releaseOf("6.1.176"), "6.1");
    assert.equal(releaseOf("6.11.2"), null);
    assert.equal(releaseOf("6.1"), "6.1");
  });

  test("a cache directory without its manifest (an install that did not finish) is not a kernel", () => {
    const cache = mkdtempSync(join(tmpdir(), "ipvlab-cache-"));
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      const dir = join(cache, "ipvlab", "kernels", "6.12");
      mkdirSync(join(dir, "modules", "6.12.113"), { recursive: true });
      writeFileSync(join(dir, "linux.uml"), "");
      assert.equal(cachedKernel("6.12"), null);
      writeFileSync(join(dir, "kernel.json"), JSON.stringify({ release: "6.12", version: "6.12.113", suite: "trixie", mirror: DEFAULT_MIRROR, packages: { "user-mode-linux": "6.12um1+b22" }, installed: "" }));
      assert.deepEqual(cachedKernel("6.12"), { release: "6.12", version: "6.12.113", binary: join(dir, "linux.uml"), modules: join(dir, "modules", "6.12.113"), where: "cache", package: "user-mode-linux 6.12um1+b22" });
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test("the command that installs a release: the machine's package where its suite ships it", () => {
    assert.equal(kernelInstallCommand("6.1", "bookworm"), "apt-get install -y user-mode-linux");
    assert.equal(kernelInstallCommand("6.12", "bookworm"), "ipvlab kernels install 6.12");
    assert.equal(kernelInstallCommand("6.12", "trixie"), "apt-get install -y user-mode-linux");
  });

  test("ipvlab kernels lists both releases; --json says which are installed", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ipvlab-cache-"));
    try {
      const r = await runCli(["kernels", "--json"], { env: { XDG_CACHE_HOME: empty } });
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as { release: string; installed: boolean; default: boolean; install?: string }[];
      assert.deepEqual(rows.map((k) => [k.release, k.default]), [["6.1", true], ["6.12", false]]);
      assert.equal(rows[0]!.installed, systemKernel()?.release === "6.1");
      assert.deepEqual(rows[1]!, { release: "6.12", default: false, installed: false, install: "ipvlab kernels install 6.12" });
      const text = await runCli(["kernels"], { env: { XDG_CACHE_HOME: empty } });
      assert.match(text.stdout, /^6\.12 +not installed \(Debian 13's user-mode-linux\): ipvlab kernels install 6\.12$/m);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("--kernel 6.12 on uml when it is not installed: exit 3, and the command that installs it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ipvlab-cache-"));
    try {
      const r = await runCli(["run", example("seed-ipvlan-l2.lab.yaml"), "--engine", "uml", "--kernel", "6.12", "-q"], { env: { XDG_CACHE_HOME: empty } });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /Linux 6\.12 for User-Mode Linux \(Debian 13's user-mode-linux\) is not installed: run `ipvlab kernels install 6\.12`/);
      const v = await runCli(["verify", example("seed-ipvlan-l2.lab.yaml"), "--engine", "uml", "--kernel", "6.12", "-q"], { env: { XDG_CACHE_HOME: empty } });
      assert.equal(v.code, 3);
      const bad = await runCli(["run", example("seed-ipvlan-l2.lab.yaml"), "--kernel", "5.10"]);
      assert.equal(bad.code, 2);
      const host = await runCli(["run", example("seed-ipvlan-l2.lab.yaml"), "--engine", "host", "--kernel", "6.12"]);
      assert.equal(host.code, 2);
      assert.match(host.stderr, /--engine host runs this machine's own kernel/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
