// The labs the benchmark runs, as lab YAML text (parsed with parseYamlLab, so
// they are held to the same checks as any lab file).

/**
 * The seed lab's size and shape (examples/seed-ipvlan-l2.lab.yaml: 3 hosts,
 * one network, a host with two namespaces, 14 planned steps with the setups,
 * two 6x6 matrices) without ipvlan, which the simulator lacks: vm02 bridges
 * ens34 into br0 and joins ns01/ns02 to it by veths; 172.16.91.100/32 on br0
 * stands in for ipvlan0, so the matrices have the seed lab's six endpoints.
 */
export const SEED_SIZE_LAB = `
name: bench-seed-size
networks:
  vmnet8: {}
hosts:
  gateway:
    interfaces: { eth0: { network: vmnet8, mac: "00:50:56:e1:f0:02" } }
    run: |
      ip addr add 172.16.91.2/24 dev eth0
      ip link set eth0 up
  vm01:
    interfaces: { ens34: { network: vmnet8, mac: "00:0c:29:a0:10:10" } }
    run: |
      ip addr add 172.16.91.10/24 dev ens34
      ip link set ens34 up
  vm02:
    interfaces: { ens34: { network: vmnet8, mac: "00:0c:29:51:4c:e0" } }
    run: |
      ip link add br0 address 00:0c:29:51:4c:e0 type bridge
      ip link set ens34 master br0
      ip link set ens34 up
      ip addr add 172.16.91.14/24 dev br0
      ip link set br0 up
      ip net add ns01
      ip net add ns02
      ip link add veth1 type veth peer name eth0 netns ns01
      ip link add veth2 type veth peer name eth0 netns ns02
      ip link set veth1 master br0 up
      ip link set veth2 master br0 up
      ip net exec ns01 ip addr add 172.16.91.101/24 dev eth0
      ip net exec ns02 ip addr add 172.16.91.102/24 dev eth0
      ip net exec ns01 ip link set eth0 up
      ip net exec ns02 ip link set eth0 up
      ip addr add 172.16.91.100/32 dev br0
steps:
  - name: ns01 reaches vm01 and the gateway
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.10 && ip netns exec ns01 ping -c 1 -W 1 172.16.91.2
    expect: ok
  - name: ns01 reaches vm02's 172.16.91.100
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.100
    expect: ok
    capture: [vm02:ens34]
  - name: ns01 reaches vm02's own 172.16.91.14
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.14
    expect: ok
    capture: [vm02:ens34]
  - matrix: before host routes
  - name: host routes
    on: vm02
    run: |
      ip r add 172.16.91.101 dev br0
      ip r add 172.16.91.102 dev br0
  - name: ns01 reaches 172.16.91.100 after host routes
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.100
    expect: ok
  - name: ns01 reaches 172.16.91.14 after host routes
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.14
    expect: ok
    capture: [vm02:ens34]
  - name: arping from ns01 to 172.16.91.100
    on: vm02
    run: ip netns exec ns01 arping -c 2 -w 3 -I eth0 172.16.91.100
    expect: ok
    capture: [vm02:ens34]
  - name: arping from ns01 to 172.16.91.14
    on: vm02
    run: ip netns exec ns01 arping -c 2 -w 3 -I eth0 172.16.91.14
    expect: ok
    capture: [vm02:ens34, vm02:br0]
  - name: ns01 pings ns02 and ens34 sees no ICMP
    on: vm02
    run: ip netns exec ns01 ping -c 1 -W 1 172.16.91.102
    expect: ok
    capture: [vm02:ens34]
  - matrix: after host routes
`;

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
