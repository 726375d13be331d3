// Hands the browser a file to save: a link to the blob, clicked.

export function download(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once it started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The lab's name without its extension, for the files made from it. */
export const baseName = (file: string) => file.replace(/\.(lab\.ya?ml|sh)$/, "") || "lab";
