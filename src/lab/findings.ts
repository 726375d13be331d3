import type { LabDiagnostic } from "./errors.js";
import type { SourcePos } from "./types.js";

/**
 * What checking a lab has found so far: its diagnostics, and what later checks
 * need to know so as not to report one mistake twice.
 */
export class Findings {
  readonly diags: LabDiagnostic[] = [];
  /** Host and network names already reported as invalid: a reference near one is the same mistake. */
  readonly invalidNames = new Set<string>();
  /** Hosts written at the top level (reported once, there). */
  readonly misplacedHosts = new Set<string>();
  /** Top-level keys that interfaces use as networks (reported once, there). */
  readonly misplacedNetworks = new Set<string>();
  /** Hosts whose interfaces could not all be read: a capture target cannot be judged on them. */
  readonly hostsUnread = new Set<string>();
  /** Keys that a mistake in a map stands for (pointer of the map → keys): they are not reported missing. */
  readonly suggested = new Map<string, Set<string>>();
  /** Paths (pointers) whose value was reported: references do not look at them again. */
  readonly badPaths = new Set<string>();
  /** There are no hosts to refer to (hosts: missing, empty or not a map). */
  hostsBroken = false;
  /** networks: is not a map, or misspelled: references to networks cannot be judged. */
  networksBroken = false;
  /** A network reference could not be read: an "unused network" warning might be this mistake again. */
  networkUseUnknown = false;

  error(pos: SourcePos, message: string): void {
    this.diags.push({ severity: "error", pos, message });
  }

  warn(pos: SourcePos, message: string): void {
    this.diags.push({ severity: "warning", pos, message });
  }

  suggest(path: readonly string[], ...keys: string[]): void {
    const id = path.join("/");
    const s = this.suggested.get(id) ?? new Set<string>();
    for (const k of keys) s.add(k);
    this.suggested.set(id, s);
  }

  suggestedAt(path: readonly string[]): Set<string> {
    return this.suggested.get(path.join("/")) ?? new Set();
  }

  /** Whether the value at `path`, or one around it, was reported. */
  isBad(path: readonly string[]): boolean {
    for (let i = path.length; i >= 0; i--) if (this.badPaths.has(path.slice(0, i).join("/"))) return true;
    return false;
  }

  /** Whether `ref` is an invalid name (already reported) with its stray characters taken out, or one itself. */
  nearInvalid(ref: string): boolean {
    return [...this.invalidNames].some((n) => n === ref || n.replace(/[^A-Za-z0-9_.-]/g, "") === ref);
  }
}
