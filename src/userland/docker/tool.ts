// `docker` under --engine sim: the Docker CLI's network commands
// (docker.ts) with the simulated `ip`, state kept on the lab host.

import type { Tool } from "../tool.js";
import { docker } from "./docker.js";

export const DOCKER_STATE = "/var/lib/docker/ipvlab.json";

export const dockerTool: Tool = (argv, ctx) =>
  docker(argv.slice(1), ctx.stdin, {
    ip: async (args) => ctx.exec(["ip", ...args], ctx.net),
    async execIn(netns, command) {
      const net = ctx.kernel.netns.get(netns);
      if (!net) return { exitCode: 1, stdout: "", stderr: `Error response from daemon: container ${netns} has no namespace\n` };
      return ctx.exec(command, net);
    },
    load: () => ctx.kernel.files.get(DOCKER_STATE) ?? null,
    save: (text) => void ctx.kernel.files.set(DOCKER_STATE, text),
  });
