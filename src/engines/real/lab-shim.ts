// The `ipvlab` a lab script finds on its PATH on the real engines: the same
// shorthands as under --engine sim (src/userland/ipvlab.ts), run against
// the real kernel and the real CNI plugins in /usr/lib/cni.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ipvlabCni } from "../../userland/cni/runtime.js";
import { CNI_USAGE } from "../../userland/cni/runtime.js";
import { docker } from "../../userland/docker/docker.js";

const LAB_USAGE = `Usage: ipvlab cni add|check|del NETNS CONF [IFNAME]   (ipvlab cni --help)\n`;

function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "No such file or directory" : code === "EISDIR" ? "Is a directory" : code === "EACCES" ? "Permission denied" : String((e as Error).message);
}

const DOCKER_STATE = "/var/lib/docker/ipvlab.json";

function spawn(cmd: string, args: string[], input: string) {
  const p = spawnSync(cmd, args, { input, encoding: "utf8" });
  if (p.error) return { exitCode: 127, stdout: "", stderr: `${cmd}: ${errorText(p.error)}\n` };
  return { exitCode: p.status ?? 128, stdout: p.stdout, stderr: p.stderr };
}

async function dockerMain(argv: string[]): Promise<number> {
  const stdin = argv[0] === "exec" && argv.includes("-i") ? readFileSync(0, "utf8") : "";
  const r = await docker(argv, stdin, {
    ip: (args) => Promise.resolve(spawn("ip", args, "")),
    execIn: (netns, command, input) => Promise.resolve(spawn("ip", ["netns", "exec", netns, ...command], input)),
    load() {
      try {
        return readFileSync(DOCKER_STATE, "utf8");
      } catch {
        return null;
      }
    },
    save(text) {
      mkdirSync(dirname(DOCKER_STATE), { recursive: true });
      writeFileSync(DOCKER_STATE, text);
    },
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--docker") return dockerMain(argv.slice(1));
  const [sub, ...rest] = argv;
  if (sub !== "cni") {
    if (sub === "-h" || sub === "--help") {
      process.stdout.write(`${LAB_USAGE}\n${CNI_USAGE}`);
      return 0;
    }
    process.stderr.write(`ipvlab: inside a lab script only \`ipvlab cni\` is available\n${LAB_USAGE}`);
    return 2;
  }
  const stdin = rest[2] === "-" ? readFileSync(0, "utf8") : "";
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const r = await ipvlabCni(rest, env, stdin, {
    readFile(path) {
      try {
        return { ok: true, content: readFileSync(path, "utf8") };
      } catch (e) {
        return { ok: false, error: errorText(e) };
      }
    },
    exec(path, pluginEnv, input) {
      const p = spawnSync(path, [], { env: pluginEnv, input, encoding: "utf8" });
      if (p.error) return Promise.resolve({ exitCode: 127, stdout: "", stderr: `ipvlab cni: ${path}: ${errorText(p.error)}\n` });
      return Promise.resolve({ exitCode: p.status ?? 128, stdout: p.stdout, stderr: p.stderr });
    },
    cacheRead(path) {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    cacheWrite(path, text) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    cacheRemove(path) {
      rmSync(path, { force: true });
    },
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

process.exitCode = await main(process.argv.slice(2));
