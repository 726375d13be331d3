import { ok, type Tool } from "./tool.js";

/** Backslash escapes as `echo -e` and printf's format know them; `stop` is set by \c. */
export function escapes(s: string, octalNeedsZero: boolean): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", e: "\x1b", "\\": "\\" };
    if (n in simple) out += simple[n];
    else if (n === "c") return { text: out, stop: true };
    else if (n === "x" && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if (octalNeedsZero ? n === "0" : /[0-7]/.test(n)) {
      const from = octalNeedsZero ? i + 1 : i;
      const m = /^[0-7]{0,3}/.exec(s.slice(from))![0];
      out += String.fromCharCode(parseInt(m || "0", 8) & 0xff);
      i = from + m.length - 1;
    } else out += "\\" + n;
  }
  return { text: out, stop: false };
}

export const echo: Tool = (args) => {
  let newline = true;
  let interpret = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    for (const c of args[i]!.slice(1)) {
      if (c === "n") newline = false;
      else interpret = c === "e";
    }
  }
  const text = args.slice(i).join(" ");
  if (!interpret) return ok(text + (newline ? "\n" : ""));
  const e = escapes(text, true);
  return ok(e.text + (newline && !e.stop ? "\n" : ""));
};
