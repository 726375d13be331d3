// The scripts `ipvlab completion SHELL` prints (assets/completion/). Each asks
// the command it completes (the first word on the line, so a copy outside
// PATH works too) `__complete WORDS...` and acts on the answer's first line
// (completion.ts): words to offer, or the shell's own file names.

import { readFileSync } from "node:fs";
import { assetPath } from "../paths.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const FILES: Record<Shell, string> = { bash: "ipvlab.bash", zsh: "_ipvlab.zsh", fish: "ipvlab.fish" };

export const completionScript = (shell: Shell): string => readFileSync(assetPath(`completion/${FILES[shell]}`), "utf8");
