// The labs of the snapshot round trips (test/snapshot-host.test.ts, test/snapshot-uml.test.ts).

import { LISTINGS, READ_STEP } from "./snapshot-roundtrip.js";

// A machine with what the host kernel can make (veth, bridge, macvlan): a bridge with a namespace
// behind it and forwarding on, a macvlan in a second namespace, a "container" (an unnamed namespace
// held by a process) on the bridge, rp_filter strict; two other machines on its LAN.
export const HOST_LAB = `name: snapshot-roundtrip-host
networks: { lan: {} }
hosts:
  vm02:
    interfaces: { eth0: { network: lan, mac: "02:00:00:00:00:0e" } }
    run: |
      sysctl -qw net.ipv4.conf.all.rp_filter=1
      ip addr add 10.0.0.14/24 dev eth0
      ip link set eth0 up
      ip route add default via 10.0.0.2
      ip link add br0 type bridge
      ip link set br0 up
      ip addr add 10.9.0.1/24 dev br0
      sysctl -qw net.ipv4.ip_forward=1
      ip netns add ns1
      ip link add v1 type veth peer name eth0 netns ns1
      ip link set v1 master br0
      ip link set v1 up
      ip -n ns1 link set lo up
      ip -n ns1 addr add 10.9.0.11/24 dev eth0
      ip -n ns1 link set eth0 up
      ip -n ns1 route add default via 10.9.0.1
      ip netns add ns2
      ip link add link eth0 mv2 address 02:00:00:00:00:66 type macvlan mode bridge
      ip link set mv2 netns ns2
      ip -n ns2 addr add 10.0.0.102/24 dev mv2
      ip -n ns2 link set mv2 up
      ip -n ns2 route add default via 10.0.0.2
      unshare --net sleep 1000 </dev/null >/dev/null 2>&1 &
      c=$!
      until [ "$(readlink /proc/$c/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
      ip link add c0 type veth peer name eth0 netns $c
      ip link set c0 master br0
      ip link set c0 up
      nsenter --net=/proc/$c/ns/net ip addr add 10.9.0.12/24 dev eth0
      nsenter --net=/proc/$c/ns/net ip link set eth0 up
      nsenter --net=/proc/$c/ns/net ip route add default via 10.9.0.1
  vm01:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.10/24 dev eth0
      ip link set eth0 up
  gateway:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.2/24 dev eth0
      ip link set eth0 up
steps:
  - matrix: before the snapshot
  - matrix: again, to tell answers from races
  # What the matrices set going ends first: DAD, and the neighbour entries they
  # used going DELAY (5 s), then PROBE (3 unicast probes 1 s apart), then FAILED.
  - on: vm02
    run: sleep 10
  - name: the reader leaves every listing as it was
    on: vm02
    run: |
${LISTINGS.split("\n").map((l) => `      ${l}`).join("\n")}
      before=$(listings)
      ${READ_STEP} > /dev/null
      after=$(listings)
      [ "$before" = "$after" ] || { echo "$before" > /tmp/before; echo "$after" > /tmp/after; diff /tmp/before /tmp/after; exit 1; }
    expect: ok
  - name: snapshot
    on: vm02
    run: ${READ_STEP}
`;

// The seed machine (ipvlan L2 slaves in two namespaces, the host-side ipvlan0 with its host
// routes, strict rp_filter), a second NIC carrying VLAN 10 to a router, and a container
// (an unnamed namespace held by a process) routed through a veth; on a Linux 6.1 kernel.
export const UML_LAB = `name: snapshot-roundtrip-uml
networks: { vmnet8: {}, trunk: {} }
hosts:
  vm02:
    interfaces:
      ens34: { network: vmnet8, mac: "00:0c:29:51:4c:e0" }
      ens35: { network: trunk, mac: "00:0c:29:51:4c:ea" }
    run: |
      sysctl -qw net.ipv4.conf.all.rp_filter=1
      ip addr add 172.16.91.14/24 dev ens34
      ip link set ens34 up
      ip route add default via 172.16.91.2
      for i in 1 2; do
        ip netns add ns0$i
        ip link add link ens34 ipvlan$i type ipvlan mode l2
        ip link set ipvlan$i netns ns0$i
        ip -n ns0$i addr add 172.16.91.10$i/24 dev ipvlan$i
        ip -n ns0$i link set ipvlan$i up
        ip -n ns0$i route add default via 172.16.91.2
      done
      ip link add link ens34 ipvlan0 type ipvlan mode l2
      ip addr add 172.16.91.100/32 dev ipvlan0
      ip link set ipvlan0 up
      ip route add 172.16.91.101 dev ipvlan0
      ip route add 172.16.91.102 dev ipvlan0
      ip link set ens35 up
      ip link add link ens35 name ens35.10 type vlan id 10
      ip addr add 10.10.0.1/24 dev ens35.10
      ip link set ens35.10 up
      ip route add 10.30.0.0/16 via 10.10.0.2 table 100
      ip neigh add 172.16.91.200 lladdr 02:00:00:00:00:c8 dev ens34 nud permanent
      unshare --net sleep 1000 </dev/null >/dev/null 2>&1 &
      c=$!
      until [ "$(readlink /proc/$c/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
      ip link add c0 type veth peer name eth0 netns $c
      ip addr add 10.20.0.1/30 dev c0
      ip link set c0 up
      nsenter --net=/proc/$c/ns/net ip addr add 10.20.0.2/30 dev eth0
      nsenter --net=/proc/$c/ns/net ip link set eth0 up
      nsenter --net=/proc/$c/ns/net ip route add default via 10.20.0.1
  vm01:
    interfaces: { ens34: { network: vmnet8 } }
    run: |
      ip addr add 172.16.91.10/24 dev ens34
      ip link set ens34 up
  gateway:
    interfaces: { eth0: { network: vmnet8 } }
    run: |
      ip addr add 172.16.91.2/24 dev eth0
      ip link set eth0 up
  router:
    interfaces: { eth0: { network: trunk } }
    run: |
      ip link set eth0 up
      ip link add link eth0 name eth0.10 type vlan id 10
      ip addr add 10.10.0.2/24 dev eth0.10
      ip link set eth0.10 up
steps:
  - matrix: before the snapshot
  - matrix: again, to tell answers from races
  # What the matrices set going ends first: DAD, and the neighbour entries they
  # used going DELAY (5 s), then PROBE (3 unicast probes 1 s apart), then FAILED.
  - on: vm02
    run: sleep 10
  - name: the reader leaves every listing as it was
    on: vm02
    run: |
${LISTINGS.split("\n").map((l) => `      ${l}`).join("\n")}
      before=$(listings)
      ${READ_STEP} > /dev/null
      after=$(listings)
      [ "$before" = "$after" ] || { echo "$before" > /tmp/before; echo "$after" > /tmp/after; diff /tmp/before /tmp/after; exit 1; }
    expect: ok
    timeout: 120
  - name: snapshot
    on: vm02
    run: ${READ_STEP}
    timeout: 120
`;
