import { allMet, type CommandResult, type LabResult, type MatrixResult } from "../engines/result.js";
import { matrixChecklist, matrixGrid } from "./matrix.js";

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

function commandText(s: CommandResult, st: Style): string {
  const out: string[] = [];
  let mark: string;
  if (s.expect === null) mark = s.ok ? st.dim("•") : st.dim(`• exit ${s.exitCode}`);
  else if (s.met) mark = st.ok(`✓ ${s.ok ? "ok" : "fails"}, as expected`);
  else mark = st.bad(`✗ ${s.ok ? "ok" : `fails (exit ${s.exitCode})`}, expected ${s.expect}`);
  out.push(`${st.bold(s.name)} ${st.dim(`[${s.host}]`)} ${mark}`);
  if (!s.setup || s.name !== s.command.split("\n")[0]) out.push(indent(`$ ${s.command.trim().split("\n").join("\n  ")}`, "  "));
  if (s.stdout.trim()) out.push(indent(s.stdout));
  if (s.stderr.trim()) out.push(indent(s.stderr));
  for (const [where, lines] of Object.entries(s.captures)) {
    out.push(`  tcpdump -n -e -i ${where}: ${lines.length} packet${lines.length === 1 ? "" : "s"}`);
    if (lines.length) out.push(indent(lines.join("\n")));
  }
  return out.join("\n");
}

function matrixText(m: MatrixResult, st: Style): string {
  const ok = m.cells.filter((c) => c.ok).length;
  return [
    `${st.bold(`matrix: ${m.name}`)} ${st.dim(`(${ok} of ${m.cells.length} pings answered)`)}`,
    matrixGrid(m),
    "",
    ...matrixChecklist(m).map((l) => (l.startsWith("- [x]") ? st.ok(l) : st.bad(l))),
  ].join("\n");
}

/** The human report of a run: each step, each matrix as grid and checklist, a summary line. */
export function resultText(r: LabResult, st: Style = plain): string {
  const parts = [st.bold(`${r.lab} — engine ${r.engine}, kernel ${r.kernel}`)];
  for (const s of r.steps) parts.push(s.kind === "matrix" ? matrixText(s, st) : commandText(s, st));
  parts.push(summaryLine(r, st));
  return parts.join("\n\n") + "\n";
}

export function summaryLine(r: LabResult, st: Style = plain): string {
  const checks = r.steps.filter((s): s is CommandResult => s.kind === "check");
  const met = checks.filter((s) => s.met).length;
  const matrices = r.steps.filter((s) => s.kind === "matrix").length;
  const setupFailed = r.steps.filter((s): s is CommandResult => s.kind !== "matrix" && !!s.setup && !s.ok).length;
  const text = `${r.lab}: ${met} of ${checks.length} checks met, ${matrices} ${matrices === 1 ? "matrix" : "matrices"}${setupFailed ? `, ${setupFailed} setup script(s) ended non-zero` : ""}`;
  return allMet(r) ? st.ok(text) : st.bad(text);
}
