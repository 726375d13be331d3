// `npm run screenshot`: the README's picture of the page, made the way a
// reader would get there: the seed lab open, the red ns01 → 172.16.91.14
// cell clicked, the stepper at the step that decided the ping. Then the same
// at a phone's, a tablet's and a desktop's width, whole pages, into
// docs/screenshots/web-SET-WIDTH.png (`-- --set before` names the set).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import { example } from "../test/helpers.js";
import { cellSelector, openLab } from "../test/web-browser.js";

const WIDTHS = [360, 768, 1600] as const;
const HEIGHT = { 360: 780, 768: 1024, 1600: 1000 } as const;

const args = process.argv.slice(2);
const at = args.indexOf("--set");
const set = at >= 0 ? args[at + 1] : "after";
if (!set || !/^[a-z0-9-]+$/.test(set)) throw new Error("--set NAME: a name of lowercase letters, digits and dashes");

async function shoot(width: number, height: number, path: string, fullPage: boolean): Promise<void> {
  const s = await openLab(example("seed-ipvlan-l2.lab.yaml"), { width, height });
  try {
    await s.page.waitForSelector("body[data-explained=true]", { timeout: 20_000 });
    const step = await s.page.$eval("section.matrix", (m) => Number((m as HTMLElement).dataset.matrix));
    const cell = cellSelector(step, "vm02/ns01:ipvlan1", "vm02:ens34");
    await s.page.hover(cell);
    await s.page.click(cell);
    await s.page.waitForSelector(".stepper .verdict", { timeout: 10_000 });
    await s.page.click(".controls .to-deciding");
    if (width >= 1024) await s.page.hover(cell);
    await s.page.screenshot({ path, fullPage });
    process.stdout.write(`${path}\n`);
  } finally {
    await s.close();
  }
}

const dir = join(packageRoot, "docs", "screenshots");
mkdirSync(dir, { recursive: true });
if (set === "after") await shoot(1600, 1000, join(packageRoot, "docs", "web-seed.png"), false);
for (const w of WIDTHS) await shoot(w, HEIGHT[w], join(dir, `web-${set}-${w}.png`), true);
