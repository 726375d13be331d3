// encoding/json as the CNI plugins (Go) use it: the text of a failed
// json.Unmarshal (the scanner's "invalid character ... looking for ..."),
// the type errors of a field, and json.MarshalIndent's output.

/** A Go error: what `err.Error()` says. The plugins wrap and print these. */
export class GoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoError";
  }
}

/** Go quotes a byte in scanner errors as %q of a rune: 'x', '\n', '"'. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === "\n") return "'\\n'";
  if (c === "\t") return "'\\t'";
  if (c === "\r") return "'\\r'";
  return `'${c}'`;
}

/**
 * encoding/json's scanner over the whole text: null when it is valid JSON,
 * else the error json.Unmarshal returns (checkValid runs before decoding).
 */
export function jsonSyntaxError(text: string): string | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const bad = (context: string) => {
    throw new GoError(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const end = () => {
    throw new GoError("unexpected end of JSON input");
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (i >= text.length) end();
      if (text[i] !== ch) bad(`in literal ${word} (expecting ${quoteChar(ch)})`);
      i++;
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) end();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < " ") bad("in string literal");
      if (c === "\\") {
        i++;
        if (i >= text.length) end();
        if (text[i] === "u") {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= text.length) end();
            if (!/[0-9a-fA-F]/.test(text[i]!)) bad("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(text[i]!)) bad("in string escape code");
      }
      i++;
    }
  };
  const number = () => {
    if (text[i] === "-") i++;
    if (i >= text.length) end();
    if (text[i] === "0") i++;
    else if (/[1-9]/.test(text[i]!)) while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    else bad("in numeric literal");
    if (text[i] === ".") {
      i++;
      if (i >= text.length) end();
      if (!/[0-9]/.test(text[i]!)) bad("after decimal point in numeric literal");
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (i >= text.length) end();
      if (!/[0-9]/.test(text[i]!)) bad("in exponent of numeric literal");
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    }
  };
  /** After a member of an object or array: `,` goes on (false), `close` ends it (true), anything else is Go's error. */
  const afterMember = (close: string, where: string): boolean => {
    ws();
    if (i >= text.length) end();
    if (text[i] === "," || text[i] === close) return text[i++] === close;
    return bad(where);
  };
  const value = (): void => {
    ws();
    if (i >= text.length) end();
    const c = text[i]!;
    if (c === "{") {
      i++;
      ws();
      if (i >= text.length) end();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= text.length) end();
        if (text[i] !== '"') bad("looking for beginning of object key string");
        string();
        ws();
        if (i >= text.length) end();
        if (text[i] !== ":") bad("after object key");
        i++;
        value();
        if (afterMember("}", "after object key:value pair")) return;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (i >= text.length) end();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        if (afterMember("]", "after array element")) return;
      }
    }
    if (c === '"') return string();
    if (c === "-" || /[0-9]/.test(c)) return number();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    bad("looking for beginning of value");
  };
  try {
    value();
    ws();
    if (i < text.length) bad("after top-level value");
    return null;
  } catch (e) {
    if (e instanceof GoError) return e.message;
    throw e;
  }
}

/** json.Unmarshal into a struct: the parsed object, or the error Go gives (a top-level non-object decodes to nothing). */
export function unmarshal(text: string, struct: string): Record<string, unknown> {
  const err = jsonSyntaxError(text);
  if (err) throw new GoError(err);
  const v = JSON.parse(text) as unknown;
  if (v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new GoError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${struct}`);
  return v as Record<string, unknown>;
}

export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "object") return "object";
  return typeof v;
}

/**
 * A field of a decoded object, as Go would take it into a field of `type`:
 * encoding/json matches keys case-insensitively; null leaves the zero value;
 * a value of another JSON type is an UnmarshalTypeError.
 */
export function field(obj: Record<string, unknown>, key: string, type: "string" | "number" | "object" | "array" | "bool", where: string, goType?: string): unknown {
  let v: unknown = obj[key];
  if (v === undefined) {
    const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
    v = k === undefined ? undefined : obj[k];
  }
  if (v === undefined || v === null) return undefined;
  const kind = jsonKind(v);
  const want = type === "bool" ? "boolean" : type;
  if (kind !== want) throw new GoError(`json: cannot unmarshal ${kind === "boolean" ? "bool" : kind} into Go struct field ${where}.${key} of type ${goType ?? (type === "number" ? "int" : type === "bool" ? "bool" : type === "string" ? "string" : type)}`);
  return v;
}

export function str(obj: Record<string, unknown>, key: string, where: string): string {
  return (field(obj, key, "string", where) as string | undefined) ?? "";
}

/** json.MarshalIndent(v, "", "    "): Go escapes <, > and & in strings. */
export function marshalIndent(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** json.Marshal: compact. */
export function marshal(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
