// `ipvlab` inside a lab script: the shorthands a lab can use on every
// engine (today `ipvlab cni`). On the real engines the same code runs with
// the real plugins (src/engines/real/lab-shim.ts).

import { NotSimulated } from "../shell/index.js";
import { cniPlugin, cniPluginName, DEBIAN_PLUGINS } from "./cni/plugins.js";
import { CNI_USAGE, ipvlabCni } from "./cni/runtime.js";
import type { Tool } from "./tool.js";

export const LAB_USAGE = `Usage: ipvlab cni add|check|del NETNS CONF [IFNAME]   (ipvlab cni --help)\n`;

export const ipvlabTool: Tool = async (argv, ctx) => {
  const [, sub, ...rest] = argv;
  if (sub !== "cni") {
    if (sub === "-h" || sub === "--help") return { exitCode: 0, stdout: `${LAB_USAGE}\n${CNI_USAGE}`, stderr: "" };
    throw NotSimulated.what(`\`ipvlab ${sub ?? ""}\` inside a lab script`);
  }
  const files = ctx.kernel.files;
  return ipvlabCni(rest, ctx.env, ctx.stdin, {
    readFile(path) {
      const c = files.get(path);
      if (c !== undefined) return { ok: true, content: c };
      throw NotSimulated.what(`reading the file ${path}`);
    },
    async exec(path, env, stdin) {
      const name = cniPluginName(path);
      if (name === null) throw NotSimulated.what(`a CNI plugin outside /usr/lib/cni (${path})`);
      const tool = cniPlugin(name);
      if (!tool) {
        if (DEBIAN_PLUGINS.includes(name)) throw NotSimulated.what(`the CNI plugin ${name}`);
        return { exitCode: 127, stdout: "", stderr: `ipvlab cni: ${path}: No such file or directory\n` };
      }
      return tool([path], { ...ctx, env, stdin });
    },
    cacheRead: (path) => files.get(path) ?? null,
    cacheWrite: (path, text) => void files.set(path, text),
    cacheRemove: (path) => void files.delete(path),
  });
};
