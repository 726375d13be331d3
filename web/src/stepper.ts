// A traced ping, one kernel decision at a time: previous/next, the current
// step's host, namespace, device, kernel function, what happened and why;
// every step listed below, drops in red. The topology lights up the device.

import type { TraceStep } from "../../src/kernel/trace.js";
import { h } from "./dom.js";
import type { TraceAnswer } from "./protocol.js";

const where = (s: TraceStep) => (s.netns ? `${s.host}/${s.netns}` : s.host);

/**
 * `start`: the step to show first (a trace redrawn after an edit stays where
 * it was); `focus`: take the keyboard (only when the user asked for this
 * trace: a redraw must not pull the cursor out of the editor).
 */
function fixButton(onFix: () => void): HTMLElement {
  const b = h("button", { type: "button", class: "fix-it", title: "try the catalogue's changes on the simulated lab (ipvlab fix) and show the ones that make this succeed" }, "fix it");
  b.addEventListener("click", onFix);
  return b;
}

export function drawStepper(parent: HTMLElement, t: TraceAnswer, onStep: (s: TraceStep | null, i: number) => void, onClose: () => void, opts: { start: number; focus: boolean; onFix?: () => void }): void {
  let at = 0;
  const n = t.steps.length;
  const drops = new Set(t.drops);
  const prev = h("button", { type: "button", class: "prev", title: "previous step (←)" }, "◀ previous");
  const next = h("button", { type: "button", class: "next", title: "next step (→)" }, "next ▶");
  const deciding = h("button", { type: "button", class: "to-deciding", title: "the step that decided the outcome (the one the verdict is about)" }, "★ deciding step");
  const close = h("button", { type: "button", class: "close", title: "close the trace" }, "✕");
  const counter = h("span", { class: "counter" });
  const detail = h("div", { class: "step-detail" });
  const list = h(
    "ol",
    { class: "trace-steps" },
    ...t.steps.map((s, i) =>
      h(
        "li",
        { class: `${drops.has(i) ? "drop" : ""}${i === t.deciding ? " deciding" : ""}`, "data-i": i },
        i === t.deciding ? h("span", { class: "star", title: "the deciding step" }, "★ ") : null,
        h("span", { class: "t" }, `${s.time.toFixed(3)} ms`),
        " ",
        h("span", { class: "w" }, `${where(s)} ${s.dev}`),
        " ",
        h("code", {}, s.func),
        " ",
        s.what,
      ),
    ),
  );

  const show = (i: number) => {
    at = Math.min(Math.max(i, 0), n - 1);
    const s = t.steps[at];
    prev.disabled = at <= 0;
    next.disabled = at >= n - 1;
    deciding.disabled = t.deciding === null || at === t.deciding;
    counter.textContent = n ? `step ${at + 1} of ${n}` : "no packet moved";
    if (!s) {
      detail.replaceChildren();
      onStep(null, at);
      return;
    }
    detail.replaceChildren(
      h(
        "dl",
        { class: `${drops.has(at) ? "drop" : ""}${at === t.deciding ? " deciding" : ""}` },
        h("dt", {}, "where"),
        h("dd", { class: "where" }, `${where(s)}, device ${s.dev}`),
        h("dt", {}, "kernel function"),
        h("dd", { class: "func" }, h("code", {}, s.func)),
        h("dt", {}, "what"),
        h("dd", { class: "what" }, s.what),
        h("dt", {}, "why"),
        h("dd", { class: "why" }, s.why ?? "—"),
        h("dt", {}, "time"),
        h("dd", {}, `${s.time.toFixed(3)} ms after the command started${at === t.deciding ? " — ★ the step that decided the outcome" : ""}`),
      ),
    );
    for (const li of list.children) li.classList.toggle("current", Number((li as HTMLElement).dataset.i) === at);
    const li = list.children[at] as HTMLElement | undefined;
    // Only the list scrolls: the page and the graph stay where they are.
    if (li && (li.offsetTop < list.scrollTop || li.offsetTop + li.offsetHeight > list.scrollTop + list.clientHeight)) list.scrollTop = li.offsetTop - list.clientHeight / 2;
    onStep(s, at);
  };

  // Moved by the user: the details, which may have grown, stay in sight.
  const go = (i: number) => {
    show(i);
    detail.scrollIntoView({ block: "nearest" });
  };
  prev.addEventListener("click", () => go(at - 1));
  next.addEventListener("click", () => go(at + 1));
  deciding.addEventListener("click", () => go(t.deciding ?? at));
  close.addEventListener("click", onClose);
  list.addEventListener("click", (e) => {
    const li = (e.target as HTMLElement).closest("li");
    // Not scrolled: the list the user is clicking in stays under the pointer.
    if (li) show(Number(li.dataset.i));
  });
  const panel = h(
    "div",
    { class: "stepper", tabindex: 0, "data-step": t.target.step, "data-from": t.target.kind === "cell" ? t.target.from : null, "data-to": t.target.kind === "cell" ? t.target.to : null },
    h("div", { class: "trace-head" }, h("code", {}, t.command), ` on ${t.host}, ${t.after} `, close),
    h("p", { class: `verdict ${t.exitCode === 0 ? "ok" : "fail"}` }, t.verdict),
    t.exitCode !== 0 && opts.onFix ? h("div", { class: "fix" }, fixButton(opts.onFix), h("div", { id: "fixes" })) : null,
    t.mechanisms.length ? h("div", { class: "mechanisms" }, "What Linux does here: ", h("ul", {}, ...t.mechanisms.map((m) => h("li", {}, m)))) : null,
    h("div", { class: "controls" }, prev, counter, next, deciding),
    detail,
    list,
  );
  panel.addEventListener("keydown", (e) => {
    if (e.key === "ArrowLeft") go(at - 1);
    else if (e.key === "ArrowRight") go(at + 1);
    else return;
    e.preventDefault();
  });
  parent.replaceChildren(panel);
  show(opts.start);
  if (opts.focus) {
    panel.focus({ preventScroll: true });
    // Asked for by a click: the trace from its top when it fits, and in any case the step's details in sight (in the trace's box and on the page).
    panel.scrollIntoView({ block: "start" });
    detail.scrollIntoView({ block: "nearest" });
  }
}
