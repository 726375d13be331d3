// `docker` in a lab script: the network commands of the Docker CLI for the
// macvlan and ipvlan drivers, and containers that are network namespaces.
// What moby's libnetwork drivers do to the kernel is done here as the same
// iproute2 commands, run by the simulated `ip` under --engine sim and by the
// real one on the real engines (src/engines/real/lab-shim.ts), so the kernel
// side is checked on a real kernel. No image runs: a container is its
// namespace, and `docker exec` runs the command in it. The messages are
// Docker's own (moby's daemon and libnetwork, docker/cli).

import type { ExecResult } from "../../shell/index.js";
import { networkConnect, networkDisconnect, run } from "./endpoint.js";
import { canonical, defaultGateway, IpamError, pairPools, poolLen, poolOverlaps, validatePools } from "./ipam.js";
import { DAEMON, DockerError, ipOrThrow, makeId, one, options, type DockerIo, type Network, type State } from "./state.js";

export type { DockerIo } from "./state.js";

export const DOCKER_USAGE = `Usage:  docker COMMAND   (the macvlan and ipvlan network commands; a container is a network namespace)

  docker network create -d macvlan|ipvlan [--subnet S]... [--gateway G]... [--ip-range R]...
         [--ipv6] [--internal] [-o parent=DEV|DEV.VLAN] [-o macvlan_mode=M] [-o ipvlan_mode=M]
         [-o ipvlan_flag=F] NAME          (one IPv4 and, with --ipv6, one IPv6 --subnet)
  docker network ls | inspect NAME... | rm NAME...
  docker network connect [--ip A] [--ip6 A] NET CTR | disconnect NET CTR
  docker run -d --name NAME --network NET [--ip A] [--ip6 A] IMAGE [CMD...]
  docker exec CTR CMD...      (runs CMD in the container's namespace)
  docker rm -f CTR...
`;

const fail = (msg: string, code = 1): ExecResult => ({ exitCode: code, stdout: "", stderr: `${msg}\n` });
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: "" });

export async function docker(argv: string[], stdin: string, io: DockerIo): Promise<ExecResult> {
  const raw = io.load();
  const st: State = raw ? (JSON.parse(raw) as State) : { networks: [], containers: [], seq: 0 };
  const out = { stdout: "" };
  try {
    const r = await dispatch(argv, stdin, st, io, out);
    io.save(JSON.stringify(st));
    return r;
  } catch (e) {
    io.save(JSON.stringify(st));
    if (e instanceof DockerError) return { ...fail(e.message, e.code), stdout: out.stdout };
    throw e;
  }
}

async function dispatch(argv: string[], stdin: string, st: State, io: DockerIo, out: { stdout: string }): Promise<ExecResult> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h") return ok(DOCKER_USAGE);
  if (cmd === "network") {
    const [sub, ...args] = rest;
    if (sub === "create") return networkCreate(args, st, io);
    if (sub === "ls" || sub === "list") return networkLs(st);
    if (sub === "inspect") return networkInspect(args, st);
    if (sub === "rm" || sub === "remove") return networkRm(args, st, io);
    if (sub === "connect") return ok(await networkConnect(args, st, io));
    if (sub === "disconnect") return ok(await networkDisconnect(args, st, io));
    return fail(`docker: 'network ${sub ?? ""}' is not a docker network command.\n${DOCKER_USAGE}`);
  }
  if (cmd === "run") return ok(await run(rest, st, io, out));
  if (cmd === "exec") {
    const args = rest.filter((a, i) => !(a.startsWith("-") && i < rest.findIndex((x) => !x.startsWith("-"))));
    const [name, ...command] = args;
    const c = st.containers.find((x) => x.name === name || x.id.startsWith(name ?? "\0"));
    if (!c) return fail(`${DAEMON}No such container: ${name ?? ""}`);
    if (command.length === 0) return fail(`"docker exec" requires at least 2 arguments.`);
    if (!c.running) return fail(`${DAEMON}container ${c.id} is not running`);
    return io.execIn(c.name, command, stdin);
  }
  if (cmd === "rm") {
    const names = rest.filter((a) => !a.startsWith("-"));
    const force = rest.includes("-f") || rest.includes("--force");
    let text = "";
    for (const n of names) {
      const c = st.containers.find((x) => x.name === n);
      if (!c) throw new DockerError(`${DAEMON}No such container: ${n}`);
      if (c.running && !force) throw new DockerError(`${DAEMON}cannot remove container "${n}": container is running: stop the container before removing or force remove`);
      if (c.running) await ipOrThrow(io, ["netns", "del", c.name]);
      st.containers = st.containers.filter((x) => x !== c);
      text += `${n}\n`;
    }
    return ok(text);
  }
  if (cmd === "ps") return ok(`CONTAINER ID   IMAGE     NAMES\n${st.containers.map((c) => `${c.id.slice(0, 12)}   ${c.image.padEnd(9)} ${c.name}`).join("\n")}${st.containers.length ? "\n" : ""}`);
  return fail(`docker: '${cmd}' is not a docker command here.\n${DOCKER_USAGE}`);
}

const DRIVER_OPTS = ["parent", "macvlan_mode", "ipvlan_mode", "ipvlan_flag"];

async function networkCreate(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  const { flags, positional } = options(args, ["-d", "--driver", "--subnet", "--gateway", "--ip-range", "-o", "--opt"]);
  const name = positional[0];
  if (!name) throw new DockerError(`"docker network create" requires exactly 1 argument.`);
  const driver = one(flags, "-d", "--driver") ?? "bridge";
  if (driver !== "macvlan" && driver !== "ipvlan") throw new DockerError(`the ${driver} driver is not simulated: ipvlab's docker makes macvlan and ipvlan networks`);
  // The CLI pairs each --ip-range and --gateway with its --subnet before the daemon sees them.
  let pools;
  try {
    pools = pairPools(flags.get("--subnet") ?? [], flags.get("--ip-range") ?? [], flags.get("--gateway") ?? []);
  } catch (e) {
    if (e instanceof IpamError) throw new DockerError(e.message);
    throw e;
  }
  const ipv6 = flags.has("--ipv6");
  if (st.networks.some((n) => n.name === name)) throw new DockerError(`${DAEMON}network with name ${name} already exists`);
  const invalid = validatePools(pools, ipv6);
  if (invalid) throw new DockerError(`${DAEMON}${invalid}`);
  if (pools.filter((p) => p.family === 4).length > 1 || pools.filter((p) => p.family === 6).length > 1) throw new DockerError("ipvlab's docker takes one IPv4 and one IPv6 --subnet per network");
  const v6 = pools.find((p) => p.family === 6);
  // Docker would give an --ipv6 network without an IPv6 subnet a ULA /64 from its default pools, derived from the host's ID.
  if (ipv6 && !v6) throw new DockerError("ipvlab's docker needs an IPv6 --subnet with --ipv6 (Docker would pick a ULA prefix from its default pools)");
  if (!pools.some((p) => p.family === 4)) pools.unshift({ family: 4, subnet: `172.${18 + st.seq}.0.0/16`, gateway: null, ipRange: null });
  const opts = new Map<string, string>();
  for (const o of [...(flags.get("-o") ?? []), ...(flags.get("--opt") ?? [])]) {
    const eq = o.indexOf("=");
    opts.set(eq < 0 ? o : o.slice(0, eq), eq < 0 ? "" : o.slice(eq + 1));
  }
  for (const k of opts.keys()) if (!DRIVER_OPTS.includes(k)) throw new DockerError(`option ${k} is not simulated: ipvlab's docker knows ${DRIVER_OPTS.join(", ")}`);
  // ipamAllocate comes before the driver's CreateNetwork (libnetwork controller.NewNetwork).
  const active = pools.filter((p) => p.family === 4 || ipv6);
  for (const p of active) {
    const others = st.networks.flatMap((n) => n.pools.filter((q) => q.family === 4 || n.ipv6));
    if (poolOverlaps(p, others)) throw new DockerError(`${DAEMON}invalid pool request: Pool overlaps with other one on this address space`);
  }
  const mode = opts.get(driver === "macvlan" ? "macvlan_mode" : "ipvlan_mode") || (driver === "macvlan" ? "bridge" : "l2");
  const flag = opts.get("ipvlan_flag") || "bridge";
  // libnetwork's parseNetworkOptions (drivers/macvlan/macvlan_network.go, drivers/ipvlan/ipvlan_network.go).
  if (driver === "macvlan" && !["bridge", "private", "vepa", "passthru"].includes(mode)) throw new DockerError(`${DAEMON}requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  if (driver === "ipvlan" && !["l2", "l3", "l3s"].includes(mode)) throw new DockerError(`${DAEMON}requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`);
  if (driver === "ipvlan" && !["bridge", "private", "vepa"].includes(flag)) throw new DockerError(`${DAEMON}requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`);
  let parent = opts.get("parent") ?? "";
  if (parent === "lo") throw new DockerError(`${DAEMON}loopback interface is not a valid ${driver} parent link`);
  // Docker 27's IPAM gives each pool without --gateway its first address as the gateway.
  for (const p of active) p.gateway = canonical(p.gateway ?? defaultGateway(p));
  const id = makeId(`network/${name}/${st.seq++}`);
  let created = false;
  if (parent === "") {
    // No parent: a dummy named after the network ID, the network reaches no wire.
    parent = `dm-${id.slice(0, 12)}`;
    await ipOrThrow(io, ["link", "add", parent, "type", "dummy"]);
    await ipOrThrow(io, ["link", "set", parent, "up"]);
    created = true;
  } else {
    // createNetwork: ipvlan takes a parent once; macvlan shares it, but not with a passthru network.
    for (const n of st.networks.filter((x) => x.parent === parent && x.driver === driver)) {
      if (driver === "ipvlan") throw new DockerError(`${DAEMON}network dm-${n.id.slice(0, 12)} is already using parent interface ${parent}`);
      if (mode === "passthru") throw new DockerError(`${DAEMON}cannot use mode passthru, macvlan network ${n.id} is already using parent interface ${parent}`);
      if (n.mode === "passthru") throw new DockerError(`${DAEMON}macvlan network ${n.id} is already using parent interface ${parent} in mode passthru`);
    }
    const exists = (await io.ip(["link", "show", parent])).exitCode === 0;
    const m = /^(.+)\.(\d+)$/.exec(parent);
    if (!exists && m) {
      // createVlanLink: the parent Docker makes itself, up.
      await ipOrThrow(io, ["link", "add", "link", m[1]!, "name", parent, "type", "vlan", "id", m[2]!]);
      created = true;
    } else if (!exists) throw new DockerError(`${DAEMON}-o parent interface was not found on the host: ${parent}`);
    await ipOrThrow(io, ["link", "set", parent, "up"]);
  }
  const network: Network = { name, id, driver, parent, created, mode, flag, internal: flags.has("--internal"), ipv6, pools };
  st.networks.push(network);
  return ok(`${id}\n`);
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
    const v4 = n.pools.find((p) => p.family === 4)!;
    const v6 = n.pools.find((p) => p.family === 6);
    for (const c of st.containers) {
      for (const e of c.endpoints.filter((x) => x.network === n.name)) {
        containers[c.id] = { Name: c.name, EndpointID: e.id, IPv4Address: e.ip ? `${e.ip}/${poolLen(v4)}` : "", IPv6Address: e.ip6 && v6 ? `${e.ip6}/${poolLen(v6)}` : "" };
      }
    }
    const options: Record<string, string> = { parent: n.parent };
    if (n.driver === "macvlan") options.macvlan_mode = n.mode;
    else Object.assign(options, { ipvlan_mode: n.mode, ipvlan_flag: n.flag });
    const config = n.pools.map((p) => ({ Subnet: p.subnet, ...(p.ipRange ? { IPRange: p.ipRange } : {}), ...(p.gateway ? { Gateway: p.gateway } : {}) }));
    out.push({ Name: n.name, Id: n.id, Scope: "local", Driver: n.driver, EnableIPv6: n.ipv6, IPAM: { Driver: "default", Options: {}, Config: config }, Internal: n.internal, Containers: containers, Options: options });
  }
  return ok(`${JSON.stringify(out, null, 4)}\n`);
}

async function networkRm(args: string[], st: State, io: DockerIo): Promise<ExecResult> {
  let out = "";
  for (const name of args.filter((a) => !a.startsWith("-"))) {
    const n = st.networks.find((x) => x.name === name);
    if (!n) throw new DockerError(`${DAEMON}network ${name} not found`);
    const eps = st.containers.flatMap((c) => c.endpoints.filter((e) => e.network === n.name).map((e) => `name:"${c.name}" id:"${e.id.slice(0, 12)}"`));
    if (eps.length) throw new DockerError(`${DAEMON}error while removing network: network ${n.name} has active endpoints (${eps.join(", ")})`);
    if (n.created) await ipOrThrow(io, ["link", "del", n.parent]);
    st.networks = st.networks.filter((x) => x !== n);
    out += `${name}\n`;
  }
  return ok(out);
}
