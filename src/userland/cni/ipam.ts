// pkg/ipam and pkg/invoke: a main plugin runs its IPAM plugin as a runtime
// runs it, found by name in CNI_PATH, with the same stdin and environment,
// and reads its stdout back as a result or as an error.

import { NotSimulated } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { GoError, unmarshal } from "./gojson.js";
import { resultFrom, type CniResult } from "./result.js";
import { CniError, decodeVersion, type CmdArgs } from "./skel.js";
import { cniPlugin, CNI_DIR, DEBIAN_PLUGINS } from "./plugins.js";

/** invoke.FindInPath: only the Debian package's directory holds plugins here. */
function findInPath(plugin: string, path: string): string {
  if (plugin === "") throw new GoError("no plugin name provided");
  if (plugin.includes("/")) throw new GoError(`invalid plugin name: ${plugin}`);
  const dirs = path.split(":").filter((d) => d !== "");
  if (dirs.length === 0) throw new GoError("no paths provided");
  for (const d of dirs) {
    if (d.replace(/\/+$/, "") === CNI_DIR && DEBIAN_PLUGINS.includes(plugin)) return `${CNI_DIR}/${plugin}`;
    if (d.replace(/\/+$/, "") !== CNI_DIR) throw NotSimulated.what(`a CNI_PATH directory other than ${CNI_DIR} (${d})`);
  }
  throw new GoError(`failed to find plugin ${JSON.stringify(plugin)} in path [${dirs.join(" ")}]`);
}

/** Runs the IPAM plugin `type` for `command`; ADD returns its result converted to the current version. */
export async function execIpam(type: string, command: "ADD" | "DEL" | "CHECK", args: CmdArgs, ctx: ToolContext): Promise<CniResult | null> {
  const path = findInPath(type, ctx.env.CNI_PATH ?? "");
  const name = path.slice(CNI_DIR.length + 1);
  const plugin = cniPlugin(name);
  if (!plugin) throw NotSimulated.what(`the CNI plugin ${name}`);
  const r = await plugin([path], { ...ctx, env: { ...ctx.env, CNI_COMMAND: command }, stdin: args.stdin });
  if (r.exitCode !== 0) {
    // RawExec.pluginErr: the plugin's stdout is a types.Error.
    if (r.stdout === "") throw new CniError(0, r.stderr === "" ? `netplugin failed with no error message: exit status ${r.exitCode}` : `netplugin failed: ${JSON.stringify(r.stderr)}`);
    let e: Record<string, unknown>;
    try {
      e = unmarshal(r.stdout, "types.Error");
    } catch (err) {
      if (!(err instanceof GoError)) throw err;
      throw new CniError(0, `netplugin failed but error parsing its diagnostic message ${JSON.stringify(r.stdout)}: ${err.message}`);
    }
    throw new CniError(Number(e.code ?? 0), String(e.msg ?? ""), typeof e.details === "string" ? e.details : "");
  }
  if (command !== "ADD") return null;
  // create.CreateFromBytes: the result in the version it says it is.
  const version = decodeVersion(r.stdout);
  return resultFrom(version, unmarshal(r.stdout, "map[string]interface {}"));
}
