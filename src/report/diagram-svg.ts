// The lab's topology as an SVG picture for docs: hosts as boxes holding
// their namespaces, every device with its addresses, a line from each
// slave to its parent and from each lab NIC to its network. ELK lays out
// the nested boxes and routes the lines; this file only draws.

import ElkBundled from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import type { TopoDevice, Topology } from "../engines/sim/topology.js";

// A CommonJS module: its module.exports is the constructor its types call `default`.
const ELK = ElkBundled as unknown as typeof ElkBundled.default;

const CHAR_W = 7.2; // 12px monospace
const LINE_H = 16;
const PAD = 8;

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function deviceText(d: TopoDevice): string[] {
  return [d.name + (d.up ? "" : " (down)"), ...(d.addrs.length ? d.addrs : []), ...(d.role ? [d.role] : [])];
}

const nodeSize = (lines: string[]) => ({ width: Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR_W + 2 * PAD), height: lines.length * LINE_H + PAD });

interface Drawn {
  kind: "host" | "netns" | "device" | "network";
  lines: string[];
}

/** The ELK graph: ids are paths ("h:vm02", "h:vm02/ns01", "d:vm02/ns01:ipvlan1", "n:vmnet8"). */
function graphOf(t: Topology): { root: ElkNode; drawn: Map<string, Drawn> } {
  const drawn = new Map<string, Drawn>();
  const edges: ElkExtendedEdge[] = [];
  const devId = (host: string, ns: string | null, dev: string) => `d:${host}${ns ? `/${ns}` : ""}:${dev}`;
  const hosts: ElkNode[] = t.hosts.map((h) => {
    const children: ElkNode[] = [];
    for (const ns of h.namespaces) {
      const devices = ns.devices.map((d) => {
        const id = devId(h.name, ns.name, d.name);
        const lines = deviceText(d);
        drawn.set(id, { kind: "device", lines });
        if (d.parentRef) edges.push({ id: `e:${id}`, sources: [id], targets: [devId(h.name, d.parentRef.netns, d.parentRef.name)] });
        return { id, ...nodeSize(lines) };
      });
      if (ns.name === null) children.push(...devices);
      else {
        const id = `h:${h.name}/${ns.name}`;
        drawn.set(id, { kind: "netns", lines: [`netns ${ns.name}`] });
        children.push({ id, children: devices, labels: [{ text: `netns ${ns.name}`, width: (ns.name.length + 6) * CHAR_W, height: LINE_H }], layoutOptions: { "elk.padding": `[top=${LINE_H + PAD},left=${PAD},bottom=${PAD},right=${PAD}]` } });
      }
    }
    drawn.set(`h:${h.name}`, { kind: "host", lines: [h.name] });
    return { id: `h:${h.name}`, children, labels: [{ text: h.name, width: h.name.length * CHAR_W, height: LINE_H }], layoutOptions: { "elk.padding": `[top=${LINE_H + PAD * 2},left=${PAD * 2},bottom=${PAD * 2},right=${PAD * 2}]` } };
  });
  const networks: ElkNode[] = t.networks.map((n) => {
    const id = `n:${n.name}`;
    const lines = [`${n.name}${n.hairpin ? " (hairpin)" : ""}`, "switch"];
    drawn.set(id, { kind: "network", lines });
    for (const m of n.members) {
      const [host, dev] = m.split(":") as [string, string];
      edges.push({ id: `e:${m}->${id}`, sources: [devId(host, null, dev)], targets: [id] });
    }
    return { id, ...nodeSize(lines) };
  });
  const root: ElkNode = {
    id: "root",
    children: [...hosts, ...networks],
    edges,
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.layered.spacing.nodeNodeBetweenLayers": "28",
      "elk.spacing.nodeNode": "18",
      "elk.edgeRouting": "ORTHOGONAL",
      // Every edge's points relative to the whole picture, wherever ELK files the edge.
      "elk.json.edgeCoords": "ROOT",
    },
  };
  return { root, drawn };
}

const STYLE: Record<Drawn["kind"], string> = {
  host: 'fill="#f6f8fa" stroke="#57606a" stroke-width="1.5" rx="6"',
  netns: 'fill="#ffffff" stroke="#8c959f" stroke-dasharray="4 3" rx="4"',
  device: 'fill="#ddf4ff" stroke="#0969da" rx="3"',
  network: 'fill="#fff8c5" stroke="#9a6700" rx="12"',
};

/** The diagram as a standalone SVG document. */
export async function diagramSvg(t: Topology): Promise<string> {
  const { root, drawn } = graphOf(t);
  const laid = await new ELK().layout(root);
  const shapes: string[] = [];
  const lines: string[] = [];
  const walk = (n: ElkNode, ox: number, oy: number) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    const d = drawn.get(n.id);
    if (d) {
      shapes.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" ${STYLE[d.kind]}/>`);
      const bold = d.kind === "host" || d.kind === "netns" ? ' font-weight="bold"' : "";
      const text = d.kind === "host" || d.kind === "netns" ? d.lines.slice(0, 1) : d.lines;
      text.forEach((l, i) => shapes.push(`<text x="${x + PAD}" y="${y + PAD + (i + 0.75) * LINE_H - 4}"${bold}${i > 0 && d.kind === "device" ? ' fill="#57606a"' : ""}>${esc(l)}</text>`));
    }
    for (const e of n.edges ?? [])
      for (const s of e.sections ?? []) {
        const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
        lines.push(`<polyline points="${pts}" fill="none" stroke="#57606a" stroke-width="1.2"${e.id.includes("->n:") ? "" : ' stroke-dasharray="3 2"'}/>`);
      }
    for (const c of n.children ?? []) walk(c, x, y);
  };
  walk(laid, 0, 0);
  const w = Math.ceil((laid.width ?? 0) + 2);
  const h = Math.ceil((laid.height ?? 0) + 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`,
    `<title>${esc(t.lab)}</title>`,
    ...shapes,
    ...lines,
    "</svg>",
    "",
  ].join("\n");
}
