// Shell completion: `ipvlab completion bash|zsh|fish` prints a script; the
// script asks `ipvlab __complete -- WORDS...` what may come next (after `--`,
// so that commander takes none of the words as its own options), as cobra and
// click do, so commands and options come from commander's own definitions and
// never drift from them, and host and step names come from the lab on the line.

import { existsSync, statSync } from "node:fs";
import { Argument, type Command, type Option } from "commander";
import type { Lab } from "../lab/types.js";
import { completionScript, SHELLS, type Shell } from "./completion-scripts.js";

/**
 * What the script does with the answer: the first line of `__complete`'s
 * output. `:words` then one candidate a line (already matched against the
 * word being completed); `:labs` the shell's own file names, lab files and
 * folders only; `:files` any file; `:dirs` folders; `:none` nothing.
 */
export type Directive = ":words" | ":labs" | ":files" | ":dirs" | ":none";

export interface Completion {
  directive: Directive;
  words: string[];
}

/** An option's value by the name its flags give it (`--pcap <dir>`): the shell's file names of that kind. */
const VALUE_FILES: Record<string, Directive> = { file: ":files", dir: ":dirs", lab: ":labs" };

export function addCompletion(program: Command): void {
  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish: commands, options, lab files, the lab's host and step names")
    .addArgument(new Argument("<shell>", "the shell").choices([...SHELLS]))
    .addHelpText(
      "after",
      `
Load it in the running shell, or install it for every new one:
  bash:  source <(ipvlab completion bash)
         ipvlab completion bash > ~/.local/share/bash-completion/completions/ipvlab
  zsh:   source <(ipvlab completion zsh)
         ipvlab completion zsh > "\${fpath[1]}/_ipvlab"    (then start a new shell)
  fish:  ipvlab completion fish > ~/.config/fish/completions/ipvlab.fish`,
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(shell));
    });

  program
    .command("__complete", { hidden: true })
    .description("what may come next on the command line: the words after `ipvlab`, the last one being completed")
    .argument("[words...]")
    .helpOption(false)
    .allowUnknownOption()
    .action(async (words: string[] = []) => {
      const c = await complete(program, words);
      process.stdout.write([c.directive, ...c.words].map((w) => w + "\n").join(""));
    });
}

/** A word as the shell passed it, without its opening quote and backslashes. */
function unquote(word: string): string {
  if (word.startsWith("'")) return word.slice(1).replace(/'$/, "");
  if (word.startsWith('"')) return word.slice(1).replace(/"$/, "").replace(/\\(.)/g, "$1");
  return word.replace(/\\(.)/g, "$1");
}

const matching = (cur: string, words: Iterable<string>): Completion => ({ directive: ":words", words: [...new Set(words)].filter((w) => w.startsWith(cur)) });

function findOption(cmd: Command, word: string): Option | undefined {
  const flag = word.split("=", 1)[0]!;
  return cmd.createHelp().visibleOptions(cmd).find((o) => o.long === flag || o.short === flag);
}

/** The candidates for the last of `words` (the words after `ipvlab`). */
export async function complete(program: Command, words: string[]): Promise<Completion> {
  const before = words.slice(0, -1);
  const cur = unquote(words.at(-1) ?? "");
  let cmd = program;
  const positionals: string[] = [];
  const values = new Map<string, string>();
  let pending: Option | undefined;
  let operandsOnly = false;
  for (const w of before) {
    if (pending) {
      values.set(pending.attributeName(), unquote(w));
      pending = undefined;
      continue;
    }
    if (!operandsOnly && w === "--") {
      operandsOnly = true;
      continue;
    }
    if (!operandsOnly && w.startsWith("-") && w !== "-") {
      const o = findOption(cmd, w);
      if (o && (o.required || o.optional) && !w.includes("=")) pending = o;
      else if (o && w.includes("=")) values.set(o.attributeName(), unquote(w.slice(w.indexOf("=") + 1)));
      continue;
    }
    const sub = positionals.length === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) cmd = sub;
    else positionals.push(unquote(w));
  }
  if (pending) return optionValue(pending, () => labOnLine(cmd, positionals, values), cur);
  if (cur.startsWith("-") && !operandsOnly) return matching(cur, optionNames(cmd));
  const subs = cmd
    .createHelp()
    .visibleCommands(cmd)
    .map((c) => c.name());
  if (subs.length && positionals.length === 0) return matching(cur, subs);
  // `ipvlab help COMMAND` (commander's own help command, not in cmd.commands).
  if (subs.length && positionals.length === 1 && positionals[0] === "help") return matching(cur, subs.filter((s) => s !== "help"));
  const args = cmd.registeredArguments;
  const arg = args[positionals.length] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (!arg) return matching(cur, cur ? [] : optionNames(cmd));
  if (arg.argChoices) return matching(cur, arg.argChoices);
  return { directive: arg.name().startsWith("lab") ? ":labs" : ":files", words: [] };
}

function optionNames(cmd: Command): string[] {
  return cmd
    .createHelp()
    .visibleOptions(cmd)
    .flatMap((o) => (o.long ? [o.long] : o.short ? [o.short] : []));
}

/** The lab the command works on: its lab argument, or the lab of `snapshot --lab`. */
function labOnLine(cmd: Command, positionals: string[], values: Map<string, string>): Promise<Lab | null> {
  const labArg = cmd.registeredArguments.findIndex((a) => a.name().startsWith("lab"));
  return quietLab(labArg >= 0 ? positionals[labArg] : values.get("lab"));
}

/** The value of an option: its choices, a file or folder, or what the lab on the line holds. */
async function optionValue(o: Option, readLab: () => Promise<Lab | null>, cur: string): Promise<Completion> {
  if (o.argChoices) return matching(cur, o.argChoices);
  const placeholder = /[<[]([\w-]+)(?:\.\.\.)?[>\]]$/.exec(o.flags)?.[1] ?? "";
  const files = VALUE_FILES[placeholder];
  if (files) return { directive: files, words: [] };
  const lab = await readLab();
  if (!lab) return { directive: ":none", words: [] };
  switch (o.attributeName()) {
    case "on":
      return matching(cur, lab.hosts.map((h) => h.name));
    case "from":
      return matching(cur, [...lab.hosts.map((h) => h.name), ...lab.hosts.flatMap((h) => namespacesOf(h.run).map((ns) => `${h.name}/${ns}`))]);
    case "to":
      return matching(cur, addressesOf(lab));
    case "after":
      return matching(cur, lab.steps.map((s) => s.name));
    case "check":
      return matching(cur, lab.steps.filter((s) => s.kind === "check").map((s) => s.name));
    default:
      return { directive: ":none", words: [] };
  }
}

/**
 * The lab file on the line, or null when it is not there or not a lab (completion never complains).
 * The lab loader (YAML, schema, shell parser) is imported only here: a tab press that needs no lab answers at once.
 */
async function quietLab(file: string | undefined): Promise<Lab | null> {
  if (!file || !existsSync(file) || !statSync(file).isFile()) return null;
  try {
    const { loadLabFile } = await import("../lab/load.js");
    return loadLabFile(file).lab;
  } catch {
    return null;
  }
}

// What a host's script names, read from its text: completion must answer at
// once, without running the lab. A name made at run time is not offered.

/** `ip netns add NS` (and ip's abbreviations of netns). */
function namespacesOf(script: string): string[] {
  return [...script.matchAll(/\bip\s+(?:netns|netn|net|ne)\s+add\s+([\w.-]+)/g)].map((m) => m[1]!);
}

/** `ip addr add ADDR[/LEN]` in every script of the lab, IPv4 and IPv6. */
function addressesOf(lab: Lab): string[] {
  const scripts = [...lab.hosts.map((h) => h.run), ...lab.steps.flatMap((s) => (s.kind === "matrix" ? [] : [s.run]))];
  return scripts.flatMap((s) => [...s.matchAll(/\b(?:address|addr|add|ad|a)\s+add\s+([0-9a-fA-F.:]+[0-9a-fA-F])(?:\/\d+)?/g)].map((m) => m[1]!));
}
