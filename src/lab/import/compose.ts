// A Compose file's macvlan and ipvlan networks as a lab: the Docker host
// with its parent NICs on a LAN, a namespace per container built as moby's
// libnetwork macvlan and ipvlan drivers build it (a slave of the parent,
// moved in and renamed eth0, eth1, ... in the order the service lists its
// networks; Docker's IPAM hands out addresses from the subnet or ip_range,
// skipping the gateway; the default route via the gateway, or the device
// itself for ipvlan L3/L3S; none on an internal network), a stand-in
// router for the gateway, and a matrix. An `enable_ipv6: true` network with
// an IPv6 ipam.config subnet gives each container an IPv6 address as well
// (nodad, IPv6 on its device, the IPv6 default route as the driver's Join
// sets it), and the lab has IPv6 on.

import { broadcast, cidr, contains, formatIpv4, parseIpv4, parseSubnet, type Subnet } from "./addr.js";
import { cidr6, contains6, formatIpv6Big, last6, parseIpv6Big, parseSubnet6, type Subnet6 } from "./addr6.js";
import { writeLab, type LabHostText } from "./lab-text.js";
import { entries, get, ImportSource, items, keyNode, text } from "./source.js";

interface DockerNet {
  name: string;
  where: string;
  driver: "macvlan" | "ipvlan";
  parent: string | null;
  mode: string;
  flag: string;
  internal: boolean;
  subnet: Subnet;
  gateway: number;
  pool: Subnet;
  next: number;
  used: Set<number>;
  node: unknown;
  v6: Pool6 | null;
}

/** An enable_ipv6 network's IPv6 pool (Docker's IPAM reserves the Subnet-Router anycast address). */
interface Pool6 {
  subnet: Subnet6;
  gateway: bigint;
  pool: Subnet6;
  used: Set<bigint>;
}

function parsePool6(src: ImportSource, name: string, n: unknown, configs: unknown[]): Pool6 | null {
  const c = configs.find((x) => (text(get(x, "subnet")) ?? "").includes(":"));
  if (text(get(n, "enable_ipv6")) !== "true") return null;
  if (!c) throw src.error(get(n, "enable_ipv6"), `network ${name}: ipvlab import needs an IPv6 ipam.config subnet with enable_ipv6 (Docker would pick a ULA prefix from its default pools)`);
  const subnetText = text(get(c, "subnet"))!;
  const subnet = parseSubnet6(subnetText);
  if (!subnet) throw src.error(get(c, "subnet"), `invalid subnet ${subnetText}`);
  if (subnet.hostBits) throw src.error(get(c, "subnet"), `invalid network config:\ninvalid subnet ${subnetText}: it should be ${cidr6(subnet.net, subnet.len)}`);
  const gwText = text(get(c, "gateway"));
  const gateway = gwText === undefined ? subnet.net + 1n : parseIpv6Big(gwText);
  if (gateway === null || !contains6(subnet, gateway)) throw src.error(get(c, "gateway"), `no matching subnet for gateway ${gwText}`);
  const rangeText = text(get(c, "ip_range"));
  const pool = rangeText === undefined ? subnet : parseSubnet6(rangeText);
  if (!pool || !contains6(subnet, pool.net)) throw src.error(get(c, "ip_range"), `no matching subnet for range ${rangeText}`);
  return { subnet, gateway, pool, used: new Set([subnet.net, gateway]) };
}

/** Docker's IPAM for IPv6: the first free address of the pool. */
function allocate6(p: Pool6): bigint | null {
  for (let a = p.pool.net, n = 0; a <= last6(p.pool) && n <= p.used.size; a++, n++) {
    if (p.used.has(a)) continue;
    p.used.add(a);
    return a;
  }
  return null;
}

const MACVLAN_MODES = ["bridge", "private", "vepa", "passthru"];
const IPVLAN_MODES = ["l2", "l3", "l3s"];
const IPVLAN_FLAGS = ["bridge", "private", "vepa"];

/** Docker names a parent-less network's dummy after the network ID; a lab has none, so a hash of the name stands in. */
function dummyName(network: string): string {
  let h = 0x811c9dc5;
  for (const c of network) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `dm-${h.toString(16).padStart(8, "0")}${(h >>> 16).toString(16).padStart(4, "0")}`.slice(0, 15);
}

function parseNetworks(src: ImportSource, root: unknown): DockerNet[] {
  const out: DockerNet[] = [];
  for (const [name, n, key] of entries(get(root, "networks"))) {
    const driver = text(get(n, "driver"));
    if (driver !== "macvlan" && driver !== "ipvlan") continue;
    const opts = get(n, "driver_opts");
    const parent = text(get(opts, "parent")) ?? null;
    const mode = text(get(opts, driver === "macvlan" ? "macvlan_mode" : "ipvlan_mode")) ?? (driver === "macvlan" ? "bridge" : "l2");
    const flag = text(get(opts, "ipvlan_flag")) ?? "bridge";
    if (driver === "macvlan" && !MACVLAN_MODES.includes(mode)) throw src.error(get(opts, "macvlan_mode"), `requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
    if (driver === "ipvlan" && !IPVLAN_MODES.includes(mode)) throw src.error(get(opts, "ipvlan_mode"), `requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`);
    if (driver === "ipvlan" && !IPVLAN_FLAGS.includes(flag)) throw src.error(get(opts, "ipvlan_flag"), `requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`);
    const configs = items(get(get(n, "ipam"), "config"));
    const v4 = configs.find((c) => (text(get(c, "subnet")) ?? "").includes("."));
    if (!v4) throw src.error(key, `network ${name}: ipvlab import needs an IPv4 ipam.config subnet (Docker would pick one from its default pools)`);
    const subnetText = text(get(v4, "subnet"))!;
    const subnet = parseSubnet(subnetText);
    if (!subnet) throw src.error(get(v4, "subnet"), `invalid subnet ${subnetText}`);
    const gwText = text(get(v4, "gateway"));
    const gateway = gwText === undefined ? subnet.net + 1 : parseIpv4(gwText);
    if (gateway === null || !contains(subnet, gateway)) throw src.error(get(v4, "gateway"), `invalid gateway ${gwText}: not in ${subnetText}`);
    const rangeText = text(get(v4, "ip_range"));
    const pool = rangeText === undefined ? subnet : parseSubnet(rangeText);
    if (!pool || !contains(subnet, pool.net)) throw src.error(get(v4, "ip_range"), `invalid ip_range ${rangeText}: not in ${subnetText}`);
    const internal = text(get(n, "internal")) === "true";
    const v6 = parsePool6(src, name, n, configs);
    out.push({ name, where: src.where(key), driver, parent, mode, flag, internal, subnet, gateway, pool, next: pool.net, used: new Set([gateway, subnet.net, broadcast(subnet)]), node: n, v6 });
  }
  return out;
}

/** Docker's IPAM: the first free address of the pool, in order. */
function allocate(n: DockerNet): number | null {
  for (let a = Math.max(n.next, n.pool.net); a <= broadcast(n.pool); a++) {
    if (n.used.has(a)) continue;
    n.used.add(a);
    n.next = a + 1;
    return a;
  }
  return null;
}

export function importCompose(src: ImportSource): string {
  const root = src.root();
  const nets = parseNetworks(src, root);
  if (nets.length === 0) throw src.error(keyNode(root, "networks") ?? root, "no network with driver macvlan or ipvlan: nothing for ipvlab to import");
  const byName = new Map(nets.map((n) => [n.name, n]));
  const ipv6Lab = nets.some((n) => n.v6 !== null);
  const docker: LabHostText = { name: "docker", comment: ["The Docker host. Its NICs (the networks' parents) are on the LAN; its own address there is a stand-in."], interfaces: [], run: [] };
  const nics = new Set<string>();
  const vlans = new Map<string, string>();
  for (const n of nets) {
    if (n.parent === null) continue;
    const m = /^([^.]+)\.(\d+)$/.exec(n.parent);
    const base = m ? m[1]! : n.parent;
    nics.add(base);
    if (m) vlans.set(n.parent, `ip link add link ${base} name ${n.parent} type vlan id ${m[2]}`);
  }
  for (const nic of nics) {
    docker.interfaces.push({ name: nic, network: "lan" });
    docker.run.push(`ip link set ${nic} up`);
  }
  // The Docker host's address: the subnet's last address, on the parent (stand-in).
  const hostAddr = new Map<string, number>();
  for (const n of nets) {
    if (n.parent === null || hostAddr.has(n.parent)) continue;
    const a = broadcast(n.subnet) - 1;
    n.used.add(a);
    hostAddr.set(n.parent, a);
    docker.run.push(`# network ${n.name} (${n.where}): ${n.driver} on ${n.parent}${n.driver === "macvlan" ? ` mode ${n.mode}` : ` mode ${n.mode} ${n.flag}`}, subnet ${cidr(n.subnet.net, n.subnet.len)}, gateway ${formatIpv4(n.gateway)}${n.internal ? ", internal" : ""}`);
    if (vlans.has(n.parent)) {
      docker.run.push("# Docker creates the VLAN sub-interface the parent names.", vlans.get(n.parent)!, `ip link set ${n.parent} up`);
      vlans.delete(n.parent);
    }
    docker.run.push(`ip addr add ${cidr(a, n.subnet.len)} dev ${n.parent}`);
    if (n.v6) {
      // As the IPv4 stand-in is the subnet's .254, the IPv6 one is its ::fe.
      const a6 = n.v6.subnet.net + 0xfen;
      n.v6.used.add(a6);
      docker.run.push(`ip -6 addr add ${cidr6(a6, n.v6.subnet.len)} dev ${n.parent} nodad`);
    }
  }
  for (const n of nets) {
    if (n.parent !== null) continue;
    docker.run.push(`# network ${n.name} (${n.where}): no parent, so Docker makes a dummy for it; the network reaches no LAN`, `ip link add ${dummyName(n.name)} type dummy`, `ip link set ${dummyName(n.name)} up`);
    n.parent = dummyName(n.name);
  }
  let slave = 0;
  for (const [svc, s, key] of entries(get(root, "services"))) {
    const ns = text(get(s, "container_name")) ?? svc;
    const sn = get(s, "networks");
    const list: Array<[string, unknown, unknown]> = items(sn).length ? items(sn).map((x) => [text(x) ?? "", null, x]) : entries(sn);
    const mine = list.filter(([n]) => byName.has(n));
    if (mine.length === 0) continue;
    docker.run.push("", `# service ${svc} (${src.where(key)}): container ${ns}`, `ip netns add ${ns}`, `ip -n ${ns} link set lo up`);
    let gatewayDone = false;
    let gateway6Done = false;
    mine.forEach(([name, cfg, at], i) => {
      const n = byName.get(name)!;
      const dev = `eth${i}`;
      const want = text(get(cfg, "ipv4_address"));
      let addr: number | null;
      if (want !== undefined) {
        addr = parseIpv4(want);
        if (addr === null || !contains(n.subnet, addr)) throw src.error(get(cfg, "ipv4_address"), `Invalid address ${want}: It does not belong to any of this network's subnets`);
        if (n.used.has(addr)) throw src.error(get(cfg, "ipv4_address"), `Address already in use (${want} on network ${name})`);
        n.used.add(addr);
      } else {
        addr = allocate(n);
        if (addr === null) throw src.error(at, `no available IPv4 addresses on this network's address pools: ${name}`);
      }
      const want6 = text(get(cfg, "ipv6_address"));
      let addr6: bigint | null = null;
      if (want6 !== undefined) {
        const a6 = parseIpv6Big(want6);
        if (a6 === null) throw src.error(get(cfg, "ipv6_address"), `invalid IPv6 address: ${want6}`);
        if (!n.v6 || !contains6(n.v6.subnet, a6)) throw src.error(get(cfg, "ipv6_address"), `invalid endpoint settings:\nno configured subnet contains IP address ${formatIpv6Big(a6)}`);
        if (n.v6.used.has(a6)) throw src.error(get(cfg, "ipv6_address"), `Address already in use (${want6} on network ${name})`);
        n.v6.used.add(a6);
        addr6 = a6;
      } else if (n.v6) {
        addr6 = allocate6(n.v6);
        if (addr6 === null) throw src.error(at, `no available IPv6 addresses on this network's address pools: ${name}`);
      }
      const tmp = `${n.driver === "macvlan" ? "macvlan" : "ipvlan"}${slave++}`;
      const kind = n.driver === "macvlan" ? `macvlan mode ${n.mode}` : `ipvlan mode ${n.mode} ${n.flag}`;
      docker.run.push(
        `# ${name} (${src.where(at)}): ${dev}${want === undefined ? ", address from Docker's IPAM" : ""}`,
        `ip link add link ${n.parent} name ${tmp} type ${kind}`,
        `ip link set ${tmp} netns ${ns}`,
        `ip -n ${ns} link set ${tmp} name ${dev}`,
        `ip -n ${ns} addr add ${cidr(addr, n.subnet.len)} dev ${dev}`,
      );
      // Docker turns IPv6 on a container's device if and only if its network has it.
      if (ipv6Lab) docker.run.push(`ip netns exec ${ns} sysctl -qw net.ipv6.conf.${dev}.disable_ipv6=${addr6 === null ? 1 : 0}`);
      if (addr6 !== null) docker.run.push(`ip -n ${ns} -6 addr add ${cidr6(addr6, n.v6!.subnet.len)} dev ${dev} nodad${want6 === undefined ? "   # from Docker's IPAM" : ""}`);
      docker.run.push(`ip -n ${ns} link set ${dev} up`);
      if (n.internal) return;
      const l3 = n.driver === "ipvlan" && n.mode !== "l2";
      if (!gatewayDone) {
        gatewayDone = true;
        docker.run.push(l3 ? `ip -n ${ns} route add default dev ${dev}` : `ip -n ${ns} route add default via ${formatIpv4(n.gateway)}`);
      }
      if (addr6 !== null && !gateway6Done) {
        gateway6Done = true;
        docker.run.push(l3 ? `ip -n ${ns} -6 route add default dev ${dev}` : `ip -n ${ns} -6 route add default via ${formatIpv6Big(n.v6!.gateway)} dev ${dev}`);
      }
    });
  }
  const hosts: LabHostText[] = [docker];
  const routers = nets.filter((n) => n.parent !== null && !n.parent.startsWith("dm-") && !n.internal);
  if (routers.length) {
    const router: LabHostText = { name: "router", comment: ["A stand-in for the LAN's router: it holds each network's gateway address."], interfaces: [{ name: "eth0", network: "lan" }], run: ["ip link set eth0 up"] };
    const done = new Set<string>();
    for (const n of routers) {
      const m = /^[^.]+\.(\d+)$/.exec(n.parent!);
      const dev = m ? `eth0.${m[1]}` : "eth0";
      if (m && !done.has(dev)) router.run.push(`ip link add link eth0 name ${dev} type vlan id ${m[1]}`, `ip link set ${dev} up`);
      done.add(dev);
      router.run.push(`ip addr add ${cidr(n.gateway, n.subnet.len)} dev ${dev}   # gateway of ${n.name} (${n.where})`);
      if (n.v6) router.run.push(`ip -6 addr add ${cidr6(n.v6.gateway, n.v6.subnet.len)} dev ${dev} nodad   # IPv6 gateway of ${n.name} (${n.where})`);
    }
    hosts.push(router);
  }
  const project = text(get(root, "name")) ?? src.file.replace(/.*\//, "").replace(/\.(ya?ml|json)$/, "").replace(/[^A-Za-z0-9_.-]/g, "-");
  return writeLab({
    header: [`Imported from ${src.file} by ipvlab import: its macvlan and ipvlan networks, as Docker's`, "libnetwork drivers build them, each container a network namespace on the host docker."],
    name: project,
    ipv6: ipv6Lab,
    networks: nics.size || routers.length ? ["lan"] : [],
    hosts,
    steps: ["- matrix: imported"],
  });
}
