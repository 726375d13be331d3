import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { test } from "node:test";
import { parseYamlLab } from "../src/lab/load.js";
import { assetPath } from "../src/paths.js";
import { parseCapture } from "../src/snapshot/capture.js";
import { snapshotLab } from "../src/snapshot/lab.js";
import { runCli } from "./helpers.js";

/** Every `ip -j` listing of this machine's root and named namespaces (neighbours as who is whose: their states age by themselves), and the forwarding sysctls. */
function listings(): string {
  const ip = (pre: string[], args: string[]) =>
    execFileSync(pre.length ? pre[0]! : "ip", [...pre.slice(1), ...(pre.length ? ["ip"] : []), ...args], { encoding: "utf8" }).replace(/"[a-z_]*_timer":[0-9.]+,?/g, "");
  const spaces: string[][] = [[]];
  if (existsSync("/run/netns")) for (const n of readdirSync("/run/netns")) spaces.push(["nsenter", `--net=/run/netns/${n}`]);
  const out: string[] = [];
  for (const pre of spaces) {
    out.push(`== ${pre.join(" ")}`);
    for (const a of [["-j", "-d", "link"], ["-j", "-d", "addr"], ["-j", "-d", "route", "show", "table", "all"], ["-j", "-d", "-6", "route", "show", "table", "all"], ["-j", "rule"]]) out.push(ip(pre, a));
    out.push(...(JSON.parse(ip(pre, ["-j", "neigh"])) as { dst: string; dev: string; lladdr?: string }[]).map((n) => `${n.dst} ${n.dev} ${n.lladdr ?? ""}`));
  }
  const conf = "/proc/sys/net/ipv4/conf";
  for (const d of readdirSync(conf)) {
    for (const k of ["rp_filter", "arp_ignore", "arp_announce", "arp_filter", "proxy_arp", "forwarding"]) out.push(`${d}/${k}=${readFileSync(`${conf}/${d}/${k}`, "utf8").trim()}`);
  }
  out.push(`ip_forward=${readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim()}`);
  return out.join("\n");
}

test("ipvlab snapshot of this machine changes nothing: every ip -j listing is the same after it, and what it wrote is a lab", { skip: process.platform !== "linux" && "reads a Linux kernel" }, async () => {
  const before = listings();
  const r = await runCli(["snapshot", "--json"]);
  const after = listings();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(after, before);
  const j = JSON.parse(r.stdout) as { lab: string; namespaces: (string | null)[]; notCaptured: string[] };
  assert.equal(j.namespaces[0], null);
  const lab = parseYamlLab("machine.lab.yaml", j.lab).lab;
  assert.ok(lab.hosts.length >= 1);
  assert.ok(j.notCaptured.some((s) => /^IPsec \(ip xfrm\)/.test(s)), "what is never read is said");
});

test("a namespace the reader may not enter (no CAP_SYS_ADMIN) is said to be so, and the rest is read", { skip: (process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv")) && "needs root and setpriv" }, async () => {
  // An empty namespace of our own, held by a process, as a container's is.
  const holder = spawn("unshare", ["--net", "sleep", "60"], { stdio: "ignore" });
  try {
    const self = readlinkSync("/proc/self/ns/net");
    for (let i = 0; i < 100 && (!existsSync(`/proc/${holder.pid}/ns/net`) || readlinkSync(`/proc/${holder.pid}/ns/net`) === self); i++) await new Promise((r) => setTimeout(r, 20));
    const out = execFileSync("setpriv", ["--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--", "bash", assetPath("snapshot.sh")], { encoding: "utf8" });
    const cap = parseCapture(out);
    const ns = cap.namespaces.find((n) => n.pid === holder.pid)!;
    assert.match(ns.unreadable ?? "", /Operation not permitted/);
    assert.equal(cap.namespaces[0]!.kind, "root");
    assert.ok(cap.namespaces[0]!.link.length > 0, "the root namespace is read");
    const lab = snapshotLab(cap);
    assert.ok(lab.notCaptured.some((s) => s.startsWith(`namespace sleep-${holder.pid} (process ${holder.pid} (sleep)`) && s.includes("not entered")));
  } finally {
    holder.kill("SIGKILL");
  }
});
