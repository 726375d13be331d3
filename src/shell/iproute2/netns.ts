import { NotSimulated } from "../errors.js";
import type { IpCommand } from "./ast.js";
import { fail1, fail255, matches } from "./errors.js";

function invalidName(name: string): boolean {
  return !name || name.length > 255 || name.includes("/") || name === "." || name === "..";
}

function named(argv: string[], command: "add" | "delete"): IpCommand {
  if (argv.length < 2) throw fail1("No netns name specified\n");
  return { object: "netns", command, name: argv[1]! };
}

/** do_netns(), in its order; `exec` keeps the command line for the executor to run inside the namespace. */
export function parseNetns(argv: string[], all: boolean): IpCommand {
  const sub = argv[0];
  if (sub === undefined) return { object: "netns", command: "list", arg: null };
  if (!all && argv.length > 1 && invalidName(argv[1]!)) throw fail255(`Invalid netns name "${argv[1]}"\n`);
  if (matches(sub, "list") || matches(sub, "show") || matches(sub, "lst")) return { object: "netns", command: "list", arg: null };
  if (matches(sub, "list-id")) return { object: "netns", command: "list-id", arg: null };
  if (matches(sub, "help")) return { object: "help", args: argv };
  if (matches(sub, "add")) return named(argv, "add");
  if (matches(sub, "set")) throw NotSimulated.what("ip netns set");
  if (matches(sub, "delete")) {
    if (all) throw NotSimulated.what("ip -all netns delete");
    return named(argv, "delete");
  }
  if (matches(sub, "identify")) return { object: "netns", command: "identify", arg: argv[1] ?? null };
  if (matches(sub, "pids")) {
    if (argv.length < 2) throw fail1("No netns name specified\n");
    return { object: "netns", command: "pids", arg: argv[1]! };
  }
  if (matches(sub, "exec")) {
    if (all) throw NotSimulated.what("ip -all netns exec");
    if (argv.length < 2) throw fail1("No netns name specified\n");
    if (argv.length < 3) throw fail1("No command specified\n");
    return { object: "netns", command: "exec", name: argv[1]!, argv: argv.slice(2) };
  }
  if (matches(sub, "monitor")) throw NotSimulated.what("ip netns monitor");
  if (matches(sub, "attach")) {
    if (argv.length < 3) throw fail1("No netns name and PID specified\n");
    return { object: "netns", command: "attach", name: argv[1]!, pid: Number(argv[2]) };
  }
  throw fail255(`Command "${sub}" is unknown, try "ip netns help".\n`);
}
