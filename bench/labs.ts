// The labs the benchmark runs, as lab YAML text (parsed with parseYamlLab, so
// they are held to the same checks as any lab file).

export interface ManyNsShape {
  bridges: number;
  perBridge: number;
}

/** Namespace i (1-based) of bridge k (1-based): its name, its address, its bridge's address. */
export function nsName(k: number, i: number): string {
  return `n${k}_${i}`;
}
export function nsAddr(k: number, i: number): string {
  return `10.${k}.0.${i}`;
}

/**
 * One host, `bridges` bridges br1..brK (10.K.0.254/24) and `perBridge`
 * namespaces on each (n<K>_<I>, eth0 10.K.0.I/24, default route via the
 * bridge), the host forwarding between the subnets. The script is written
 * with loops, as a person would write it; `matrix` adds the all-pairs matrix step.
 */
export function manyNsLab(shape: ManyNsShape, o: { matrix?: boolean } = {}): string {
  const ks = Array.from({ length: shape.bridges }, (_, j) => j + 1).join(" ");
  const is = Array.from({ length: shape.perBridge }, (_, j) => j + 1).join(" ");
  const indent = (s: string, n: number) =>
    s
      .trim()
      .split("\n")
      .map((l) => " ".repeat(n) + l)
      .join("\n");
  // ip_forward comes last: a namespace copies its creator's conf, and the
  // namespaces are end hosts, not routers.
  const script = `
for k in ${ks}; do
  ip link add br$k type bridge
  ip addr add 10.$k.0.254/24 dev br$k
  ip link set br$k up
  for i in ${is}; do
    ip netns add n\${k}_$i
    ip link add v\${k}_$i type veth peer name eth0 netns n\${k}_$i
    ip link set v\${k}_$i master br$k up
    ip -n n\${k}_$i link set lo up
    ip -n n\${k}_$i addr add 10.$k.0.$i/24 dev eth0
    ip -n n\${k}_$i link set eth0 up
    ip -n n\${k}_$i route add default via 10.$k.0.254
  done
done
sysctl -qw net.ipv4.ip_forward=1
`;
  return `name: bench-ns-${shape.bridges * shape.perBridge}
hosts:
  h:
    run: |
${indent(script, 6)}
steps:
  - name: one namespace reaches another across the host
    on: h
    run: ip netns exec ${nsName(1, 1)} ping -c 1 -W 1 ${nsAddr(shape.bridges, shape.perBridge)}
    expect: ok
${o.matrix ? "  - matrix: all namespaces\n" : ""}`;
}

/** Slave i (1-based, at most 253) of parent k (1-based): its namespace and its address. */
export function slaveNs(k: number, i: number): string {
  return `s${k}_${i}`;
}
export function slaveAddr(k: number, i: number): string {
  return `10.${k}.0.${i}`;
}

/**
 * ipvlan at scale: host h has `bridges` NICs eth1..ethK, each on its own
 * network, and `perBridge` l2 slaves on each (ipv<K>_<I> in namespace
 * s<K>_<I>, 10.K.0.I/16, default route via 10.K.255.254). Host gw is on
 * every network and routes between them, so slaves of one parent talk
 * slave to slave and slaves of different parents through the wire and gw.
 */
export function manyIpvlanLab(shape: ManyNsShape): string {
  const ks = Array.from({ length: shape.bridges }, (_, j) => j + 1);
  const is = Array.from({ length: shape.perBridge }, (_, j) => j + 1).join(" ");
  const iface = (name: string, k: number) => `      ${name}${k}: { network: n${k} }`;
  const gwSetup = ks.map((k) => `      ip addr add 10.${k}.255.254/16 dev g${k}\n      ip link set g${k} up`).join("\n");
  return `name: bench-ipvlan-${shape.bridges * shape.perBridge}
networks:
${ks.map((k) => `  n${k}: {}`).join("\n")}
hosts:
  gw:
    interfaces:
${ks.map((k) => iface("g", k)).join("\n")}
    run: |
${gwSetup}
      sysctl -qw net.ipv4.ip_forward=1
  h:
    interfaces:
${ks.map((k) => iface("eth", k)).join("\n")}
    run: |
      for k in ${ks.join(" ")}; do
        ip link set eth$k up
        for i in ${is}; do
          ip netns add s\${k}_$i
          ip link add link eth$k name ipv\${k}_$i type ipvlan mode l2
          ip link set ipv\${k}_$i netns s\${k}_$i
          ip -n s\${k}_$i addr add 10.$k.0.$i/16 dev ipv\${k}_$i
          ip -n s\${k}_$i link set ipv\${k}_$i up
          ip -n s\${k}_$i route add default via 10.$k.255.254
        done
      done
steps:
  - name: a slave reaches a slave of another parent
    on: h
    run: ip netns exec ${slaveNs(1, 1)} ping -c 1 -W 1 ${slaveAddr(shape.bridges, shape.perBridge)}
    expect: ok
`;
}

/**
 * N ipvlan l3 slaves of host h's eth0, slave i in namespace s<i> with
 * 10.0.X.Y/16 (i = 1..N), h's own 10.0.255.1 on eth0 and a gateway host on
 * the same network: the slaves reach each other and the gateway, and h's own
 * address is out of their reach (an ipvlan slave never reaches its parent),
 * so 4N cells fail and need their reasons.
 */
export function ipvlanSlavesLab(n: number): string {
  return `name: bench-ipvlan-l3-${n}
networks:
  lan: {}
hosts:
  gw:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.255.254/16 dev eth0
      ip link set eth0 up
  h:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.255.1/16 dev eth0
      ip link set eth0 up
      for i in $(seq 1 ${n}); do
        ip netns add s$i
        ip link add link eth0 name ipv$i type ipvlan mode l3
        ip link set ipv$i netns s$i
        ip -n s$i addr add 10.0.$((i / 250)).$((i % 250 + 1))/16 dev ipv$i
        ip -n s$i link set ipv$i up
      done
steps:
  - matrix: all
`;
}

/**
 * The issue's shape for the lab's own matrix at scale: one host, one bridge
 * br0, N namespaces n1..nN each with a veth into it and one address, then the
 * all-pairs matrix (N × (N - 1) cells, N × (N - 1) neighbour entries for the
 * one kernel's table). The addresses are in 10.0.0.0/16, or 10.0.0.0/24 for
 * up to 254 namespaces when `slash24`.
 */
export function oneBridgeLab(n: number, o: { slash24?: boolean } = {}): string {
  const addr = o.slash24 ? "10.0.0.$i/24" : "10.0.$((i / 250)).$((i % 250 + 1))/16";
  return `name: bench-bridge-${n}
hosts:
  h:
    run: |
      ip link add br0 type bridge
      ip link set br0 up
      for i in $(seq 1 ${n}); do
        ip netns add n$i
        ip link add v$i type veth peer name eth0 netns n$i
        ip link set v$i master br0 up
        ip -n n$i addr add ${addr} dev eth0
        ip -n n$i link set eth0 up
      done
steps:
  - matrix: all
`;
}
