import assert from "node:assert/strict";
import { test } from "node:test";
import { traceVerdict, type TracedCommand } from "../src/engines/sim/trace-verdict.js";
import type { MatrixResult } from "../src/engines/result.js";
import { example, runCli } from "./helpers.js";

test("trace: a slave's ping of its parent's own address, hop by hop, with the verdict from the trace", async () => {
  const r = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--on", "vm02", "--run", "ip netns exec ns01 ping -c 1 -W 1 172.16.91.14"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^trace of `ip netns exec ns01 ping -c 1 -W 1 172\.16\.91\.14` on vm02, in the state after setup$/m);
  assert.match(r.stdout, /vm02\/ns01 +ipvlan1 +ipvlan_xmit_mode_l2 +to the parent ens34's own stack \(dev_forward_skb\)/);
  assert.match(r.stdout, /br_flood .*not back out port2, where it came in/);
  assert.match(r.stdout, /^verdict: .* fails \(exit 1\): vm02's ens34 asks "who-has 172\.16\.91\.101 tell 172\.16\.91\.14" and no reply comes\.$/m);
});

test("trace --from/--to --json: the steps, the command's result and the verdict; an L3 slave's ARP dies on its NOARP device", async () => {
  const r = await runCli(["trace", example("seed-ipvlan-l3.lab.yaml"), "--from", "vm01", "--to", "172.16.91.101", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as TracedCommand & { lab: string; verdict: string };
  assert.equal(t.lab, "seed-ipvlan-l3");
  assert.equal(t.command, "ping -c 1 -W 1 172.16.91.101");
  assert.equal(t.exitCode, 1);
  assert.ok(t.steps.some((s) => s.func === "ipvlan_rcv_frame" && s.dev === "ipvlan1"), "steered to the slave by the ARP's target address");
  assert.match(t.verdict, /no reply comes; at vm02\/ns01 ipvlan1, arp_rcv drop ARP who-has 172\.16\.91\.101 tell 172\.16\.91\.10 \(device is NOARP\)\.$/);
});

test("trace --after runs the lab's steps first; a step that does not exist is a usage error", async () => {
  const after = await runCli(["trace", example("seed-ipvlan-l2-rpfilter.lab.yaml"), "--from", "vm02/ns01", "--to", "172.16.91.14", "--after", "the note's host routes"]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /in the state after step \d+ \(the note's host routes\)/);
  assert.match(after.stdout, /fib_validate_source +drop 172\.16\.91\.101 > 172\.16\.91\.14/);
  const bad = await runCli(["trace", example("seed-ipvlan-l2.lab.yaml"), "--from", "vm02", "--to", "172.16.91.2", "--after", "99"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^ipvlab: --after 99: no such step in seed-ipvlan-l2 \(give a number from 4 to 19, counted as `ipvlab run` counts them with the 3 setup scripts first, or a step's name: /);
});

test("traceVerdict: a failure is told by its last drop, a success by its last delivery", () => {
  const step = (func: string, what: string, why?: string) => ({ time: 1, host: "h", netns: "ns1", dev: "eth0", func, what, ...(why ? { why } : {}) });
  const base = { host: "h", command: "ping x", after: "setup", stdout: "", stderr: "", start: 0 };
  assert.equal(
    traceVerdict({ ...base, exitCode: 1, steps: [step("ip_local_deliver", "a > b"), step("fib_validate_source", "drop a > b", "rp_filter=1")] }),
    "`ping x` on h fails (exit 1): at h/ns1 eth0, fib_validate_source drop a > b (rp_filter=1).",
  );
  assert.equal(traceVerdict({ ...base, exitCode: 0, steps: [step("ip_local_deliver", "b > a")] }), "`ping x` on h succeeds: at h/ns1 eth0, ip_local_deliver b > a.");
  assert.equal(traceVerdict({ ...base, exitCode: 2, steps: [] }), "`ping x` on h fails (exit 2), and no packet moved.");
});

test("matrix: every failed cell carries the reason its ping's trace gives; --markdown is the note's checklist", async () => {
  const j = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const ms = JSON.parse(j.stdout) as MatrixResult[];
  assert.deepEqual(ms.map((m) => m.name), ["before host routes", "after host routes"]);
  const cell = ms[0]!.cells.find((c) => c.from === "vm01:ens34" && c.to === "vm02/ns01:ipvlan1")!;
  assert.equal(cell.ok, false);
  assert.match(cell.reason ?? "", /asks "who-has 172\.16\.91\.101 tell 172\.16\.91\.10" and no reply comes; at vm02\/ns01 ipvlan1, arp_rcv drop ARP .*\(device is NOARP\)$/);
  assert.ok(ms.every((m) => m.cells.every((c) => c.ok || c.reason)), "no failed cell without a reason");
  const md = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--markdown"]);
  assert.match(md.stdout, /^### before host routes$/m);
  assert.match(md.stdout, /^- \[ \] vm01:ens34 <--> vm02\/ns01:ipvlan1 — vm01's ens34 asks/m);
  assert.match(md.stdout, /^- \[x\] vm02\/ns01:ipvlan1 <--> vm02\/ns02:ipvlan2$/m);
  const both = await runCli(["matrix", example("seed-ipvlan-l3.lab.yaml"), "--markdown", "--json"]);
  assert.equal(both.code, 2);
});
