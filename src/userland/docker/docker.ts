// `docker` in a lab script: the network commands of the Docker CLI for the
// macvlan and ipvlan drivers, and containers that are network namespaces.
// What moby's libnetwork drivers do to the kernel is done here as the same
// iproute2 commands, run by the simulated `ip` under --engine sim and by the
// real one on the real engines (src/engines/real/lab-shim.ts), so the kernel
// side is checked on a real kernel. No image runs: a container is its
// namespace, and `docker exec` runs the command in it.

import { broadcast, cidr, contains, formatIpv4, parseIpv4, parseSubnet, type Subnet } from "../../lab/import/addr.js";
import type { ExecResult } from "../../shell/index.js";

export interface DockerIo {
  /** Runs `ip ARGS...` in the host's namespace. */
  ip(args: string[]): Promise<ExecResult>;
  /** Runs a command in a container's namespace (`docker exec`). */
  execIn(netns: string, argv: string[], stdin: string): Promise<ExecResult>;
  load(): string | null;
  save(text: string): void;
}

interface Network {
  name: string;
  id: string;
  driver: "macvlan" | "ipvlan";
  parent: string;
  /** The parent Docker made (a VLAN sub-interface or a dummy), deleted with the network. */
  created: boolean;
  mode: string;
  flag: string;
  internal: boolean;
  subnet: string;
  gateway: string;
  ipRange: string | null;
}

interface Endpoint {
  network: string;
  dev: string;
  ip: string;
}

interface Container {
  name: string;
  id: string;
  image: string;
  endpoints: Endpoint[];
}

interface State {
  networks: Network[];
  containers: Container[];
  seq: number;
}

const DAEMON = "Error response from daemon: ";

export const DOCKER_USAGE = `Usage:  docker COMMAND   (the macvlan and ipvlan network commands; a container is a network namespace)

  docker network create -d macvlan|ipvlan [--subnet S] [--gateway G] [--ip-range R]
         [--internal] [-o parent=DEV|DEV.VLAN] [-o macvlan_mode=M] [-o ipvlan_mode=M]
         [-o ipvlan_flag=F] NAME
  docker network ls | inspect NAME... | rm NAME... | connect [--ip A] NET CTR | disconnect NET CTR
  docker run -d --name NAME --network NET [--ip A] IMAGE [CMD...]
  docker exec CTR CMD...      (runs CMD in the container's namespace)
  docker rm -f CTR...
`;

/** A 64-hex ID, the same on every engine for the same history. */
function makeId(seed: string): string {
  let out = "";
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (const c of `${seed}/${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

const fail = (msg: string, code = 1): ExecResult => ({ exitCode: code, stdout: "", stderr: `${msg}\n` });
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: "" });

class DockerError extends Error {}

export async function docker(argv: string[], stdin: string, io: DockerIo): Promise<ExecResult> {
  const raw = io.load();
  const st: State = raw ? (JSON.parse(raw) as State) : { networks: [], containers: [], seq: 0 };
  try {
    const r = await dispatch(argv, stdin, st, io);
    io.save(JSON.stringify(st));
    return r;
  } catch (e) {
    io.save(JSON.stringify(st));
    if (e instanceof DockerError) return fail(e.message);
    throw e;
  }
}

async function ipOrThrow(io: DockerIo, args: string[]): Promise<void> {
  const r = await io.ip(args);
  if (r.exitCode !== 0) throw new DockerError(`${DAEMON}failed to run ip ${args.join(" ")}: ${r.stderr.trim()}`);
}

async function dispatch(argv: string[], stdin: string, st: State, io: DockerIo): Promise<ExecResult> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h") return ok(DOCKER_USAGE);
  if (cmd === "network") {
    const [sub, ...args] = rest;
    if (sub === "create") return networkCreate(args, st, io);
    if (sub === "ls" || sub === "list") return networkLs(st);
    if (sub === "inspect") return networkInspect(args, st);
    if (sub === "rm" || sub === "remove") return networkRm(args, st, io);
    if (sub === "connect") return networkConnect(args, st, io);
    if (sub === "disconnect") return networkDisconnect(args, st, io);
    return fail(`docker: 'network ${sub ?? ""}' is not a docker network command.\n${DOCKER_USAGE}`);
  }
  if (cmd === "run") return run(rest, st, io);
  if (cmd === "exec") {
    const args = rest.filter((a, i) => !(a.startsWith("-") && i < rest.findIndex((x) => !x.startsWith("-"))));
    const [name, ...command] = args;
    const c = st.containers.find((x) => x.name === name || x.id.startsWith(name ?? "\0"));
    if (!c) return fail(`${DAEMON}No such container: ${name ?? ""}`);
    if (command.length === 0) return fail(`"docker exec" requires at least 2 arguments.`);
    return io.execIn(c.name, command, stdin);
  }
  if (cmd === "rm") {
    const names = rest.filter((a) => !a.startsWith("-"));
    if (!rest.includes("-f") && !rest.includes("--force")) throw new DockerError(`${DAEMON}You cannot remove a running container ${names[0] ?? ""}. Stop the container before attempting removal or force remove`);
    let out = "";
    for (const n of names) {
      const c = st.containers.find((x) => x.name === n);
      if (!c) throw new DockerError(`${DAEMON}No such container: ${n}`);
      await ipOrThrow(io, ["netns", "del", c.name]);
      st.containers = st.containers.filter((x) => x !== c);
      out += `${n}\n`;
    }
    return ok(out);
  }
  if (cmd === "ps") return ok(`CONTAINER ID   IMAGE     NAMES\n${st.containers.map((c) => `${c.id.slice(0, 12)}   ${c.image.padEnd(9)} ${c.name}`).join("\n")}${st.containers.length ? "\n" : ""}`);
  return fail(`docker: '${cmd}' is not a docker command here.\n${DOCKER_USAGE}`);
}

function options(args: string[], withValue: string[]): { flags: Map<string, string[]>; positional: string[] } {
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

const one = (f: Map<string, string[]>, ...names: string[]) => names.map((n) => f.get(n)?.at(-1)).find((v) => v !== undefined);

async function networkCreate(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  const { flags, positional } = options(args, ["-d", "--driver", "--subnet", "--gateway", "--ip-range", "-o", "--opt"]);
  const name = positional[0];
  if (!name) throw new DockerError(`"docker network create" requires exactly 1 argument.`);
  const driver = one(flags, "-d", "--driver") ?? "bridge";
  if (driver !== "macvlan" && driver !== "ipvlan") throw new DockerError(`the ${driver} driver is not simulated: ipvlab's docker makes macvlan and ipvlan networks`);
  if (st.networks.some((n) => n.name === name)) throw new DockerError(`${DAEMON}network with name ${name} already exists`);
  if (flags.has("--ipv6")) throw new DockerError("--ipv6 is not imported: ipvlab's docker networks are IPv4");
  const opts = new Map<string, string>();
  for (const o of [...(flags.get("-o") ?? []), ...(flags.get("--opt") ?? [])]) {
    const eq = o.indexOf("=");
    opts.set(eq < 0 ? o : o.slice(0, eq), eq < 0 ? "" : o.slice(eq + 1));
  }
  for (const k of opts.keys()) if (!["parent", "macvlan_mode", "ipvlan_mode", "ipvlan_flag"].includes(k)) throw new DockerError(`${DAEMON}option ${k} is not known to the ${driver} driver here`);
  const mode = opts.get(driver === "macvlan" ? "macvlan_mode" : "ipvlan_mode") ?? (driver === "macvlan" ? "bridge" : "l2");
  const flag = opts.get("ipvlan_flag") ?? "bridge";
  // libnetwork's messages (drivers/macvlan/macvlan_network.go, drivers/ipvlan/ipvlan_network.go).
  if (driver === "macvlan" && !["bridge", "private", "vepa", "passthru"].includes(mode)) throw new DockerError(`${DAEMON}requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  if (driver === "ipvlan" && !["l2", "l3", "l3s"].includes(mode)) throw new DockerError(`${DAEMON}requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`);
  if (driver === "ipvlan" && !["bridge", "private", "vepa"].includes(flag)) throw new DockerError(`${DAEMON}requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`);
  const subnetText = one(flags, "--subnet") ?? `172.${18 + st.seq}.0.0/16`;
  const subnet = parseSubnet(subnetText);
  if (!subnet) throw new DockerError(`invalid argument "${subnetText}" for "--subnet" flag: invalid CIDR address: ${subnetText}`);
  if (st.networks.some((n) => overlaps(parseSubnet(n.subnet)!, subnet))) throw new DockerError(`${DAEMON}Pool overlaps with other one on this address space`);
  const gwText = one(flags, "--gateway");
  const gw = gwText === undefined ? subnet.net + 1 : parseIpv4(gwText);
  if (gw === null || !contains(subnet, gw)) throw new DockerError(`${DAEMON}Invalid gateway: ${gwText} not in ${subnetText}`);
  const rangeText = one(flags, "--ip-range") ?? null;
  if (rangeText !== null) {
    const r = parseSubnet(rangeText);
    if (!r || !contains(subnet, r.net)) throw new DockerError(`${DAEMON}Invalid ip-range ${rangeText}: not in ${subnetText}`);
  }
  const id = makeId(`network/${name}/${st.seq++}`);
  let parent = opts.get("parent") ?? "";
  let created = false;
  if (parent === "") {
    // No parent: a dummy named after the network ID, the network reaches no wire.
    parent = `dm-${id.slice(0, 12)}`;
    await ipOrThrow(io, ["link", "add", parent, "type", "dummy"]);
    await ipOrThrow(io, ["link", "set", parent, "up"]);
    created = true;
  } else {
    const user = st.networks.find((n) => n.parent === parent && n.driver === driver);
    if (user) throw new DockerError(`${DAEMON}network dm-${user.id.slice(0, 12)} is already using parent interface ${parent}`);
    const exists = (await io.ip(["link", "show", parent])).exitCode === 0;
    const m = /^(.+)\.(\d+)$/.exec(parent);
    if (!exists && m) {
      // createVlanLink: the parent Docker makes itself, up.
      await ipOrThrow(io, ["link", "add", "link", m[1]!, "name", parent, "type", "vlan", "id", m[2]!]);
      created = true;
    } else if (!exists) throw new DockerError(`${DAEMON}-o parent interface was not found on the host: ${parent}`);
    await ipOrThrow(io, ["link", "set", parent, "up"]);
  }
  st.networks.push({ name, id, driver, parent, created, mode, flag, internal: flags.has("--internal"), subnet: cidr(subnet.net, subnet.len), gateway: formatIpv4(gw), ipRange: rangeText });
  return ok(`${id}\n`);
}

function overlaps(a: Subnet, b: Subnet): boolean {
  return contains(a, b.net) || contains(b, a.net);
}

function networkLs(st: State): ExecResult {
  const rows = st.networks.map((n) => `${n.id.slice(0, 12)}   ${n.name.padEnd(15)} ${n.driver.padEnd(9)} local`);
  return ok(`NETWORK ID     NAME            DRIVER    SCOPE\n${rows.map((r) => `${r}\n`).join("")}`);
}

function networkInspect(args: string[], st: State): ExecResult {
  const out = [];
  for (const name of args.filter((a) => !a.startsWith("-"))) {
    const n = st.networks.find((x) => x.name === name || x.id.startsWith(name));
    if (!n) throw new DockerError(`${DAEMON}network ${name} not found`);
    const containers: Record<string, unknown> = {};
    for (const c of st.containers) {
      for (const e of c.endpoints.filter((x) => x.network === n.name)) containers[c.id] = { Name: c.name, IPv4Address: `${e.ip}/${n.subnet.split("/")[1]}` };
    }
    const options: Record<string, string> = { parent: n.parent };
    if (n.driver === "macvlan") options.macvlan_mode = n.mode;
    else Object.assign(options, { ipvlan_mode: n.mode, ipvlan_flag: n.flag });
    out.push({ Name: n.name, Id: n.id, Scope: "local", Driver: n.driver, EnableIPv6: false, IPAM: { Driver: "default", Options: {}, Config: [{ Subnet: n.subnet, ...(n.ipRange ? { IPRange: n.ipRange } : {}), Gateway: n.gateway }] }, Internal: n.internal, Containers: containers, Options: options });
  }
  return ok(`${JSON.stringify(out, null, 4)}\n`);
}

async function networkRm(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  let out = "";
  for (const name of args.filter((a) => !a.startsWith("-"))) {
    const n = st.networks.find((x) => x.name === name);
    if (!n) throw new DockerError(`${DAEMON}network ${name} not found`);
    if (st.containers.some((c) => c.endpoints.some((e) => e.network === n.name))) throw new DockerError(`${DAEMON}error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    if (n.created) await ipOrThrow(io, ["link", "del", n.parent]);
    st.networks = st.networks.filter((x) => x !== n);
    out += `${name}\n`;
  }
  return ok(out);
}

/** The next free address of the network (its ip-range if any), past the gateway: Docker's IPAM. */
function allocate(n: Network, st: State): string {
  const subnet = parseSubnet(n.subnet)!;
  const pool = n.ipRange ? parseSubnet(n.ipRange)! : subnet;
  const used = new Set(st.containers.flatMap((c) => c.endpoints.filter((e) => e.network === n.name).map((e) => e.ip)));
  for (let a = pool.net; a <= broadcast(pool); a++) {
    if (a === subnet.net || a === broadcast(subnet) || formatIpv4(a) === n.gateway || used.has(formatIpv4(a))) continue;
    return formatIpv4(a);
  }
  throw new DockerError(`${DAEMON}no available IPv4 addresses on this network's address pools: ${n.name} (${n.id})`);
}

async function attach(c: Container, n: Network, ip: string | undefined, st: State, io: DockerIo): Promise<void> {
  if (c.endpoints.some((e) => e.network === n.name)) throw new DockerError(`${DAEMON}endpoint with name ${c.name} already exists in network ${n.name}`);
  let addr: string;
  if (ip !== undefined) {
    const a = parseIpv4(ip);
    if (a === null || !contains(parseSubnet(n.subnet)!, a)) throw new DockerError(`${DAEMON}Invalid address ${ip}: It does not belong to any of this network's subnets`);
    if (st.containers.some((x) => x.endpoints.some((e) => e.network === n.name && e.ip === ip))) throw new DockerError(`${DAEMON}Address already in use`);
    addr = ip;
  } else addr = allocate(n, st);
  const used = new Set(c.endpoints.map((e) => e.dev));
  let k = 0;
  while (used.has(`eth${k}`)) k++;
  const dev = `eth${k}`;
  const tmp = `${n.driver === "macvlan" ? "macvlan" : "ipvlan"}${c.id.slice(0, 7)}`;
  const len = n.subnet.split("/")[1]!;
  const kind = n.driver === "macvlan" ? ["macvlan", "mode", n.mode] : ["ipvlan", "mode", n.mode, n.flag];
  // The driver's CreateEndpoint/Join: a slave of the parent, moved into the sandbox and named as the sandbox asks.
  await ipOrThrow(io, ["link", "add", "link", n.parent, "name", tmp, "type", ...kind]);
  await ipOrThrow(io, ["link", "set", tmp, "netns", c.name]);
  await ipOrThrow(io, ["-n", c.name, "link", "set", tmp, "name", dev]);
  await ipOrThrow(io, ["-n", c.name, "addr", "add", `${addr}/${len}`, "dev", dev]);
  await ipOrThrow(io, ["-n", c.name, "link", "set", dev, "up"]);
  const hasGateway = c.endpoints.some((e) => {
    const x = st.networks.find((y) => y.name === e.network);
    return x !== undefined && !x.internal;
  });
  c.endpoints.push({ network: n.name, dev, ip: addr });
  if (n.internal || hasGateway) return;
  // ipvlan L3/L3S: the default route is the device itself; the others go via the gateway.
  if (n.driver === "ipvlan" && n.mode !== "l2") await ipOrThrow(io, ["-n", c.name, "route", "add", "default", "dev", dev]);
  else await ipOrThrow(io, ["-n", c.name, "route", "add", "default", "via", n.gateway]);
}

async function run(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  const image = args.findIndex((a, i) => !a.startsWith("-") && !["--name", "--network", "--net", "--ip", "--ip6"].includes(args[i - 1] ?? ""));
  const { flags } = options(image < 0 ? args : args.slice(0, image), ["--name", "--network", "--net", "--ip", "--ip6"]);
  if (image < 0) throw new DockerError(`"docker run" requires at least 1 argument.`);
  if (!flags.has("-d") && !flags.has("--detach")) throw new DockerError("ipvlab's docker runs no image: give -d, and reach the container with docker exec");
  if (flags.has("--ip6")) throw new DockerError("--ip6 is not imported: ipvlab's docker networks are IPv4");
  const name = one(flags, "--name") ?? `c${st.seq + 1}`;
  if (st.containers.some((c) => c.name === name)) throw new DockerError(`docker: ${DAEMON}Conflict. The container name "/${name}" is already in use.`);
  const netName = one(flags, "--network", "--net");
  if (netName === undefined) throw new DockerError("ipvlab's docker has no default bridge network: give --network");
  const n = st.networks.find((x) => x.name === netName);
  if (!n) throw new DockerError(`docker: ${DAEMON}network ${netName} not found.`);
  const c: Container = { name, id: makeId(`container/${name}/${st.seq++}`), image: args[image]!, endpoints: [] };
  await ipOrThrow(io, ["netns", "add", name]);
  await ipOrThrow(io, ["-n", name, "link", "set", "lo", "up"]);
  st.containers.push(c);
  try {
    await attach(c, n, one(flags, "--ip"), st, io);
  } catch (e) {
    // A container that could not join its network is not created.
    st.containers = st.containers.filter((x) => x !== c);
    await io.ip(["netns", "del", name]);
    throw e;
  }
  return ok(`${c.id}\n`);
}

async function networkConnect(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  const { flags, positional } = options(args, ["--ip", "--ip6", "--alias"]);
  const [netName, ctr] = positional;
  const n = st.networks.find((x) => x.name === netName);
  if (!n) throw new DockerError(`${DAEMON}network ${netName ?? ""} not found`);
  const c = st.containers.find((x) => x.name === ctr);
  if (!c) throw new DockerError(`${DAEMON}No such container: ${ctr ?? ""}`);
  await attach(c, n, one(flags, "--ip"), st, io);
  return ok("");
}

async function networkDisconnect(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  const [netName, ctr] = args.filter((a) => !a.startsWith("-"));
  const c = st.containers.find((x) => x.name === ctr);
  if (!c) throw new DockerError(`${DAEMON}No such container: ${ctr ?? ""}`);
  const e = c.endpoints.find((x) => x.network === netName);
  if (!e) throw new DockerError(`${DAEMON}container ${c.id} is not connected to network ${netName ?? ""}`);
  await ipOrThrow(io, ["-n", c.name, "link", "del", e.dev]);
  c.endpoints = c.endpoints.filter((x) => x !== e);
  return ok("");
}
