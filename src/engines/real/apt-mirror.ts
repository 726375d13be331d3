// The Debian mirror this machine's apt already uses, so that `ipvlab kernels
// install` downloads from the same place (a local mirror, a proxy's, a
// snapshot) rather than from the internet at large. Only read, never written.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const DEFAULT_MIRROR = "http://deb.debian.org/debian";

export interface AptSourceFile {
  name: string;
  text: string;
}

/** Security and update archives carry only a suite's fixes, never a whole suite such as trixie. */
const partial = (uri: string, suites: readonly string[]) => /security/.test(uri) || (suites.length > 0 && suites.every((s) => /-(security|updates|backports)$/.test(s)));

/** One-line sources (`deb [signed-by=...] URI SUITE COMPONENTS`). */
function oneLineUris(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m && !partial(m[1]!, [m[2]!])) out.push(m[1]!);
  }
  return out;
}

/** deb822 sources (`Types: deb`, `URIs: ...`, `Suites: ...`), one stanza per blank-line-separated block. */
function deb822Uris(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  for (const stanza of lines.join("\n").split(/\n\s*\n/)) {
    const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, "mi").exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    if (!field("Types").includes("deb") || /^Enabled:\s*no/im.test(stanza)) continue;
    const suites = field("Suites");
    for (const uri of field("URIs")) if (!partial(uri, suites)) out.push(uri);
  }
  return out;
}

/** The first full Debian archive among FILES' sources, or DEFAULT_MIRROR. */
export function debianMirror(files: readonly AptSourceFile[]): string {
  for (const f of files) {
    const uris = f.name.endsWith(".sources") ? deb822Uris(f.text) : oneLineUris(f.text);
    const uri = uris.find((u) => /^https?:\/\//.test(u));
    if (uri) return uri.replace(/\/+$/, "");
  }
  return DEFAULT_MIRROR;
}

/** The machine's apt source files: sources.list, then sources.list.d/ in name order. */
export function machineAptSources(etc = "/etc/apt"): AptSourceFile[] {
  const files: AptSourceFile[] = [];
  const read = (path: string) => {
    try {
      files.push({ name: path, text: readFileSync(path, "utf8") });
    } catch {
      // unreadable: as if absent
    }
  };
  read(join(etc, "sources.list"));
  const dir = join(etc, "sources.list.d");
  if (existsSync(dir)) for (const f of readdirSync(dir).filter((n) => /\.(list|sources)$/.test(n)).sort()) read(join(dir, f));
  return files;
}

/** The mirror this machine's apt uses for Debian. */
export function machineMirror(): string {
  return debianMirror(machineAptSources());
}
