import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExecContext, ShellHost } from "../src/shell/interp/host.js";
import { parseScript } from "../src/shell/parse/parse.js";
import { runScript } from "../src/shell/run.js";
import { ShellScriptError } from "../src/shell/errors.js";

/** A fake runner: `ip` prints two links, `ping` takes virtual time, everything else is unknown. */
function fakeHost() {
  const calls: Array<{ argv: string[]; ctx: ExecContext }> = [];
  const sleeps: number[] = [];
  const writes: Array<[string, string]> = [];
  const sysctl = new Map([["net/ipv4/ip_forward", "0\n"]]);
  const host: ShellHost = {
    async exec(argv, ctx) {
      calls.push({ argv, ctx });
      if (argv[0] === "ip") return { exitCode: 0, stdout: "1: lo: <LOOPBACK,UP>\n2: eth0: <BROADCAST,UP>\n", stderr: "" };
      if (argv[0] === "ping") {
        await Promise.resolve();
        return argv.includes("10.0.0.1") ? { exitCode: 0, stdout: "1 received\n", stderr: "" } : { exitCode: 1, stdout: "0 received\n", stderr: "" };
      }
      return null;
    },
    sleep: (s) => void sleeps.push(s),
    procSys: {
      read: (p) => (sysctl.has(p) ? { ok: true, content: sysctl.get(p)! } : { ok: false, error: "No such file or directory" }),
      write: (p, d) => {
        writes.push([p, d]);
        if (!sysctl.has(p)) return { ok: false, error: "No such file or directory" };
        sysctl.set(p, d);
        return { ok: true };
      },
    },
  };
  return { host, calls, sleeps, writes };
}

async function run(script: string) {
  const f = fakeHost();
  const r = await runScript(script, f.host, { file: "lab.sh" });
  return { ...r, ...f };
}

test("lists, negation and exit statuses", async () => {
  const r = await run("true && echo a; false && echo b; false || echo c; ! false && echo d; false; echo $?");
  assert.equal(r.stdout, "a\nc\nd\n1\n");
  assert.equal(r.exitCode, 0);
});

test("variables, quoting and parameter expansion", async () => {
  const r = await run(`X=hi; Y="$X there"; echo "$Y" '$Y' \${X} \${Z:-def} \${Z-u} \${X:+set} \${#X}; A=a.b.c; echo \${A%.*} \${A##*.}\nZ=; echo "[\${Z:-empty}]" "[\${Z-unset}]"`);
  assert.equal(r.stdout, "hi there $Y hi def u set 2\na.b c\n[empty] []\n");
});

test("word splitting happens for unquoted expansions only", async () => {
  const r = await run('X="a  b"; for w in $X; do echo "<$w>"; done; for w in "$X"; do echo "<$w>"; done');
  assert.equal(r.stdout, "<a>\n<b>\n<a  b>\n");
});

test("VAR=x cmd sets the variable for that command's environment only", async () => {
  const r = await run("export E=1; V=2 ip link; echo \"[$V]\"");
  assert.deepEqual(r.calls[0]!.ctx.env, { E: "1", V: "2" });
  assert.equal(r.stdout.trim().split("\n").pop(), "[]");
});

test("loops with break and continue, if/elif/else, until", async () => {
  const r = await run(`for i in 1 2 3 4; do
  if [ $i -eq 2 ]; then continue; elif [ $i = 4 ]; then break; else echo $i; fi
done
n=0; while true; do n=$((n + 1)); [ $n -ge 3 ] && break; done; echo n=$n
until [ $n -le 0 ]; do n=$((n-1)); done; echo $n`);
  assert.equal(r.stdout, "1\n3\nn=3\n0\n");
});

test("[[ ]] and test: strings, numbers, -z -n -e", async () => {
  const r = await run(`[[ -z "" && -n x ]] && echo 1
[[ abc == a* ]] && echo 2
[[ 10 -gt 9 ]] && echo 3
[ -e /proc/sys/net/ipv4/ip_forward ] && echo 4
[ -e /proc/sys/nope ] || echo 5
test 2 -lt 1 || echo 6
[ a = a -a b != c ] && echo 7
[[ -z x && y || -n z ]] && echo 8
[ x -eq 1 ]; echo $?`);
  assert.equal(r.stdout, "1\n2\n3\n4\n5\n6\n7\n8\n2\n");
  assert.match(r.stderr, /^lab\.sh: line 9: \[: x: integer expression expected$/m);
});

test("command substitution, backticks, functions with locals and return", async () => {
  const r = await run(`f() { local v="$1"; echo "f($v,$#)"; return 3; }
out=$(f a b); echo "$out" $?
echo \`echo back\`
v=outer; g() { local v=inner; }; g; echo $v`);
  assert.equal(r.stdout, "f(a,2) 3\nback\nouter\n");
});

test("pipelines into grep, head, tail, wc, cut, sort, tr, awk", async () => {
  const r = await run(`ip link | grep -c UP
ip link | grep -q eth0 && echo has-eth0
ip link | grep -v lo | awk '{print $2}' | tr -d :
ip link | wc -l
ip link | head -n 1 | cut -d: -f2
ip link | tail -1 | grep -o 'e[a-z]*[0-9]'
printf 'b\\na\\nc\\n' | sort | tr a-z A-Z
echo "a b c" | awk '{print $NF, $1}'
ip link | grep -E -w 'lo|eth0' | grep -ic LOOP`);
  assert.equal(r.stdout, "2\nhas-eth0\neth0\n2\n lo\neth0\nA\nB\nC\nc a\n1\n");
});

test("printf and echo forms", async () => {
  const r = await run(`printf '%s-%d|%5s|%-3s|%x\\n' a 42 r l 255; printf '%s\\n' x y; echo -n no; echo -e 'a\\tb'`);
  assert.equal(r.stdout, "a-42|    r|l  |ff\nx\ny\nnoa\tb\n");
});

test("/proc/sys: echo > writes through the host, cat reads", async () => {
  const r = await run("echo 1 > /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/nope; echo $?");
  assert.deepEqual(r.writes, [["net/ipv4/ip_forward", "1\n"], ["nope", "1\n"]]);
  assert.equal(r.stdout, "1\n1\n");
  assert.equal(r.stderr, "lab.sh: line 1: /proc/sys/nope: No such file or directory\n");
});

test("redirections: /dev/null and 2>&1", async () => {
  const r = await run("nosuch 2>/dev/null; echo $?; nosuch 2>&1 | grep -c 'not found'; nosuch >/dev/null 2>&1; echo done");
  assert.equal(r.stdout, "127\n1\ndone\n");
  assert.equal(r.stderr, "");
});

test("sleep goes to the host's virtual clock; ping results drive conditions", async () => {
  const r = await run("sleep 1.5; sleep 1m; if ping -c 1 10.0.0.1 >/dev/null; then echo up; fi; ping -c1 10.0.0.9 || echo down");
  assert.deepEqual(r.sleeps, [1.5, 60]);
  assert.equal(r.stdout, "up\n0 received\ndown\n");
});

test("unknown commands: bash's message and 127; exit ends the script", async () => {
  const r = await run("foo bar\necho $?\nexit 3\necho never");
  assert.equal(r.stderr, "lab.sh: line 1: foo: command not found\n");
  assert.equal(r.stdout, "127\n");
  assert.equal(r.exitCode, 3);
});

test("set -e stops at the first failing simple command, not in conditions", async () => {
  const r = await run("set -e\nif false; then :; fi\nfalse || true\nfalse\necho never");
  assert.equal(r.stdout, "");
  assert.equal(r.exitCode, 1);
});

test("comments and line continuations", async () => {
  const r = await run("# a comment\nip link \\\n  show dev eth0 # trailing\n");
  assert.deepEqual(r.calls[0]!.argv, ["ip", "link", "show", "dev", "eth0"]);
});

test("$(( )) arithmetic basics", async () => {
  const r = await run("a=7; echo $((a * 2 + 1)) $(( (a - 1) / 4 )) $((a % 4)) $((a > 3 && 1)) $((-a))");
  assert.equal(r.stdout, "15 1 3 1 -7\n");
});

for (const [name, script, what] of [
  ["coprocesses", "coproc cat\n", "`coproc`"],
  ["process substitution", "diff <(ls) <(ls)\n", "process substitution"],
  ["select", "select x in a; do :; done\n", "`select`"],
] as const) {
  test(`${name} are rejected before anything runs, with file:line and the real engines named`, async () => {
    assert.throws(
      () => parseScript(script, "lab.sh"),
      (e: unknown) => e instanceof ShellScriptError && e.kind === "unsupported" && e.message.includes(what) && /--engine uml/.test(e.message) && e.file === "lab.sh",
    );
    const r = await run(script);
    assert.equal(r.exitCode, 2);
    assert.equal(r.calls.length, 0);
    assert.ok(r.unsupported);
  });
}

test("a syntax error is reported with its line, exit 2", async () => {
  const r = await run("echo ok\nif then\n");
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /^lab\.sh: line 2: syntax error: /);
  assert.equal(r.unsupported, null);
});

test("writing to a regular file stops the script as unsupported, naming the line", async () => {
  const r = await run("echo a\necho b > /tmp/x\necho c");
  assert.equal(r.stdout, "a\n");
  assert.equal(r.exitCode, 2);
  assert.equal(r.unsupported?.line, 2);
});

test("read from a pipeline, line by line", async () => {
  const r = await run("ip link | while read n name rest; do echo \"$name\"; done");
  assert.equal(r.stdout, "lo:\neth0:\n");
});

test("seq counts as coreutils does, and refuses what it cannot count", async () => {
  const r = await run(`for i in $(seq 3); do echo -n "$i "; done; echo; seq 5 -2 1 | tr '\\n' ' '; echo; seq 2 3; seq 1.5 || echo "status $?"`);
  assert.equal(r.stdout, "1 2 3 \n5 3 1 \n2\n3\nstatus 1\n");
  assert.equal(r.stderr, "seq: invalid floating point argument: '1.5'\nTry 'seq --help' for more information.\n");
});
