// Keeping a lab: the lab file itself, a link that carries it (share.ts), its
// Markdown report (made by the worker, as `ipvlab report` makes it) and the
// topology as SVG or PNG. Each button hands the browser a file to save.

import { h } from "./dom.js";
import { baseName, download } from "./download.js";
import { shareHash } from "./share.js";
import { topologyPng, type SvgFile } from "./topology-export.js";

export interface Saving {
  /** Puts the lab's link in the address bar and in a box to copy it from; copies it when the browser lets us. */
  share(): Promise<string>;
  downloadLab(): void;
}

export interface LabSource {
  file(): string;
  text(): string;
  /** The topology drawing as a file, without the trace's highlight; null when there is none. */
  topology(): SvgFile | null;
  report(): Promise<string>;
}

const $ = (id: string) => document.getElementById(id)!;

export function wireSaving(src: LabSource, say: (text: string, error?: boolean) => void): Saving {
  const box = $("share-box");
  const downloadLab = () => download(src.file(), new Blob([src.text()], { type: src.file().endsWith(".sh") ? "text/x-shellscript" : "text/yaml" }));

  async function share(): Promise<string> {
    const url = `${location.origin}${location.pathname}${await shareHash(src.file(), src.text())}`;
    history.replaceState(null, "", url);
    const input = h("input", { id: "share-url", type: "text", readonly: true, value: url, "aria-label": "the lab's link", spellcheck: "false" });
    const note = h("span", { class: "hint" }, "");
    box.replaceChildren(input, note);
    box.hidden = false;
    input.select();
    try {
      await navigator.clipboard.writeText(url);
      note.textContent = `copied: this link opens ${src.file()} as it is now (${url.length} characters)`;
    } catch {
      note.textContent = `copy this link: it opens ${src.file()} as it is now (${url.length} characters)`;
    }
    return url;
  }

  $("save-lab").addEventListener("click", downloadLab);
  $("share-lab").addEventListener("click", () => void share());
  $("save-report").addEventListener("click", async () => {
    const b = $("save-report") as HTMLButtonElement;
    b.disabled = true;
    say("making the report: every red cell and failed check explained, the best fix of each…");
    try {
      download(`${baseName(src.file())}.report.md`, new Blob([await src.report()], { type: "text/markdown" }));
      say("");
    } catch (e) {
      say(`could not make the report: ${(e as Error).message}`, true);
    } finally {
      b.disabled = false;
    }
  });
  const drawing = () => {
    const svg = src.topology();
    if (!svg) say("there is no topology to save: see why under Topology", true);
    return svg;
  };
  $("save-svg").addEventListener("click", () => {
    const svg = drawing();
    if (svg) download(`${baseName(src.file())}.topology.svg`, new Blob([svg.text], { type: "image/svg+xml" }));
  });
  $("save-png").addEventListener("click", async () => {
    const svg = drawing();
    if (!svg) return;
    try {
      download(`${baseName(src.file())}.topology.png`, await topologyPng(svg));
    } catch (e) {
      say(`could not make the PNG: ${(e as Error).message}`, true);
    }
  });
  return { share, downloadLab };
}
