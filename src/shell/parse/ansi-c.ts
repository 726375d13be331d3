/** The text of `$'...'` with bash's backslash escapes (ansicstr in lib/sh/strtrans.c) replaced. */
export function ansiC(s: string): string {
  const simple: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n in simple) out += simple[n];
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
      out += String.fromCharCode(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else if (n === "x" && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if ((n === "u" || n === "U") && /[0-9a-fA-F]/.test(s[i + 1] ?? "")) {
      const m = new RegExp(`^[0-9a-fA-F]{1,${n === "u" ? 4 : 8}}`).exec(s.slice(i + 1))![0];
      const cp = parseInt(m, 16);
      // In the C locale bash cannot encode a non-ASCII character and leaves the escape, in capitals.
      out += cp < 0x80 ? String.fromCodePoint(cp) : `\\${n}${m.toUpperCase().padStart(n === "u" ? 4 : 8, "0")}`;
      i += m.length;
    } else if (n === "c" && i + 1 < s.length) {
      out += String.fromCharCode(s.charCodeAt(++i) & 0x1f);
    } else out += "\\" + n;
  }
  return out;
}
