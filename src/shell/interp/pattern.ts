/** Bash glob patterns (`*`, `?`, `[...]`) as regular expressions, for [[ == ]] and ${X#pattern}. */
export function globToRegExpSource(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      out += escapeRe(pattern[++i]!);
    } else if (c === "*") {
      out += "[\\s\\S]*";
    } else if (c === "?") {
      out += "[\\s\\S]";
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith("!") || body.startsWith("^")) body = "^" + body.slice(1);
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = close;
    } else {
      out += escapeRe(c);
    }
  }
  return out;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export function globMatch(pattern: string, text: string): boolean {
  return new RegExp(`^${globToRegExpSource(pattern)}$`).test(text);
}

/** Escape glob characters in text that came from a quoted part, so it matches itself. */
export function quoteGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}
