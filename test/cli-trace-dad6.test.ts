// trace's IPv6 verdicts when duplicate address detection took an address
// away: the source or the target is dadfailed or still tentative, said in
// one sentence with the device and the other holder the lab shows.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "ipvlab-dad6-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const lab = join(dir, "dup6.lab.yaml");
// b holds 2001:db8::1; a adds it too and fails DAD; then b gives it up, and a adds 2001:db8::7 (tentative for a second).
writeFileSync(
  lab,
  `name: dup6
networks:
  lan: {}
hosts:
  a:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0a:01" } }
    run: |
      sysctl -qw net.ipv6.conf.eth0.router_solicitations=0
      ip link set eth0 up
  b:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0b:01" } }
    run: |
      sysctl -qw net.ipv6.conf.eth0.router_solicitations=0
      ip -6 addr add 2001:db8::1/64 dev eth0
      ip link set eth0 up
  c:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0c:01" } }
    run: |
      sysctl -qw net.ipv6.conf.eth0.router_solicitations=0
      ip -6 addr add 2001:db8::c/64 dev eth0
      ip link set eth0 up
steps:
  - on: a
    run: sleep 4
  - name: a takes b's address
    on: a
    run: ip -6 addr add 2001:db8::1/64 dev eth0; sleep 3
  - name: b gives it up
    on: b
    run: ip -6 addr del 2001:db8::1/64 dev eth0
  - name: a adds another
    on: a
    run: ip -6 addr add 2001:db8::7/64 dev eth0
`,
);

const verdict = async (...args: string[]): Promise<{ code: number | null; verdict: string }> => {
  const r = await runCli(["trace", lab, ...args]);
  return { code: r.code, verdict: /^verdict: (.*)$/m.exec(r.stdout)?.[1] ?? `no verdict in:\n${r.stdout}${r.stderr}` };
};

const FAILED = "duplicate address detection failed on it (dadfailed)";

test("a dadfailed source: ping -I refuses to bind it, and the verdict names the device and the other holder", async () => {
  const r = await verdict("--on", "a", "--run", "ping -c 1 -W 1 -I 2001:db8::1 2001:db8::c", "--after", "2");
  assert.equal(r.code, 2);
  assert.equal(r.verdict, `\`ping -c 1 -W 1 -I 2001:db8::1 2001:db8::c\` on a fails (exit 2): no packet leaves (ping: bind icmp socket: Cannot assign requested address): a's eth0 holds 2001:db8::1 but ${FAILED}: b's eth0 holds it too, so it is never used or answered for.`);
});

test("without -I the kernel falls back to the link-local, and the verdict says why", async () => {
  const r = await verdict("--from", "a", "--to", "2001:db8::c", "--after", "2");
  assert.equal(r.code, 0);
  assert.match(r.verdict, /succeeds: .*; the kernel chose the link-local fe80::ff:fe00:a01 as its source: a's eth0 holds 2001:db8::1 but duplicate address detection failed on it \(dadfailed\): b's eth0 holds it too/);
});

test("a dadfailed target: another holder answers, or with none the solicitation goes unanswered", async () => {
  const held = await verdict("--from", "c", "--to", "2001:db8::1", "--after", "2");
  assert.equal(held.code, 0);
  assert.match(held.verdict, /: the echo request is delivered to b's eth0 and the reply comes back; a's eth0 holds 2001:db8::1 but duplicate address detection failed on it \(dadfailed\): b's eth0 holds it too/);
  const alone = await verdict("--from", "c", "--to", "2001:db8::1", "--after", "3");
  assert.equal(alone.code, 1);
  assert.match(alone.verdict, /: c's eth0 solicits 2001:db8::1, and no advertisement comes: a's eth0 holds 2001:db8::1 but duplicate address detection failed on it \(dadfailed\), though no other device in the lab holds it, so it is never used or answered for\.$/);
});

test("a tentative source or target: not used or answered for yet", async () => {
  const own = await verdict("--on", "a", "--run", "ping -c 1 -W 1 -I 2001:db8::7 2001:db8::c", "--after", "4");
  assert.equal(own.code, 2);
  assert.match(own.verdict, /no packet leaves \(ping: bind icmp socket: Cannot assign requested address\): a's eth0 holds 2001:db8::7 but it is still tentative \(duplicate address detection has not ended\), so it is not used or answered for yet\.$/);
  const far = await verdict("--from", "c", "--to", "2001:db8::7", "--after", "4");
  assert.equal(far.code, 1);
  assert.match(far.verdict, /c's eth0 solicits 2001:db8::7, and no advertisement comes: a's eth0 holds 2001:db8::7 but it is still tentative/);
});
