#!/bin/sh
# ipvlan l2 as a shell script: a lab can be the commands you would type.
#
# One machine. A dummy device stands for the NIC; two ipvlan l2 slaves of it
# go into namespaces ns1 and ns2, each with an address of the NIC's subnet.
# The matrix at the end pings every address from every other namespace:
# the slaves reach each other (ipvlan hands the frame from one slave to the
# other inside the kernel), but neither reaches the NIC's own address, nor
# the NIC theirs: a slave never sees what its parent sends, and the parent
# never sees what its slaves send.
ip link add eth0 type dummy
ip addr add 10.0.0.1/24 dev eth0
ip link set eth0 up

ip link add link eth0 name ipvl1 type ipvlan mode l2
ip link add link eth0 name ipvl2 type ipvlan mode l2
ip netns add ns1
ip netns add ns2
ip link set ipvl1 netns ns1
ip link set ipvl2 netns ns2
ip -n ns1 addr add 10.0.0.11/24 dev ipvl1
ip -n ns2 addr add 10.0.0.12/24 dev ipvl2
ip -n ns1 link set ipvl1 up
ip -n ns2 link set ipvl2 up
