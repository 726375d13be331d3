// The lab's topology as an SVG picture for docs: hosts as boxes holding
// their namespaces, every device with its addresses, a line from each
// slave to its parent and from each lab NIC to its network. ELK lays out
// the graph topology-graph.ts builds; this file only draws, as a
// standalone document.

import ElkBundled from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api.js";
import type { Topology } from "../engines/sim/topology.js";
import { legendSize, LINE, topologyGraph, VETH, type Drawn } from "./topology-graph.js";

// A CommonJS module: its module.exports is the constructor its types call `default`.
const ELK = ElkBundled as unknown as typeof ElkBundled.default;

const PAD = 8;
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE: Record<Drawn["kind"], string> = {
  host: 'fill="#f6f8fa" stroke="#57606a" stroke-width="1.5" rx="6"',
  ns: 'fill="#ffffff" stroke="#8c959f" stroke-dasharray="4 3" rx="4"',
  dev: 'fill="#ddf4ff" stroke="#0969da" rx="3"',
  net: 'fill="#fff8c5" stroke="#9a6700" rx="12"',
};

/** The diagram as a standalone SVG document. */
export async function diagramSvg(t: Topology): Promise<string> {
  const { graph, drawn, legend } = topologyGraph(t, "DOWN");
  const laid = await new ELK().layout(graph);
  const shapes: string[] = [];
  const lines: string[] = [];
  const walk = (n: ElkNode, ox: number, oy: number) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    const d = drawn.get(n.id);
    if (d) {
      shapes.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" ${STYLE[d.kind]}/>`);
      const compound = d.kind === "host" || d.kind === "ns";
      const bold = compound ? ' font-weight="bold"' : "";
      (compound ? d.lines.slice(0, 1) : d.lines).forEach((l, i) => shapes.push(`<text x="${x + PAD}" y="${y + PAD + (i + 0.75) * LINE}"${bold}${i > 0 && d.kind === "dev" ? ' fill="#57606a"' : ""}>${esc(l)}${d.down && i === 0 ? " (down)" : ""}</text>`));
    }
    for (const e of n.edges ?? [])
      for (const s of e.sections ?? []) {
        const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
        const cable = e.targets[0]!.startsWith("net:") || e.id.startsWith(VETH);
        lines.push(`<polyline points="${pts}" fill="none" stroke="#57606a" stroke-width="1.2"${cable ? "" : ' stroke-dasharray="3 2"'}/>`);
      }
    for (const c of n.children ?? []) walk(c, x, y);
  };
  walk(laid, 0, 0);
  const below = legendSize(legend);
  legend.forEach((l, i) => shapes.push(`<text x="${PAD}" y="${(laid.height ?? 0) + 8 + (i + 0.75) * LINE}" fill="#57606a">${esc(l)}</text>`));
  const w = Math.ceil(Math.max(laid.width ?? 0, below.width) + 2);
  const h = Math.ceil((laid.height ?? 0) + below.height + 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`,
    `<title>${esc(t.lab)}</title>`,
    ...shapes,
    ...lines,
    "</svg>",
    "",
  ].join("\n");
}
