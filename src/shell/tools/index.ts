import { awk } from "./awk.js";
import { echo } from "./echo.js";
import { mkdir, mktemp, rm, rmdir, tee, touch } from "./files.js";
import { grep } from "./grep.js";
import { printf } from "./printf.js";
import { sed } from "./sed.js";
import { seq } from "./seq.js";
import { sort } from "./sort.js";
import { cat, cut, head, tail, wc } from "./text.js";
import { tr } from "./tr.js";
import { uniq } from "./uniq.js";
import type { Tool } from "./tool.js";

/** Commands the shell answers itself: pure text in, text out. */
export const TOOLS: Record<string, Tool> = { echo, printf, cat, grep, egrep: (a, io) => grep(["-E", ...a], io), head, tail, wc, cut, sort, tr, uniq, awk, seq, sed, tee, rm, rmdir, mkdir, touch, mktemp };
