import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { MatrixResult } from "../src/engines/result.js";
import { FACTORS, type Factor } from "../src/engines/sim/trace-verdict.js";
import { setupCount } from "../src/engines/planned.js";
import { loadLabFile } from "../src/lab/load.js";
import { example, runCli } from "./helpers.js";
import { cellSelector, openLab, type PageSession } from "./web-browser.js";

// The page, in a real browser, against the CLI on the seed lab: the same
// cells, the same reasons, the same verdict; and a broken lab shows its
// error at its line.
const seed = example("seed-ipvlan-l2.lab.yaml");
const NS01 = "vm02/ns01:ipvlan1";
const ENS34 = "vm02:ens34";
// The page numbers a step by its place in the run (the hosts' setup scripts first, from 0);
// --after by its place in the lab file's steps (from 1): the step before it is this many fewer.
const SETUPS = setupCount(loadLabFile(seed).lab);

describe("the web page on the seed lab", () => {
  let s: PageSession;
  let matrices: MatrixResult[];
  before(async () => {
    const [session, cli] = await Promise.all([openLab(seed), runCli(["matrix", seed, "--json"])]);
    s = session;
    assert.equal(cli.code, 0, cli.stderr);
    matrices = JSON.parse(cli.stdout) as MatrixResult[];
    await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
  });
  after(async () => {
    await s?.close();
  });

  test("every matrix cell is the CLI's: ✓/✗ and, when red, the same reason", async () => {
    const page = await s.page.$$eval("section.matrix", (sections) =>
      sections.map((m) => ({
        name: (m as HTMLElement).dataset.name,
        cells: [...m.querySelectorAll<HTMLElement>("td[data-from]")].map((td) => ({ from: td.dataset.from, to: td.dataset.to, ok: td.dataset.ok === "true", reason: td.dataset.reason })),
      })),
    );
    assert.deepEqual(
      page.map((m) => m.name),
      matrices.map((m) => m.name),
    );
    matrices.forEach((m, i) => {
      const want = m.cells.map((c) => ({ from: c.from, to: c.to, ok: c.ok, reason: c.reason })).sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
      const got = page[i]!.cells.sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
      assert.deepEqual(got, want, `matrix "${m.name}"`);
    });
    assert.ok(page[0]!.cells.some((c) => !c.ok), "the seed lab's first matrix has red cells");
  });

  test("under each matrix, the kernel behaviours its red cells rest on, counted as the CLI's factors count them", async () => {
    const shown = await s.page.$$eval("section.matrix", (sections) => sections.map((m) => [...m.querySelectorAll(".mechanisms li")].map((li) => li.textContent)));
    matrices.forEach((m, i) => {
      const counts = new Map<string, number>();
      for (const c of m.cells) for (const f of (c.factors ?? []) as Factor[]) counts.set(FACTORS[f], (counts.get(FACTORS[f]) ?? 0) + 1);
      const want = [...counts.entries()].map(([text, n]) => `${text} (${n} cell${n === 1 ? "" : "s"})`).sort();
      assert.deepEqual([...shown[i]!].sort(), want, `matrix "${m.name}"`);
    });
    assert.ok(shown[0]!.some((t) => /slave never sees what its parent sends/.test(t!)), shown[0]!.join("\n"));
  });

  test("clicking ns01 → 172.16.91.14 opens its trace, with the CLI's verdict, and lights up the device", async () => {
    const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
    await s.page.click(cellSelector(step, NS01, ENS34));
    const verdict = await s.page.waitForSelector(`.stepper[data-from="${NS01}"][data-to="${ENS34}"] .verdict`, { timeout: 10_000 });
    const text = (await verdict.textContent())!;
    const reason = matrices[0]!.cells.find((c) => c.from === NS01 && c.to === ENS34)!.reason!;
    assert.ok(text.includes(reason), `${text}\n  should give the cell's reason:\n${reason}`);
    // The same command in the same state (just before the matrix: after the lab step before it) through the CLI.
    const command = (await s.page.textContent(".trace-head code"))!;
    const cli = await runCli(["trace", seed, "--on", "vm02", "--run", command, "--after", String(step - SETUPS), "--json"]);
    assert.equal(cli.code, 1, `the traced ping fails, and trace exits with its status\n${cli.stderr}`);
    assert.equal(text, (JSON.parse(cli.stdout) as { verdict: string }).verdict);

    // The stepper starts at the first step, at ns01's ipvlan1, and moves on.
    assert.equal(await s.page.textContent(".controls .counter"), `step 1 of ${(JSON.parse(cli.stdout) as { steps: unknown[] }).steps.length}`);
    assert.deepEqual(await s.page.$$eval(".node.current", (n) => n.map((g) => (g as SVGElement).dataset.id)), ["dev:vm02/ns01:ipvlan1"]);
    await s.page.click(".controls .next");
    assert.match((await s.page.textContent(".controls .counter"))!, /^step 2 of /);
    const where = (await s.page.textContent(".step-detail .where"))!;
    const lit = await s.page.$$eval(".node.current", (n) => n.map((g) => (g as SVGElement).dataset.id));
    assert.equal(lit.length, 1, `one device lit up at "${where}"`);
    // The deciding step: vm02's ARP for ns01's address, out of ens34, that nobody answers.
    await s.page.click(".controls .to-deciding");
    assert.equal(await s.page.textContent(".step-detail .func"), "arp_solicit");
    assert.equal(await s.page.textContent(".step-detail .where"), "vm02, device ens34");
    assert.match((await s.page.textContent(".step-detail .what"))!, /^who-has 172\.16\.91\.101 tell 172\.16\.91\.14$/);
    assert.deepEqual(await s.page.$$eval(".node.current", (n) => n.map((g) => (g as SVGElement).dataset.id)), ["dev:vm02/:ens34"]);
  });

  test("a step's own command can be stepped through too, with the CLI's verdict for it", async () => {
    const name = "ns01 cannot reach vm02's own 172.16.91.14 before host routes";
    const li = s.page.locator(".step-list li", { hasText: name });
    const step = Number(await li.getAttribute("data-step"));
    await li.locator("summary").click();
    await li.locator("button.trace-it").click();
    const verdict = await s.page.waitForSelector(`.stepper[data-step="${step}"] .verdict`, { timeout: 10_000 });
    const command = (await s.page.textContent(".trace-head code"))!;
    assert.equal(command, "ip netns exec ns01 ping -c 1 -W 1 172.16.91.14");
    // In the state just before it: after the lab step before it.
    const cli = await runCli(["trace", seed, "--on", "vm02", "--run", command, "--after", String(step - SETUPS), "--json"]);
    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(await verdict.textContent(), (JSON.parse(cli.stdout) as { verdict: string }).verdict);
  });

  test("a bad key shows its error at its line as you type, and fixing it brings the results back", async () => {
    const original = readFileSync(seed, "utf8");
    const lines = original.split("\n");
    const at = lines.findIndex((l) => l.startsWith("networks:"));
    lines[at] = "netwroks:";
    const editor = s.page.locator(".cm-content");
    await editor.click();
    await s.page.keyboard.press("Control+A");
    await s.page.keyboard.insertText(lines.join("\n"));
    const diag = await s.page.waitForSelector("#diagnostics li.error", { timeout: 10_000 });
    assert.equal(await diag.getAttribute("data-line"), String(at + 1));
    assert.match((await diag.textContent())!, /networks/, "the message names the key meant");
    assert.equal(await s.page.getAttribute("body", "data-state"), "invalid");
    // The marker in the editor is on that line: clicking the error puts the cursor there.
    await diag.click();
    assert.equal(await s.page.textContent(".cm-activeLineGutter"), String(at + 1));
    assert.equal(await s.page.locator(".cm-activeLine .cm-lintRange-error").count(), 1);
    assert.ok((await s.page.locator(".cm-lint-marker-error").count()) >= 1, "a marker in the gutter");

    await s.page.keyboard.press("Control+A");
    await s.page.keyboard.insertText(original);
    await s.page.waitForSelector("body[data-state=ready]", { timeout: 10_000 });
    assert.equal(await s.page.locator("#diagnostics li.error").count(), 0);
  });

  test("every edit re-simulates the seed lab, the keys all land in the editor, and the page logged no errors", async () => {
    // The end of line 1, a comment: the edit changes nothing but the text.
    await s.page.locator(".cm-content").click();
    await s.page.keyboard.press("Control+Home");
    // Long lines wrap: End goes to the end of the first row, a second End to the end of the line.
    await s.page.keyboard.press("End");
    await s.page.keyboard.press("End");
    const before = await s.page.getAttribute("#status", "data-ms");
    // Slowly enough that every key re-simulates and redraws the open trace: the keys must all still land in the editor.
    assert.equal(await s.page.locator(".stepper").count(), 1, "a trace is open");
    await s.page.keyboard.type(" edited", { delay: 200 });
    await s.page.waitForFunction((b) => document.body.dataset.state === "ready" && document.getElementById("status")!.dataset.ms !== b, before, { timeout: 10_000 });
    // How fast is `npm run bench`'s business (its web figure); here only that a figure came.
    assert.ok(Number(await s.page.getAttribute("#status", "data-ms")) > 0);
    assert.match((await s.page.locator(".cm-line").first().textContent())!, / edited$/);
    assert.deepEqual(s.errors, []);
  });

  test("what a run writes on stderr, and a check that is not met, are marked at their lines", async () => {
    const lab = ["name: notes", "hosts:", "  h:", "    run: |", "      ip link add d0 type dummy", "      nft list ruleset", "steps:", "  - name: unreachable", "    on: h", "    run: ping -c 1 -W 1 192.0.2.1", "    expect: ok", ""].join("\n");
    await s.page.locator(".cm-content").click();
    await s.page.keyboard.press("Control+A");
    await s.page.keyboard.insertText(lab);
    await s.page.waitForFunction(() => document.body.dataset.state === "ready" && document.querySelectorAll("#diagnostics li").length >= 2, null, { timeout: 10_000 });
    const notes = await s.page.$$eval("#diagnostics li", (ls) => ls.map((l) => `${(l as HTMLElement).dataset.line} ${l.textContent}`));
    assert.ok(notes.some((n) => /^6 .*`nft`: --engine sim does not simulate this command/.test(n)), notes.join("\n"));
    assert.ok(notes.some((n) => /^10 .*check "unreachable" expected ok, but `ping -c 1 -W 1 192.0.2.1` exited [1-9]/.test(n)), notes.join("\n"));
    assert.equal(await s.page.textContent(".step-list li.unmet .mark"), "✗");
  });

  test("another example from the list replaces the edited lab once the user agrees", async () => {
    await s.page.selectOption("#examples", "macvlan-vepa.lab.yaml");
    await s.page.click("#switch-dialog .open-next");
    await s.page.waitForFunction(() => document.getElementById("file")!.textContent === "macvlan-vepa.lab.yaml" && document.body.dataset.state === "ready", null, { timeout: 10_000 });
    assert.match((await s.page.textContent(".cm-content"))!, /name: macvlan-vepa/);
    assert.ok((await s.page.locator("section.matrix").count()) >= 1);
    assert.deepEqual(s.errors, []);
  });
});

describe("the web page's fix it button", () => {
  let s: PageSession;
  before(async () => {
    s = await openLab(seed);
    await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
  });
  after(async () => {
    await s?.close();
  });

  test("on a red cell's trace it shows ipvlab fix's suggestions, and applying one turns the cell green", async () => {
    const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
    await s.page.click(cellSelector(step, NS01, ENS34));
    await s.page.waitForSelector(`.stepper[data-from="${NS01}"][data-to="${ENS34}"] .fix-it`, { timeout: 10_000 });
    await s.page.click(".fix-it");
    const first = await s.page.waitForSelector("ol.fixes li strong", { timeout: 30_000 });
    assert.equal(await first.textContent(), "route 172.16.91.101 through ipvlan0");
    assert.match((await s.page.textContent("ol.fixes li pre"))!, /^vm02# ip route add 172\.16\.91\.101 dev ipvlan0$/);
    await s.page.click("ol.fixes li .apply-fix");
    await s.page.waitForFunction(() => document.body.dataset.state === "ready" && document.body.dataset.explained === "true", null, { timeout: 20_000 });
    // The editor shows only the lines in view; the steps list has every command the lab ran.
    assert.ok((await s.page.$$eval("#steps pre.cmd", (p) => p.map((x) => x.textContent))).some((t) => t === "vm02# ip route add 172.16.91.101 dev ipvlan0"));
    // The fix is a step of its own before the matrix: the matrix is one step further on.
    const moved = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
    assert.equal(moved, step + 1);
    assert.equal(await s.page.getAttribute(cellSelector(moved, NS01, ENS34), "data-ok"), "true");
  });
});
