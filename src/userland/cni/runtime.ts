// `ipvlab cni add|del|check NETNS CONF [IFNAME]`: a lab script's shorthand
// for running a plugin as a container runtime does (libcni's AddNetwork,
// CheckNetwork, DelNetwork for one network configuration): the environment
// set, the plugin found by the configuration's "type" in /usr/lib/cni, the
// ADD result kept and handed back as "prevResult" to CHECK and DEL. The same
// code runs under --engine sim (the simulated plugins) and on the real
// engines (the real ones), so both answer the same command. A conflist runs
// its plugins as libcni's AddNetworkList, CheckNetworkList and
// DelNetworkList do (conflist.ts).

import type { ExecResult } from "../../shell/index.js";
import { runConfList, type PluginRun } from "./conflist.js";
import { jsonSyntaxError } from "./gojson.js";

export interface CniRuntimeIo {
  /** CONF as a file to read; null when there is no such file (the error text given). */
  readFile(path: string): { ok: true; content: string } | { ok: false; error: string };
  /** Runs the plugin at `path` with this environment and stdin. */
  exec(path: string, env: Record<string, string>, stdin: string): Promise<ExecResult>;
  /** The kept results, by absolute path under /var/lib/cni. */
  cacheRead(path: string): string | null;
  cacheWrite(path: string, text: string): void;
  cacheRemove(path: string): void;
}

export const CNI_USAGE = `Usage: ipvlab cni add|check|del NETNS CONF [IFNAME]

Runs the CNI plugin CONF names ("type") as a container runtime would:
  CNI_COMMAND=ADD|CHECK|DEL  CNI_NETNS=/run/netns/NETNS (NETNS may be a path)
  CNI_IFNAME=IFNAME (default eth0)  CNI_CONTAINERID=$CNI_CONTAINERID or NETNS
  CNI_PATH=$CNI_PATH or /usr/lib/cni, CONF on stdin.
CONF is a file, - for stdin, or the JSON itself ('{...}'). The result of ADD is
kept in /var/lib/cni/ipvlab/NAME-ID-IFNAME and given to CHECK and DEL as
"prevResult", as libcni does. The plugin's stdout (its result, or its error as
JSON) is printed; the exit status is the plugin's.
A conflist ("plugins") chains its plugins as libcni does: each gets the list's
"name" and "cniVersion", and ADD hands each plugin the result of the one
before as "prevResult"; DEL runs them in reverse order and CHECK in order,
each with the kept result of the list's ADD.
`;

const usage = (why: string): ExecResult => ({ exitCode: 2, stdout: "", stderr: `ipvlab cni: ${why}\n${CNI_USAGE}` });

/** Runs `ipvlab cni ARGS...` (ARGS without "cni"). */
export async function ipvlabCni(args: string[], env: Record<string, string>, stdin: string, io: CniRuntimeIo): Promise<ExecResult> {
  if (args[0] === "-h" || args[0] === "--help" || args[0] === "help") return { exitCode: 0, stdout: CNI_USAGE, stderr: "" };
  const [verb, netns, confArg, ifArg, ...extra] = args;
  const command = { add: "ADD", del: "DEL", check: "CHECK" }[verb ?? ""];
  if (!command) return usage(verb === undefined ? "a command is needed" : `unknown command "${verb}"`);
  if (netns === undefined || confArg === undefined) return usage("NETNS and CONF are needed");
  if (extra.length > 0) return usage(`unexpected argument "${extra[0]}"`);
  let text: string;
  if (confArg === "-") text = stdin;
  else if (confArg.trimStart().startsWith("{")) text = confArg;
  else {
    const r = io.readFile(confArg);
    if (!r.ok) return { exitCode: 2, stdout: "", stderr: `ipvlab cni: ${confArg}: ${r.error}\n` };
    text = r.content;
  }
  const bad = jsonSyntaxError(text);
  if (bad) return { exitCode: 2, stdout: "", stderr: `ipvlab cni: CONF is not JSON: ${bad}\n` };
  const conf = JSON.parse(text) as unknown;
  if (typeof conf !== "object" || conf === null || Array.isArray(conf)) return { exitCode: 2, stdout: "", stderr: "ipvlab cni: CONF is not a JSON object\n" };
  const o = conf as Record<string, unknown>;
  const ifName = ifArg ?? "eth0";
  const nsPath = netns.includes("/") ? netns : `/run/netns/${netns}`;
  const id = env.CNI_CONTAINERID || netns.replace(/.*\//, "");
  const path = env.CNI_PATH || "/usr/lib/cni";
  const dirs = path.split(":").filter((d) => d !== "");
  const dir = (dirs.find((d) => d.replace(/\/+$/, "") === "/usr/lib/cni") ?? dirs[0] ?? "/usr/lib/cni").replace(/\/+$/, "");
  const pluginEnv: Record<string, string> = { ...env, CNI_CONTAINERID: id, CNI_NETNS: nsPath, CNI_IFNAME: ifName, CNI_PATH: path };
  const runPlugin: PluginRun = (type, cmd, stdin) => io.exec(`${dir}/${type}`, { ...pluginEnv, CNI_COMMAND: cmd }, stdin);
  if ("plugins" in o) return runConfList(o, command as "ADD" | "DEL" | "CHECK", { cache: (name) => `/var/lib/cni/ipvlab/${name}-${id}-${ifName}`, run: runPlugin, io });
  const type = typeof o.type === "string" ? o.type : "";
  if (!/^[A-Za-z0-9._-]+$/.test(type)) return { exitCode: 2, stdout: "", stderr: `ipvlab cni: CONF has no plugin "type"\n` };
  const name = typeof o.name === "string" ? o.name : "";
  const cache = `/var/lib/cni/ipvlab/${name}-${id}-${ifName}`;
  let input = text;
  if (command !== "ADD") {
    // libcni: CHECK and DEL get the ADD's result as prevResult.
    const prev = io.cacheRead(cache);
    if (prev !== null && o.prevResult === undefined) input = JSON.stringify({ ...o, prevResult: JSON.parse(prev) as unknown });
  }
  const r = await runPlugin(type, command, input);
  if (r.exitCode === 0 && command === "ADD" && r.stdout.trim() !== "") io.cacheWrite(cache, r.stdout);
  if (r.exitCode === 0 && command === "DEL") io.cacheRemove(cache);
  return { exitCode: r.exitCode, stdout: r.stdout === "" || r.stdout.endsWith("\n") ? r.stdout : `${r.stdout}\n`, stderr: r.stderr };
}
