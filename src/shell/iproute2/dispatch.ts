import { NotSimulated } from "../errors.js";
import type { IpCommand } from "./ast.js";
import { Args, fail255, matches } from "./errors.js";
import type { Family } from "./inet.js";

type Modify = (a: Args, command: "add" | "change" | "replace" | "delete", family: Family) => IpCommand;
type List = (a: Args, command: "show" | "flush", family: Family) => IpCommand;

/** The command table ipaddress.c and ipneigh.c share: add/change/replace/delete, list/show/flush, help. */
export function dispatchModifyList(argv: string[], family: Family, modify: Modify, list: List, object: string, unmodelled: readonly string[] = []): IpCommand {
  const a = new Args(argv);
  a.i = 1;
  const sub = argv[0];
  if (sub === undefined) return list(new Args([]), "show", family);
  if (matches(sub, "add")) return modify(a, "add", family);
  if (matches(sub, "change") || sub === "chg") return modify(a, "change", family);
  if (matches(sub, "replace")) return modify(a, "replace", family);
  if (matches(sub, "delete")) return modify(a, "delete", family);
  if (matches(sub, "list") || matches(sub, "show") || matches(sub, "lst")) return list(a, "show", family);
  if (matches(sub, "flush")) return list(a, "flush", family);
  for (const c of unmodelled) if (matches(sub, c)) throw NotSimulated.what(`ip ${object} ${c}`);
  if (matches(sub, "help")) return { object: "help", args: argv };
  throw fail255(`Command "${sub}" is unknown, try "ip ${object} help".\n`);
}
