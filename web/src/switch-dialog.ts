// Opening another lab over an edited one: the edits are not kept anywhere
// else, so the question offers to keep them first (download, or the link
// that carries them) before they are replaced.

import { h } from "./dom.js";
import type { Saving } from "./saving.js";

/** Resolves true to open `next`, false to stay. */
export function askBeforeSwitch(file: string, next: string, saving: Saving): Promise<boolean> {
  return new Promise((done) => {
    const keep = h("button", { type: "button", class: "keep-download" }, `download ${file}`);
    const link = h("button", { type: "button", class: "keep-link" }, "copy its link");
    const open = h("button", { type: "button", class: "open-next" }, `open ${next}`);
    const stay = h("button", { type: "button", class: "stay" }, "cancel");
    const note = h("p", { class: "hint" });
    const dialog = h(
      "dialog",
      { id: "switch-dialog", "aria-label": `open ${next}?` },
      h("p", {}, `You edited ${file}. Opening ${next} replaces it in the editor, and this page keeps no copy: download your version or copy its link first to keep it.`),
      note,
      h("div", { class: "dialog-buttons" }, keep, link, open, stay),
    );
    const end = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      done(answer);
    };
    keep.addEventListener("click", () => {
      saving.downloadLab();
      note.textContent = `${file} downloaded.`;
    });
    link.addEventListener("click", async () => {
      const url = await saving.share();
      note.textContent = `Its link is in the box under the header (and in the address bar): ${url.length} characters.`;
    });
    open.addEventListener("click", () => end(true));
    stay.addEventListener("click", () => end(false));
    dialog.addEventListener("cancel", () => end(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
