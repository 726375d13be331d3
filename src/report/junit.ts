/**
 * JUnit XML, the report CI systems read (GitHub Actions' test reporters,
 * GitLab's artifacts:reports:junit, Jenkins): one <testsuite> per lab, whose
 * first <testcase> is the lab as a whole and the rest its steps.
 */

export interface JUnitCase {
  name: string;
  /** Why it failed, one line; null when it passed. */
  failure: { message: string; detail: string } | null;
}

export interface JUnitSuite {
  /** The lab's name. */
  name: string;
  /** The lab file, as given. */
  file: string;
  cases: JUnitCase[];
}

/** The whole document; `name` is the command (e.g. "ipvlab verify"). */
export function junitXml(name: string, suites: JUnitSuite[]): string {
  const count = (cs: JUnitCase[]) => ({ tests: cs.length, failures: cs.filter((c) => c.failure).length });
  const all = count(suites.flatMap((s) => s.cases));
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="${attr(name)}" tests="${all.tests}" failures="${all.failures}" errors="0">`];
  for (const s of suites) {
    const c = count(s.cases);
    out.push(`  <testsuite name="${attr(s.name)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="0" file="${attr(s.file)}">`);
    for (const tc of s.cases) {
      const open = `    <testcase classname="${attr(s.name)}" name="${attr(tc.name)}" file="${attr(s.file)}"`;
      if (!tc.failure) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`, `      <failure message="${attr(tc.failure.message)}" type="failure">${text(tc.failure.detail)}</failure>`, `    </testcase>`);
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}

/**
 * Characters XML 1.0 cannot carry at all (most C0 controls, e.g. the ESC of a
 * colour code, U+FFFE/U+FFFF, lone surrogates) are written as \xNN or \uNNNN
 * text, so the report says what was there and still parses.
 */
function printable(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c < 0xd800) || (c >= 0xe000 && c <= 0xfffd);
    out += allowed ? s[i]! : c < 0x100 ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return out;
}

function text(s: string): string {
  return printable(s).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Attribute values: quotes escaped, and line ends as references (a parser would fold them into spaces). */
function attr(s: string): string {
  return text(s).replaceAll('"', "&quot;").replaceAll("'", "&apos;").replaceAll("\n", "&#10;").replaceAll("\r", "&#13;").replaceAll("\t", "&#9;");
}
