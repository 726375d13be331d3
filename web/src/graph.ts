// The topology as a graph: hosts containing namespaces containing devices,
// each slave joined to its parent and each lab NIC to its network; laid out
// by ELK (compound nodes, edges across them), drawn as SVG.

import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { Topology } from "../../src/engines/sim/topology.js";
import { devId, hostId, legendSize, LINE, netId, nsId, topologyGraph, VETH } from "../../src/report/topology-graph.js";
import type { TraceStep } from "../../src/kernel/trace.js";
import { svg } from "./dom.js";

const elk = new ELK();

export interface TopologyView {
  /** Light up where a trace step is: its device (or its network), and its namespace. */
  highlight(step: TraceStep | null): void;
}

export async function drawTopology(parent: HTMLElement, t: Topology): Promise<TopologyView> {
  const { graph, drawn, legend } = topologyGraph(t, "RIGHT");
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
        const cable = e.targets[0]!.startsWith("net:") || e.id.startsWith(VETH);
        wires.append(svg("polyline", { points: pts, class: cable ? "wire" : "stacked", "marker-end": cable ? undefined : "url(#arrow)" }));
      }
    for (const c of n.children ?? []) drawEdges(c);
  };
  drawEdges(laid);

  // What the boxes leave out of IPv6 (the link-locals) and what their marks mean, under the graph.
  const below = legendSize(legend);
  const notes = svg("g", { class: "legend" }, ...legend.map((l, i) => svg("text", { x: 4, y: (laid.height ?? 0) + 8 + (i + 0.75) * LINE }, l)));
  const w = Math.ceil(Math.max(laid.width ?? 0, below.width)) + 2;
  const hgt = Math.ceil((laid.height ?? 0) + below.height) + 2;
  const defs = svg(
    "defs",
    {},
    svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z" })),
  );
  // Fitted to its box, but never drawn larger than life.
  const root = svg("svg", { class: "topology", viewBox: `-1 -1 ${w} ${hgt}`, style: `max-width: ${w}px; max-height: ${hgt}px`, role: "img", "aria-label": `topology of ${t.lab}` }, defs, shapes, wires, legend.length > 0 ? notes : null);
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
