// Debian's chromium, driven by playwright-core, on a page served by
// `ipvlab serve`'s server: for the page's tests and its screenshot.
// The machine has no network to speak of: every flag below keeps chromium
// from reaching for one (and stalling).

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startServer, type RunningServer } from "../src/web/server.js";
import { pageDir } from "../src/cli/serve.js";
import { packageRoot } from "../src/paths.js";

export const CHROMIUM = process.env.IPVLAB_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface PageSession {
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged: a test should end with none. */
  errors: string[];
  close(): Promise<void>;
}

/** Serves `lab` (a path) and opens it in a fresh chromium profile; resolves once the page has simulated it. */
export async function openLab(lab: string, viewport = { width: 1600, height: 1000 }): Promise<PageSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set IPVLAB_CHROMIUM)`);
  const server = await startServer({ host: "127.0.0.1", port: 0, pageDir, examplesDir: join(packageRoot, "examples"), labFile: lab });
  const profile = mkdtempSync(join(tmpdir(), "ipvlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForSelector("body[data-state=ready]", { timeout: 20_000 });
  return {
    server,
    context,
    page,
    errors,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A matrix cell of the page: `step` is the matrix's index among the LabResult's steps. */
export const cellSelector = (step: number, from: string, to: string) => `td[data-step="${step}"][data-from="${from}"][data-to="${to}"]`;
