import assert from "node:assert/strict";
import { test } from "node:test";
import { parseScript } from "../src/shell/parse/parse.js";
import type { Command } from "../src/shell/parse/ast.js";
import { sysctlName } from "../src/shell/sysctl/sysctl.js";

function first(src: string): Command {
  return parseScript(src, "t.sh").stmts[0]!.cmd!;
}

/* The operator numbers in parse/ops.ts belong to the pinned mvdan-sh; a different build would fail here first. */
test("mvdan-sh operator numbers map to the operators", () => {
  for (const op of ["&&", "||", "|", "|&"] as const) {
    const c = first(`a ${op} b`);
    assert.ok(c.kind === "binary" && c.op === op, op);
  }
  const r = parseScript("a >/dev/null 2>&1 >>x <y &>z", "t.sh").stmts[0]!.redirs.map((x) => `${x.fd ?? ""}${x.op}`);
  assert.deepEqual(r, [">", "2>&", ">>", "<", "&>"]);
  const p = first("echo ${A:-x} ${B#y} ${C%%z} ${D:+w}");
  assert.ok(p.kind === "call");
  assert.deepEqual(p.args.slice(1).map((w) => (w.parts[0]!.kind === "param" ? w.parts[0]!.op : null)), [":-", "#", "%%", ":+"]);
  const t = first("[[ -z a && b == c || 1 -lt 2 ]]");
  assert.ok(t.kind === "test" && t.expr.kind === "binary" && t.expr.op === "||");
});

test("positions are the script's lines", () => {
  const s = parseScript("# c\n\nip link \\\n  show\nfalse", "t.sh");
  assert.deepEqual(s.stmts.map((x) => x.pos.line), [3, 5]);
});

test("sysctl names keep dots inside a slash-separated key", () => {
  assert.equal(sysctlName("net/ipv4/conf/eth0.100/rp_filter"), "net.ipv4.conf.eth0/100.rp_filter");
  assert.equal(sysctlName("net.ipv4.conf.eth0/100.rp_filter"), "net.ipv4.conf.eth0/100.rp_filter", "already dotted: printed as written");
});
