import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Download, Page } from "playwright-core";
import { example, runCli } from "./helpers.js";
import { cellSelector, openLab, type PageSession } from "./web-browser.js";

// The page as people use it every day (issue 18): from a phone's width to a
// desktop's, the editor at the lab itself, the trace's details in sight,
// the lab kept (file, link, report, topology), script labs explained, and a
// status that says how the checks went.
const seed = example("seed-ipvlan-l2.lab.yaml");
const script = example("ipvlan-l2-dummy.sh");
const NS01 = "vm02/ns01:ipvlan1";
const ENS34 = "vm02:ens34";

/** Replaces the editor's text, as typing would, and waits for the page to have run it. */
async function typeLab(page: Page, text: string): Promise<void> {
  const before = await page.getAttribute("#status", "data-ms");
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await page.waitForFunction((b) => document.body.dataset.state === "ready" && document.getElementById("status")!.dataset.ms !== b, before, { timeout: 20_000 });
}

async function downloaded(page: Page, click: () => Promise<void>, timeout = 20_000): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent("download", { timeout }), click()])) as [Download, void];
  const stream = await d.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return { name: d.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

const inside = (inner: { x: number; y: number; width: number; height: number }, outer: { x: number; y: number; width: number; height: number }) =>
  inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

describe("the page from 360 px wide up, on the seed lab", () => {
  let s: PageSession;
  before(async () => {
    s = await openLab(seed, { width: 360, height: 780 });
    await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
  });
  after(async () => {
    await s?.close();
  });

  test("the editor opens at the first key, the header comment folded, long lines wrapped", async () => {
    const lines = readFileSync(seed, "utf8").split("\n");
    const key = lines.findIndex((l) => /^[a-z]/.test(l));
    assert.ok(key > 10, "the seed lab starts with a long comment");
    assert.equal(await s.page.locator(".cm-foldPlaceholder").count(), 1, "one fold: the header comment");
    assert.equal(await s.page.textContent(".cm-activeLineGutter"), String(key + 1), "the cursor on the first key's line");
    assert.equal(await s.page.textContent(".cm-activeLine"), lines[key]);
    const line = await s.page.locator(".cm-activeLine").boundingBox();
    const box = await s.page.locator(".cm-scroller").boundingBox();
    assert.ok(line && box && inside(line, box), `the first key's line is in the editor's view: ${JSON.stringify({ line, box })}`);
    assert.ok(await s.page.locator(".cm-content.cm-lineWrapping").count(), "lines wrap");
    const wide = await s.page.$eval(".cm-scroller", (e) => e.scrollWidth - e.clientWidth);
    assert.ok(wide <= 0, `nothing in the editor is wider than it (by ${wide} px)`);
    // The fold gutter opens the comment again.
    await s.page.click(".cm-foldPlaceholder");
    assert.equal(await s.page.locator(".cm-foldPlaceholder").count(), 0);
    assert.match((await s.page.textContent(".cm-content"))!, /WHAT THE NOTE SAW/);
  });

  for (const width of [360, 390, 768, 1024, 1600]) {
    test(`at ${width} px, with a trace open, the page does not scroll sideways and the topology fits its box`, async () => {
      await s.page.setViewportSize({ width, height: width < 1200 ? 800 : 1000 });
      if ((await s.page.locator(".stepper").count()) === 0) {
        const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
        await s.page.click(cellSelector(step, NS01, ENS34));
        await s.page.waitForSelector(".stepper .step-detail dl", { timeout: 10_000 });
      }
      const page = await s.page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: innerWidth }));
      assert.ok(page.scroll <= page.inner, `the page is ${page.scroll} px wide in a ${page.inner} px window`);
      const svg = await s.page.locator("#topology svg.topology").boundingBox();
      const box = await s.page.locator("#topology").boundingBox();
      assert.ok(svg && box && svg.width > 50 && svg.height > 50, `a drawing: ${JSON.stringify(svg)}`);
      assert.ok(inside(svg, box), `the drawing ${JSON.stringify(svg)} inside its box ${JSON.stringify(box)}`);
      const scrolls = await s.page.$eval("#topology", (e) => ({ x: e.scrollWidth - e.clientWidth, y: e.scrollHeight - e.clientHeight }));
      assert.ok(scrolls.x <= 1 && scrolls.y <= 1, `the topology's box does not scroll: ${JSON.stringify(scrolls)}`);
    });
  }
});

describe("the trace's details after a click, at 1600×1000", () => {
  let s: PageSession;
  before(async () => {
    s = await openLab(seed, { width: 1600, height: 1000 });
    await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
  });
  after(async () => {
    await s?.close();
  });

  test("clicking a red cell brings the step's details into view, in the trace's box and in the window", async () => {
    const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
    const cell = cellSelector(step, NS01, ENS34);
    assert.equal(await s.page.getAttribute(cell, "data-ok"), "false");
    await s.page.click(cell);
    const detail = await s.page.waitForSelector(".stepper .step-detail dl", { timeout: 10_000 });
    const r = (await detail.boundingBox())!;
    const trace = (await s.page.locator("#trace").boundingBox())!;
    assert.ok(inside(r, { x: 0, y: 0, width: 1600, height: 1000 }), `the details ${JSON.stringify(r)} in the window`);
    assert.ok(inside(r, trace), `the details ${JSON.stringify(r)} in the trace's box ${JSON.stringify(trace)}`);
    assert.ok(inside((await s.page.locator(".stepper .trace-head").boundingBox())!, trace), "the trace's head too, as it all fits");
    // The deciding step's details are longer: still in sight.
    await s.page.click(".controls .to-deciding");
    const d = (await s.page.locator(".stepper .step-detail dl").boundingBox())!;
    assert.ok(inside(d, trace), `the deciding step's details ${JSON.stringify(d)} in the trace's box ${JSON.stringify(trace)}`);
  });
});

describe("the status says how many checks were met", () => {
  let s: PageSession;
  before(async () => {
    s = await openLab(seed);
  });
  after(async () => {
    await s?.close();
  });

  test("the seed lab: all 8 checks met, in green", async () => {
    assert.match((await s.page.textContent("#status"))!, /^8 of 8 checks met · simulated in \d+ ms/);
    assert.equal(await s.page.getAttribute("#status", "class"), "ok");
  });

  const host = ["name: status", "hosts:", "  h:", "    run: ip link add d0 type dummy", "steps:"];
  const check = (name: string, run: string, expect: string) => [`  - name: ${name}`, "    on: h", `    run: ${run}`, `    expect: ${expect}`];

  test("checks that all fail: none met, in red", async () => {
    await typeLab(s.page, [...host, ...check("a", "ping -c 1 -W 1 192.0.2.1", "ok"), ...check("b", "ip link show d0", "fail"), ""].join("\n"));
    assert.match((await s.page.textContent("#status"))!, /^0 of 2 checks met · simulated in \d+ ms/);
    assert.equal(await s.page.getAttribute("#status", "class"), "error");
  });

  test("one check, met: “1 of 1 check”, in green", async () => {
    await typeLab(s.page, [...host, ...check("b", "ip link show d0", "ok"), ""].join("\n"));
    assert.match((await s.page.textContent("#status"))!, /^1 of 1 check met · simulated in \d+ ms/);
    assert.equal(await s.page.getAttribute("#status", "class"), "ok");
  });

  test("a check met but a command that could not run: red, and said", async () => {
    await typeLab(s.page, [...host, ...check("b", "ip link show d0", "ok"), "  - name: rules", "    on: h", "    run: nft list ruleset", ""].join("\n"));
    assert.match((await s.page.textContent("#status"))!, /^1 of 1 check met, 1 command could not run · simulated/);
    assert.equal(await s.page.getAttribute("#status", "class"), "error");
    assert.deepEqual(s.errors, []);
  });
});

describe("keeping the lab: its file, its link, its report, its topology", () => {
  let s: PageSession;
  let edited: string;
  before(async () => {
    s = await openLab(seed);
    const lines = readFileSync(seed, "utf8").split("\n");
    // An edit the steps list shows: a check renamed.
    const at = lines.findIndex((l) => l === "  - name: ns01 reaches vm01 and the gateway");
    assert.ok(at > 0);
    lines[at] = "  - name: ns01 reaches vm01 and the gateway, edited";
    edited = lines.join("\n");
    await typeLab(s.page, edited);
  });
  after(async () => {
    await s?.close();
  });

  test("download the lab: the editor's text, under the lab's name", async () => {
    const d = await downloaded(s.page, () => s.page.click("#save-lab"));
    assert.equal(d.name, "seed-ipvlan-l2.lab.yaml");
    assert.equal(d.bytes.toString("utf8"), edited);
  });

  test("the share link carries the edited lab, compressed, and opening it opens that lab again", async () => {
    await s.page.click("#share-lab");
    const url = await s.page.inputValue("#share-url", { timeout: 10_000 });
    assert.match(url, /#lab=[A-Za-z0-9_-]+&file=seed-ipvlan-l2\.lab\.yaml$/);
    assert.ok(url.length < edited.length, `compressed: ${url.length} characters for a ${edited.length}-character lab`);
    assert.equal(await s.page.evaluate(() => location.href), url, "the address bar has it too");
    const other = await s.context.newPage();
    try {
      await other.goto(url);
      await other.waitForSelector("body[data-state=ready]", { timeout: 20_000 });
      assert.equal(await other.textContent("#file"), "seed-ipvlan-l2.lab.yaml");
      assert.ok(await other.locator(".step-list li", { hasText: "ns01 reaches vm01 and the gateway, edited" }).count());
      const d = await downloaded(other, () => other.click("#save-lab"));
      assert.equal(d.bytes.toString("utf8"), edited, "the very text, byte for byte");
    } finally {
      await other.close();
    }
  });

  test("a damaged link says so instead of opening something else", async () => {
    const other = await s.context.newPage();
    try {
      await other.goto(`${s.server.url}#lab=AAAA&file=x.lab.yaml`);
      await other.waitForFunction(() => /damaged/.test(document.getElementById("status")!.textContent ?? ""), null, { timeout: 20_000 });
      // And it stays: no other lab is opened in its place.
      await other.waitForTimeout(1500);
      assert.match((await other.textContent("#status"))!, /^the link's lab is damaged/);
      assert.equal(await other.textContent("#file"), "");
    } finally {
      await other.close();
    }
  });

  test("the topology as SVG (with its styles written in) and as PNG", async () => {
    const svg = await downloaded(s.page, () => s.page.click("#save-svg"));
    assert.equal(svg.name, "seed-ipvlan-l2.topology.svg");
    const text = svg.bytes.toString("utf8");
    assert.match(text, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(text, />ipvlan1</);
    assert.match(text, /stroke-dasharray/, "the namespaces' dashed boxes kept their style");
    assert.doesNotMatch(text, / class="/);
    const png = await downloaded(s.page, () => s.page.click("#save-png"));
    assert.equal(png.name, "seed-ipvlan-l2.topology.png");
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG");
    const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    assert.ok(w > 300 && h > 200, `${w}×${h}`);
  });

  test("the report in Markdown is the CLI's report of the same text", async () => {
    const d = await downloaded(s.page, () => s.page.click("#save-report"), 120_000);
    assert.equal(d.name, "seed-ipvlan-l2.report.md");
    await s.page.waitForFunction(() => /^8 of 8 checks met/.test(document.getElementById("status")!.textContent ?? ""), null, { timeout: 5_000 });
    const md = d.bytes.toString("utf8");
    assert.match(md, /^# ipvlab report\n\n1 lab in the simulator: seed-ipvlan-l2\. /);
    // The same lab text through `ipvlab report`: the same document after its first paragraph (which says how it was made).
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-web-report-"));
    const file = join(dir, "seed-ipvlan-l2.lab.yaml");
    writeFileSync(file, edited);
    const r = await runCli(["report", file, "--quiet"]);
    assert.ok(r.stdout.startsWith("# ipvlab report"), r.stderr);
    const body = (doc: string) => doc.split("\n\n").slice(2).join("\n\n");
    assert.equal(body(md), body(r.stdout));
    assert.match(md, /ns01 reaches vm01 and the gateway, edited/);
    rmSync(dir, { recursive: true, force: true });
  });

  test("opening another example over the edits offers to keep them first", async () => {
    await s.page.selectOption("#examples", "macvlan-vepa.lab.yaml");
    await s.page.waitForSelector("#switch-dialog[open]");
    assert.doesNotMatch((await s.page.textContent("#switch-dialog"))!, /not saved anywhere/);
    const d = await downloaded(s.page, () => s.page.click("#switch-dialog .keep-download"));
    assert.equal(d.bytes.toString("utf8"), edited);
    await s.page.click("#switch-dialog .keep-link");
    await s.page.waitForFunction(() => /#lab=/.test(location.hash));
    await s.page.click("#switch-dialog .open-next");
    await s.page.waitForFunction(() => document.getElementById("file")!.textContent === "macvlan-vepa.lab.yaml" && document.body.dataset.state === "ready", null, { timeout: 20_000 });
    assert.equal(await s.page.evaluate(() => location.hash), "", "the new lab's address carries no old lab");
    // Back: the edited lab again, from its link.
    await s.page.goBack();
    await s.page.waitForFunction(() => document.getElementById("file")!.textContent === "seed-ipvlan-l2.lab.yaml" && document.body.dataset.state === "ready", null, { timeout: 20_000 });
    assert.ok(await s.page.locator(".step-list li", { hasText: "ns01 reaches vm01 and the gateway, edited" }).count());
    assert.deepEqual(s.errors, []);
  });
});

describe("a shell-script lab on the page", () => {
  let s: PageSession;
  before(async () => {
    s = await openLab(script);
  });
  after(async () => {
    await s?.close();
  });

  test("the topology is what the script built: its namespaces, the slaves in them, the dummy parent", async () => {
    const ids = await s.page.$$eval("#topology .node", (n) => n.map((g) => (g as SVGElement).dataset.id).sort());
    assert.deepEqual(ids, ["dev:host/:eth0", "dev:host/ns1:ipvl1", "dev:host/ns2:ipvl2", "host:host", "ns:host/ns1", "ns:host/ns2"]);
    assert.equal(await s.page.textContent("section.matrix .count"), "2 ✓  4 ✗");
    assert.match((await s.page.textContent("#status"))!, /^no checks · simulated/);
  });

  test("a script that builds nothing says why there is no topology and no matrix cell", async () => {
    await typeLab(s.page, "#!/bin/sh\nip netns add empty\n");
    assert.equal(await s.page.locator("#topology svg").count(), 0, "no drawing, and no stray mark");
    assert.match((await s.page.textContent("#topology .no-topology"))!, /^Nothing to draw: the script leaves no network device but lo/);
    assert.match((await s.page.textContent("section.matrix .no-cells"))!, /^No cells: when this matrix ran, no device but lo had an IPv4 address/);
  });

  test("addresses in one namespace only: no cell, and the matrix says why", async () => {
    await typeLab(s.page, "#!/bin/sh\nip link add d0 type dummy\nip addr add 10.0.0.1/24 dev d0\nip addr add 10.0.0.2/24 dev d0\n");
    assert.equal(await s.page.locator("#topology .node[data-id='dev:host/:d0']").count(), 1);
    assert.match((await s.page.textContent("section.matrix .no-cells"))!, /^No cells: all 2 IPv4 addresses were in one namespace \(host\)/);
    assert.deepEqual(s.errors, []);
  });
});
