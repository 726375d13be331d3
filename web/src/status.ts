// The line at the top that says how the lab went: how many of its checks
// were met and whether a command could not run, red as soon as one check was
// not met or one command failed; then how long the simulation took.

import type { CommandResult, LabResult } from "../../src/engines/result.js";

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function labStatus(result: LabResult, ms: number): { text: string; ok: boolean } {
  const commands = result.steps.filter((s): s is CommandResult => s.kind !== "matrix");
  const checks = commands.filter((s) => s.kind === "check");
  const met = checks.filter((s) => s.state === "met").length;
  const errors = commands.filter((s) => s.state === "error").length;
  const setups = commands.filter((s) => s.state === "setup-failed").length;
  const parts = [checks.length ? `${met} of ${plural(checks.length, "check")} met` : "no checks"];
  if (errors) parts.push(`${plural(errors, "command")} could not run`);
  if (setups) parts.push(`${plural(setups, "setup or action", "setups or actions")} with a failed command`);
  return { text: `${parts.join(", ")} · simulated in ${Math.round(ms)} ms`, ok: met === checks.length && !errors && !setups };
}
