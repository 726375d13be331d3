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
      // The closing bracket: not the first character of the set, and not inside [:class:].
      let j = i + 1;
      if (pattern[j] === "!" || pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      let close = -1;
      for (; j < pattern.length; j++) {
        if (pattern.startsWith("[:", j)) {
          const end = pattern.indexOf(":]", j + 2);
          if (end > 0) {
            j = end + 1;
            continue;
          }
        }
        if (pattern[j] === "\\") {
          j++;
          continue;
        }
        if (pattern[j] === "]") {
          close = j;
          break;
        }
      }
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      const set = body.replace(/\[:([a-z]+):\]|\\(.)|([\][\\^])/g, (m, cls: string | undefined, esc: string | undefined, special: string | undefined) => {
        if (cls) return POSIX_CLASSES[cls] ?? m;
        if (esc !== undefined) return escapeRe(esc);
        return `\\${special}`;
      });
      out += `[${negate ? "^" : ""}${set}]`;
      i = close;
    } else {
      out += escapeRe(c);
    }
  }
  return out;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z", space: " \\t\\n\\r\\f\\v",
  blank: " \\t", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f", cntrl: "\\x00-\\x1f\\x7f", print: " -~", graph: "!-~",
};

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
