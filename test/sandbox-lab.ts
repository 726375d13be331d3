import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import { hostNetworkState } from "./helpers.js";

/*
 * A lab that tries to change the machine it runs on: it writes files in /tmp,
 * /etc, /root, /var/tmp, the home directory, $TMPDIR and ipvlab's working
 * directory (and in / and /usr, which must refuse), appends to files that were
 * there before, renames its host, makes a SysV message queue and sets
 * vm.swappiness. Every name carries a token of its own, so runs side by side
 * (and other users of the machine) never see each other's files.
 */

export interface SandboxProbe {
  lab: string;
  /** ipvlab's working directory for the run: a folder of its own, outside /tmp, /root, /var and /etc. */
  cwd: string;
  /** What must be exactly as it was after the run, however it ended. */
  machine(): string;
  remove(): void;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function sandboxProbe(engine: "uml" | "host", opts: { home: string; tmp: string; sleep?: number }): SandboxProbe {
  const token = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const cwd = join(packageRoot, "dist", `sandbox-cwd-${token}`);
  mkdirSync(cwd, { recursive: true });
  const name = `ipvlab-sandbox-${token}`;
  const written = ["/tmp", "/etc", "/root", "/var/tmp", opts.home, opts.tmp, cwd].map((d) => join(d, name));
  const refused = ["/", "/usr"].map((d) => join(d, name));
  const existing = [join(cwd, `${name}.existing`), join("/tmp", `${name}.existing`)];
  for (const f of existing) writeFileSync(f, "machine\n");
  const swappiness = readFileSync("/proc/sys/vm/swappiness", "utf8").trim() === "1" ? 2 : 1;
  const all = [...written, ...refused, ...existing];
  const lab = join(cwd, `${name}.lab.yaml`);
  const script = (lines: string[]) => lines.map((l) => `      ${l}`).join("\n");
  writeFileSync(
    lab,
    `name: sandbox-${token}
hosts:
  h:
    run: |
${script([
  `for f in ${written.map(q).join(" ")}; do echo lab > "$f"; done`,
  `for f in ${existing.map(q).join(" ")}; do grep -qx machine "$f" && echo lab >> "$f"; done`,
  `hostname ${name}`,
  "ipcmk -Q",
])}
steps:
  - name: what the lab wrote is there for the rest of the run
    on: h
    run: |
${script([
  `cat ${written.map(q).join(" ")}`,
  `for f in ${existing.map(q).join(" ")}; do [ "$(cat "$f")" = "$(printf 'machine\\nlab')" ] || exit 1; done`,
  `[ "$(hostname)" = ${name} ] && ipcs -q | grep -q 0x`,
])}
    expect: ok
  - name: the machine's own files are read-only
    on: h
    run: |
${script([`for f in ${refused.map(q).join(" ")}; do ! echo lab > "$f" || exit 1; done`])}
    expect: ok
  - name: vm.swappiness is ${engine === "uml" ? "the guest kernel's to set" : "the machine's, not the lab's"}
    on: h
    run: sysctl -w vm.swappiness=${swappiness}
    expect: ${engine === "uml" ? "ok" : "fail"}
${opts.sleep ? `  - name: a long step\n    on: h\n    run: sleep ${opts.sleep}\n    expect: ok\n` : ""}`,
  );
  return {
    lab,
    cwd,
    machine: () =>
      [
        ...all.map((f) => `${f}: ${existsSync(f) ? JSON.stringify(readFileSync(f, "utf8")) : "absent"}`),
        `hostname ${hostname()}`,
        `vm.swappiness ${readFileSync("/proc/sys/vm/swappiness", "utf8").trim()}`,
        `message queues ${readFileSync("/proc/sysvipc/msg", "utf8")}`,
        hostNetworkState(),
      ].join("\n"),
    remove: () => {
      for (const f of all) rmSync(f, { force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
