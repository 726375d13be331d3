import { captureTitle } from "../lab/capture-spec.js";
import { allMet, type CommandResult, type LabResult, type MatrixResult } from "../engines/result.js";
import { matrixLegend, matrixChecklist, matrixGrid, matrixSummary, matrixTooLarge, reasonGroups, reasonLines } from "./matrix.js";
import { count, countOf } from "../plural.js";

export interface Style {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const plain: Style = { ok: (s) => s, bad: (s) => s, dim: (s) => s, bold: (s) => s };
export const colour: Style = {
  ok: (s) => `\x1b[32m${s}\x1b[0m`,
  bad: (s) => `\x1b[31m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
};

function indent(text: string, by = "    "): string {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

/** What a step came to, in a few words: ✓ only where the kernel answered as expected. */
export function stepMark(s: CommandResult, st: Style): string {
  const first = (error: boolean) => s.failures.find((f) => (f.kind !== "exit") === error)?.message;
  switch (s.state) {
    case "error":
      return st.bad(`✗ error: ${first(true) ?? `exit ${s.exitCode}`}`);
    case "setup-failed":
      return st.bad(`✗ failed: ${first(false) ?? `the script exited ${s.exitCode}`}`);
    case "not-met":
      return st.bad(`✗ ${s.ok ? "ok" : `fails (exit ${s.exitCode})`}, expected ${s.expect}`);
    case "met":
      return s.expect === null ? st.dim("•") : st.ok(`✓ ${s.ok ? "ok" : "fails"}, as expected`);
  }
}

/** What a run's text adds: the command line that looks for a fix of a failed check. */
export interface ResultTextOptions {
  fixHint?: (s: CommandResult) => string | null;
}

/** A check whose command failed where it should have succeeded: what `ipvlab fix` can look into. */
export const failedCheck = (s: CommandResult): boolean => s.kind === "check" && s.state !== "met" && s.expect === "ok" && s.exitCode !== 0;

function commandText(s: CommandResult, st: Style, o: ResultTextOptions = {}): string {
  const out: string[] = [];
  out.push(`${numbered(s, st)}${st.bold(s.name)} ${st.dim(`[${s.host}]`)} ${stepMark(s, st)}`);
  if (!s.setup || s.name !== s.command.split("\n")[0]) out.push(indent(`$ ${s.command.trim().split("\n").join("\n  ")}`, "  "));
  if (s.stdout.trim()) out.push(indent(s.stdout));
  if (s.stderr.trim()) out.push(indent(s.stderr));
  for (const [where, lines] of Object.entries(s.captures)) {
    out.push(`  tcpdump -n -e -i ${captureTitle(where)}: ${lines.length} packet${lines.length === 1 ? "" : "s"}`);
    if (lines.length) out.push(indent(lines.join("\n")));
  }
  const hint = failedCheck(s) ? o.fixHint?.(s) : null;
  if (hint) out.push(`  try: ${hint}`);
  return out.join("\n");
}

/** "step 4: ", the number --after, --json and the pcap file names give the step; nothing for a setup script. */
function numbered(s: CommandResult | MatrixResult, st: Style): string {
  return s.step ? st.dim(`step ${s.step}: `) : "";
}

function matrixText(m: MatrixResult, st: Style): string {
  const ok = m.cells.filter((c) => c.ok).length;
  const head = `${numbered(m, st)}${st.bold(`matrix: ${m.name}`)} ${st.dim(`(${m.cells.length ? `${countOf(ok, m.cells.length, "ping")} answered` : "no pings"})`)}`;
  if (matrixTooLarge(m)) return [head, ...matrixSummary(m).map((l) => (l.startsWith("  - ") ? st.bad(l) : l))].join("\n");
  return [
    head,
    matrixGrid(m, st),
    st.dim(matrixLegend(m)),
    "",
    ...matrixChecklist(m, { reasons: false }).map((l) => (l.startsWith("- [x]") ? st.ok(l) : st.bad(l))),
    ...(reasonGroups(m).length ? ["", ...reasonLines(m, st)] : []),
  ].join("\n");
}

/** Every failing command and unmet check, compiler-style: file:line:col: severity: message. */
export function diagnosticsText(r: LabResult, st: Style = plain): string {
  return r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity === "error" ? st.bad("error") : st.bold("warning")}: ${d.message}`).join("\n");
}

/** The human report of a run: each step, each matrix as grid and checklist, what failed where, a summary line. */
export function resultText(r: LabResult, st: Style = plain, o: ResultTextOptions = {}): string {
  const parts = [st.bold(`${r.lab} — engine ${r.engine}, kernel ${r.kernel}`)];
  for (const s of r.steps) parts.push(s.kind === "matrix" ? matrixText(s, st) : commandText(s, st, o));
  if (r.diagnostics.length) parts.push(diagnosticsText(r, st));
  parts.push(summaryLine(r, st));
  return parts.join("\n\n") + "\n";
}


export function summaryLine(r: LabResult, st: Style = plain): string {
  const commands = r.steps.filter((s): s is CommandResult => s.kind !== "matrix");
  const checks = commands.filter((s) => s.kind === "check");
  const met = checks.filter((s) => s.met).length;
  const matrices = r.steps.filter((s) => s.kind === "matrix").length;
  const errors = commands.filter((s) => s.state === "error").length;
  const failed = commands.filter((s) => s.state === "setup-failed").length;
  const text = [
    `${r.lab}: ${checks.length ? countOf(met, checks.length, "check", "checks", "met") : "no checks"}`,
    ...(errors ? [count(errors, "step that could not run", "steps that could not run")] : []),
    ...(failed ? [count(failed, "setup step with a failed command", "setup steps with a failed command")] : []),
    count(matrices, "matrix", "matrices"),
  ].join(", ");
  return allMet(r) ? st.ok(text) : st.bad(text);
}
