import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runExtraCommand, runLabInSim } from "../src/engines/sim/run.js";
import type { World } from "../src/engines/sim/world.js";
import { parseYamlLab } from "../src/lab/load.js";

// Background jobs of a step's script on the lab's virtual clock: what they
// print, when, and how long the step takes in virtual time.

const LAB = `name: jobs
networks:
  lan: {}
hosts:
  a:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0a:01" } }
    run: |
      ip addr add 10.0.0.1/24 dev eth0
      ip link set eth0 up
  b:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:0b:01" } }
    run: |
      ip addr add 10.0.0.2/24 dev eth0
      ip link set eth0 up
steps: []
`;

async function world(): Promise<World> {
  const { lab } = parseYamlLab("jobs.lab.yaml", LAB);
  return (await runLabInSim(lab)).world;
}

/** Runs a script on host a; the virtual milliseconds it took. */
async function timed(w: World, script: string, timeout = 30) {
  const start = w.sim.now;
  const r = await runExtraCommand(w, "a", script, timeout);
  return { ...r, ms: w.sim.now - start };
}

describe("background jobs on the lab's clock", () => {
  test("two ping -c 3 -i 1 started together end together, after 2 s of virtual time, not 4", async () => {
    const w = await world();
    const r = await timed(w, "ping -c 3 -i 1 10.0.0.2 > /tmp/p1 &\nping -c 3 -i 1 127.0.0.1 > /tmp/p2 &\nwait\ngrep -h transmitted /tmp/p1 /tmp/p2\n");
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.split("\n").filter((l) => l.startsWith("3 packets transmitted, 3 received")).length, 2, r.stdout);
    assert.ok(r.ms >= 2000 && r.ms < 2100, `took ${r.ms} ms`);
    // One after the other they take twice as long.
    const seq = await timed(w, "ping -c 3 -i 1 10.0.0.2 > /dev/null\nping -c 3 -i 1 127.0.0.1 > /dev/null\n");
    assert.ok(seq.ms >= 4000, `took ${seq.ms} ms`);
  });

  test("a background ping's replies interleave with the foreground as they come", async () => {
    const w = await world();
    const r = await timed(w, "ping -c 3 -i 1 10.0.0.2 &\nsleep 1.5\necho middle\nwait\n");
    const lines = r.stdout.split("\n");
    const middle = lines.indexOf("middle");
    assert.ok(middle > 0, r.stdout);
    assert.match(lines[middle - 1]!, /icmp_seq=2 /);
    assert.match(lines[middle + 1]!, /icmp_seq=3 /);
  });

  test("tcpdump in the background, ping, kill $!: the packets, then the statistics on stderr", async () => {
    const w = await world();
    const r = await timed(w, "tcpdump -n -i eth0 icmp &\nsleep 1\nping -c 2 -i 0.2 10.0.0.2 > /dev/null\nsleep 1.5\nkill $!\nwait $!\necho \"status $?\"\n");
    const packets = r.stdout.split("\n").filter((l) => / IP 10\.0\.0\.[12] > 10\.0\.0\.[12]: ICMP echo (request|reply)/.test(l));
    assert.equal(packets.length, 4, r.stdout);
    assert.match(r.stdout, /\n\nstatus 0\n$/);
    assert.match(r.stderr, /listening on eth0, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes\n4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n$/);
  });

  test("tcpdump killed before its ring's block retires has read nothing", async () => {
    const w = await world();
    const r = await timed(w, "tcpdump -n -i eth0 icmp &\nsleep 0.2\nping -c 1 10.0.0.2 > /dev/null\nkill %1\nwait\n");
    assert.equal(r.stdout, "\n");
    assert.match(r.stderr, /0 packets captured\n2 packets received by filter\n/);
  });

  test("ping handles SIGINT in the background (statistics, status 0); a sleep ignores it", async () => {
    const w = await world();
    const r = await timed(w, "ping -i 1 10.0.0.2 &\nsleep 2.5\nkill -INT $!\nwait $!\necho \"ping $?\"\nsleep 1 &\nkill -INT $!\nwait $!\necho \"sleep $?\"\n");
    assert.match(r.stdout, /3 packets transmitted, 3 received, 0% packet loss/);
    assert.match(r.stdout, /ping 0\nsleep 0\n$/);
    assert.ok(r.ms >= 3500, `took ${r.ms} ms`);
  });

  test("kill -9 of a background ping: status 137, bash's notice with the job's pid and text", async () => {
    const w = await world();
    const r = await timed(w, "ping 10.0.0.2 > /dev/null &\nsleep 1\nkill -9 $!\nsleep 0.1\nwait $!\necho \"$?\"\n");
    assert.equal(r.stdout, "137\n");
    assert.match(r.stderr, /cmd\/0\.sh: line 4: +\d+ Killed {18}ping 10\.0\.0\.2 > \/dev\/null\n$/);
  });

  test("a job still running when the script ends is refused at its line", async () => {
    const w = await world();
    const r = await timed(w, "echo start\nsleep 100 &\necho end\n");
    assert.equal(r.stdout, "start\nend\n");
    assert.match(r.stderr, /line 2: a background job still running when the script ends \(`sleep 100`\) is not supported by --engine sim/);
    assert.notEqual(r.state, "met");
  });

  test("a refusal inside a job ends the script there", async () => {
    const w = await world();
    const r = await timed(w, "nc -l 1234 &\nsleep 1\necho never\n");
    assert.doesNotMatch(r.stdout, /never/);
    assert.match(r.stderr, /`nc`: --engine sim does not simulate this command/);
  });

  test("the step's timeout ends the script and its jobs", async () => {
    const w = await world();
    const r = await timed(w, "ping 10.0.0.2 > /dev/null &\nwait\n", 3);
    assert.equal(r.exitCode, 137);
    assert.ok(r.ms >= 3000 && r.ms < 3100, `took ${r.ms} ms`);
  });

  test("timeout beside a running job: its alarm signals the command only, on the same clock", async () => {
    const w = await world();
    const r = await timed(w, "sleep 5 &\ntimeout 1.5 ping -i 1 10.0.0.2\necho \"timeout $?\"\nkill %1\nwait\n");
    // SIGTERM kills ping (it handles SIGINT only): what it flushed stays, no statistics.
    assert.equal(r.stdout.split("\n").filter((l) => l.includes("bytes from")).length, 2, r.stdout);
    assert.doesNotMatch(r.stdout, /statistics/);
    assert.match(r.stdout, /timeout 124\n$/);
    assert.ok(r.ms >= 1500 && r.ms < 1600, `took ${r.ms} ms`);
  });

  test("timeout of tcpdump: SIGTERM, so it prints what it read and its statistics", async () => {
    const w = await world();
    const r = await timed(w, "ping -c 2 -i 0.2 10.0.0.2 > /dev/null &\ntimeout 2.5 tcpdump -n -t -i eth0 icmp\necho \"timeout $?\"\n");
    assert.equal(r.stdout.split("\n").filter((l) => l.startsWith("IP ")).length, 4, r.stdout);
    assert.match(r.stdout, /\n\ntimeout 124\n$/);
    assert.match(r.stderr, /4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n$/);
  });
});
