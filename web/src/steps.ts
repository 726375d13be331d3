// The lab's steps in order, each with what it came to (✓ met, ✗ not met or
// a failed setup command, ⚠ could not run as written), its command, output
// and captures; then the captures gathered per interface, as tcpdump -n -e
// printed them.

import type { CommandResult, LabResult } from "../../src/engines/result.js";
import { captureTitle } from "../../src/lab/capture-spec.js";
import { h } from "./dom.js";
import { plural } from "./status.js";

function outcome(s: CommandResult): string {
  const first = s.failures.find((f) => (f.kind === "exit") === (s.state !== "error"));
  if (s.state === "error" || s.state === "setup-failed") return first?.message ?? `exit ${s.exitCode}`;
  if (s.kind === "action") return "";
  return `expect ${s.expect}, exit ${s.exitCode}`;
}

const MARK = { met: "✓", "not-met": "✗", error: "⚠", "setup-failed": "✗" } as const;
const CLASS = { met: "met", "not-met": "unmet", error: "error", "setup-failed": "failed" } as const;

const output = (s: CommandResult) => [s.stdout && h("pre", { class: "stdout" }, s.stdout), s.stderr && h("pre", { class: "stderr" }, s.stderr)];

function captureBlock(id: string, lines: string[]): HTMLElement {
  return h("div", { class: "capture", "data-capture": id }, h("div", { class: "cap-head" }, `tcpdump -n -e on ${captureTitle(id)}`), h("pre", {}, lines.length ? lines.join("\n") : "(nothing)"));
}

/** `onTrace(step)`: step through the packets of that step's command. */
export function drawSteps(parent: HTMLElement, result: LabResult, onMatrix: (step: number) => void, onTrace: (step: number) => void): void {
  const items = result.steps.map((s, i) => {
    if (s.kind === "matrix") {
      const failed = s.cells.filter((c) => !c.ok).length;
      const li = h("li", { class: "matrix-step", "data-step": i }, h("span", { class: "mark" }, "▦"), ` matrix “${s.name}”: ${s.cells.length - failed} ✓ ${failed} ✗`);
      li.addEventListener("click", () => onMatrix(i));
      return li;
    }
    const mark = s.kind === "action" && s.state === "met" ? "•" : MARK[s.state];
    const cls = `${s.kind} ${CLASS[s.state]}`;
    const caps = Object.entries(s.captures);
    const trace = s.setup ? null : h("button", { type: "button", class: "trace-it", title: "run this command again, alone, in the state just before it, and step through what the kernel does" }, "step through its packets ▸");
    trace?.addEventListener("click", (e) => {
      e.preventDefault();
      onTrace(i);
    });
    return h(
      "li",
      { class: cls, "data-step": i, "data-met": String(s.met), "data-state": s.state },
      h(
        "details",
        {},
        h("summary", {}, h("span", { class: "mark" }, mark), " ", s.setup ? `setup of ${s.host}` : s.name, " ", h("span", { class: "outcome" }, outcome(s)), caps.length ? h("span", { class: "caps" }, ` · tcpdump on ${caps.map(([id]) => id).join(", ")}`) : null),
        h("pre", { class: "cmd" }, `${s.host}# ${s.command.trimEnd()}`),
        trace,
        ...output(s),
        ...caps.map(([id, lines]) => captureBlock(id, lines)),
      ),
    );
  });
  const commands = result.steps.filter((s): s is CommandResult => s.kind !== "matrix");
  const checks = commands.filter((s) => s.kind === "check");
  const count = (state: CommandResult["state"], of = checks) => of.filter((s) => s.state === state).length;
  const failed = count("setup-failed", commands);
  const errors = count("error", commands);
  parent.replaceChildren(
    h(
      "p",
      { class: "summary" },
      (checks.length ? `${plural(checks.length, "check")}: ${count("met")} met ✓, ${count("not-met")} not met ✗` : "no checks") + (errors ? `, ${errors} could not run ⚠` : "") + (failed ? `; ${plural(failed, "setup or action", "setups or actions")} with a failed command ✗` : ""),
    ),
    h("ol", { class: "step-list" }, ...items),
  );
}

export function drawCaptures(parent: HTMLElement, result: LabResult): void {
  const byDev = new Map<string, { step: CommandResult; lines: string[] }[]>();
  for (const s of result.steps) {
    if (s.kind === "matrix") continue;
    for (const [id, lines] of Object.entries(s.captures)) byDev.set(id, [...(byDev.get(id) ?? []), { step: s, lines }]);
  }
  if (byDev.size === 0) {
    parent.replaceChildren(h("p", { class: "hint" }, "No step captures. Add capture: [host:dev] to a step (or host:dev and a tcpdump filter, e.g. vm02:ens34 icmp or arp) to see what tcpdump -n -e would print there."));
    return;
  }
  parent.replaceChildren(
    ...[...byDev.entries()].map(([id, runs]) =>
      h(
        "details",
        { class: "iface", "data-iface": id },
        h("summary", {}, `${captureTitle(id)} `, h("span", { class: "count" }, `${plural(runs.reduce((n, r) => n + r.lines.length, 0), "packet")} in ${plural(runs.length, "step")}`)),
        ...runs.map((r) => h("div", { class: "capture" }, h("div", { class: "cap-head" }, r.step.name), h("pre", {}, r.lines.length ? r.lines.join("\n") : "(nothing)"))),
      ),
    ),
  );
}
