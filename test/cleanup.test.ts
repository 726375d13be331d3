import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fixture, hostNetworkState, isRoot, processesTagged, runCli, waitUntil } from "./helpers.js";

const lab = fixture("labs/two-hosts-slow.lab.yaml");

// Each engine: a full run and a run killed with SIGKILL in the middle of a step
// leave the machine's interfaces, addresses, routes and namespaces as they were,
// and no process of the run behind.
for (const engine of ["uml", "host"] as const) {
  describe(`engine ${engine} leaves nothing behind`, { skip: engine === "host" && !isRoot ? "the host engine needs root" : false }, () => {
    test("after a complete run", async () => {
      const before = hostNetworkState();
      const tag = `cleanup-${engine}-${process.pid}-full`;
      const pcaps = mkdtempSync(join(tmpdir(), "ipvlab-test-pcap-"));
      const r = await runCli(["run", lab, "--engine", engine, "--json", "--pcap", pcaps], { env: { IPVLAB_RUN: tag } });
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { steps: { name: string; met?: boolean; captures?: Record<string, string[]> }[] };
      assert.ok(result.steps.every((s) => s.met !== false), "every check met");
      const ping = result.steps.find((s) => s.name === "a reaches b")!;
      const lines = ping.captures!["b:eth0"]!;
      assert.ok(lines.some((l) => l.includes("ICMP echo request")), "the capture saw the ping");
      // --pcap: the same frames, readable by tcpdump itself.
      const [pcap] = readdirSync(join(pcaps, "two-hosts-slow"));
      const replay = execFileSync("tcpdump", ["-n", "-e", "-r", join(pcaps, "two-hosts-slow", pcap!)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      assert.deepEqual(replay.trim().split("\n"), lines);
      rmSync(pcaps, { recursive: true });
      assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 5000), `left behind: ${processesTagged(tag).join(" ")}`);
      assert.equal(hostNetworkState(), before);
    });

    test("after ipvlab is killed with SIGKILL mid-step", async () => {
      const before = hostNetworkState();
      const tag = `cleanup-${engine}-${process.pid}-kill`;
      let seenAlive = 0;
      const r = await runCli(["run", lab, "--engine", engine], {
        env: { IPVLAB_RUN: tag },
        killWhen: (stderr) => {
          if (!stderr.includes("a long step")) return false;
          seenAlive = processesTagged(tag).length;
          return true;
        },
      });
      assert.equal(r.code, null, "ipvlab was killed");
      assert.ok(seenAlive > 0, "the run had processes when it was killed");
      assert.ok(await waitUntil(() => processesTagged(tag).length === 0, 10000), `left behind: ${processesTagged(tag).join(" ")}`);
      assert.equal(hostNetworkState(), before);
    });
  });
}
