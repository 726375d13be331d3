// A container's endpoints: `docker run`, `network connect|disconnect` as the
// daemon and libnetwork do them. The address checks of container create
// (daemon/container_operations.go validateEndpointSettings), the IPAM
// request (endpoint.go assignAddressVersion), the driver's Join (a slave of
// the parent, moved into the sandbox and renamed), the sandbox's interface
// set-up (osl/interface_linux.go: IPv4 address, disable_ipv6 as the network
// has IPv6 or not, the IPv6 address with nodad, up) and the default routes
// of the gateway endpoints (sandbox.go Endpoint.Less, default_gateway.go).

import { allocate, canonical, parseAddr, poolHolds, poolLen, type Pool } from "./ipam.js";
import { DAEMON, DockerError, ipOrThrow, makeId, one, options, runError, type Container, type DockerIo, type Endpoint, type Network, type State } from "./state.js";

interface Wanted {
  ip?: string;
  ip6?: string;
}

const activePools = (n: Network): Pool[] => n.pools.filter((p) => p.family === 4 || n.ipv6);

/** validateEndpointSettings: the errors of the static addresses, or none. */
function endpointSettingsErrors(n: Network, want: Wanted): string[] {
  const errs: string[] = [];
  const a4 = want.ip !== undefined ? parseAddr(want.ip) : null;
  const a6 = want.ip6 !== undefined ? parseAddr(want.ip6) : null;
  if (want.ip !== undefined && a4?.family !== 4) errs.push(`invalid IPv4 address: ${want.ip}`);
  if (want.ip6 !== undefined && a6?.family !== 6) errs.push(`invalid IPv6 address: ${want.ip6}`);
  for (const text of [want.ip, want.ip6]) {
    if (text === undefined || parseAddr(text) === null) continue;
    if (!activePools(n).some((p) => poolHolds(p, text))) errs.push(`no configured subnet contains IP address ${canonical(text)}`);
  }
  return errs;
}

const joinErrors = (errs: string[]) => (errs.length === 1 ? errs[0]! : `* ${errs.map((e) => e.replace(/\n/g, "\n\t")).join("\n* ")}`);

/** A failed netlink call as Go's error text: the errno's string, lower case. */
function goErrno(stderr: string): string {
  const line = stderr.trim().split("\n").at(-1) ?? "";
  const msg = line.replace(/^(RTNETLINK answers|Error): /, "");
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

function usedAddresses(st: State, n: Network): Set<string> {
  return new Set(st.containers.flatMap((c) => c.endpoints.filter((e) => e.network === n.name).flatMap((e) => [e.ip, e.ip6].filter((x): x is string => x !== null))));
}

/** assignAddressVersion: the preferred address, or the pool's first free one. */
function assign(st: State, n: Network, family: 4 | 6, want: string | undefined): string {
  const pool = activePools(n).find((p) => p.family === family)!;
  const used = usedAddresses(st, n);
  if (want !== undefined) {
    const a = canonical(want);
    if (used.has(a) || a === pool.gateway) throw new DockerError("Address already in use");
    return a;
  }
  const a = allocate(pool, used);
  if (a === null) throw new DockerError(`no available IPv${family} addresses on this network's address pools: ${n.name} (${n.id})`);
  return a;
}

/** hasGatewayOrDefaultRoute: an L3 ipvlan's default is its device; the others go via the gateway; internal networks have none. */
function gateways(n: Network, e: Endpoint): [boolean, boolean] {
  if (n.internal) return [false, false];
  return [e.ip !== null, e.ip6 !== null];
}

/** Endpoint.Less: non-internal first, then the dual-stack, then by network name. */
function sortedEndpoints(st: State, c: Container): Array<{ e: Endpoint; n: Network }> {
  const list = c.endpoints.map((e) => ({ e, n: st.networks.find((x) => x.name === e.network)! }));
  const count = (x: { e: Endpoint; n: Network }) => gateways(x.n, x.e).filter(Boolean).length;
  return list.sort((a, b) => (a.n.internal !== b.n.internal ? (a.n.internal ? 1 : -1) : count(a) !== count(b) ? count(b) - count(a) : a.n.name < b.n.name ? -1 : a.n.name > b.n.name ? 1 : 0));
}

/** The default route of each family through its gateway endpoint, moved when another endpoint takes the role. */
async function updateGateways(st: State, c: Container, io: DockerIo, removed?: string): Promise<void> {
  const sorted = sortedEndpoints(st, c);
  const ep4 = sorted.find((x) => gateways(x.n, x.e)[0]);
  const ep6 = sorted.find((x) => gateways(x.n, x.e)[1]);
  for (const [family, ep, key] of [[4, ep4, "gw4"], [6, ep6, "gw6"]] as const) {
    const now = ep?.n.name ?? null;
    const before = c[key] ?? null;
    if (now === before) continue;
    const fam = family === 6 ? ["-6"] : [];
    // The old gateway's route went with its device when it was disconnected.
    if (before !== null && before !== removed) await ipOrThrow(io, ["-n", c.name, ...fam, "route", "del", "default"]);
    c[key] = now;
    if (!ep) continue;
    const dev = ep.e.dev;
    const gw = ep.n.pools.find((p) => p.family === family)!.gateway;
    if (ep.n.driver === "ipvlan" && ep.n.mode !== "l2") await ipOrThrow(io, ["-n", c.name, ...fam, "route", "add", "default", "dev", dev]);
    else await ipOrThrow(io, ["-n", c.name, ...fam, "route", "add", "default", "via", gw!, "dev", dev]);
  }
}

/** CreateEndpoint, then Join: the endpoint's addresses, the driver's slave, the sandbox's interface. */
async function attach(c: Container, n: Network, want: Wanted, st: State, io: DockerIo): Promise<void> {
  if (c.endpoints.some((e) => e.network === n.name)) throw new DockerError(`endpoint with name ${c.name} already exists in network ${n.name}`);
  const ip = assign(st, n, 4, want.ip);
  const ip6 = n.ipv6 ? assign(st, n, 6, want.ip6) : null;
  const used = new Set(c.endpoints.map((e) => e.dev));
  let k = 0;
  while (used.has(`eth${k}`)) k++;
  const dev = `eth${k}`;
  const tmp = `${n.driver === "macvlan" ? "macvlan" : "ipvlan"}${c.id.slice(0, 7)}`;
  const kind = n.driver === "macvlan" ? ["macvlan", "mode", n.mode] : ["ipvlan", "mode", n.mode, n.flag];
  const add = await io.ip(["link", "add", "link", n.parent, "name", tmp, "type", ...kind]);
  if (add.exitCode !== 0) throw new DockerError(`failed to create the ${n.driver} port: ${goErrno(add.stderr)}`);
  await ipOrThrow(io, ["link", "set", tmp, "netns", c.name]);
  await ipOrThrow(io, ["-n", c.name, "link", "set", tmp, "name", dev]);
  await ipOrThrow(io, ["-n", c.name, "addr", "add", `${ip}/${poolLen(n.pools.find((p) => p.family === 4)!)}`, "dev", dev]);
  // setInterfaceIPv6: IPv6 on the interface if and only if the network has it.
  const sysctl = await io.execIn(c.name, ["sysctl", "-qw", `net.ipv6.conf.${dev}.disable_ipv6=${ip6 === null ? 1 : 0}`], "");
  if (sysctl.exitCode !== 0) throw new DockerError(`failed to configure ipv6: ${sysctl.stderr.trim()}`);
  if (ip6 !== null) await ipOrThrow(io, ["-n", c.name, "-6", "addr", "add", `${ip6}/${poolLen(n.pools.find((p) => p.family === 6)!)}`, "dev", dev, "nodad"]);
  await ipOrThrow(io, ["-n", c.name, "link", "set", dev, "up"]);
  c.endpoints.push({ network: n.name, id: makeId(`endpoint/${c.name}/${n.name}/${st.seq++}`), dev, ip, ip6 });
  await updateGateways(st, c, io);
}

function wanted(flags: Map<string, string[]>): Wanted {
  const w: Wanted = {};
  const ip = one(flags, "--ip");
  const ip6 = one(flags, "--ip6");
  if (ip !== undefined) w.ip = ip;
  if (ip6 !== undefined) w.ip6 = ip6;
  return w;
}

const RUN_VALUE_FLAGS = ["--name", "--network", "--net", "--ip", "--ip6"];

export async function run(args: string[], st: State, io: DockerIo, out: { stdout: string }): Promise<string> {
  const image = args.findIndex((a, i) => !a.startsWith("-") && !RUN_VALUE_FLAGS.includes(args[i - 1] ?? ""));
  const { flags } = options(image < 0 ? args : args.slice(0, image), RUN_VALUE_FLAGS);
  if (image < 0) throw new DockerError(`"docker run" requires at least 1 argument.`);
  if (!flags.has("-d") && !flags.has("--detach")) throw new DockerError("ipvlab's docker runs no image: give -d, and reach the container with docker exec");
  const name = one(flags, "--name") ?? `c${st.seq + 1}`;
  const taken = st.containers.find((c) => c.name === name);
  if (taken) throw runError(`Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
  const netName = one(flags, "--network", "--net");
  if (netName === undefined) throw new DockerError("ipvlab's docker has no default bridge network: give --network");
  const n = st.networks.find((x) => x.name === netName);
  if (!n) throw runError(`network ${netName} not found`);
  const want = wanted(flags);
  const errs = endpointSettingsErrors(n, want);
  if (errs.length) throw runError(`invalid config for network ${n.name}: invalid endpoint settings:\n${joinErrors(errs)}`);
  const c: Container = { name, id: makeId(`container/${name}/${st.seq++}`), image: args[image]!, endpoints: [], running: true };
  st.containers.push(c);
  // Created: the ID is printed; the network comes with the start.
  out.stdout = `${c.id}\n`;
  await ipOrThrow(io, ["netns", "add", name]);
  await ipOrThrow(io, ["-n", name, "link", "set", "lo", "up"]);
  try {
    await attach(c, n, want, st, io);
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    // The container stays, Created and stopped, without its namespace.
    c.running = false;
    c.endpoints = [];
    await io.ip(["netns", "del", name]);
    throw runError(`failed to set up container networking: ${e.message.replace(DAEMON, "")}`);
  }
  return out.stdout;
}

export async function networkConnect(args: string[], st: State, io: DockerIo): Promise<string> {
  const { flags, positional } = options(args, ["--ip", "--ip6", "--alias"]);
  const [netName, ctr] = positional;
  const n = st.networks.find((x) => x.name === netName);
  if (!n) throw new DockerError(`${DAEMON}network ${netName ?? ""} not found`);
  const c = st.containers.find((x) => x.name === ctr);
  if (!c) throw new DockerError(`${DAEMON}No such container: ${ctr ?? ""}`);
  const want = wanted(flags);
  const errs = endpointSettingsErrors(n, want);
  if (errs.length) throw new DockerError(`${DAEMON}invalid endpoint settings:\n${joinErrors(errs)}`);
  if (!c.running) throw new DockerError(`${DAEMON}container ${c.id} is not running`);
  try {
    await attach(c, n, want, st, io);
  } catch (e) {
    if (e instanceof DockerError && !e.message.startsWith(DAEMON)) throw new DockerError(`${DAEMON}${e.message}`);
    throw e;
  }
  return "";
}

export async function networkDisconnect(args: string[], st: State, io: DockerIo): Promise<string> {
  const [netName, ctr] = args.filter((a) => !a.startsWith("-"));
  const c = st.containers.find((x) => x.name === ctr);
  if (!c) throw new DockerError(`${DAEMON}No such container: ${ctr ?? ""}`);
  const e = c.endpoints.find((x) => x.network === netName);
  if (!e) throw new DockerError(`${DAEMON}container ${c.id} is not connected to network ${netName ?? ""}`);
  await ipOrThrow(io, ["-n", c.name, "link", "del", e.dev]);
  c.endpoints = c.endpoints.filter((x) => x !== e);
  await updateGateways(st, c, io, e.network);
  return "";
}
