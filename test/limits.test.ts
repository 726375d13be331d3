import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DEFAULT_LIMITS, parseSize, setLimits, type Limits } from "../src/engines/limits.js";
import { collectLab } from "../src/engines/real/results.js";
import type { CommandResult, LabResult } from "../src/engines/result.js";
import { runLabInSim } from "../src/engines/sim/run.js";
import { UmlEngine } from "../src/engines/uml.js";
import { Sim } from "../src/kernel/index.js";
import { LabError } from "../src/lab/errors.js";
import { parseScriptLab, parseYamlLab } from "../src/lab/parse.js";
import { runCli } from "./helpers.js";

// A lab is untrusted text: each of these once hung or crashed ipvlab. Each
// must now end within its limit, as an error that names the limit, and the
// run must go on to its summary. Small limits keep them fast.

const work = mkdtempSync(join(tmpdir(), "ipvlab-limits-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A clock that moves 1 ms each time it is read: a wall limit reached in a known number of checks. */
function fakeClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

/** With a wall limit, on the fake clock; otherwise on the real one, with the default limit. */
async function runScriptLab(script: string, limits: Partial<Limits> = {}): Promise<LabResult> {
  const { lab } = parseScriptLab("r.sh", script);
  return (await runLabInSim(lab, { limits, ...(limits.wall === undefined ? {} : { probes: { now: fakeClock() } }) })).result;
}

const setupOf = (r: LabResult) => r.steps[0] as CommandResult;

/** The step ended as an error at line 1, its last failure the named limit. */
function assertLimit(r: LabResult, flag: RegExp): CommandResult {
  const s = setupOf(r);
  assert.equal(s.state, "error", `${s.command}: ${s.stderr.slice(-300)}`);
  const f = s.failures.at(-1)!;
  assert.equal(f.kind, "limit");
  assert.equal(f.line, 1);
  assert.match(f.message, flag);
  assert.match(s.stderr, /ipvlab: stopped/, "said on stderr too");
  assert.equal(r.steps.length, 2, "the run goes on: the lab's matrix is still taken");
  return s;
}

describe("limits: one-line labs that used to hang or crash the simulator", () => {
  test("while true; do :; done: stopped by the wall clock, which the shell checks between commands", async () => {
    assertLimit(await runScriptLab("while true; do :; done\n", { wall: 0.2 }), /stopped after 0\.2 s of real time \(--max-wall 0\.2\)/);
  });

  test("a loop that makes namespaces without end: stopped at the memory limit, which the shell checks with the clock", async () => {
    const { lab } = parseScriptLab("r.sh", "i=0; while :; do ip netns add n$i; i=$((i+1)); done\n");
    let looks = 0;
    const heapUsed = () => ++looks * (1 << 20);
    const r = (await runLabInSim(lab, { limits: { memory: 64 << 20 }, probes: { heapUsed } })).result;
    assertLimit(r, /the simulator's memory passed 64 MiB \(--max-memory 64M\)/);
    assert.equal(looks, 65);
  });

  test("while :; do echo x; done: stopped at the output limit, its first bytes kept", async () => {
    const s = assertLimit(await runScriptLab("while :; do echo x; done\n", { output: 1000 }), /stdout passed 1000 bytes \(--max-output 1000\)/);
    assert.equal(s.stdout, "x\n".repeat(500));
  });

  test("f(){ f; }; f: stopped at the function nesting limit", async () => {
    assertLimit(await runScriptLab("f(){ f; }; f\n", { depth: 50 }), /function calls nested 50 deep at `f` \(--max-depth 50\)/);
  });

  test("f(){ f | f; }; f: the limit ends every subshell of the pipeline, not just the one that reached it", async () => {
    assertLimit(await runScriptLab("f(){ f | f; }; f\n", { depth: 20 }), /nested 20 deep at `f`/);
  });

  test("for i in $(seq 1 150000): runs to the end, as in bash", async () => {
    const r = await runScriptLab('set -- $(seq 1 150000); echo $#; for i in "$@"; do :; done; echo $i\n');
    assert.equal(setupOf(r).state, "met");
    assert.equal(setupOf(r).stdout, "150000\n150000\n");
  });

  test("s=a; while :; do s=$s$s; done: stopped at the string limit", async () => {
    assertLimit(await runScriptLab("s=a; while :; do s=$s$s; done\n", { string: 1 << 16 }), /would pass 64 KiB \(--max-string 64K\)/);
  });

  test("seq 1 100000000 | wc -l: seq stops at the string limit before it makes its output", async () => {
    assertLimit(await runScriptLab("seq 1 100000000 | wc -l\n", { string: 1 << 20 }), /`seq`'s output would pass 1 MiB \(--max-string 1M\)/);
  });

  test('x=$(printf "%*s" 50000000 x): printf refuses the width before it pads', async () => {
    assertLimit(await runScriptLab('x=$(printf "%*s" 50000000 x)\n', { string: 1 << 20 }), /`printf`'s output would pass 1 MiB/);
  });

  test("a pipe's contents and awk's strings are held to the string limit too", async () => {
    assertLimit(await runScriptLab("while :; do echo xxxxxxxx; done | wc -l\n", { string: 4096 }), /a pipe's contents would pass 4 KiB/);
    assertLimit(await runScriptLab("awk 'BEGIN { s = \"x\"; while (1) s = s s }'\n", { string: 4096 }), /a string in `awk` would pass 4 KiB/);
  });

  test("a script run by the script (bash -c) is held to the same limits, and the limit ends the step", async () => {
    const r = await runScriptLab("bash -c 'while :; do :; done'\necho never\n", { wall: 0.2 });
    assert.equal(assertLimit(r, /--max-wall 0\.2/).stdout, "");
  });

  test("nesting deeper than the parser's stack is a limit, not a crash", async () => {
    assertLimit(await runScriptLab(`${Array(20000).fill("true").join(" && ")}\n`), /nested deeper than the simulator can parse/);
    assertLimit(await runScriptLab(`echo $((${"(".repeat(3000)}1${")".repeat(3000)}))\n`), /nested deeper than the simulator can parse/);
    assert.equal(setupOf(await runScriptLab("echo still parses\n")).stdout, "still parses\n", "the parser is whole after its stack ran out");
  });

  test("a loop of failing commands keeps the first hundred, not one record per turn", async () => {
    const s = setupOf(await runScriptLab("while :; do false; done\n", { wall: 0.5 }));
    assert.equal(s.failures.length, 101);
    assert.equal(s.failures.at(-1)!.kind, "limit");
    assert.match(s.stderr, /ipvlab: \d+ more failing commands not listed/);
  });

  test("a long run of the virtual clock is stopped too: the kernel polls the wall clock between events", async () => {
    const { lab } = parseScriptLab("r.sh", "ping -c 1000000 -i 0 -q 127.0.0.1\n");
    const r = (await runLabInSim(lab, { limits: { wall: 0.1 }, probes: { now: fakeClock() } })).result;
    assert.match(setupOf(r).failures.at(-1)!.message, /--max-wall 0\.1/);
  });

  test("ping -c 70000 -i 0 counts every reply once: a sequence number that wrapped is not a duplicate", async () => {
    const s = setupOf(await runScriptLab("ping -c 70000 -i 0 -q 127.0.0.1\n"));
    assert.match(s.stdout, /^70000 packets transmitted, 70000 received, 0% packet loss/m);
  });

  test("a step's captures keep their head only", async () => {
    const { lab } = parseYamlLab(
      "c.lab.yaml",
      "name: c\nhosts:\n  a:\n    run: ip link set lo up\nsteps:\n  - on: a\n    run: ping -c 200 -i 0.01 -q 127.0.0.1\n    capture: [a:lo]\n",
    );
    const r = (await runLabInSim(lab, { limits: { output: 2000 } })).result;
    const s = r.steps[1] as CommandResult;
    assert.equal(s.state, "error");
    assert.ok(s.captures["a:lo"]!.join("\n").length <= 2000);
    assert.match(s.failures.at(-1)!.message, /the capture on a:lo passed 2000 bytes \(--max-output 2000\)/);
  });
});

describe("limits: a lab file nested without end", () => {
  for (const [shape, text] of [
    ["flow", `name: deep\nx: ${"[".repeat(1500)}${"]".repeat(1500)}\n`],
    ["block", `name: deep\nx:\n${Array.from({ length: 1500 }, (_, i) => `${"  ".repeat(i + 1)}k:\n`).join("")}`],
  ] as const) {
    test(`${shape} nesting 1,500 deep is a file:line error, not a stack overflow`, () => {
      try {
        parseYamlLab("deep.lab.yaml", text);
        assert.fail("accepted");
      } catch (e) {
        assert.ok(e instanceof LabError, String(e));
        const d = e.diagnostics[0]!;
        assert.equal(d.pos.line, shape === "flow" ? 2 : 66);
        assert.match(d.message, /nested more than 64 deep/);
      }
    });
  }
});

describe("limits: the real engines read the head of a step's output", () => {
  const lab = parseYamlLab("y.lab.yaml", "name: y\nhosts:\n  a:\n    run: \"true\"\nsteps:\n  - name: yes\n    on: a\n    run: yes\n    expect: ok\n    timeout: 3\n").lab;

  test("stdout past the output limit is cut, said on stderr, and the step is an error", () => {
    const dir = join(work, "real");
    for (const [i, rc] of [[0, "0"], [1, "137"]] as const) {
      mkdirSync(join(dir, String(i)), { recursive: true });
      writeFileSync(join(dir, String(i), "rc"), rc);
    }
    writeFileSync(join(dir, "1", "stdout"), "y\n".repeat(3 << 20));
    writeFileSync(join(dir, "1", "killed"), "");
    const s = collectLab(lab, dir, "uml", undefined, { ...DEFAULT_LIMITS, output: 1 << 20 }).steps[1] as CommandResult;
    assert.equal(s.stdout.length, 1 << 20);
    assert.equal(s.state, "error");
    const cut = s.failures.find((f) => f.kind === "limit")!;
    assert.match(cut.message, /stdout passed 1 MiB \(--max-output 1M\); the first 1 MiB is kept \(it wrote 6 MiB\)/);
    assert.match(s.stderr, /^ipvlab: stopped: stdout passed 1 MiB/m);
  });

  test("on uml: a step that prints 3 MB keeps its first 100 KiB", async () => {
    const big = parseYamlLab("y.lab.yaml", "name: y\nhosts:\n  a:\n    run: \"true\"\nsteps:\n  - name: yes\n    on: a\n    run: yes | head -c 3000000\n    expect: ok\n").lab;
    setLimits({ output: 100 << 10 });
    try {
      const [r] = await new UmlEngine().runMany([big]);
      const s = r!.steps[1] as CommandResult;
      assert.equal(s.stdout.length, 100 << 10);
      assert.equal(s.state, "error");
      assert.match(s.failures.at(-1)!.message, /stdout passed 100 KiB \(--max-output 100K\)/);
    } finally {
      setLimits({});
    }
  });
});

describe("limits: the command line", () => {
  test("sizes are read as dd reads them", () => {
    assert.deepEqual(["4096", "64K", "1M", "1.5m", "2G", "1MiB", "0", "x", "-1"].map(parseSize), [4096, 65536, 1048576, 1572864, 2147483648, 1048576, null, null, null]);
  });

  test("ipvlab run: a step stopped by --max-wall is an error, the run reaches its summary and exits 1", async () => {
    const file = join(work, "loop.sh");
    writeFileSync(file, "ip link add d0 type dummy\nwhile true; do :; done\n");
    const r = await runCli(["run", file, "--max-wall", "0.3", "-q"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /loop\.sh:2:1: error: `while true; do :; done`: stopped after 0\.3 s of real time \(--max-wall 0\.3\)/);
    assert.match(r.stdout, /^loop: no checks, 1 step that could not run, 1 matrix$/m);
  });

  test("every command that runs a lab documents its limits in --help", async () => {
    for (const cmd of ["run", "trace", "matrix", "diagram", "report", "verify"]) {
      const r = await runCli([cmd, "--help"]);
      for (const flag of ["--max-wall", "--max-memory", "--max-output", "--max-string", "--max-depth"]) assert.match(r.stdout, new RegExp(flag), `${cmd} ${flag}`);
    }
    assert.match((await runCli(["record", "--help"])).stdout, /--max-output/);
  });

  test("a bad limit is refused by the flag's parser", async () => {
    const r = await runCli(["run", "x.sh", "--max-output", "lots"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--max-output <size>' argument 'lots' is invalid/);
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
