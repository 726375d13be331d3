import type { Document, LineCounter } from "yaml";
import { formatDiagnostic, LabError, sortDiagnostics } from "./errors.js";
import { isObj, LabFacts, own } from "./facts.js";
import { Findings } from "./findings.js";
import { reportBadName, reportUnknownKeys } from "./key-messages.js";
import { stableMac } from "./mac.js";
import type { LoadedLab } from "./parse.js";
import { splitCapture } from "./capture-spec.js";
import { checkReferences } from "./references.js";
import { reportDuplicateItem, reportMatrixExtra, reportMissing } from "./required-messages.js";
import { DEFAULT_STEP_TIMEOUT, END_MATRIX, type CaptureTarget, type Expect, type Lab, type LabHost, type LabStep, type MatrixFamily, type SourcePos } from "./types.js";
import { structuralIssues, type Issue } from "./validate.js";
import { reportValue } from "./value-messages.js";
import { slug } from "./vocabulary.js";
import { LabDoc } from "./yaml-doc.js";

/*
 * A YAML document to a Lab: YAML-level checks, then the schema (ajv), then
 * references; every mistake reported at once, each once, where it was written.
 */

function reportIssues(x: LabFacts, issues: Issue[]): void {
  for (const i of issues) if (i.kind === "badName") reportBadName(x, i);
  reportUnknownKeys(
    x,
    issues.filter((i) => i.kind === "unknownKey"),
  );
  for (const i of issues) {
    if (i.kind === "value") reportValue(x, i);
    else if (i.kind === "duplicateItem") reportDuplicateItem(x, i);
    else if (i.kind === "matrixExtra") reportMatrixExtra(x, i);
    else if (i.kind === "missing") reportMissing(x, i);
  }
}

/** The Lab of a document that passed every check: its shape is the schema's. */
function assemble(x: LabFacts): Lab {
  const { doc, root } = x;
  const str = (o: Record<string, unknown>, k: string): string | undefined => {
    const v = own(o, k);
    return typeof v === "string" ? v : undefined;
  };
  const name = str(root, "name") ?? (slug(doc.file.replace(/^.*[\\/]/, "").replace(/(\.lab)?\.ya?ml$/i, "")) || "lab");
  const netOpts = (own(root, "networks") ?? {}) as Record<string, unknown>;
  const networks = x.networkNames.map((n) => {
    const o = own(netOpts, n);
    return { name: n, hairpin: o !== null && typeof o === "object" && own(o as Record<string, unknown>, "hairpin") === true, pos: doc.keyPos(doc.locate(["networks", n])) };
  });
  const hosts: LabHost[] = x.hostNames.map((h) => {
    const loc = doc.locate(["hosts", h]);
    const runLoc = doc.locate(["hosts", h, "run"]);
    const host = own(root, "hosts") as Record<string, unknown>;
    const v = own(host, h);
    const run = (isObj(v) && str(v, "run")) || "";
    return {
      name: h,
      interfaces: [],
      run,
      pos: doc.keyPos(loc),
      runPos: runLoc ? doc.valuePos(runLoc) : doc.keyPos(loc),
      runLines: doc.scriptLines(runLoc, run),
    };
  });
  for (const i of x.interfaces()) {
    const mac = str(i.value, "mac")?.toLowerCase();
    hosts
      .find((h) => h.name === i.host)!
      .interfaces.push({
        name: i.name,
        network: doc.nameAt([...i.path, "network"])!,
        mac: mac ?? stableMac(`${name}/${i.host}/${i.name}`),
        macGiven: mac !== undefined,
        pos: doc.keyPos(doc.locate(i.path)),
      });
  }
  // IPv6 is on as in Linux out of the box; `ipv6: false` turns it off for the whole lab.
  const ipv6 = own(root, "ipv6") !== false;
  const steps: LabStep[] = x.steps().map(({ index, path, value }) => {
    const pos = doc.valuePos(doc.locate(path));
    const matrix = str(value, "matrix");
    if (matrix !== undefined) {
      const family = (str(value, "family") ?? (ipv6 ? "all" : "inet")) as MatrixFamily;
      return own(value, "link-local") === true ? { kind: "matrix", name: matrix, family, linkLocal: true, pos } : { kind: "matrix", name: matrix, family, pos };
    }
    const run = str(value, "run")!;
    const runLines = doc.scriptLines(doc.locate([...path, "run"]), run);
    const expect = (str(value, "expect") ?? null) as Expect | null;
    const capture = own(value, "capture");
    const timeout = own(value, "timeout");
    return {
      kind: expect === null ? "action" : "check",
      name: str(value, "name") || run.split("\n")[0] || `step ${index + 1}`,
      on: doc.nameAt([...path, "on"])!,
      run,
      expect,
      capture: Array.isArray(capture) ? capture.map((c, k) => parseCapture(String(c), doc.valuePos(doc.locate([...path, "capture", String(k)])))) : [],
      timeout: typeof timeout === "number" ? timeout : DEFAULT_STEP_TIMEOUT,
      pos,
      runLines,
    };
  });
  // `matrix: true` (or a label) at the top: one more matrix after the last step, as a shell-script lab gets.
  const last = own(root, "matrix");
  if (last === true || typeof last === "string") steps.push({ kind: "matrix", name: last === true ? END_MATRIX : last, family: ipv6 ? "all" : "inet", pos: doc.valuePos(doc.locate(["matrix"])) });
  return { name, file: doc.file, ipv6, networks, hosts, steps };
}

/** Turns a parsed YAML document into a Lab, reporting every mistake in it; throws LabError when there are errors. */
export function buildLab(file: string, document: Document, lines: LineCounter, source: string): LoadedLab {
  const doc = new LabDoc(file, document, lines, source);
  if (!doc.scan()) throw new LabError(sortDiagnostics(doc.diags));
  const data = doc.toPlain();
  const f = new Findings();
  const x = new LabFacts(doc, f, data);
  const issues = structuralIssues(data);
  if (!isObj(data)) {
    // Not a map at all: nothing else can be said about it.
    reportIssues(x, issues);
    throw new LabError(f.diags);
  }
  reportIssues(x, issues);
  checkReferences(x);
  // One node can sit in two places of a document (a key that is itself a map): say each thing once.
  const seen = new Set<string>();
  const diags = sortDiagnostics([...doc.diags, ...f.diags]).filter((d) => !seen.has(formatDiagnostic(d)) && !!seen.add(formatDiagnostic(d)));
  if (diags.some((d) => d.severity === "error")) throw new LabError(diags);
  return { lab: assemble(x), warnings: diags };
}

export function parseCapture(spec: string, pos: SourcePos): CaptureTarget {
  const { target, filter } = splitCapture(spec);
  const [where, dev] = target.split(":") as [string, string];
  const [host, netns] = where.split("/") as [string, string | undefined];
  return { host, netns: netns ?? null, dev, filter, id: filter === null ? target : `${target} ${filter}`, pos };
}
