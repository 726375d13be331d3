// libcni's network lists (containernetworking/cni v1.0.1 libcni/api.go):
// ConfListFromBytes' checks, and AddNetworkList, CheckNetworkList and
// DelNetworkList. Each plugin gets the list's "name" and "cniVersion"
// (buildOneConfig's InjectConf, which marshals with sorted keys); ADD hands
// each plugin the previous plugin's result as "prevResult" and keeps the
// last; CHECK (in order) and DEL (in reverse) give every plugin that kept
// result. A failing plugin's output is printed, with libcni's wrapping on
// stderr, and its status is the command's.

import type { ExecResult } from "../../shell/index.js";
import type { CniRuntimeIo } from "./runtime.js";
import { versionAtLeast } from "./skel.js";

export type PluginRun = (type: string, command: string, stdin: string) => Promise<ExecResult>;

interface ListRun {
  cache(name: string): string;
  run: PluginRun;
  io: CniRuntimeIo;
}

const listError = (msg: string): ExecResult => ({ exitCode: 2, stdout: "", stderr: `ipvlab cni: ${msg}\n` });

/** json.Marshal of a map[string]interface{}: keys sorted, at every depth. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

const withNewline = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);

export async function runConfList(list: Record<string, unknown>, command: "ADD" | "DEL" | "CHECK", how: ListRun): Promise<ExecResult> {
  // ConfListFromBytes.
  if (typeof list.name !== "string") return listError("error parsing configuration list: no name");
  const name = list.name;
  const cniVersion = typeof list.cniVersion === "string" ? list.cniVersion : "";
  const disableCheck = list.disableCheck === true || list.disableCheck === "true";
  if (!Array.isArray(list.plugins)) return listError(`error parsing configuration list: invalid 'plugins' type ${typeof list.plugins === "object" ? "map[string]interface {}" : typeof list.plugins}`);
  if (list.plugins.length === 0) return listError("error parsing configuration list: no plugins in list");
  const plugins: Array<Record<string, unknown>> = [];
  for (const [i, p] of list.plugins.entries()) {
    if (typeof p !== "object" || p === null || Array.isArray(p)) return listError(`error parsing configuration list: failed to marshal plugin config ${i}`);
    const conf = p as Record<string, unknown>;
    if (typeof conf.type !== "string" || conf.type === "") return listError(`error parsing configuration list: failed to parse plugin config ${i}: error parsing configuration: missing 'type'`);
    if (!/^[A-Za-z0-9._-]+$/.test(conf.type)) return listError(`plugin ${JSON.stringify(conf.type)} is not a plugin name`);
    plugins.push(conf);
  }
  const cachePath = how.cache(name);
  const describe = (p: Record<string, unknown>) => `type=${JSON.stringify(p.type)}${typeof p.name === "string" && p.name !== "" ? ` name=${JSON.stringify(p.name)}` : ""}`;
  const oneConfig = (p: Record<string, unknown>, prev: unknown) => sortedJson({ ...p, name, cniVersion, ...(prev !== undefined ? { prevResult: prev } : {}) });
  const failed = (p: Record<string, unknown>, verb: string, r: ExecResult): ExecResult => ({ exitCode: r.exitCode, stdout: withNewline(r.stdout), stderr: `${r.stderr}ipvlab cni: plugin ${describe(p)} failed (${verb})\n` });
  const cached = (): unknown => {
    const text = how.io.cacheRead(cachePath);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  };

  if (command === "ADD") {
    let prev: unknown;
    let last: ExecResult = { exitCode: 0, stdout: "", stderr: "" };
    let stderr = "";
    for (const p of plugins) {
      last = await how.run(p.type as string, "ADD", oneConfig(p, prev));
      if (last.exitCode !== 0) return failed(p, "add", { ...last, stderr: stderr + last.stderr });
      stderr += last.stderr;
      prev = last.stdout.trim() === "" ? undefined : (JSON.parse(last.stdout) as unknown);
    }
    if (last.stdout.trim() !== "") how.io.cacheWrite(cachePath, last.stdout);
    return { exitCode: 0, stdout: withNewline(last.stdout), stderr };
  }
  if (command === "CHECK") {
    if (!versionAtLeast(cniVersion || "0.1.0", "0.4.0")) return { exitCode: 1, stdout: "", stderr: `ipvlab cni: configuration version ${JSON.stringify(cniVersion)} does not support the CHECK command\n` };
    if (disableCheck) return { exitCode: 0, stdout: "", stderr: "" };
    const prev = cached();
    let stderr = "";
    for (const p of plugins) {
      const r = await how.run(p.type as string, "CHECK", oneConfig(p, prev));
      if (r.exitCode !== 0) return failed(p, "check", { ...r, stderr: stderr + r.stderr });
      stderr += r.stderr;
    }
    return { exitCode: 0, stdout: "", stderr };
  }
  // The kept result goes to DEL from CNI 0.4.0 on.
  const prev = versionAtLeast(cniVersion || "0.1.0", "0.4.0") ? cached() : undefined;
  let stderr = "";
  for (const p of [...plugins].reverse()) {
    const r = await how.run(p.type as string, "DEL", oneConfig(p, prev));
    if (r.exitCode !== 0) return failed(p, "delete", { ...r, stderr: stderr + r.stderr });
    stderr += r.stderr;
  }
  how.io.cacheRemove(cachePath);
  return { exitCode: 0, stdout: "", stderr };
}
