import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { Sim } from "../src/kernel/index.js";
import { parseScriptLab } from "../src/lab/parse.js";

// A lab is untrusted text: each of these once hung or crashed ipvlab. Each
// must now end within its limit, as an error that names the limit, and the
// run must go on to its summary. Small limits keep them fast.

async function runScriptLab(script: string): Promise<LabResult> {
  const { lab } = parseScriptLab("r.sh", script);
  return (await runLabInSim(lab)).result;
}

const setupOf = (r: LabResult) => r.steps[0] as CommandResult;

describe("limits: one-line labs that used to hang or crash the simulator", () => {
  test("ping -c 70000 -i 0 counts every reply once: a sequence number that wrapped is not a duplicate", async () => {
    const s = setupOf(await runScriptLab("ping -c 70000 -i 0 -q 127.0.0.1\n"));
    assert.match(s.stdout, /^70000 packets transmitted, 70000 received, 0% packet loss/m);
  });
});

describe("limits: the kernel's poll", () => {
  test("is called between events, never with one taken off the queue", () => {
    const sim = new Sim();
    let ran = 0;
    for (let i = 0; i < 10000; i++) sim.queue.schedule(i, () => ran++);
    let polls = 0;
    sim.poll = () => {
      if (++polls === 2) throw new Error("stop");
    };
    assert.throws(() => sim.run(), /stop/);
    assert.equal(ran + sim.queue.size, 10000, "no event lost");
    sim.poll = null;
    sim.run();
    assert.equal(ran, 10000);
  });
});
