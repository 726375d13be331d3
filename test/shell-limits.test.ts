import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ShellHost } from "../src/shell/interp/host.js";
import { LimitExceeded, UNLIMITED, type ShellLimits } from "../src/shell/interp/limits.js";
import { MAX_FAILURES, runScript, type ScriptResult } from "../src/shell/run.js";

// The shell's own limits, with no engine around it: each stops the whole
// script at once, keeps what it printed, and is reported as a `limit`
// failure at the line that reached it.

const host: ShellHost = { exec: () => null, sleep: () => {} };

function limited(l: Partial<ShellLimits>): ShellLimits {
  return { ...UNLIMITED, ...l };
}

async function run(script: string, l: Partial<ShellLimits> = {}): Promise<ScriptResult> {
  return runScript(script, host, { file: "lab.sh", limits: limited(l) });
}

function assertStopped(r: ScriptResult, limit: LimitExceeded["limit"], line: number, message: RegExp): void {
  assert.equal(r.limit?.limit, limit, `${message}: ${r.stderr.slice(-200)}`);
  const f = r.failures.at(-1)!;
  assert.deepEqual([f.kind, f.line], ["limit", line]);
  assert.match(f.said, message);
}

describe("shell limits", () => {
  test("tick is called between commands: a busy loop ends when it throws", async () => {
    let ticks = 0;
    const tick = () => {
      if (++ticks > 100) throw new LimitExceeded("wall", "the step");
    };
    const r = await run("echo start\nwhile true; do :; done\necho never\n", { tick });
    assertStopped(r, "wall", 2, /the step's time ran out/);
    assert.equal(r.stdout, "start\n");
  });

  test("function nesting: bash's FUNCNEST message, the whole script stops, subshells included", async () => {
    assertStopped(await run("f() { f; }\nf\necho never\n", { depth: 10 }), "depth", 1, /^`f`: maximum function nesting level exceeded$/);
    const r = await run("f() { f | f; }\nf\n", { depth: 10 });
    assertStopped(r, "depth", 1, /`f`/);
  });

  test("output: the first bytes are kept, then the script stops", async () => {
    const r = await run("while :; do echo abc; done\n", { output: 10 });
    assertStopped(r, "output", 1, /^stdout passed the output limit$/);
    assert.equal(r.stdout, "abc\nabc\nab");
  });

  test("strings: a variable, a pipe, a substitution, seq, printf, awk", async () => {
    const cases: Array<[string, RegExp]> = [
      ["s=aaaaaaaaaaaaaaa; s=$s$s$s", /^a word would pass/],
      ["s=aaaaaaaaaaaaaaaaaaaaa; s+=$s", /^the variable s would pass/],
      ["seq 1 100 | cat", /^`seq`'s output would pass/],
      ["x=$(echo aaaaaaaaaaaa aaaaaaaaaaaa aaaaaaaaaaaa aaaa)", /^a command substitution's output would pass/],
      ["echo aaaaaaaaaaaa aaaaaaaaaaaa aaaaaaaaaaaa aaaa | cat", /^a pipe's contents would pass/],
      ['printf "%*s" 100 x', /^`printf`'s output would pass/],
      ["awk 'BEGIN { printf \"%100s\", 1 }'", /^`awk`'s output would pass/],
      ["awk 'BEGIN { $50 = 1 }'", /^a record in `awk` would pass/],
    ];
    for (const [script, said] of cases) assertStopped(await run(`${script}\n`, { string: 40 }), "string", 1, said);
  });

  test("a loop of failing commands keeps the first ones and counts the rest", async () => {
    let ticks = 0;
    const tick = () => {
      if (++ticks > 1000) throw new LimitExceeded("wall", "the step");
    };
    const r = await run("while :; do false; done\n", { tick });
    assert.equal(r.failures.filter((f) => f.kind === "exit").length, MAX_FAILURES);
    assert.match(r.stderr, /ipvlab: 399 more failing commands not listed\n$/);
  });

  test("a V8 range error (a stack or a string it cannot hold) is a limit, not a crash", async () => {
    const deep = `${Array(20000).fill("true").join(" && ")}\n`;
    assertStopped(await run(deep), "nesting", 1, /nested deeper than the simulator can parse/);
    const r = await run("echo still parses\n");
    assert.equal(r.stdout, "still parses\n");
  });

  test("a word that expands to more fields than a call can spread, and a power bash wraps", async () => {
    const r = await run('set -- $(seq 1 150000); echo $# "${150000}"; echo $((3**1000000001)) $((2**64))\n');
    assert.equal(r.stdout, "150000 150000\n9198708326947985411 0\n");
  });
});
