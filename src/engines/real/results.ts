import { closeSync, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../../lab/types.js";
import { labDiagnostics } from "../diagnostics.js";
import { EngineFailed } from "../engine.js";
import { pcapFileName } from "../pcap-name.js";
import { tcpdumpRefuses } from "./filter-check.js";
import { currentLimits, formatSize, limitMessage, type Limits } from "../limits.js";
import { MAX_FAILURES } from "../../shell/run.js";
import { settleCommand, type RawFailure } from "../outcome.js";
import { inNaturalOrder, nameEndpoints, sameFamily, type CommandResult, type EngineName, type LabResult, type MatrixResult } from "../result.js";
import { plannedSteps, stepNumber, type PlannedStep } from "../planned.js";

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/**
 * The first `max` bytes of what a step wrote, and how much it wrote: a step
 * that prints without end (`yes`) for its whole timeout leaves gigabytes,
 * and only the head is worth reading.
 */
export function readHead(file: string, max: number): { text: string; size: number } {
  if (!existsSync(file)) return { text: "", size: 0 };
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, max));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: buf.subarray(0, got).toString("utf8"), size };
  } finally {
    closeSync(fd);
  }
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}

/** Reads what the driver wrote for one lab into a LabResult. */
export function collectLab(lab: Lab, dir: string, engine: EngineName, pcapDir?: string, limits: Limits = currentLimits()): LabResult {
  const steps = plannedSteps(lab).map((p, idx) => {
    const d = join(dir, String(idx));
    if (p.setup) return collectCommand(lab, p, idx, d, limits, pcapDir);
    const step = stepNumber(lab, idx);
    if (p.step.kind !== "matrix") return { step, ...collectCommand(lab, p, idx, d, limits, pcapDir) };
    const { kind, ...rest } = collectMatrix(p.step.name, d);
    return { kind, step, ...rest };
  });
  return { lab: lab.name, engine, kernel: read(join(dir, "kernel")).trim(), steps, diagnostics: labDiagnostics(lab, steps) };
}

/** The ERR trap's mark in a step's output (assets/driver.sh). */
const MARK = "\x1e";

/**
 * The step's failing commands from the driver's ERR trap: each with what the
 * script wrote on stderr since the previous one (up to its mark). A script
 * that moved its stderr elsewhere leaves fewer marks: those say nothing.
 */
function failuresOf(d: string, exitCode: number, stderr: string): RawFailure[] {
  const said = stderr.split(MARK);
  // One line per failing command: a loop of them writes as many as it turns.
  const raw: RawFailure[] = lines(readHead(join(d, "errs"), 64 * MAX_FAILURES).text).slice(0, MAX_FAILURES).map((l, i) => {
    const [line, status] = l.split(" ").map(Number) as [number, number];
    return { line, exitCode: status, kind: null, said: said.length > i + 1 ? said[i]! : "" };
  });
  // bash runs a script up to a line it cannot parse, then stops there without its ERR trap.
  const syntax = /^[^\n]*: line (\d+): (syntax error[^\n]*|unexpected EOF while looking for matching[^\n]*)$/m.exec(stderr);
  if (syntax) raw.push({ line: Number(syntax[1]), exitCode, kind: "syntax", said: syntax[2]! });
  if (existsSync(join(d, "killed"))) {
    const at = Number(read(join(d, "at")).trim()) || 0;
    return [...raw.filter((f) => f.line !== at), { line: at, exitCode, kind: "killed", said: "" }];
  }
  return raw;
}

function collectCommand(lab: Lab, p: PlannedStep, idx: number, d: string, limits: Limits, pcapDir?: string): CommandResult {
  const rcText = read(join(d, "rc")).trim();
  const exitCode = rcText === "" ? -1 : Number(rcText);
  const step = p.setup ? null : p.step.kind === "matrix" ? null : p.step;
  const cut: RawFailure[] = [];
  /** A file of the step, its head only; a cut is a limit reached, said on stderr and among the failures. */
  const head = (file: string, name: string): string => {
    const h = readHead(join(d, file), limits.output);
    if (h.size > limits.output) cut.push({ line: 0, exitCode, said: `${limitMessage("output", name, limits)} (it wrote ${formatSize(h.size)})`, kind: "limit" });
    return h.text;
  };
  const stdout = head("stdout", "stdout").replaceAll(MARK, "");
  const rawStderr = head("stderr", "stderr");
  let stderr = rawStderr.replaceAll(MARK, "");
  if (exitCode === 137 && step) stderr += `ipvlab: killed after ${step.timeout} s (the step's timeout)\n`;
  const captures: Record<string, string[]> = {};
  const refusedFilters: RawFailure[] = [];
  step?.capture.forEach((c, k) => {
    const f = join(d, `cap${k}`);
    const err = readHead(`${f}.err`, limits.output).text;
    if (!err.includes("listening on")) {
      // tcpdump opens the device before it compiles the filter: the filter is to blame only when tcpdump said so.
      const refused = c.filter !== null ? tcpdumpRefuses(c.filter) : null;
      if (refused !== null && err.includes(refused.replace(/^tcpdump: /, ""))) {
        stderr += `ipvlab: capture on ${c.id} failed: ${refused}\n`;
        refusedFilters.push({ line: 0, exitCode, kind: "syntax", said: `capture "${c.id}": ${refused}`, capture: k });
      } else stderr += `ipvlab: capture on ${c.id} failed: ${lines(err).join(" ") || "tcpdump did not start"}\n`;
    }
    const text = head(`cap${k}.txt`, `the capture on ${c.id}`);
    // A line cut in two is not what tcpdump printed.
    captures[c.id] = lines(text.length >= limits.output ? text.slice(0, text.lastIndexOf("\n") + 1) : text);
    if (pcapDir && existsSync(`${f}.pcap`)) {
      const out = join(pcapDir, lab.name);
      mkdirSync(out, { recursive: true });
      copyFileSync(`${f}.pcap`, join(out, pcapFileName(stepNumber(lab, idx), c.id)));
    }
  });
  const result = settleCommand(
    {
      kind: step?.kind ?? "action",
      name: p.setup ? `setup ${p.host}` : step!.name,
      host: p.setup ? p.host : step!.on,
      command: p.setup ? p.run : step!.run,
      exitCode,
      stdout,
      stderr: stderr + cut.map((c) => `ipvlab: ${c.said}\n`).join(""),
      expect: step?.expect ?? null,
      captures,
    },
    [...failuresOf(d, exitCode, rawStderr), ...cut, ...refusedFilters],
    p.setup ? p.timeout : step!.timeout,
  );
  return p.setup ? { ...result, setup: true } : result;
}

/**
 * The cells matrix-ping.pl answered ("I J" keys). No cells file is a run cut
 * short (every cell unanswered); one that could not start says why.
 */
function matrixCells(name: string, d: string): Set<string> {
  const cells = join(d, "cells");
  if (!existsSync(cells)) {
    const err = existsSync(join(d, "matrix.err")) ? read(join(d, "matrix.err")).trim() : "";
    if (err) throw new EngineFailed(`matrix "${name}" could not ping: ${err.split("\n")[0]}`);
    return new Set();
  }
  return new Set(lines(read(cells)).filter((l) => l.endsWith(" 0")).map((l) => l.slice(0, -2)));
}

function collectMatrix(name: string, d: string): MatrixResult {
  const raw = lines(read(join(d, "endpoints"))).map((l) => {
    const [host, ns, dev, address] = l.split(" ") as [string, string, string, string];
    return { host, netns: ns === "-" ? null : ns, dev, address };
  });
  const endpoints = nameEndpoints(raw);
  const answered = matrixCells(name, d);
  const cells = [];
  for (let i = 0; i < endpoints.length; i++) {
    for (let j = 0; j < endpoints.length; j++) {
      const a = endpoints[i]!;
      const b = endpoints[j]!;
      if ((a.host === b.host && a.netns === b.netns) || !sameFamily(a, b)) continue;
      cells.push({ from: a.id, to: b.id, ok: answered.has(`${i} ${j}`) });
    }
  }
  return inNaturalOrder({ kind: "matrix", name, endpoints, cells });
}
