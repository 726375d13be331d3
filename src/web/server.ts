// The web page's server: the built page, the example labs and the lab named
// on the command line, read-only, over plain HTTP on loopback. The simulator
// runs in the browser; nothing here runs anything on behalf of the page.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, extname, join, resolve, sep } from "node:path";
import { isIP } from "node:net";
import { LabError } from "../lab/errors.js";
import { readLabBytes } from "../lab/load.js";

export interface ServeOptions {
  /** The address to bind; anything but loopback needs `allowRemote`. */
  host: string;
  port: number;
  /** The bind address was asked for explicitly (`--host`): only then may it be other than loopback. */
  allowRemote?: boolean;
  /** The built page (index.html and its assets). */
  pageDir: string;
  /** Where the example labs are (`*.lab.yaml`, `*.sh`). */
  examplesDir: string;
  /** The lab the page opens with: read again on every request, so an edit on disk shows on reload. */
  labFile?: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Thrown for a bind address or page directory the server will not use. */
export class ServeError extends Error {
  override name = "ServeError";
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "[::1]";
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".yaml": "text/yaml; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/*
 * The page loads nothing from elsewhere: scripts, workers and fetches come
 * from this server only. ajv compiles the lab schema with `new Function`
 * (hence 'unsafe-eval'); CodeMirror writes its styles at run time.
 */
const CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The example labs: YAML labs and shell-script labs. */
const EXAMPLE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(lab\.ya?ml|sh)$/;

function listExamples(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => EXAMPLE.test(f))
      .sort();
  } catch {
    return [];
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
  });
  res.end(head ? undefined : body);
}

const json = (res: ServerResponse, value: unknown, head: boolean) => send(res, 200, TYPES[".json"]!, JSON.stringify(value), head);
const notFound = (res: ServerResponse, head: boolean) => send(res, 404, "text/plain; charset=utf-8", "not found\n", head);

/**
 * `full` as a plain file whose real path is inside `realRoot`, or null: a
 * symbolic link may point anywhere on the machine, so it is followed only
 * as far as the folder it was found in.
 */
function plainFileInside(realRoot: string, full: string): string | null {
  try {
    const real = realpathSync(full);
    if (!real.startsWith(realRoot + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The real path of a served folder (which may itself be reached through a link), once, at start. */
function realFolder(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** A file under `root`, or null for anything that would leave it (`..`, encoded or not, or a link) or is not a plain file. */
function fileUnder(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes("\0")) return null;
  const full = resolve(root, "." + (rel.endsWith("/") ? rel + "index.html" : rel));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return plainFileInside(root, full);
}

function handler(opts: ServeOptions, page: string, examples: string, allowedHosts: () => Set<string> | null) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      send(res, 405, "text/plain; charset=utf-8", "read-only: GET and HEAD only\n", false);
      return;
    }
    // A page on another site could point a name it controls at 127.0.0.1 (DNS rebinding): answer only to our own names.
    const hosts = allowedHosts();
    if (hosts && !hosts.has((req.headers.host ?? "").toLowerCase())) {
      send(res, 421, "text/plain; charset=utf-8", "unknown Host\n", head);
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/api/examples") return json(res, listExamples(examples).filter((f) => plainFileInside(examples, join(examples, f))), head);
    if (path.startsWith("/api/examples/")) {
      const name = path.slice("/api/examples/".length);
      const file = listExamples(examples).includes(name) ? plainFileInside(examples, join(examples, name)) : null;
      if (!file) return notFound(res, head);
      return send(res, 200, name.endsWith(".sh") ? "text/plain; charset=utf-8" : TYPES[".yaml"]!, readFileSync(file), head);
    }
    if (path === "/api/lab") {
      if (!opts.labFile) return json(res, null, head);
      let text: string;
      try {
        text = new TextDecoder().decode(readLabBytes(opts.labFile));
      } catch (e) {
        if (!(e instanceof LabError)) throw e;
        return json(res, { file: basename(opts.labFile), error: e.message }, head);
      }
      return json(res, { file: basename(opts.labFile), text }, head);
    }
    const file = fileUnder(page, path);
    if (!file) return notFound(res, head);
    send(res, 200, TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file), head);
  };
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  if (!isLoopback(opts.host) && !opts.allowRemote) {
    throw new ServeError(`${opts.host} is not a loopback address: the page is served on 127.0.0.1 only unless --host names another address explicitly`);
  }
  const page = realFolder(opts.pageDir);
  if (!existsFile(join(page, "index.html"))) throw new ServeError(`the web page is not built (no ${join(page, "index.html")}): run \`npm run build\``);
  let port = opts.port;
  const hostPart = opts.host.includes(":") ? `[${opts.host.replace(/^\[|\]$/g, "")}]` : opts.host;
  // Loopback: only the names this machine uses for itself. Another address was asked for on purpose: any Host.
  const allowed = () => (isLoopback(opts.host) ? new Set([`${hostPart}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) : null);
  const handle = handler(opts, page, realFolder(opts.examplesDir), allowed);
  const server = createServer((req, res) => {
    // A file that vanished between the check and the read is this request's problem, not the server's end.
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `${(e as Error).message}\n`, false);
      else res.destroy();
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port, opts.host.replace(/^\[|\]$/g, ""), () => {
      server.off("error", fail);
      ok();
    });
  });
  const addr = server.address();
  if (addr && typeof addr === "object") port = addr.port;
  return {
    server,
    url: `http://${hostPart}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
