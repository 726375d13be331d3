import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";

export const cli = join(packageRoot, "dist", "src", "cli", "main.js");
export const fixture = (name: string) => join(packageRoot, "test", "fixtures", name);
export const example = (name: string) => join(packageRoot, "examples", name);

export const isRoot = process.getuid?.() === 0;

/** What a run must leave exactly as it found it on the machine itself. */
export function hostNetworkState(): string {
  const run = (args: string[]) => execFileSync("ip", args, { encoding: "utf8" });
  return [run(["-j", "link"]), run(["-j", "addr"]), run(["-j", "route"]), run(["netns"])].join("\n");
}

/** Pids of every process carrying IPVLAB_RUN=<tag> in its environment. */
export function processesTagged(tag: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(join("/proc", p, "environ"), "latin1").split("\0").includes(`IPVLAB_RUN=${tag}`)) out.push(Number(p));
    } catch {
      // gone, or a zombie
    }
  }
  return out;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI (in `cwd`, default the package root); `killWhen` sees stderr as it grows and may
 * return true to SIGKILL ipvlab then; `onStart` is given ipvlab's pid.
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; killWhen?: (stderr: string) => boolean; onStart?: (pid: number) => void } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? packageRoot, env: { ...process.env, ...opts.env } });
    opts.onStart?.(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (opts.killWhen?.(stderr)) child.kill("SIGKILL");
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/** Every example lab and every lab under test/labs/ (the golden labs), by path from the package root. */
export function exampleAndGoldenLabs(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(packageRoot, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? under(join(dir, e.name)) : e.name.endsWith(".lab.yaml") ? [join(dir, e.name)] : []))
      .sort();
  return [...under("examples"), ...under(join("test", "labs"))];
}

/** A one-host lab whose one check pings lo, expecting `expect`: the smallest lab that passes or fails at will. */
export const loPingLab = (name: string, expect: "ok" | "fail"): string => `name: ${name}
hosts:
  h1:
    run: |
      ip link set lo up
steps:
  - name: lo answers
    on: h1
    run: ping -c 1 -W 1 127.0.0.1
    expect: ${expect}
`;
