// The web page's own figure: how long the simulator in its worker takes to
// re-run the seed lab after an edit, read from the page's status line
// (data-ms: the run alone, without the explanations that follow it).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import { CHROMIUM, openLab } from "../test/web-browser.js";
import { atMost, info, median, ms, quantile, type Figure } from "./report.js";

export async function webResimulation(edits: number): Promise<Figure[]> {
  if (!existsSync(CHROMIUM)) return [info("re-simulation in the page", `skipped: no chromium at ${CHROMIUM}`)];
  const s = await openLab(join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml"));
  try {
    const first = Number(await s.page.getAttribute("#status", "data-ms"));
    await s.page.locator(".cm-content").click();
    await s.page.keyboard.press("Control+Home");
    await s.page.keyboard.press("End");
    const times: number[] = [];
    for (let i = 0; i < edits; i++) {
      const before = await s.page.getAttribute("#status", "data-ms");
      await s.page.keyboard.type("x");
      // A new figure for this very text: the state is ready and the status changed.
      await s.page.waitForFunction((b) => document.body.dataset.state === "ready" && document.getElementById("status")!.dataset.ms !== b, before, { timeout: 20_000 });
      times.push(Number(await s.page.getAttribute("#status", "data-ms")));
    }
    return [
      info("first load, the browser still cold", ms(first)),
      atMost(`after an edit, median of ${edits}`, median(times), 100, ms),
      atMost(`after an edit, p95 of ${edits}`, quantile(times, 0.95), 100, ms),
    ];
  } finally {
    await s.close();
  }
}
