// A lab's topology as the seed note drew it: each host a box, its
// namespaces boxes inside, every device with its addresses and what it is
// stacked on; the networks below, with who is plugged in. Also as Mermaid,
// for docs.

import type { TopoDevice, TopoNamespace, Topology } from "../engines/sim/topology.js";
import { ipv6Legend } from "./diagram-legend.js";

const MAX_WIDTH = 100;

/** The address cells of a device: its IPv4 addresses on one line (or "-"), then one line per IPv6 address, as `ip addr` lists them. */
function addrCells(d: TopoDevice): string[] {
  const v4 = d.addrs.join(", ");
  return v4 || d.addrs6.length === 0 ? [v4 || "-", ...d.addrs6] : d.addrs6;
}

function deviceLines(d: TopoDevice, width: { name: number; addrs: number }): string[] {
  const what = [d.role, d.parent && d.role?.startsWith("on ") === false ? `on ${d.parent}` : null, d.up ? null : "(down)"].filter(Boolean).join(" ");
  return addrCells(d).map((a, i) => (i === 0 ? `${d.name.padEnd(width.name)}  ${a.padEnd(width.addrs)}  ${what}` : `${"".padEnd(width.name)}  ${a}`).trimEnd());
}

/** A box: a title in the top border, the lines inside, at least `inner` wide. */
function box(title: string, lines: string[], inner: number): string[] {
  const w = Math.max(inner, title.length + 3, ...lines.map((l) => l.length));
  return [`┌─ ${title} ${"─".repeat(w - title.length - 1)}┐`, ...lines.map((l) => `│ ${l.padEnd(w)} │`), `└${"─".repeat(w + 2)}┘`];
}

function nsLines(ns: TopoNamespace, width: { name: number; addrs: number }): string[] {
  return ns.devices.flatMap((d) => deviceLines(d, width));
}

/** The ASCII diagram, at most about 100 columns wide for labs of the seed note's size. */
export function diagramText(t: Topology): string {
  const out: string[] = [t.lab, ""];
  for (const h of t.hosts) {
    const all = h.namespaces.flatMap((n) => n.devices);
    const width = { name: Math.max(4, ...all.map((d) => d.name.length)), addrs: Math.min(36, Math.max(1, ...all.flatMap((d) => addrCells(d).map((a) => a.length)))) };
    const root = h.namespaces.find((n) => n.name === null)!;
    const inner: string[] = [...nsLines(root, width)];
    for (const ns of h.namespaces.filter((n) => n.name !== null)) inner.push(...box(`netns ${ns.name}`, nsLines(ns, width), 0));
    out.push(...box(h.name, inner, Math.min(MAX_WIDTH - 4, 40)), "");
  }
  for (const n of t.networks) {
    out.push(`${n.name}: a switch${n.hairpin ? " in hairpin mode (frames may go back out the port they came in)" : ""}`);
    n.members.forEach((m, i) => out.push(`  ${i === n.members.length - 1 ? "└──" : "├──"} ${m}`));
  }
  const legend = ipv6Legend(t);
  if (legend.length > 0) out.push("", ...legend);
  return `${out.join("\n")}\n`;
}

const id = (...parts: (string | null)[]): string => parts.filter((p) => p !== null).join("_").replace(/[^A-Za-z0-9_]/g, "_");
const label = (d: TopoDevice): string => `"${[d.name, ...d.addrs, ...d.addrs6].join("<br/>")}"`;

/** The same topology as a Mermaid flowchart: hosts and namespaces as subgraphs, slaves pointing at parents, NICs at networks. */
export function diagramMermaid(t: Topology): string {
  const out = ["flowchart TB"];
  const edges: string[] = [];
  for (const h of t.hosts) {
    out.push(`  subgraph ${id("h", h.name)}["${h.name}"]`);
    for (const ns of h.namespaces) {
      const indent = ns.name === null ? "    " : "      ";
      if (ns.name !== null) out.push(`    subgraph ${id("h", h.name, ns.name)}["netns ${ns.name}"]`);
      for (const d of ns.devices) {
        out.push(`${indent}${id("d", h.name, ns.name, d.name)}[${label(d)}]`);
        if (d.parentRef) edges.push(`  ${id("d", h.name, ns.name, d.name)} -- "${d.role ?? d.kind}" --> ${id("d", h.name, d.parentRef.netns, d.parentRef.name)}`);
        else if (d.role?.startsWith("on ")) edges.push(`  ${id("d", h.name, ns.name, d.name)} --- ${id("n", d.role.slice(3))}`);
      }
      if (ns.name !== null) out.push("    end");
    }
    out.push("  end");
  }
  for (const n of t.networks) out.push(`  ${id("n", n.name)}(("${n.name}"))`);
  // The legend as a note of its own, apart from the graph.
  const legend = ipv6Legend(t);
  if (legend.length > 0) out.push(`  legend["${legend.join("<br/>")}"]`);
  return `${[...out, ...edges].join("\n")}\n`;
}
