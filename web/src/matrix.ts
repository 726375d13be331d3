// Each matrix as a grid: a row per source, a column per destination, green
// where the ping got through, red where it did not. Hovering a red cell says
// why (the reason its ping's trace gives); clicking a cell traces it.

import type { Endpoint, LabResult, MatrixResult } from "../../src/engines/result.js";
import { h } from "./dom.js";
import type { TraceTarget } from "./protocol.js";

export type CellRef = Extract<TraceTarget, { kind: "cell" }>;

export interface MatrixView {
  setReason(step: number, from: string, to: string, reason: string, mechanisms: string[]): void;
  select(target: TraceTarget | null): void;
}

const short = (id: string) => id.replace(/#.*$/, "");
const where = (e: Endpoint) => (e.netns === null ? e.host : `${e.host}/${e.netns}`);

/** Why a matrix has no cell to show: nothing to ping, or nothing to ping from elsewhere. */
export function noCells(m: MatrixResult): string {
  const n = m.endpoints.length;
  if (n === 0) return "No cells: when this matrix ran, no device but lo had an IPv4 address, so there was nothing to ping. Give two namespaces an address each (ip addr add … dev …) before it.";
  const spaces = new Set(m.endpoints.map(where));
  if (n === 1) return `No cells: ${m.endpoints[0]!.address} on ${short(m.endpoints[0]!.id)} was the only IPv4 address when this matrix ran, and a matrix pings each address from the other namespaces.`;
  if (spaces.size === 1) return `No cells: all ${n} IPv4 addresses were in one namespace (${[...spaces][0]}) when this matrix ran, and a matrix pings only between namespaces (the same namespace would answer itself on lo).`;
  return "No cells.";
}

export function drawMatrices(parent: HTMLElement, result: LabResult, onPick: (c: CellRef) => void): MatrixView {
  const cells = new Map<string, HTMLTableCellElement>();
  /** Per matrix: the kernel behaviours its red cells rest on, and how many cells each. */
  const summaries = new Map<number, HTMLElement>();
  const tally = new Map<number, Map<string, number>>();
  const key = (step: number, from: string, to: string) => `${step}\u0000${from}\u0000${to}`;
  const blocks: HTMLElement[] = [];
  result.steps.forEach((s, step) => {
    if (s.kind !== "matrix") return;
    blocks.push(matrixBlock(s, step));
  });
  if (blocks.length === 0) blocks.push(h("p", { class: "hint" }, "This lab has no matrix step. Add one (- matrix: NAME) to ping every pair of addresses."));
  parent.replaceChildren(...blocks);

  function matrixBlock(m: MatrixResult, step: number): HTMLElement {
    const info = h("div", { class: "cell-info" }, "Each row pings each column: ✓ it gets through, ✗ it does not. Hover a red cell to read why; click any cell to step through its packets.");
    const byPair = new Map(m.cells.map((c) => [`${c.from}\u0000${c.to}`, c]));
    const head = h("tr", {}, h("th", {}), ...m.endpoints.map((e, i) => h("th", { class: "col", title: `${e.id} ${e.address}` }, String(i + 1))));
    const rows = m.endpoints.map((a, i) =>
      h(
        "tr",
        {},
        h("th", { class: "row", title: a.id }, h("span", { class: "n" }, String(i + 1)), ` ${short(a.id)} `, h("span", { class: "addr" }, a.address)),
        ...m.endpoints.map((b) => {
          const c = byPair.get(`${a.id}\u0000${b.id}`);
          if (!c) return h("td", { class: "skip", title: "same namespace: not pinged" }, "·");
          const td = h("td", { class: c.ok ? "ok" : "fail", "data-step": step, "data-from": c.from, "data-to": c.to, "data-ok": String(c.ok), tabindex: 0 }, c.ok ? "✓" : "✗");
          const describe = () => {
            const why = td.dataset.reason;
            info.replaceChildren(
              h("b", {}, `${c.from} (${a.address}) → ${c.to} (${b.address}): `),
              c.ok ? "the ping gets through." : why ? h("span", { class: "reason" }, why) : "fails; working out why…",
            );
          };
          td.addEventListener("mouseenter", describe);
          td.addEventListener("focus", describe);
          td.addEventListener("click", () => onPick({ kind: "cell", step, from: c.from, to: c.to }));
          td.addEventListener("keydown", (e) => {
            if (e.key === "Enter" || e.key === " ") {
              e.preventDefault();
              onPick({ kind: "cell", step, from: c.from, to: c.to });
            }
          });
          if (c.reason) setCellReason(td, c.reason);
          cells.set(key(step, c.from, c.to), td);
          return td;
        }),
      ),
    );
    const failed = m.cells.filter((c) => !c.ok).length;
    const why = h("div", { class: "mechanisms" });
    summaries.set(step, why);
    return h(
      "section",
      { class: "matrix", "data-matrix": step, "data-name": m.name },
      h("h3", {}, `matrix “${m.name}” `, h("span", { class: "count" }, `${m.cells.length - failed} ✓  ${failed} ✗`)),
      m.cells.length ? h("div", { class: "grid-box" }, h("table", { class: "grid" }, h("thead", {}, head), h("tbody", {}, ...rows))) : h("p", { class: "hint no-cells" }, noCells(m)),
      m.cells.length ? info : null,
      why,
    );
  }

  function setCellReason(td: HTMLTableCellElement, reason: string) {
    td.dataset.reason = reason;
    td.title = reason;
  }

  return {
    setReason(step, from, to, reason, mechanisms) {
      const td = cells.get(key(step, from, to));
      if (td) setCellReason(td, reason);
      const counts = tally.get(step) ?? tally.set(step, new Map()).get(step)!;
      for (const m of mechanisms) counts.set(m, (counts.get(m) ?? 0) + 1);
      const box = summaries.get(step);
      if (box && counts.size)
        box.replaceChildren(
          "The red cells rest on: ",
          h("ul", {}, ...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => h("li", {}, m, h("span", { class: "count" }, ` (${n} cell${n === 1 ? "" : "s"})`)))),
        );
    },
    select(target) {
      for (const td of cells.values()) td.classList.remove("selected");
      if (target?.kind === "cell") cells.get(key(target.step, target.from, target.to))?.classList.add("selected");
    },
  };
}
