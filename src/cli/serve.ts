// `ipvlab serve [LAB]`: the web page on loopback, opened with LAB. The page
// simulates in the browser; this process only hands out files.

import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../paths.js";
import { isLoopback, ServeError, startServer } from "../web/server.js";
import { SCRIPT_EXT, YAML_EXT } from "../lab/parse.js";
import { UsageError } from "./errors.js";

export interface ServeFlags {
  port: number;
  host?: string;
}

export const pageDir = join(packageRoot, "dist", "web");

export async function serveCommand(lab: string | undefined, f: ServeFlags): Promise<number> {
  if (lab !== undefined) {
    if (!YAML_EXT.test(lab) && !SCRIPT_EXT.test(lab)) throw new UsageError(`${lab}: not a lab file (a *.lab.yaml file or a shell script, *.sh)`);
    let file = false;
    try {
      file = statSync(lab).isFile();
    } catch {
      throw new UsageError(`${lab}: no such file`);
    }
    if (!file) throw new UsageError(`${lab}: not a file`);
  }
  const host = f.host ?? "127.0.0.1";
  if (!isLoopback(host)) {
    process.stderr.write(`ipvlab: warning: serving on ${host}, not loopback: anyone who can reach this address can read ${lab ?? "the example labs"}\n`);
  }
  let running;
  try {
    running = await startServer({ host, port: f.port, allowRemote: f.host !== undefined, pageDir, examplesDir: join(packageRoot, "examples"), labFile: lab && resolve(lab) });
  } catch (e) {
    if (e instanceof ServeError) throw new UsageError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${f.port} on ${host} is in use: give another with --port N (0: any free port)`);
    if (code === "EADDRNOTAVAIL") throw new UsageError(`--host ${host}: no interface of this machine has that address`);
    throw e;
  }
  process.stdout.write(`ipvlab: serving ${lab ?? "the example labs"} at ${running.url}  (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => void running.close().then(done);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
