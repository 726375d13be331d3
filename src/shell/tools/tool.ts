/** A text tool the shell runs itself (no kernel involved): argv without the name, the whole stdin. */
export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

export type Tool = (args: string[], stdin: string) => ToolResult;

export const ok = (stdout: string): ToolResult => ({ status: 0, stdout, stderr: "" });

export const fail = (status: number, stderr: string): ToolResult => ({ status, stdout: "", stderr });

export function unsupportedOption(tool: string, what: string): ToolResult {
  return fail(2, `${tool}: ${what} is not supported by --engine sim; the real engines (--engine uml or --engine host) run it\n`);
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
