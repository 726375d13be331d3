// The topology as a graph: hosts containing namespaces containing devices,
// each slave joined to its parent and each lab NIC to its network; laid out
// by ELK (compound nodes, edges across them), drawn as SVG.

import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { Topology, TopoDevice } from "../../src/engines/sim/topology.js";
import type { TraceStep } from "../../src/kernel/trace.js";
import { svg } from "./dom.js";

const elk = new ELK();

const CHAR = 7.2;
const LINE = 15;

export const devId = (host: string, netns: string | null, dev: string) => `dev:${host}/${netns ?? ""}:${dev}`;
const nsId = (host: string, netns: string) => `ns:${host}/${netns}`;
const hostId = (host: string) => `host:${host}`;
const netId = (net: string) => `net:${net}`;

interface Drawn {
  kind: "host" | "ns" | "dev" | "net";
  lines: string[];
  down?: boolean;
}

function deviceLines(d: TopoDevice): string[] {
  return [d.name, ...(d.role ? [d.role] : d.kind !== "ethernet" ? [d.kind] : []), ...d.addrs];
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

/** The ELK graph and what each node shows. */
function graphOf(t: Topology): { graph: ElkNode; drawn: Map<string, Drawn> } {
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
    return { ...b, height: Math.max(120, 40 * n.members.length) };
  });
  return {
    graph: {
      id: "root",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": "RIGHT",
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
  };
}

export interface TopologyView {
  /** Light up where a trace step is: its device (or its network), and its namespace. */
  highlight(step: TraceStep | null): void;
}

export async function drawTopology(parent: HTMLElement, t: Topology): Promise<TopologyView> {
  const { graph, drawn } = graphOf(t);
  const laid = await elk.layout(graph);
  const shapes = svg("g", { class: "nodes" });
  const wires = svg("g", { class: "edges" });
  const byId = new Map<string, SVGGElement>();

  const place = (n: ElkNode, ox: number, oy: number) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    const d = drawn.get(n.id);
    if (d) {
      const g = svg("g", { class: `node ${d.kind}${d.down ? " down" : ""}`, "data-id": n.id });
      g.append(svg("rect", { x, y, width: n.width ?? 0, height: n.height ?? 0, rx: d.kind === "dev" ? 4 : d.kind === "net" ? 12 : 8 }));
      const compoundLabel = d.kind === "host" || d.kind === "ns";
      d.lines.forEach((line, i) => {
        const tx = compoundLabel ? x + 10 : x + (n.width ?? 0) / 2;
        const ty = compoundLabel ? y + 18 : y + 6 + LINE * (i + 1) - 3;
        g.append(svg("text", { x: tx, y: ty, class: i === 0 ? "title" : "sub", "text-anchor": compoundLabel ? "start" : "middle" }, line));
      });
      if (d.down) g.append(svg("title", {}, `${d.lines[0]} is down`));
      shapes.append(g);
      byId.set(n.id, g);
    }
    for (const c of n.children ?? []) place(c, x, y);
  };
  place(laid, 0, 0);

  const drawEdges = (n: ElkNode) => {
    for (const e of n.edges ?? [])
      for (const sec of e.sections ?? []) {
        const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
        const toNet = e.targets[0]!.startsWith("net:");
        wires.append(svg("polyline", { points: pts, class: toNet ? "wire" : "stacked", "marker-end": toNet ? undefined : "url(#arrow)" }));
      }
    for (const c of n.children ?? []) drawEdges(c);
  };
  drawEdges(laid);

  const w = Math.ceil(laid.width ?? 0) + 2;
  const hgt = Math.ceil(laid.height ?? 0) + 2;
  const defs = svg(
    "defs",
    {},
    svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z" })),
  );
  // Fitted to its box, but never drawn larger than life.
  const root = svg("svg", { class: "topology", viewBox: `-1 -1 ${w} ${hgt}`, style: `max-width: ${w}px; max-height: ${hgt}px`, role: "img", "aria-label": `topology of ${t.lab}` }, defs, shapes, wires);
  parent.replaceChildren(root);

  return {
    highlight(step) {
      for (const g of byId.values()) g.classList.remove("current", "current-ns");
      if (!step) return;
      const net = /^network (.+)$/.exec(step.host);
      if (net) {
        byId.get(netId(net[1]!))?.classList.add("current");
        return;
      }
      const dev = byId.get(devId(step.host, step.netns || null, step.dev));
      const ns = step.netns ? byId.get(nsId(step.host, step.netns)) : byId.get(hostId(step.host));
      ns?.classList.add("current-ns");
      dev?.classList.add("current");
      const lit = dev ?? ns;
      if (lit) keepInView(parent, lit);
    },
  };
}

/** Scrolls the graph's own box (not the page) so that `el` shows. */
function keepInView(box: HTMLElement, el: SVGGraphicsElement): void {
  const b = box.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  if (r.top < b.top) box.scrollTop -= b.top - r.top + 8;
  else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom + 8;
  if (r.left < b.left) box.scrollLeft -= b.left - r.left + 8;
  else if (r.right > b.right) box.scrollLeft += r.right - b.right + 8;
}
