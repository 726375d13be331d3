#!/bin/sh
# Writes the snapshots test/snapshots.test.ts holds the simulator's traces and
# diagrams to (they are sim-only: no real kernel can record them). Review a
# changed snapshot as a reader would before committing it.
#   npm run build && sh test/snapshots/make.sh
set -e
cd "$(dirname "$0")/../.."
# trace exits 1 when the traced ping fails, as these do: only 2 and up stop the script.
ipvlab() { node dist/src/cli/main.js "$@" || [ $? -eq 1 ]; }
ipvlab trace examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 > test/snapshots/trace-l2-ns01-to-own-host.txt
ipvlab trace examples/seed-ipvlan-l3.lab.yaml --from vm01 --to 172.16.91.101 > test/snapshots/trace-l3-lan-to-slave.txt
ipvlab trace examples/seed-ipvlan-l2-rpfilter.lab.yaml --from vm02/ns01 --to 172.16.91.14 --after "the note's host routes" > test/snapshots/trace-l2-rpfilter-after-routes.txt
ipvlab diagram examples/seed-ipvlan-l2.lab.yaml > test/snapshots/diagram-seed-l2.txt
ipvlab diagram examples/seed-ipvlan-l2.lab.yaml --mermaid > test/snapshots/diagram-seed-l2.mmd
ipvlab diagram examples/seed-ipvlan-l2-dual-stack.lab.yaml > test/snapshots/diagram-seed-l2-dual-stack.txt
ipvlab trace examples/seed-ipvlan-l3-stale-neigh.lab.yaml --from vm01 --to 172.16.91.101 --after "vm01's neighbour table, as the L2 round left it" > test/snapshots/trace-l3-stale-neigh-remembered.txt
