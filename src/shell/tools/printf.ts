import { checkString, UNLIMITED } from "../interp/limits.js";
import { formatFloat } from "./cformat.js";
import { escapes } from "./echo.js";
import { fail, Output, unsupportedOption, type Tool } from "./tool.js";

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([sdiuxXocfeEgGbq%])/g;

/** printf's common forms: %s %d %i %u %x %X %o %c %f %e %g %b %%, flags, width, precision; the format repeats over extra arguments. */
export const printf: Tool = (args, io) => {
  if (args.length === 0) return fail(2, "printf: usage: printf [-v var] format [arguments]\n");
  if (args[0] === "-v") return unsupportedOption("printf", "-v");
  const format = args[0]!;
  const rest = args.slice(1);
  const out = Output.for(io, "printf");
  const limits = io.limits ?? UNLIMITED;
  let err = "";
  let status = 0;
  let used = 0;
  do {
    const start = used;
    let stopped = false;
    const chunks = format.split(SPEC);
    // split() with 4 capture groups yields: text, flags, width, prec, conv, text, ...
    for (let k = 0; k < chunks.length && !stopped; k += 5) {
      const lit = escapes(chunks[k]!, false);
      out.add(lit.text);
      if (lit.stop) return { status, stdout: out.toString(), stderr: err };
      if (k + 4 >= chunks.length) break;
      const flags = chunks[k + 1] ?? "";
      let width = chunks[k + 2];
      let prec = chunks[k + 3];
      const conv = chunks[k + 4]!;
      if (conv === "%") {
        out.add("%");
        continue;
      }
      if (width === "*") width = rest[used++] ?? "0";
      if (prec === "*") prec = rest[used++] ?? "0";
      const arg = rest[used++];
      // A width or precision alone can ask for more text than the script may hold (`%*s` 50000000).
      checkString(limits, Math.max(Number(width ?? 0), Number(prec ?? 0)), "`printf`'s output");
      const r = convert(conv, flags, prec, arg);
      if (r.error) {
        err += `printf: ${r.error}\n`;
        status = 1;
      }
      if (r.stop) stopped = true;
      out.add(pad(r.text, r.noZero ? flags.replace(/0/g, "") : flags, width ? Number(width) : 0, conv));
    }
    if (stopped || used === start) break;
  } while (used < rest.length);
  return { status, stdout: out.toString(), stderr: err };
};

function convert(conv: string, flags: string, prec: string | undefined, arg: string | undefined): { text: string; error?: string; stop?: boolean; noZero?: boolean } {
  const p = prec === undefined ? undefined : Number(prec || 0);
  switch (conv) {
    case "s":
      return { text: p === undefined ? (arg ?? "") : (arg ?? "").slice(0, p) };
    case "b": {
      const e = escapes(arg ?? "", true);
      return { text: e.text, stop: e.stop };
    }
    case "c":
      return { text: (arg ?? "").slice(0, 1) };
    case "q":
      return { text: quoteQ(arg ?? "") };
    case "d":
    case "i":
    case "u":
    case "x":
    case "X":
    case "o": {
      const { value: signed, error } = number(arg);
      // The unsigned conversions show a negative number as its 64-bit two's complement.
      const value = "di".includes(conv) ? signed : BigInt.asUintN(64, signed);
      const neg = value < 0n;
      let digits = (neg ? -value : value).toString(conv === "x" || conv === "X" ? 16 : conv === "o" ? 8 : 10);
      if (conv === "X") digits = digits.toUpperCase();
      // A precision is the least number of digits (and turns the 0 flag off).
      if (p !== undefined) digits = p === 0 && value === 0n ? "" : digits.padStart(p, "0");
      if (flags.includes("#") && conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
      if (flags.includes("#") && (conv === "x" || conv === "X") && value !== 0n) digits = (conv === "x" ? "0x" : "0X") + digits;
      const sign = neg ? "-" : "di".includes(conv) && flags.includes("+") ? "+" : "di".includes(conv) && flags.includes(" ") ? " " : "";
      return { text: sign + digits, error, noZero: p !== undefined };
    }
    default: {
      const v = arg === undefined || arg === "" ? 0 : Number(arg);
      const error = Number.isNaN(v) ? `${arg}: invalid number` : undefined;
      return { text: formatFloat(conv, flags, p ?? null, Number.isNaN(v) ? 0 : v), error };
    }
  }
}

function number(arg: string | undefined): { value: bigint; error?: string } {
  if (arg === undefined || arg === "") return { value: 0n };
  if (/^['"]/.test(arg)) return { value: BigInt(arg.codePointAt(1) ?? 0) };
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(arg);
  if (!m) return { value: 0n, error: `${arg}: invalid number` };
  const d = m[2]!;
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d.startsWith("0") ? BigInt("0o" + d.slice(1)) : BigInt(d);
  const value = m[1] === "-" ? -v : v;
  return m[0].length === arg.length ? { value } : { value, error: `${arg}: invalid number` };
}

function pad(text: string, flags: string, width: number, conv: string): string {
  if (text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (flags.includes("0") && !"sbcq".includes(conv)) {
    const sign = /^[+ -]/.test(text) ? text[0]! : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

// eslint-disable-next-line no-control-regex -- the characters %q writes as $'...'
const CONTROL = /[\x00-\x1f\x7f]/;

/** `%q` (bash's sh_backslash_quote; $'...' for control characters; '' for the empty string). */
export function quoteQ(s: string): string {
  if (s === "") return "''";
  if (CONTROL.test(s)) {
    const esc: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\x1b": "\\E", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "'": "\\'", "\\": "\\\\" };
    return `$'${[...s].map((c) => esc[c] ?? (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}` : c)).join("")}'`;
  }
  return s.replace(/([ \t!"$&'()*,;<>?[\\\]^`{|}])/g, "\\$1").replace(/^([~#])/, "\\$1");
}
