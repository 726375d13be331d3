import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { diagnose, doctorOk, type DoctorFacts } from "../src/engines/doctor.js";
import { hostModuleSource } from "../src/engines/real/host-devices.js";
import type { InstalledKernel, KernelName } from "../src/engines/real/kernels.js";
import { runCli } from "./helpers.js";

// doctor describes a machine from facts it is handed; each test makes one up.

const KERNELS: Record<KernelName, InstalledKernel> = {
  "6.1": { release: "6.1", version: "6.1.176", binary: "/usr/bin/linux.uml", modules: "/usr/lib/uml/modules/6.1.176", where: "system" },
  "6.12": { release: "6.12", version: "6.12.113", binary: "/c/ipvlab/kernels/6.12/linux.uml", modules: "/c/ipvlab/kernels/6.12/modules/6.12.113", where: "cache" },
};

function machine(over: Partial<DoctorFacts> & { missing?: string[]; kernels?: KernelName[]; hostDevices?: string[] } = {}): DoctorFacts {
  const { missing = [], kernels = ["6.1", "6.12"], hostDevices = ["veth", "bridge", "macvlan", "ipvlan"], ...rest } = over;
  return {
    uid: 1000,
    hostRelease: "6.1.0-28-amd64",
    amx: false,
    xstateFix: { library: "/c/ipvlab/uml-xstate-fix-0.so" },
    present: (t) => !missing.includes(t.tool),
    kernel: (r) => (kernels.includes(r) ? KERNELS[r] : null),
    kernelProblem: () => null,
    installCommand: (r) => (r === "6.1" ? "apt-get install -y user-mode-linux" : `ipvlab kernels install ${r}`),
    hostDevice: (type) => (hostDevices.includes(type) ? "modules.dep" : null),
    ...rest,
  };
}

const engine = (r: ReturnType<typeof diagnose>, name: string, kernel?: string) => r.engines.find((e) => e.engine === name && e.kernel === kernel)!;

describe("ipvlab doctor, from a machine's facts", () => {
  test("a machine with everything: every engine but host (not root) works, nothing to install", () => {
    const r = diagnose(machine());
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.engines.map((e) => [e.engine, e.kernel ?? null, e.works, e.default]),
      [
        ["sim", null, true, true],
        ["uml", "6.1", true, false],
        ["uml", "6.12", true, false],
        ["host", null, false, false],
      ],
    );
    assert.match(engine(r, "host").problems.join(), /needs root/);
    assert.deepEqual(r.install, []);
    assert.equal(r.root, false);
  });

  test("missing tools: one apt-get command with each package once, sudo for a user who is not root", () => {
    const r = diagnose(machine({ missing: ["nc", "traceroute", "ss", "ip"] }));
    assert.deepEqual(r.install, ["sudo apt-get install -y iproute2 netcat-openbsd traceroute"]);
    assert.equal(engine(r, "uml", "6.1").works, false, "uml cannot start without ip");
    assert.deepEqual(engine(r, "uml", "6.1").fix, ["sudo apt-get install -y iproute2"]);
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.tools.filter((t) => !t.present).map((t) => t.tool),
      ["ip", "nc", "ss", "traceroute"],
    );
  });

  test("a tool only labs call is listed but does not stop any engine", () => {
    const r = diagnose(machine({ missing: ["nc"], uid: 0 }));
    assert.equal(r.ok, true);
    assert.ok(r.engines.every((e) => e.works));
    assert.deepEqual(r.install, ["apt-get install -y netcat-openbsd"]);
  });

  test("6.12 not installed: its uml line says the install command; 6.1 alone is enough", () => {
    const r = diagnose(machine({ kernels: ["6.1"] }));
    assert.equal(r.ok, true);
    assert.equal(engine(r, "uml", "6.12").works, false);
    assert.deepEqual(engine(r, "uml", "6.12").fix, ["ipvlab kernels install 6.12"]);
    assert.deepEqual(r.install, ["ipvlab kernels install 6.12"]);
  });

  test("no User-Mode Linux at all and no root: not ready (exit 1); the apt command includes user-mode-linux", () => {
    const r = diagnose(machine({ kernels: [], missing: ["busybox"] }));
    assert.equal(r.ok, false);
    assert.deepEqual(r.install, ["sudo apt-get install -y busybox-static user-mode-linux", "ipvlab kernels install 6.12"]);
  });

  test("root on a kernel with ipvlan and macvlan: host alone is a real kernel", () => {
    const r = diagnose(machine({ kernels: [], uid: 0 }));
    assert.equal(engine(r, "host").works, true);
    assert.equal(r.ok, true);
    assert.equal(r.install[0], "apt-get install -y user-mode-linux");
  });

  test("root on a kernel without ipvlan: host says which types it lacks", () => {
    const r = diagnose(machine({ kernels: [], uid: 0, hostDevices: ["veth", "bridge", "macvlan", "vxlan"] }));
    assert.equal(engine(r, "host").works, false);
    assert.match(engine(r, "host").problems.join(), /has no ipvlan devices/);
    assert.deepEqual(
      r.deviceTypes.filter((d) => d.available).map((d) => d.type),
      ["veth", "bridge", "macvlan", "vxlan"],
    );
    assert.equal(r.ok, false);
  });

  test("an AMX CPU where the fix does not build: uml does not work, gcc is the fix", () => {
    const r = diagnose(machine({ amx: true, xstateFix: { error: "there is no C compiler (cc)" }, missing: ["gcc"] }));
    assert.deepEqual(r.xstateFix, { needed: true, builds: false, error: "there is no C compiler (cc)" });
    assert.equal(engine(r, "uml", "6.1").works, false);
    assert.equal(engine(r, "uml", "6.1").fix[0], "sudo apt-get install -y gcc");
    assert.equal(r.ok, false);
    // Not needed, not built: no harm done.
    assert.equal(diagnose(machine({ amx: false, xstateFix: { error: "no cc" } })).ok, true);
  });

  test("an installed kernel that does not start: the fix reinstalls it", () => {
    const r = diagnose(machine({ kernelProblem: (k) => (k.release === "6.12" ? "linux.uml does not start: libc.so.6: version GLIBC_2.38 not found" : null) }));
    assert.equal(engine(r, "uml", "6.12").works, false);
    assert.deepEqual(engine(r, "uml", "6.12").fix, ["ipvlab kernels install 6.12 --force"]);
    assert.equal(r.ok, true);
  });

  test("exit 0 needs the default engine and a real kernel", () => {
    const e = (engine: "sim" | "uml" | "host", works: boolean, def = false) => ({ engine, works, default: def, problems: [], fix: [] });
    assert.equal(doctorOk([e("sim", true, true), e("uml", false), e("host", true)]), true);
    assert.equal(doctorOk([e("sim", true, true), e("uml", false), e("host", false)]), false);
    assert.equal(doctorOk([e("sim", false, true), e("uml", true), e("host", true)]), false);
  });
});

describe("ipvlab doctor on this machine", () => {
  test("--json has the report's shape, and the exit code follows its ok", async () => {
    const r = await runCli(["doctor", "--json"]);
    const report = JSON.parse(r.stdout) as ReturnType<typeof diagnose>;
    assert.deepEqual(Object.keys(report).sort(), ["deviceTypes", "engines", "hostKernel", "install", "ok", "root", "tools", "xstateFix"]);
    assert.deepEqual(
      report.engines.map((e) => `${e.engine}${e.kernel ? ` ${e.kernel}` : ""}`),
      ["sim", "uml 6.1", "uml 6.12", "host"],
    );
    assert.equal(report.engines[0]!.works, true);
    assert.equal(r.code, report.ok ? 0 : 1);
    assert.equal(report.ok, doctorOk(report.engines));
    const text = await runCli(["doctor"]);
    assert.equal(text.code, r.code);
    assert.match(text.stdout, /^Engines:\n {2}ok {2}sim/);
  });

  test("with nothing on PATH nothing real works: exit 1, and the apt command names the tools", async () => {
    const r = await runCli(["doctor", "--json"], { env: { PATH: "/nonexistent" } });
    const report = JSON.parse(r.stdout) as ReturnType<typeof diagnose>;
    assert.equal(r.code, 1);
    assert.equal(report.ok, false);
    assert.match(report.install[0]!, /apt-get install -y .*\biproute2\b.*\bbusybox-static\b.*\btcpdump\b/);
  });
});

describe("the host kernel's device types, without creating any", () => {
  test("a module file, a built-in entry, or /sys/module; - and _ alike", () => {
    const root = mkdtempSync(join(tmpdir(), "ipvlab-root-"));
    try {
      const tree = join(root, "lib/modules/6.1.0-28-amd64");
      mkdirSync(tree, { recursive: true });
      writeFileSync(join(tree, "modules.dep"), "kernel/drivers/net/ipvlan/ipvlan.ko.xz:\nkernel/net/8021q/8021q.ko: kernel/net/802/garp.ko\n");
      writeFileSync(join(tree, "modules.builtin"), "kernel/drivers/net/veth.ko\n");
      mkdirSync(join(root, "sys/module/bridge"), { recursive: true });
      assert.equal(hostModuleSource("ipvlan", "6.1.0-28-amd64", root), "modules.dep");
      assert.equal(hostModuleSource("8021q", "6.1.0-28-amd64", root), "modules.dep");
      assert.equal(hostModuleSource("veth", "6.1.0-28-amd64", root), "modules.builtin");
      assert.equal(hostModuleSource("bridge", "6.1.0-28-amd64", root), "/sys/module");
      assert.equal(hostModuleSource("vrf", "6.1.0-28-amd64", root), null);
      assert.equal(hostModuleSource("ipvlan", "6.12.0", root), null, "another release's tree is not this kernel's");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
