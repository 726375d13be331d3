// Lines added to a lab file where they take effect at a given point of the
// lab: at the end of a host's run block (the state after setup), as a new
// step before a given step, or at the end of a shell-script lab; and a
// network's hairpin option. The file is edited as text, so the author's
// comments and layout stay as they were.

import { YAML_EXT } from "./parse.js";
import type { Lab } from "./types.js";

export type LabEdit = { host: string; lines: string[]; comment: string } | { network: string; hairpin: true; comment: string };

export interface EditedLab {
  text: string;
  /** Steps the edit added before the lab's step `at` (they shift its index). */
  insertedSteps: number;
}

/** An edit that cannot be written into this file (a run given inline, a network written as more than `{}`). */
export class LabEditError extends Error {
  override name = "LabEditError";
}

const isScript = (lab: Lab): boolean => !YAML_EXT.test(lab.file);

/** The edits applied so that they take effect after the setups and the lab's first `at` steps. */
export function editLab(lab: Lab, text: string, at: number, edits: readonly LabEdit[]): EditedLab {
  const lines = text.split("\n");
  if (isScript(lab)) {
    // A shell-script lab is its setup: the lines go at its end, before its one matrix.
    const add = edits.flatMap((e) => ("lines" in e ? [`# ipvlab fix: ${e.comment}`, ...e.lines] : []));
    if (edits.some((e) => !("lines" in e))) throw new LabEditError("a shell-script lab has no networks to give options");
    const body = text.endsWith("\n") ? text : `${text}\n`;
    return { text: `${body}${add.join("\n")}\n`, insertedSteps: 0 };
  }
  // Inserts from the bottom up, so earlier line numbers stay right.
  const inserts: { before: number; lines: string[] }[] = [];
  let insertedSteps = 0;
  for (const e of edits) {
    if (!("lines" in e)) {
      const n = lab.networks.find((x) => x.name === e.network);
      if (!n) throw new LabEditError(`no network ${e.network}`);
      const i = n.pos.line - 1;
      const l = lines[i]!;
      const m = /^(\s*[^:]+:\s*)\{\s*(hairpin:\s*false\s*)?\}(\s*(#.*)?)$/.exec(l);
      if (!m) throw new LabEditError(`network ${e.network} is not written as {} on one line`);
      lines[i] = `${m[1]}{ hairpin: true }${m[3]}`;
      continue;
    }
    const host = lab.hosts.find((h) => h.name === e.host);
    if (!host) throw new LabEditError(`no host ${e.host}`);
    if (at === 0 && host.run.trim() && isBlock(lines, host.runPos.line, host.runPos.col)) {
      const runLines = host.run.split("\n");
      const lastIdx = runLines.reduce((acc, l, i) => (l.trim() ? i : acc), 0);
      const indent = " ".repeat(host.runLines[0]!.col - 1);
      inserts.push({ before: host.runLines[lastIdx]!.line, lines: [`${indent}# ipvlab fix: ${e.comment}`, ...e.lines.map((l) => indent + l)] });
    } else {
      inserts.push({ before: stepLine(lab, lines, at), lines: stepText(lab, lines, e.host, e.lines, e.comment) });
      insertedSteps++;
    }
  }
  inserts.sort((a, b) => b.before - a.before);
  for (const ins of inserts) lines.splice(ins.before, 0, ...ins.lines);
  return { text: lines.join("\n"), insertedSteps };
}

/** Whether `run:` holds a block scalar (`|` or `>`) at that position. */
function isBlock(lines: string[], line: number, col: number): boolean {
  return /^[|>]/.test(lines[line - 1]?.slice(col - 1) ?? "");
}

/** The 0-based line to insert a step before the lab's step `at` (above the comments that belong to it), or the end. */
function stepLine(lab: Lab, lines: string[], at: number): number {
  const s = lab.steps[at];
  if (!s) {
    let end = lines.length;
    while (end > 0 && !lines[end - 1]!.trim()) end--;
    return end;
  }
  let i = s.pos.line - 1;
  const dash = s.pos.col - 3;
  while (i > 0 && lines[i - 1]!.trim().startsWith("#") && lines[i - 1]!.indexOf("#") === dash) i--;
  return i;
}

function stepText(lab: Lab, lines: string[], host: string, cmds: string[], comment: string): string[] {
  const ref = lab.steps[0];
  const ind = " ".repeat(ref ? Math.max(ref.pos.col - 3, 0) : 2);
  const head = ref ? [] : (lines.some((l) => /^steps:/.test(l)) ? [] : ["steps:"]);
  return [...head, `${ind}# ipvlab fix: ${comment}`, `${ind}- on: ${host}`, `${ind}  run: |`, ...cmds.map((c) => `${ind}    ${c}`)];
}
