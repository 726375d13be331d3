import { isMap, isScalar } from "yaml";
import { listOf } from "./errors.js";
import type { LabFacts } from "./facts.js";
import type { Issue } from "./validate.js";
import { quote } from "./vocabulary.js";

/* The schema's complaints about what a map lacks or must not have together, and list items given twice. */

type Missing = Extract<Issue, { kind: "missing" }>;
type MatrixExtra = Extract<Issue, { kind: "matrixExtra" }>;
type DuplicateItem = Extract<Issue, { kind: "duplicateItem" }>;

export function reportMissing(x: LabFacts, i: Missing): void {
  const loc = x.doc.locate(i.path);
  const suggested = x.f.suggestedAt(i.path);
  if (i.path.length === 0) {
    x.f.hostsBroken = true;
    if (!suggested.has("hosts") && !x.f.misplacedHosts.size) {
      x.f.error(
        x.doc.valuePos(loc),
        `the lab has no hosts: add hosts: with at least one host, e.g. hosts: {vm01: {interfaces: {eth0: {network: ${x.exampleNetwork()}}}}}`,
      );
    }
  } else if (i.path[0] === "hosts") {
    x.f.networkUseUnknown = true;
    x.f.hostsUnread.add(i.path[1]!);
    x.f.badPaths.add(i.path.join("/"));
    if (!suggested.has("network")) x.f.error(x.doc.keyPos(loc), `${i.path[1]}:${i.path[3]} has no network: add network: ${x.exampleNetwork()}${x.networksHint()}`);
  } else if (i.path[0] === "steps") {
    // Nothing is missing if a misspelled key stands for it, or a key was lost (the value may be behind it).
    if (isMap(loc?.value) && x.doc.keyless.has(loc.value)) return;
    const missing = i.keys.filter((k) => !suggested.has(k) && !suggested.has("matrix"));
    if (!missing.length) return;
    const n = Number(i.path[1]) + 1;
    const hosts = listOf(x.hostNames);
    const what = missing.length === 2 ? 'no "on" and no "run"' : `no "${missing[0]}"`;
    const fix =
      missing.length === 2
        ? `write on: HOST and run: COMMAND (hosts: ${hosts}), or make it a matrix: LABEL`
        : missing[0] === "on"
          ? `say which host runs it with on: HOST (hosts: ${hosts})`
          : `give the command with run: COMMAND`;
    const name = x.doc.locate([...i.path, "name"])?.value;
    const label = isScalar(name) && typeof name.value === "string" && name.value.trim() ? name.value : "";
    x.f.error(x.doc.valuePos(loc), `step ${n}${label ? ` (${quote(label)})` : ""} has ${what}: ${fix}`);
  }
}

/** A matrix with command keys is one mistake (a check given a matrix label, or two steps run together): one diagnostic. */
export function reportMatrixExtra(x: LabFacts, i: MatrixExtra): void {
  const n = Number(i.path[1]) + 1;
  const extra = i.keys
    .map((k) => ({ k, pos: x.doc.keyPos(x.doc.locate([...i.path, k])) }))
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  const cmd = extra.filter((e) => e.k !== "name").map((e) => `"${e.k}"`);
  x.f.error(
    extra[0]!.pos,
    cmd.length
      ? `step ${n} is a matrix: it pings every pair of addresses by itself and takes no ${cmd.join(", ")}${extra.length > cmd.length ? ' (nor "name": its label is the matrix: value)' : ""}; put the command in a step of its own`
      : `step ${n} is a matrix: its label is the matrix: value, so it takes no "name"`,
  );
}

export function reportDuplicateItem(x: LabFacts, i: DuplicateItem): void {
  const loc = x.doc.locate([...i.path, String(i.index)]);
  const spec = isScalar(loc?.value) ? String(loc.value.value) : "";
  x.f.badPaths.add([...i.path, String(i.index)].join("/"));
  x.f.error(x.doc.valuePos(loc), `capture ${quote(spec)} is listed twice in step ${Number(i.path[1]) + 1}: once is enough`);
}
