// `npm run screenshot`: the README's picture of the page, made the way a
// reader would get there: the seed lab open, the red ns01 → 172.16.91.14
// cell clicked, the stepper at the step that decided the ping.

import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import { example } from "../test/helpers.js";
import { cellSelector, openLab } from "../test/web-browser.js";

const out = process.argv[2] ?? join(packageRoot, "docs", "web-seed.png");
const s = await openLab(example("seed-ipvlan-l2.lab.yaml"), { width: 1600, height: 1000 });
try {
  await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
  const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
  const cell = cellSelector(step, "vm02/ns01:ipvlan1", "vm02:ens34");
  await s.page.hover(cell);
  await s.page.click(cell);
  await s.page.waitForSelector(".stepper .verdict", { timeout: 10_000 });
  await s.page.click(".controls .to-deciding");
  await s.page.hover(cell);
  await s.page.screenshot({ path: out });
  process.stdout.write(`${out}\n`);
} finally {
  await s.close();
}
