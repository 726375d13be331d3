// `ipvlab report`: one Markdown document per lab. The lab's own narrative
// (its header comment, each step's comment), the diagram, every check with
// its output and captures, the trace's verdict for every command that
// failed, each matrix as the seed note's checklist with its reasons, and,
// with a real engine, how the simulator compared.

import type { CommandResult, LabResult, MatrixResult } from "../engines/result.js";
import { captureTitle } from "../lab/capture-spec.js";
import type { StepDiff } from "../verify/diff.js";
import { matrixChecklist, matrixSummary, matrixTooLarge, reasonGroups } from "./matrix.js";
import { count, countOf } from "../plural.js";

export interface LabReportInput {
  /** The sim run, with matrix reasons filled in. */
  sim: LabResult;
  /** The lab file's text: its comments are the narrative. */
  source: string;
  diagram: string;
  /** Verdicts of failed commands, by step index in `sim.steps`. */
  verdicts: Map<number, string>;
  /** The best fix `ipvlab fix` finds for each failed check, by step index in `sim.steps`, in Markdown. */
  fixes?: Map<number, string>;
  /** With a real engine: its result and the differences from sim (empty: they agree). */
  real?: { result: LabResult; diffs: StepDiff[] };
}

/** The comment block at the top of a lab file, without the `#`. */
export function headerComment(source: string): string {
  const lines: string[] = [];
  for (const l of source.split("\n")) {
    if (!l.startsWith("#")) break;
    lines.push(l.replace(/^# ?/, ""));
  }
  return lines.join("\n").trim();
}

/** The comment right above a step (`  # ...` lines before `- name: NAME` or `- matrix: NAME`). */
export function stepComment(source: string, name: string): string {
  const lines = source.split("\n");
  const at = lines.findIndex((l) => /^\s*- (name|matrix):\s*/.test(l) && l.replace(/^\s*- (name|matrix):\s*/, "").replace(/^["']|["']$/g, "") === name);
  if (at < 0) return "";
  const out: string[] = [];
  for (let i = at - 1; i >= 0 && /^\s*#/.test(lines[i]!); i--) {
    const text = lines[i]!.replace(/^\s*# ?/, "");
    // A section rule ("--- After the host routes ----") belongs to the part, not to the step.
    if (/^-{3}.*-{3,}$/.test(text)) break;
    out.unshift(text);
  }
  return out.join(" ").replace(/\s+/g, " ").trim();
}

const fence = (text: string, lang = ""): string => `\`\`\`${lang}\n${text.replace(/\n$/, "")}\n\`\`\``;

function checkSection(s: CommandResult, source: string, verdict: string | undefined, fix: string | undefined): string {
  const mark = s.state === "met" ? "✓" : "✗";
  const error = s.failures.find((f) => f.kind !== "exit");
  const outcome = error ? `could not run as written: ${error.message}` : `${s.ok ? "succeeds" : `fails (exit ${s.exitCode})`}, expected ${s.expect === "ok" ? "to succeed" : "to fail"}`;
  const parts = [`### ${mark} ${s.name}`, "", `On ${s.host}: ${outcome}.`];
  const why = stepComment(source, s.name);
  if (why) parts.push("", why);
  parts.push("", fence(`$ ${s.command.trim()}${s.stdout.trim() ? `\n${s.stdout.trimEnd()}` : ""}${s.stderr.trim() ? `\n${s.stderr.trimEnd()}` : ""}`, "console"));
  for (const [where, lines] of Object.entries(s.captures)) parts.push("", `tcpdump on ${captureTitle(where)} (${count(lines.length, "packet")}):`, "", fence(lines.join("\n") || "(nothing)"));
  if (verdict) parts.push("", `**Why, from the trace:** ${verdict}`);
  if (fix) parts.push("", `**Best fix:** ${fix}`);
  return parts.join("\n");
}

/** Each reason once, after the checklist, with the cells it holds for. */
export function reasonsMarkdown(m: MatrixResult): string[] {
  const groups = reasonGroups(m);
  return groups.length ? ["", "Why the red cells fail:", "", ...groups.map((g) => `- ✗ ${g.cells.join(", ")}: ${g.reason}`)] : [];
}

function matrixSection(m: MatrixResult, source: string): string {
  const ok = m.cells.filter((c) => c.ok).length;
  const why = stepComment(source, m.name);
  return [
    `### Matrix: ${m.name}`,
    "",
    `${m.cells.length ? `${countOf(ok, m.cells.length, "ping")} answered.` : "No pings: no two namespaces with an address."}${why ? ` ${why}` : ""}`,
    "",
    ...(matrixTooLarge(m) ? matrixSummary(m).map((l) => l.slice(2)) : [...matrixChecklist(m, { reasons: false }), ...reasonsMarkdown(m)]),
  ].join("\n");
}

export function labReport(r: LabReportInput): string {
  const out = [`## ${r.sim.lab}`, ""];
  const intro = headerComment(r.source);
  if (intro) out.push(fence(intro, "text"), "");
  out.push(fence(r.diagram.replace(/^.*\n\n/, ""), "text"), "");
  r.sim.steps.forEach((s, i) => {
    if (s.kind === "matrix") out.push(matrixSection(s, r.source), "");
    else if (s.kind === "check") out.push(checkSection(s, r.source, r.verdicts.get(i), r.fixes?.get(i)), "");
  });
  if (r.sim.diagnostics.length) {
    out.push("### What failed where", "", ...r.sim.diagnostics.map((d) => `- \`${d.file}:${d.line}:${d.col}\` ${d.severity}: ${d.message}`), "");
  }
  if (r.real) {
    const differ = r.real.diffs.filter((d) => d.patch);
    out.push(`### The simulator against ${r.real.result.engine} (Linux ${r.real.result.kernel})`, "");
    if (differ.length === 0) out.push(`Every step agrees (${count(r.sim.steps.length, "step")}, after normalising times, ICMP ids and random MACs).`, "");
    else for (const d of differ) out.push(`${d.title.replace(/^step/, "Step")}:`, "", fence(d.patch, "diff"), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
