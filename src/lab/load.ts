import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { didYouMean, LabError, type LabDiagnostic } from "./errors.js";
import { labSchema } from "./schema.js";
import { buildLab, type RawLab } from "./build.js";
import type { Lab, SourcePos } from "./types.js";
import { YamlPositions } from "./yaml-pos.js";

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: "hint", schemaType: "string" });
const validate = ajv.compile(labSchema);

export interface LoadedLab {
  lab: Lab;
  warnings: LabDiagnostic[];
}

/** Reads a lab file: `*.lab.yaml`/`*.yaml`/`*.yml`, or a shell script (one host, no networks). */
export function loadLabFile(file: string): LoadedLab {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new LabError([{ severity: "error", pos: { file, line: 1, col: 1 }, message: `cannot read the lab: ${why}` }]);
  }
  if (/\.(ya?ml)$/i.test(file)) return parseYamlLab(file, text);
  if (/\.(sh|bash)$/i.test(file) || text.startsWith("#!")) return parseScriptLab(file, text);
  throw new LabError([
    {
      severity: "error",
      pos: { file, line: 1, col: 1 },
      message: "not a lab: name it *.lab.yaml (a YAML lab) or *.sh (a shell-script lab), or start a script with #!",
    },
  ]);
}

/** A shell-script lab is one host running the script, then a matrix of every address it made. */
export function parseScriptLab(file: string, text: string): LoadedLab {
  const pos: SourcePos = { file, line: 1, col: 1 };
  if (!text.replace(/^#.*$/gm, "").trim()) {
    throw new LabError([{ severity: "error", pos, message: "the script is empty: write the commands that build the lab" }]);
  }
  const name = basename(file).replace(/\.(sh|bash)$/i, "").replace(/[^A-Za-z0-9_.-]/g, "-");
  const lab: Lab = {
    name,
    file,
    ipv6: false,
    networks: [],
    hosts: [{ name: "host", interfaces: [], run: text, pos, runPos: pos }],
    steps: [{ kind: "matrix", name: "after the script", pos }],
  };
  return { lab, warnings: [] };
}

export function parseYamlLab(file: string, text: string): LoadedLab {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const positions = new YamlPositions(file, doc, lines);
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length) {
    throw new LabError(
      syntax.map((e) => ({
        severity: "error" as const,
        pos: positions.at(e.pos[0]),
        message: yamlMessage(e.code, e.message),
      })),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new LabError([{ severity: "error", pos: positions.at(0), message: "the lab is empty: it needs at least hosts:" }]);
  }
  if (!validate(raw)) {
    throw new LabError(schemaDiagnostics(validate.errors ?? [], positions));
  }
  return buildLab(file, raw as RawLab, positions);
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  if (code === "DUPLICATE_KEY") return `${first}: each name may appear once in a map`;
  return `YAML syntax: ${first}`;
}

function pathOf(e: ErrorObject): string[] {
  return e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function describePath(path: readonly string[]): string {
  return path.length ? path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "") : "the lab";
}

function hintOf(e: ErrorObject): string {
  const hint = (e.parentSchema as { hint?: string } | undefined)?.hint;
  return hint ? `: expected ${hint}` : "";
}

function shown(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function schemaDiagnostics(errors: ErrorObject[], positions: YamlPositions): LabDiagnostic[] {
  const out: LabDiagnostic[] = [];
  const seen = new Set<string>();
  // A propertyNames failure also reports the name's own pattern error; keep the clearer one.
  const badNames = new Set(errors.filter((e) => e.keyword === "propertyNames").map((e) => e.instancePath));
  for (const e of errors) {
    const path = pathOf(e);
    const where = describePath(path);
    let message: string;
    let pos = positions.pos(path);
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String(e.params.additionalProperty);
        const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
        pos = positions.pos([...path, key], true);
        message = allowed.length
          ? `unknown key "${key}" in ${where}${didYouMean(key, allowed)}; valid keys: ${allowed.join(", ")}`
          : `unknown key "${key}" in ${where}${hintOf(e)}`;
        break;
      }
      case "required":
        message = `${where} is missing "${String(e.params.missingProperty)}"${hintOf(e)}`;
        break;
      case "propertyNames": {
        const name = String(e.params.propertyName);
        pos = positions.pos([...path, name], true);
        const hint = (e.schema as { hint?: string }).hint;
        message = `"${name}" is not a valid name in ${where}${hint ? `: use ${hint}` : ""}`;
        break;
      }
      case "type":
        message = `${where} must be ${article(String(e.params.type))}, not ${kindOf(valueAt(e))}${hintOf(e)}`;
        break;
      case "enum":
        message = `${where} is ${shown(valueAt(e))}${hintOf(e)}`;
        break;
      case "minProperties":
        message = `${where} is empty${hintOf(e)}`;
        break;
      default:
        if (badNames.has(e.instancePath) && e.keyword === "pattern" && e.propertyName !== undefined) continue;
        message = `${where} ${shown(valueAt(e))} is not valid${hintOf(e)}`;
    }
    const key = `${pos.line}:${pos.col}:${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ severity: "error", pos, message });
    }
  }
  return out;
}

function valueAt(e: ErrorObject): unknown {
  return e.data;
}

function article(type: string): string {
  const t = type.split(",")[0]!;
  return { object: "a map", array: "a list", string: "a string", number: "a number", boolean: "true or false", null: "empty" }[t] ?? t;
}

function kindOf(v: unknown): string {
  if (v === null) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return `${typeof v} ${shown(v)}`;
}
