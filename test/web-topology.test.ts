import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Download } from "playwright-core";
import type { Topology } from "../src/engines/sim/topology.js";
import { loadLabFile } from "../src/lab/load.js";
import { example, runCli } from "./helpers.js";
import { openLab, type PageSession } from "./web-browser.js";

// The page's topology of a dual-stack lab, against `ipvlab diagram --json`
// at the same point (the page draws the lab as its last step left it):
// each device's IPv6 addresses in its box, and the legend under the graph
// that says what it leaves out, kept in the SVG the page saves.
const lab = example("seed-ipvlan-l2-dual-stack.lab.yaml");
const LEGEND = "IPv6: every device also has a link-local address (fe80::/64), not drawn.";

describe("the web page's topology of the dual-stack seed lab", () => {
  let s: PageSession;
  let cli: Topology;
  before(async () => {
    const last = String(loadLabFile(lab).lab.steps.length);
    const [session, r] = await Promise.all([openLab(lab), runCli(["diagram", lab, "--json", "--after", last])]);
    s = session;
    assert.equal(r.code, 0, r.stderr);
    cli = JSON.parse(r.stdout) as Topology;
  });
  after(async () => {
    await s?.close();
  });

  test("every device's box ends with the CLI's addresses, IPv4 then IPv6, and no link-local", async () => {
    for (const h of cli.hosts)
      for (const ns of h.namespaces)
        for (const d of ns.devices) {
          const id = `dev:${h.name}/${ns.name ?? ""}:${d.name}`;
          const lines = await s.page.$$eval(`#topology .node[data-id="${id}"] text`, (ts) => ts.map((t) => t.textContent));
          assert.deepEqual(lines.slice(-(d.addrs.length + d.addrs6.length)), [...d.addrs, ...d.addrs6], id);
        }
    const ipvlan1 = await s.page.$$eval('#topology .node[data-id="dev:vm02/ns01:ipvlan1"] text', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(ipvlan1, ["ipvlan1", "ipvlan l2", "172.16.91.101/24", "2001:db8::101/64"]);
    const all = await s.page.$$eval("#topology .node text", (ts) => ts.map((t) => t.textContent ?? ""));
    assert.ok(!all.some((t) => t.startsWith("fe80:")), all.join("\n"));
  });

  test("the legend under the graph, inside the picture", async () => {
    assert.deepEqual(await s.page.$$eval("#topology .legend text", (ts) => ts.map((t) => t.textContent)), [LEGEND]);
    const fits = await s.page.$eval("#topology svg.topology", (svg) => {
      const [, , w, h] = svg.getAttribute("viewBox")!.split(" ").map(Number) as [number, number, number, number];
      const box = (svg.querySelector(".legend") as SVGGElement).getBBox();
      const nodes = (svg.querySelector(".nodes") as SVGGElement).getBBox();
      return { inside: box.x >= -1 && box.y >= -1 && box.x + box.width <= w && box.y + box.height <= h, below: box.y >= nodes.y + nodes.height };
    });
    assert.deepEqual(fits, { inside: true, below: true });
  });

  test("the saved SVG keeps the IPv6 addresses and the legend", async () => {
    const [d] = (await Promise.all([s.page.waitForEvent("download", { timeout: 20_000 }), s.page.click("#save-svg")])) as [Download, void];
    const chunks: Buffer[] = [];
    for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    for (const want of ["2001:db8::101/64", "2001:db8::100/128", LEGEND]) assert.ok(text.includes(`>${want}<`), want);
    assert.deepEqual(s.errors, []);
  });
});
