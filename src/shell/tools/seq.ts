// coreutils seq, for the integer forms labs use in loops (`for i in $(seq 40)`):
// seq LAST, seq FIRST LAST, seq FIRST INCREMENT LAST, one number per line.

import { Output, type Tool } from "./tool.js";

const INTEGER = /^[+-]?\d+$/;

export const seq: Tool = (args, io) => {
  if (args.length === 0) return { status: 1, stdout: "", stderr: "seq: missing operand\nTry 'seq --help' for more information.\n" };
  if (args.length > 3) return { status: 1, stdout: "", stderr: `seq: extra operand '${args[3]}'\nTry 'seq --help' for more information.\n` };
  const bad = args.find((a) => !INTEGER.test(a));
  if (bad !== undefined) return { status: 1, stdout: "", stderr: `seq: invalid floating point argument: '${bad}'\nTry 'seq --help' for more information.\n` };
  const n = args.map(Number);
  const [first, incr, last] = n.length === 1 ? [1, 1, n[0]!] : n.length === 2 ? [n[0]!, 1, n[1]!] : [n[0]!, n[1]!, n[2]!];
  if (incr === 0) return { status: 1, stdout: "", stderr: `seq: invalid Zero increment value: '${args[1]}'\nTry 'seq --help' for more information.\n` };
  const out = Output.for(io, "seq");
  for (let i = first; incr > 0 ? i <= last : i >= last; i += incr) out.add(`${i}\n`);
  return { status: 0, stdout: out.toString(), stderr: "" };
};
