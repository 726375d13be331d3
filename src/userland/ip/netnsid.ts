// peernet2id_alloc: each namespace numbers the namespaces it has seen, in
// the order it first needed to name them (a veth peer moving there, a dump
// showing a link-netnsid), and never renumbers them.

import { sideTable, type Net } from "../../kernel/index.js";

const ids = sideTable<Net, Map<Net, number>>();

function table(net: Net): Map<Net, number> {
  let t = ids.get(net);
  if (!t) {
    t = new Map();
    ids.set(net, t);
  }
  return t;
}

function firstFree(t: Map<Net, number>): number {
  const used = new Set(t.values());
  let id = 0;
  while (used.has(id)) id++;
  return id;
}

export function peernet2idAlloc(net: Net, peer: Net): number {
  const t = table(net);
  let id = t.get(peer);
  if (id === undefined) {
    id = firstFree(t);
    t.set(peer, id);
  }
  return id;
}

export function peernet2id(net: Net, peer: Net): number | undefined {
  return ids.get(net)?.get(peer);
}

/** A deleted namespace's id is forgotten everywhere. */
export function forgetNet(kernel: { nets(): Net[] }, gone: Net): void {
  for (const n of kernel.nets()) ids.get(n)?.delete(gone);
  ids.delete(gone);
}
