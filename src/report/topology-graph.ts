// The topology as an ELK graph: hosts containing namespaces containing
// devices, each slave joined to its parent and each lab NIC to its network.
// The web page and `ipvlab diagram --svg` lay out the same graph and draw
// it each in their own way.

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import type { Topology, TopoDevice } from "../engines/sim/topology.js";
import { ipv6Legend } from "./diagram-legend.js";

// Boxes are sized before any text is rendered: a 12px monospace character is about 7.2px wide.
export const CHAR = 7.2;
export const LINE = 15;

/** The id prefix of a veth pair's edge (a cable, not a slave-to-parent stacking). */
export const VETH = "veth:";

export const devId = (host: string, netns: string | null, dev: string) => `dev:${host}/${netns ?? ""}:${dev}`;
export const nsId = (host: string, netns: string) => `ns:${host}/${netns}`;
export const hostId = (host: string) => `host:${host}`;
export const netId = (net: string) => `net:${net}`;

export interface Drawn {
  kind: "host" | "ns" | "dev" | "net";
  lines: string[];
  down?: boolean;
}

function deviceLines(d: TopoDevice): string[] {
  return [d.name, ...(d.role ? [d.role] : d.kind !== "ethernet" ? [d.kind] : []), ...d.addrs, ...d.addrs6];
}

function box(id: string, lines: string[]): ElkNode {
  const width = Math.max(...lines.map((l) => l.length)) * CHAR + 18;
  return { id, width: Math.max(width, 70), height: lines.length * LINE + 12 };
}

const compound = (id: string, children: ElkNode[]): ElkNode => ({
  id,
  children,
  layoutOptions: { "elk.padding": "[top=26,left=12,bottom=12,right=12]" },
});

/** How much taller and how wide the legend's lines make a picture they are written under. */
export const legendSize = (legend: string[]): { width: number; height: number } =>
  legend.length > 0 ? { width: Math.max(...legend.map((l) => l.length)) * CHAR + 16, height: legend.length * LINE + 8 } : { width: 0, height: 0 };

/**
 * The ELK graph, what each node shows, and the legend to write under it. "RIGHT" puts the networks beside
 * the hosts as tall buses (the page); "DOWN" puts them below (docs).
 */
export function topologyGraph(t: Topology, direction: "RIGHT" | "DOWN"): { graph: ElkNode; drawn: Map<string, Drawn>; legend: string[] } {
  const drawn = new Map<string, Drawn>();
  const edges: ElkExtendedEdge[] = [];
  const hosts: ElkNode[] = t.hosts.map((host) => {
    const children: ElkNode[] = [];
    for (const ns of host.namespaces) {
      const devs = ns.devices.map((d) => {
        const id = devId(host.name, ns.name, d.name);
        const lines = deviceLines(d);
        drawn.set(id, { kind: "dev", lines, down: !d.up });
        if (d.parentRef) edges.push({ id: `e:${id}`, sources: [id], targets: [devId(host.name, d.parentRef.netns, d.parentRef.name)] });
        // A veth pair is one cable: drawn once, from the end that sorts first.
        const peer = d.peerRef && devId(host.name, d.peerRef.netns, d.peerRef.name);
        if (peer && id < peer) edges.push({ id: `${VETH}${id}`, sources: [id], targets: [peer] });
        return box(id, lines);
      });
      if (ns.name === null) children.push(...devs);
      else {
        drawn.set(nsId(host.name, ns.name), { kind: "ns", lines: [`netns ${ns.name}`] });
        children.push(compound(nsId(host.name, ns.name), devs));
      }
    }
    drawn.set(hostId(host.name), { kind: "host", lines: [host.name] });
    return compound(hostId(host.name), children);
  });
  const nets: ElkNode[] = t.networks.map((n) => {
    const id = netId(n.name);
    const lines = [n.name, n.hairpin ? "switch, hairpin" : "switch"];
    drawn.set(id, { kind: "net", lines });
    for (const m of n.members) {
      const [host, dev] = m.split(":") as [string, string];
      // A lab NIC may have been moved into a namespace since: find it wherever it is on its host.
      const where = t.hosts.find((h) => h.name === host)?.namespaces.find((ns) => ns.devices.some((d) => d.name === dev));
      const src = devId(host, where?.name ?? null, dev);
      edges.push({ id: `e:${src}:${id}`, sources: [src], targets: [id] });
    }
    // A network is the bus every lab NIC plugs into: a tall bar beside the hosts.
    const b = box(id, lines);
    return direction === "RIGHT" ? { ...b, height: Math.max(120, 40 * n.members.length) } : b;
  });
  return {
    graph: {
      id: "root",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": direction,
        "elk.hierarchyHandling": "INCLUDE_CHILDREN",
        "elk.spacing.nodeNode": "18",
        "elk.layered.spacing.nodeNodeBetweenLayers": "36",
        "elk.edgeRouting": "ORTHOGONAL",
        // Every edge's points relative to the whole picture, wherever ELK files the edge.
        "elk.json.edgeCoords": "ROOT",
      },
      children: [...hosts, ...nets],
      // A parent the topology does not show (gone, or elsewhere) leaves its slave without a line.
      edges: edges.filter((e) => drawn.has(e.sources[0]!) && drawn.has(e.targets[0]!)),
    },
    drawn,
    legend: ipv6Legend(t),
  };
}

