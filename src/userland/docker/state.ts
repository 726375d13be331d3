// What ipvlab's docker keeps between commands (a JSON file on the lab
// host): its networks, containers and their endpoints, and the helpers the
// commands share.

import type { ExecResult } from "../../shell/index.js";
import type { Pool } from "./ipam.js";

export interface DockerIo {
  /** Runs `ip ARGS...` in the host's namespace. */
  ip(args: string[]): Promise<ExecResult>;
  /** Runs a command in a container's namespace (`docker exec`). */
  execIn(netns: string, argv: string[], stdin: string): Promise<ExecResult>;
  load(): string | null;
  save(text: string): void;
}

export interface Network {
  name: string;
  id: string;
  driver: "macvlan" | "ipvlan";
  parent: string;
  /** The parent Docker made (a VLAN sub-interface or a dummy), deleted with the network. */
  created: boolean;
  mode: string;
  flag: string;
  internal: boolean;
  ipv6: boolean;
  /** The IPv4 pool first, then the IPv6 one (if any). */
  pools: Pool[];
}

export interface Endpoint {
  network: string;
  id: string;
  dev: string;
  ip: string | null;
  ip6: string | null;
}

export interface Container {
  name: string;
  id: string;
  image: string;
  endpoints: Endpoint[];
  /** False for a container whose start failed: it exists, Created, with no namespace. */
  running: boolean;
  /** The networks whose endpoints hold the IPv4 and IPv6 default routes. */
  gw4?: string | null;
  gw6?: string | null;
}

export interface State {
  networks: Network[];
  containers: Container[];
  seq: number;
}


export const DAEMON = "Error response from daemon: ";

/** A message the CLI prints, and its exit status (125 for `docker run`'s daemon errors). */
export class DockerError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** The CLI's `docker run` failure: docker: ERROR, then where help is (cli/command/container/run.go withHelp). */
export const runError = (msg: string): DockerError => new DockerError(`docker: ${DAEMON}${msg}\n\nRun 'docker run --help' for more information`, 125);

/** A 64-hex ID, the same on every engine for the same history. */
export function makeId(seed: string): string {
  let out = "";
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (const c of `${seed}/${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

export async function ipOrThrow(io: DockerIo, args: string[]): Promise<void> {
  const r = await io.ip(args);
  if (r.exitCode !== 0) throw new DockerError(`${DAEMON}failed to run ip ${args.join(" ")}: ${r.stderr.trim()}`);
}

export function options(args: string[], withValue: string[]): { flags: Map<string, string[]>; positional: string[] } {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    let v: string | undefined;
    if (a.startsWith("--") && a.includes("=")) [a, v] = [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)];
    if (withValue.includes(a)) {
      v ??= args[++i];
      if (v === undefined) throw new DockerError(`flag needs an argument: ${a}`);
      flags.set(a, [...(flags.get(a) ?? []), v]);
    } else if (a.startsWith("-")) flags.set(a, [...(flags.get(a) ?? []), "true"]);
    else positional.push(a);
  }
  return { flags, positional };
}

export const one = (f: Map<string, string[]>, ...names: string[]) => names.map((n) => f.get(n)?.at(-1)).find((v) => v !== undefined);
