// What can be told about a lab's scripts without running them: a line bash
// cannot parse, an `ip` command iproute2 would reject, a command the
// simulator does not have, a ping that never ends, a namespace never made.
// `ipvlab check` and the web editor say these at their lines.

import { plannedCommand, plannedSteps } from "../planned.js";
import { RUNNERS } from "../../shell/interp/programs.js";
import { scriptLineAt } from "../../lab/script-lines.js";
import type { LabDiagnostic } from "../../lab/errors.js";
import type { Lab, SourcePos } from "../../lab/types.js";
import { NotSimulated, parseIp, parseScript, ShellScriptError } from "../../shell/index.js";
import type { Command, Stmt, Word } from "../../shell/parse/ast.js";
import { BUILTINS } from "../../shell/interp/builtins.js";
import { TOOLS as TEXT_TOOLS } from "../../shell/tools/index.js";
import { defaultTools } from "./shell-host.js";
import { cniPlugin, cniPluginName } from "../../userland/cni/plugins.js";

interface Call {
  line: number;
  /** Each word as written out, or null where it needs expanding. */
  argv: (string | null)[];
}

const written = (argv: (string | null)[]): argv is string[] => argv.every((a) => a !== null);

/** A word's text when it is written out in full (no expansion, no glob); null otherwise. */
function literal(w: Word): string | null {
  let out = "";
  for (const p of w.parts) {
    if (p.kind === "sq") out += p.value;
    else if (p.kind === "lit" && !/[\\*?[]/.test(p.value)) out += p.value;
    else if (p.kind === "dq" && p.parts.every((q) => q.kind === "lit" && !q.value.includes("\\"))) out += p.parts.map((q) => (q as { value: string }).value).join("");
    else return null;
  }
  return out;
}

/** Every simple command, in order. */
function calls(stmts: readonly Stmt[], out: Call[] = []): Call[] {
  const visit = (c: Command | null, line: number): void => {
    if (!c) return;
    switch (c.kind) {
      case "call": {
        if (c.args.length) out.push({ line, argv: c.args.map(literal) });
        return;
      }
      case "binary":
        calls([c.x, c.y], out);
        return;
      case "if":
        for (const b of c.branches) calls([...b.cond, ...b.body], out);
        calls(c.otherwise ?? [], out);
        return;
      case "while":
        calls([...c.cond, ...c.body], out);
        return;
      case "for":
      case "cfor":
      case "block":
      case "subshell":
        calls(c.kind === "for" || c.kind === "cfor" ? c.body : c.stmts, out);
        return;
      case "case":
        for (const it of c.items) calls(it.body, out);
        return;
      case "func":
        calls([c.body], out);
        return;
      default:
        return;
    }
  };
  for (const s of stmts) visit(s.cmd, s.pos.line);
  return out;
}

/** The command `ip [-n NS] netns exec NS CMD...` starts, with its namespace. */
function innerCommand(argv: string[]): { netns: string; argv: string[] } | null {
  if (argv[0] !== "ip") return null;
  const m = /^(net|netn|netns)$/.test(argv[1] ?? "") && /^(e|ex|exe|exec)$/.test(argv[2] ?? "");
  return m && argv[3] && argv.length > 4 ? { netns: argv[3], argv: argv.slice(4) } : null;
}

/** `ip netns add NAME` (any abbreviation iproute2 takes): NAME, "*" when it is expanded at run time, or null for another command. */
function netnsAdded(argv: (string | null)[]): string | null {
  if (argv[0] !== "ip" || !/^(net|netn|netns)$/.test(argv[1] ?? "") || !/^(a|ad|add)$/.test(argv[2] ?? "") || argv[3] === undefined) return null;
  return argv[3] ?? "*";
}

const unbounded = (argv: string[]) => (argv[0] === "ping" || argv[0] === "arping") && !argv.some((a) => /^-[a-zA-Z]*[cwf]/.test(a));

export function lintLab(lab: Lab): LabDiagnostic[] {
  const known = new Set([...Object.keys(defaultTools()), ...Object.keys(TEXT_TOOLS), ...Object.keys(BUILTINS), ...Object.keys(RUNNERS), "true", "false", "sleep", "bash", "sh"]);
  const out: LabDiagnostic[] = [];
  const made = new Map<string, Set<string>>();
  const commands = plannedSteps(lab).flatMap((p) => plannedCommand(p) ?? []);
  // Namespaces a host's scripts make, anywhere in the lab: a step may use one a later step makes, in a loop.
  for (const { host, run } of commands) {
    try {
      for (const c of calls(parseScript(run, "lint").stmts)) {
        const ns = netnsAdded(c.argv);
        if (ns) made.set(host, (made.get(host) ?? new Set()).add(ns));
      }
    } catch {
      // said below, at its line
    }
  }
  for (const { host, run, runLines, pos, timeout } of commands) {
    const first: SourcePos = runLines[0] ?? pos;
    const at = (line: number): SourcePos => scriptLineAt(runLines, line, first);
    const say = (line: number, severity: "error" | "warning", message: string) => out.push({ severity, pos: at(line), message });
    let stmts: Stmt[];
    try {
      stmts = parseScript(run, "lint").stmts;
    } catch (e) {
      if (!(e instanceof ShellScriptError)) throw e;
      if (e.kind === "syntax") say(e.line, "error", `bash cannot parse this: ${e.reason}`);
      else say(e.line, "warning", `${e.reason.replace(/;.*$/, "")}: this lab runs only on --engine uml or host`);
      continue;
    }
    for (const c of calls(stmts)) {
      if (!written(c.argv)) continue;
      const inner = innerCommand(c.argv);
      const argv = inner?.argv ?? c.argv;
      if (inner && !made.get(host)?.has(inner.netns) && !made.get(host)?.has("*")) say(c.line, "warning", `no \`ip netns add ${inner.netns}\` on ${host}: \`ip netns exec ${inner.netns}\` will find no such namespace`);
      const name = argv[0]!.replace(/^(?:\/usr)?\/s?bin\//, "");
      if (name === "ip") {
        try {
          const r = parseIp(argv.slice(1));
          if (!r.ok) say(c.line, "error", `iproute2 refuses this: ${r.stderr.trim().split("\n")[0]}`);
        } catch (e) {
          if (!(e instanceof NotSimulated)) throw e;
          say(c.line, "warning", `${e.reason.replace(/;.*$/, "")}: this lab runs only on --engine uml or host`);
        }
      } else if (!known.has(name) && !(cniPluginName(name) !== null && cniPlugin(cniPluginName(name)!))) {
        say(c.line, "warning", `\`${name}\` is not simulated: this lab runs only on --engine uml or host, where ${name} must be installed`);
      }
      if (unbounded([name, ...argv.slice(1)])) say(c.line, "warning", `${name} without -c never ends: it will be killed at the step's timeout (${timeout} s); add -c N`);
    }
  }
  return out;
}
