import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { labSchema } from "./schema.js";
import { segments } from "./yaml-doc.js";

/*
 * ajv against the lab schema, its errors folded into issues: one per mistake,
 * whatever number of keywords the mistake broke.
 */

/** The options the lab schema is compiled with (the test of the schema uses them too). */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, strictNumbers: true, ownProperties: true, verbose: true } as const;

/** Adds the schema's own annotation keywords to an Ajv. */
export function addLabKeywords(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: "hint", schemaType: "string" });
  return ajv;
}

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  compiled ??= addLabKeywords(new Ajv(AJV_OPTIONS)).compile(labSchema);
  return compiled;
}

export type Issue =
  /** A value of the wrong type or shape; `keywords` are all it broke. */
  | { kind: "value"; path: string[]; keywords: Set<string>; hint: string }
  /** A key the map does not allow. */
  | { kind: "unknownKey"; path: string[]; key: string; valid: string[] }
  /** A key that is not a valid name (a host, network or interface name). */
  | { kind: "badName"; path: string[]; key: string; keywords: Set<string> }
  /** Required keys that are not there. */
  | { kind: "missing"; path: string[]; keys: string[] }
  /** Keys a matrix step cannot have. */
  | { kind: "matrixExtra"; path: string[]; keys: string[] }
  /** A list item that repeats an earlier one. */
  | { kind: "duplicateItem"; path: string[]; index: number };

/** Issues in the order they are best judged: names, unknown keys, values, then what is missing. */
const ORDER: Issue["kind"][] = ["badName", "unknownKey", "value", "duplicateItem", "matrixExtra", "missing"];

function hintOf(e: ErrorObject): string {
  const s = e.parentSchema as { hint?: unknown } | undefined;
  return typeof s?.hint === "string" ? s.hint : "";
}

/** Validates the plain value of a lab; [] when the structure is right. */
export function structuralIssues(data: unknown): Issue[] {
  const validate = validator();
  if (validate(data)) return [];
  const byId = new Map<string, Issue>();
  const add = (id: string, make: () => Issue, merge: (i: Issue) => void) => {
    const had = byId.get(id);
    if (had) merge(had);
    else byId.set(id, make());
  };
  for (const e of validate.errors ?? []) {
    const path = segments(e.instancePath);
    const at = e.instancePath;
    // `if` only says that its branch failed; the branch's own errors say how. `propertyNames` repeats its inner error.
    if (e.keyword === "if" || e.keyword === "propertyNames") continue;
    if (e.propertyName !== undefined) {
      const key = e.propertyName;
      add(`name ${at} ${key}`, () => ({ kind: "badName", path, key, keywords: new Set([e.keyword]) }), (i) => i.kind === "badName" && i.keywords.add(e.keyword));
    } else if (e.keyword === "additionalProperties") {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const valid = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      add(`key ${at} ${key}`, () => ({ kind: "unknownKey", path, key, valid }), () => {});
    } else if (e.keyword === "required") {
      const key = (e.params as { missingProperty: string }).missingProperty;
      add(`missing ${at}`, () => ({ kind: "missing", path, keys: [key] }), (i) => i.kind === "missing" && i.keys.push(key));
    } else if (e.keyword === "false schema") {
      const step = path.slice(0, -1);
      const key = path[path.length - 1]!;
      add(`extra ${step.join("/")}`, () => ({ kind: "matrixExtra", path: step, keys: [key] }), (i) => i.kind === "matrixExtra" && i.keys.push(key));
    } else if (e.keyword === "uniqueItems") {
      const { i, j } = e.params as { i: number; j: number };
      add(`dup ${at}`, () => ({ kind: "duplicateItem", path, index: Math.max(i, j) }), () => {});
    } else {
      const hint = hintOf(e);
      add(`value ${at}`, () => ({ kind: "value", path, keywords: new Set([e.keyword]), hint }), (i) => i.kind === "value" && i.keywords.add(e.keyword));
    }
  }
  return [...byId.values()].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}
