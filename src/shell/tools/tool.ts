import { NotSimulated } from "../errors.js";
import type { FileRead, ShellFs } from "../interp/host.js";
import { checkString, UNLIMITED, type ShellLimits } from "../interp/limits.js";

/** A text tool the shell runs itself (no kernel involved): argv without the name, and where it reads from. */
export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface ToolIo {
  /** The whole standard input; a tool that reads only file operands leaves it to the commands after it. */
  stdin(): string;
  /** A file operand; null when the host does not model that path. */
  readFile(path: string): FileRead | null;
  /** The script's limits: a tool that makes text from little (seq, printf, awk) stops at them. */
  limits?: ShellLimits;
  /** The files a script writes (tee, rm, mkdir, mktemp, sed -i); paths go through `resolve` first. */
  fs?: ShellFs;
  resolve?(path: string): string;
}

/**
 * Output built piece by piece within the string limit, watching the clock:
 * a tool's output is one string, so it must not outgrow what the script may hold.
 */
export class Output {
  private text = "";
  private n = 0;
  constructor(
    private readonly limits: ShellLimits,
    private readonly what: string,
  ) {}

  static for(io: ToolIo, tool: string): Output {
    return new Output(io.limits ?? UNLIMITED, `\`${tool}\`'s output`);
  }

  add(s: string): void {
    checkString(this.limits, this.text.length + s.length, this.what);
    if ((++this.n & 1023) === 0) this.limits.tick();
    this.text += s;
  }

  toString(): string {
    return this.text;
  }
}

export type Tool = (args: string[], io: ToolIo) => ToolResult;

/** A ToolIo over a string, for tools given no files (and tests). */
export const stdinOnly = (stdin: string): ToolIo => ({ stdin: () => stdin, readFile: () => null });

/** One input of a tool: standard input ("-") or a file as read. */
export interface Input {
  name: string;
  read: FileRead;
  /** Not a regular file (stdin): wc pads such counts to 7. */
  stream: boolean;
}

/**
 * The tool's operands read in order ("-" or none: standard input, read once).
 * A path the host does not model makes the whole command unsupported, as a
 * real engine is needed to run it: `unsupported` names the first.
 */
export function inputs(operands: string[], io: ToolIo): { inputs: Input[]; unsupported: string | null } {
  const out: Input[] = [];
  let stdinRead = false;
  for (const name of operands.length ? operands : ["-"]) {
    if (name === "-") {
      out.push({ name, read: { ok: true, content: stdinRead ? "" : io.stdin() }, stream: true });
      stdinRead = true;
      continue;
    }
    const read = io.readFile(name);
    if (!read) return { inputs: out, unsupported: name };
    out.push({ name, read, stream: false });
  }
  return { inputs: out, unsupported: null };
}

export const IS_A_DIRECTORY = "Is a directory";

export const ok = (stdout: string): ToolResult => ({ status: 0, stdout, stderr: "" });

export const fail = (status: number, stderr: string): ToolResult => ({ status, stdout: "", stderr });

/** Something of a text tool sim does not model (an option, a file): the script is refused there. */
export function unsupportedOption(tool: string, what: string): never {
  throw NotSimulated.what(`${tool}: ${what}`);
}

/** Lines of a text, without the empty one after a final newline. */
export function lines(text: string): string[] {
  if (text === "") return [];
  const ls = text.split("\n");
  if (ls[ls.length - 1] === "") ls.pop();
  return ls;
}

export const unlines = (ls: string[]): string => ls.map((l) => l + "\n").join("");

/** Splits clustered short options (`-qE`) the getopt way; `withArg` options take the rest of the cluster or the next word. */
export function getopt(
  args: string[],
  withArg: string,
): { opts: Array<[string, string | null]>; operands: string[]; bad: string | null } {
  const opts: Array<[string, string | null]> = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withArg.includes(c)) {
        const rest = a.slice(j + 1);
        if (rest) opts.push([c, rest]);
        else if (i + 1 < args.length) opts.push([c, args[++i]!]);
        else return { opts, operands: [], bad: `option requires an argument -- '${c}'` };
        break;
      }
      opts.push([c, null]);
    }
  }
  return { opts, operands: args.slice(i), bad: null };
}
