// The page: the lab editor on the left; the matrices, steps and captures in
// the middle; the topology and the trace stepper on the right. Every edit
// goes to the simulator's worker; what comes back is drawn. No simulation
// happens here.

import type { TraceStep } from "../../src/kernel/trace.js";
import { h } from "./dom.js";
import { labEditor } from "./editor.js";
import { drawTopology, type TopologyView } from "./graph.js";
import { drawMatrices, type MatrixView } from "./matrix.js";
import { sameTarget, type Diagnostic, type FixSuggestion, type FromWorker, type ToWorker, type TraceTarget } from "./protocol.js";
import { drawStepper } from "./stepper.js";
import { drawCaptures, drawSteps } from "./steps.js";
import { labStatus } from "./status.js";
import { emptyTopology } from "./topology-empty.js";
import { wireSaving } from "./saving.js";
import { topologySvg } from "./topology-export.js";
import { askBeforeSwitch } from "./switch-dialog.js";
import { sharedLab } from "./share.js";

const $ = (id: string) => document.getElementById(id)!;
const DEBOUNCE_MS = 120;

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);

let file = "lab.lab.yaml";
let gen = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
/** An edit waits for its debounce: whatever arrives meanwhile is about an older text. */
let pending = false;
let topologyJson = "";
let topology: TopologyView | null = null;
let matrices: MatrixView | null = null;
let picked: TraceTarget | null = null;
/** The trace shown was asked for by a click (not redrawn after an edit); where its stepper stands. */
let pickedByUser = false;
let stepperAt = 0;
let lit: TraceStep | null = null;
let failedCells = 0;

const editor = labEditor($("editor"), () => schedule(DEBOUNCE_MS));

function schedule(ms: number): void {
  clearTimeout(timer);
  // From the keystroke on, what is shown is not the text's result yet.
  pending = true;
  document.body.dataset.state = "running";
  timer = setTimeout(() => {
    pending = false;
    gen++;
    send({ type: "run", gen, file, text: editor.text() });
  }, ms);
}

/** What the status says about the lab as it last ran: a passing message (making a report…) gives way to it again. */
let labLine = { text: "", cls: "" };

/** The status for the lab as it is now, kept to come back to. */
function line(text: string, cls: string): void {
  labLine = { text, cls };
  status(text, cls);
}

function status(text: string, cls = ""): void {
  const s = $("status");
  s.textContent = text;
  s.className = cls;
}

function showDiagnostics(diags: Diagnostic[]): void {
  editor.mark(diags);
  $("diagnostics").replaceChildren(
    ...diags.map((d) => {
      const li = h("li", { class: d.severity, "data-line": d.line, "data-col": d.col }, h("span", { class: "at" }, `line ${d.line}:${d.col}`), ` ${d.severity}: ${d.message}`);
      li.addEventListener("click", () => editor.goto(d.line, d.col));
      return li;
    }),
  );
}

function pick(target: TraceTarget, byUser = true): void {
  if (byUser || !sameTarget(picked, target)) stepperAt = 0;
  picked = target;
  pickedByUser = byUser;
  matrices?.select(target);
  $("trace").replaceChildren(h("p", { class: "hint" }, target.kind === "cell" ? `Tracing ${target.from} → ${target.to}…` : `Tracing step ${target.step + 1}…`));
  send({ type: "trace", gen, target });
}

function unpick(): void {
  picked = null;
  lit = null;
  matrices?.select(null);
  topology?.highlight(null);
  $("trace").replaceChildren(h("p", { class: "hint" }, "Click a matrix cell (a red one: why it fails) to follow its ping through the kernel, step by step; or open a step and “step through its packets”."));
}

async function showLab(m: Extract<FromWorker, { type: "lab" }>): Promise<void> {
  document.body.classList.remove("stale");
  showDiagnostics(m.notes);
  const total = m.parseMs + m.runMs;
  const st = labStatus(m.result, total);
  line(st.text, st.ok ? "ok" : "error");
  $("status").dataset.ms = String(total);
  failedCells = m.result.steps.reduce((n, s) => n + (s.kind === "matrix" ? s.cells.filter((c) => !c.ok).length : 0), 0);
  document.body.dataset.explained = String(failedCells === 0);
  matrices = drawMatrices($("matrices"), m.result, pick);
  drawSteps(
    $("steps"),
    m.result,
    (step) => $("matrices").querySelector(`[data-matrix="${step}"]`)?.scrollIntoView({ behavior: "smooth" }),
    (step) => pick({ kind: "command", step }),
  );
  drawCaptures($("captures"), m.result);
  // The same trace again on the new text, while the step it traced is still the same kind of step.
  const was = picked && m.result.steps[picked.step];
  const still = was && (picked!.kind === "cell" ? was.kind === "matrix" : was.kind !== "matrix") ? picked : null;
  if (still) pick(still, false);
  else unpick();
  // Laying out the graph again only when it changed keeps it still while typing.
  const json = JSON.stringify(m.topology);
  const none = emptyTopology(m.topology, m.result, m.script);
  if (none) {
    topologyJson = "";
    topology = null;
    $("topology").replaceChildren(h("p", { class: "hint no-topology" }, none));
  } else if (json !== topologyJson) {
    topologyJson = json;
    topology = await drawTopology($("topology"), m.topology);
    topology.highlight(picked ? lit : null);
  }
  settle("ready");
}

/** The page's state for the text as it is now, unless a newer edit is on its way. */
function settle(state: "ready" | "invalid" | "failed"): void {
  document.body.dataset.state = pending ? "running" : state;
}

// The worker failing to start or dying is the page failing: say so rather than wait forever.
worker.onerror = (e) => {
  status(`the simulator's worker failed: ${e.message || "it could not start"}`, "error");
  document.body.dataset.state = "failed";
};

/** Reports asked of the worker, by request number. */
const reports = new Map<number, { ok: (md: string) => void; fail: (e: Error) => void }>();
let req = 0;
function askReport(): Promise<string> {
  return new Promise((ok, fail) => {
    reports.set(++req, { ok, fail });
    send({ type: "report", gen, req });
  });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  // A report is of the lab as it was when asked for: it is wanted even after an edit.
  if (m.type === "report" || m.type === "report-failed") {
    const r = reports.get(m.req);
    reports.delete(m.req);
    if (m.type === "report") r?.ok(m.markdown);
    else r?.fail(new Error(m.message));
    return;
  }
  if (m.gen !== gen) return;
  switch (m.type) {
    case "lab":
      void showLab(m);
      break;
    case "invalid": {
      showDiagnostics(m.diagnostics);
      const errors = m.diagnostics.filter((d) => d.severity === "error").length;
      line(`${errors} error${errors === 1 ? "" : "s"} in the lab: the results shown are from the last good version`, "error");
      document.body.classList.add("stale");
      settle("invalid");
      break;
    }
    case "failed":
      showDiagnostics([]);
      line(`the simulator stopped: ${m.message}`, "error");
      document.body.classList.add("stale");
      settle("failed");
      break;
    case "reason":
      matrices?.setReason(m.step, m.from, m.to, m.reason, m.mechanisms);
      break;
    case "explained":
      document.body.dataset.explained = "true";
      if (failedCells) {
        line(`${labLine.text}; ${failedCells} failed cell${failedCells === 1 ? "" : "s"} explained in ${Math.round(m.ms)} ms`, labLine.cls);
      }
      break;
    case "trace":
      if (!sameTarget(picked, m.target)) return;
      drawStepper(
        $("trace"),
        m,
        (s: TraceStep | null, i: number) => {
          stepperAt = i;
          lit = s;
          topology?.highlight(s);
        },
        unpick,
        { start: pickedByUser ? 0 : stepperAt, focus: pickedByUser, onFix: () => askFix(m.target) },
      );
      break;
    case "fix":
      if (!sameTarget(picked, m.target)) return;
      showFixes(m.suggestions, m.tried);
      break;
    case "fix-failed":
      if (!sameTarget(picked, m.target)) return;
      document.getElementById("fixes")?.replaceChildren(h("p", { class: "error" }, `could not look for a fix: ${m.message}`));
      break;
    case "trace-failed":
      if (!sameTarget(picked, m.target)) return;
      $("trace").replaceChildren(h("p", { class: "error" }, `could not trace: ${m.message}`));
      break;
  }
};

function askFix(target: TraceTarget): void {
  document.getElementById("fixes")?.replaceChildren(h("p", { class: "hint" }, "Trying the catalogue's changes on copies of the simulated lab…"));
  send({ type: "fix", gen, target });
}

/** The suggestions, each with its lab diff and a button that puts its text in the editor. */
function showFixes(list: FixSuggestion[], tried: string): void {
  const box = document.getElementById("fixes");
  if (!box) return;
  if (!list.length) return box.replaceChildren(h("p", { class: "hint" }, `No change the catalogue knows makes it succeed (${tried}).`));
  box.replaceChildren(
    h("p", { class: "hint" }, `${tried}; the best:`),
    h(
      "ol",
      { class: "fixes" },
      ...list.map((f) => {
        const apply = h("button", { type: "button", class: "apply-fix" }, "apply to the lab");
        apply.addEventListener("click", () => {
          editor.setText(f.text);
          schedule(0);
        });
        return h(
          "li",
          {},
          h("strong", {}, f.what),
          " ",
          apply,
          h("pre", {}, f.commands.join("\n")),
          f.why ? h("p", {}, `Why: ${f.why}.`) : null,
          h("p", {}, f.sideEffects.length ? `Side effects: ${f.sideEffects.join("; ")}.` : "No side effects: every check and cell that succeeded still does."),
          h("details", {}, h("summary", {}, "the lab diff"), h("pre", { class: "diff" }, f.diff)),
        );
      }),
    ),
  );
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return (await r.json()) as T;
}

/** The text as it was opened: switching to another lab asks first when it was edited since. */
let opened = "";

async function open(name: string, text: string): Promise<void> {
  file = name;
  opened = text;
  $("file").textContent = name;
  picked = null;
  editor.open(text);
  schedule(0);
}

const saving = wireSaving(
  {
    file: () => file,
    text: () => editor.text(),
    topology() {
      const live = $("topology").querySelector<SVGSVGElement>("svg.topology");
      if (!live) return null;
      // The drawing as the lab leaves it, without the trace's highlight.
      topology?.highlight(null);
      const out = topologySvg(live);
      topology?.highlight(picked ? lit : null);
      return out;
    },
    report: askReport,
  },
  (text, error) => {
    if (text) status(text, error ? "error" : "");
    else status(labLine.text, labLine.cls);
  },
);

/** Opens the lab a link carries, if the address has one; says so if it is damaged. */
async function openShared(): Promise<boolean> {
  const shared = await sharedLab(location.hash);
  if (shared === null) return false;
  if (shared instanceof Error) {
    status(shared.message, "error");
    return false;
  }
  await open(shared.file, shared.text);
  return true;
}

async function start(): Promise<void> {
  const select = $("examples") as HTMLSelectElement;
  const [given, examples] = await Promise.all([getJson<{ file: string; text?: string; error?: string } | null>("api/lab"), getJson<string[]>("api/examples")]);
  const fromLink = /[#&]lab=/.test(location.hash);
  const label = fromLink ? "a lab from a link" : given ? `${given.file} (from the command line)` : "pick an example lab…";
  select.replaceChildren(h("option", { value: "" }, label), ...examples.map((x) => h("option", { value: x }, x)));
  let shown = select.value;
  select.addEventListener("change", async () => {
    if (!select.value) return;
    if (editor.text() !== opened && !(await askBeforeSwitch(file, select.value, saving))) {
      select.value = shown;
      return;
    }
    shown = select.value;
    // The link of the lab left (when it had one) stays one step back in the history.
    if (location.hash) history.pushState(null, "", location.pathname + location.search);
    const r = await fetch(`api/examples/${encodeURIComponent(select.value)}`);
    await open(select.value, await r.text());
  });
  // Back to a lab's link: that lab again, once the edits of the lab open now are kept or given up.
  window.addEventListener("popstate", async () => {
    const shared = await sharedLab(location.hash);
    if (shared === null) return;
    if (shared instanceof Error) return status(shared.message, "error");
    if (editor.text() !== opened && !(await askBeforeSwitch(file, shared.file, saving))) {
      history.pushState(null, "", location.pathname + location.search);
      return;
    }
    select.options[0]!.textContent = "a lab from a link";
    select.value = shown = "";
    await open(shared.file, shared.text);
  });
  if (fromLink) {
    // A damaged link opens nothing else: what it says stays on the status line.
    if (!(await openShared())) select.options[0]!.textContent = "pick an example lab…";
    return;
  }
  if (given?.text !== undefined) return open(given.file, given.text);
  if (given?.error) status(given.error, "error");
  const first = examples.find((x) => x === "seed-ipvlan-l2.lab.yaml") ?? examples[0];
  if (first) {
    select.value = shown = first;
    const r = await fetch(`api/examples/${encodeURIComponent(first)}`);
    await open(first, await r.text());
  }
}

unpick();
start().catch((e: Error) => status(`could not load the lab: ${e.message}`, "error"));
