/** One host, `n` namespaces on one bridge, every pair in one subnet: n * (n - 1) neighbour entries for one kernel's table. */
export function bridged(n: number): string {
  return `name: bridged-${n}
hosts:
  h:
    run: |
      ip link add br0 type bridge
      ip link set br0 up
      for i in $(seq 1 ${n}); do
        ip netns add n$i
        ip link add v$i type veth peer name eth0 netns n$i
        ip link set v$i master br0 up
        ip -n n$i addr add 10.0.0.$i/24 dev eth0
        ip -n n$i link set eth0 up
      done
steps:
  - matrix: all
`;
}
