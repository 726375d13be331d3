// A lab carried in the page's address: deflate-raw (the browser's own
// CompressionStream) and base64url, after `#lab=`, with the file's name
// after `&file=`. Nothing leaves the browser: the part after `#` is never
// sent to the server.

const toBase64url = (bytes: Uint8Array): string => {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const fromBase64url = (s: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

async function through(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The `#…` part of a link that opens `text` as `file`. */
export async function shareHash(file: string, text: string): Promise<string> {
  const packed = await through(new TextEncoder().encode(text), new CompressionStream("deflate-raw"));
  return `#lab=${toBase64url(packed)}&file=${encodeURIComponent(file)}`;
}

/** The lab a `#lab=…` address carries; null when it carries none; an Error when it is damaged. */
export async function sharedLab(hash: string): Promise<{ file: string; text: string } | null | Error> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const packed = params.get("lab");
  if (packed === null) return null;
  const file = (params.get("file") ?? "").replace(/[/\\]/g, "") || "shared.lab.yaml";
  try {
    const bytes = await through(fromBase64url(packed), new DecompressionStream("deflate-raw"));
    return { file, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return new Error("the link's lab is damaged (cut short when it was copied?): it could not be unpacked");
  }
}
