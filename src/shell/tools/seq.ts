// coreutils seq, for the integer forms labs use in loops (`for i in $(seq 40)`):
// seq LAST, seq FIRST LAST, seq FIRST INCREMENT LAST, one number per line.

import { Output, unsupportedOption, type Tool } from "./tool.js";

const INTEGER = /^[+-]?\d+$/;

export const seq: Tool = (argv, io) => {
  let sep = "\n";
  let equal = false;
  const args: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === "-w" || a === "--equal-width") equal = true;
    else if (a === "-s" || (a.startsWith("-s") && !/^-s\d/.test(a) && a.length > 2)) {
      const v = a === "-s" ? argv[++k] : a.slice(2);
      if (v === undefined) return { status: 1, stdout: "", stderr: "seq: option requires an argument -- 's'\nTry 'seq --help' for more information.\n" };
      sep = v;
    } else if (/^-[a-zA-Z]/.test(a)) return unsupportedOption("seq", `the option ${a}`);
    else args.push(a);
  }
  if (args.length === 0) return { status: 1, stdout: "", stderr: "seq: missing operand\nTry 'seq --help' for more information.\n" };
  if (args.length > 3) return { status: 1, stdout: "", stderr: `seq: extra operand '${args[3]}'\nTry 'seq --help' for more information.\n` };
  const bad = args.find((a) => !INTEGER.test(a));
  if (bad !== undefined) return { status: 1, stdout: "", stderr: `seq: invalid floating point argument: '${bad}'\nTry 'seq --help' for more information.\n` };
  const n = args.map(Number);
  const [first, incr, last] = n.length === 1 ? [1, 1, n[0]!] : n.length === 2 ? [n[0]!, 1, n[1]!] : [n[0]!, n[1]!, n[2]!];
  if (incr === 0) return { status: 1, stdout: "", stderr: `seq: invalid Zero increment value: '${args[1]}'\nTry 'seq --help' for more information.\n` };
  const out = Output.for(io, "seq");
  // -w pads to the widest of FIRST and LAST as they print.
  const width = equal ? Math.max(String(first).length, String(last).length) : 0;
  const show = (i: number): string => (i < 0 ? "-" + String(-i).padStart(width - 1, "0") : String(i).padStart(width, "0"));
  let any = false;
  for (let i = first; incr > 0 ? i <= last : i >= last; i += incr) {
    out.add(`${any ? sep : ""}${show(i)}`);
    any = true;
  }
  if (any) out.add("\n");
  return { status: 0, stdout: out.toString(), stderr: "" };
};
