import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { packageRoot } from "../src/paths.js";
import { isLoopback, ServeError, startServer, type RunningServer } from "../src/web/server.js";
import { cli, example, runCli } from "./helpers.js";

// `ipvlab serve`'s server: loopback only unless told, read-only, nothing
// outside the page's directory, the lab given read from disk.

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request: the path goes out exactly as written (no URL normalising of `..`). */
function get(url: string, path: string, opts: { method?: string; host?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: opts.method ?? "GET", headers: opts.host ? { host: opts.host } : {} }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the web page's server", () => {
  let dir: string;
  let server: RunningServer;
  const seed = example("seed-ipvlan-l2.lab.yaml");
  before(async () => {
    // The page's directory sits next to a file that must never be served.
    dir = mkdtempSync(join(tmpdir(), "ipvlab-serve-"));
    mkdirSync(join(dir, "page", "assets"), { recursive: true });
    writeFileSync(join(dir, "page", "index.html"), "<!doctype html><title>page</title>");
    writeFileSync(join(dir, "page", "assets", "app.js"), "export {};");
    writeFileSync(join(dir, "secret.txt"), "not for the page");
    server = await startServer({ host: "127.0.0.1", port: 0, pageDir: join(dir, "page"), examplesDir: join(packageRoot, "examples"), labFile: seed });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("binds 127.0.0.1 and says so in its URL", () => {
    const addr = server.server.address();
    assert.ok(addr && typeof addr === "object");
    assert.equal(addr.address, "127.0.0.1");
    assert.equal(server.url, `http://127.0.0.1:${addr.port}/`);
  });

  test("refuses an address other than loopback unless it was asked for explicitly", async () => {
    await assert.rejects(startServer({ host: "0.0.0.0", port: 0, pageDir: join(dir, "page"), examplesDir: dir }), (e) => e instanceof ServeError && /not a loopback address.*--host/.test(e.message));
    assert.equal(isLoopback("127.0.0.1"), true);
    assert.equal(isLoopback("::1"), true);
    assert.equal(isLoopback("localhost"), true);
    assert.equal(isLoopback("0.0.0.0"), false);
    assert.equal(isLoopback("192.168.1.10"), false);
  });

  test("serves the page, the lab given (its text, as on disk) and the examples", async () => {
    const index = await get(server.url, "/");
    assert.equal(index.status, 200);
    assert.match(index.body, /<title>page<\/title>/);
    assert.match(String(index.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal((await get(server.url, "/assets/app.js")).headers["content-type"], "text/javascript; charset=utf-8");
    const lab = JSON.parse((await get(server.url, "/api/lab")).body) as { file: string; text: string };
    assert.deepEqual(lab, { file: "seed-ipvlan-l2.lab.yaml", text: readFileSync(seed, "utf8") });
    const examples = JSON.parse((await get(server.url, "/api/examples")).body) as string[];
    assert.ok(examples.includes("seed-ipvlan-l2.lab.yaml"), examples.join(" "));
    assert.equal((await get(server.url, "/api/examples/macvlan-vepa.lab.yaml")).body, readFileSync(example("macvlan-vepa.lab.yaml"), "utf8"));
    // Shell-script labs are examples too.
    assert.ok(examples.includes("ipvlan-l2-dummy.sh"), examples.join(" "));
    assert.equal((await get(server.url, "/api/examples/ipvlan-l2-dummy.sh")).body, readFileSync(example("ipvlan-l2-dummy.sh"), "utf8"));
  });

  test("404s everything outside the page's directory, however the path is spelt", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/assets/%2E%2E%2F%2E%2E%2Fsecret.txt", "/..%5csecret.txt", "/api/examples/..%2f..%2fpackage.json", "/api/examples/../../package.json", "/nope.html", "/%00", "/api/examples/README.md"]) {
      const r = await get(server.url, path);
      assert.equal(r.status, 404, `${path}: ${r.status} ${r.body.slice(0, 40)}`);
      assert.doesNotMatch(r.body, /not for the page|"name": "ipvlab"/);
    }
  });

  test("is read-only, and answers only to its own host names", async () => {
    assert.equal((await get(server.url, "/api/lab", { method: "POST" })).status, 405);
    assert.equal((await get(server.url, "/api/lab", { method: "PUT" })).status, 405);
    // A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets nothing.
    assert.equal((await get(server.url, "/api/lab", { host: "evil.example:80" })).status, 421);
    assert.equal((await get(server.url, "/api/lab", { host: `localhost:${new URL(server.url).port}` })).status, 200);
  });
});

describe("links out of the served folders", () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ipvlab-serve-links-"));
    mkdirSync(join(dir, "page", "assets"), { recursive: true });
    mkdirSync(join(dir, "examples"));
    writeFileSync(join(dir, "page", "index.html"), "<!doctype html><title>page</title>");
    writeFileSync(join(dir, "secret.txt"), "not for the page");
    writeFileSync(join(dir, "secret.lab.yaml"), "name: not-for-the-page\n");
    symlinkSync("../secret.txt", join(dir, "page", "leak.txt"));
    symlinkSync("/etc", join(dir, "page", "assets", "etc"));
    symlinkSync("index.html", join(dir, "page", "again.html"));
    writeFileSync(join(dir, "examples", "a.lab.yaml"), "name: a\n");
    symlinkSync("../secret.lab.yaml", join(dir, "examples", "leak.lab.yaml"));
    symlinkSync("a.lab.yaml", join(dir, "examples", "b.lab.yaml"));
    // The lab named on the command line, later swapped for a FIFO: reading it must not hang the server.
    execFileSync("mkfifo", [join(dir, "fifo.lab.yaml")]);
    server = await startServer({ host: "127.0.0.1", port: 0, pageDir: join(dir, "page"), examplesDir: join(dir, "examples"), labFile: join(dir, "fifo.lab.yaml") });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a link that leaves the page's folder is not followed; one inside it is", async () => {
    for (const path of ["/leak.txt", "/assets/etc/hostname", "/assets/etc/passwd"]) {
      const r = await get(server.url, path);
      assert.equal(r.status, 404, `${path}: ${r.status} ${r.body.slice(0, 40)}`);
    }
    assert.match((await get(server.url, "/again.html")).body, /<title>page<\/title>/);
  });

  test("an example that links out of the examples folder is neither listed nor served", async () => {
    assert.deepEqual(JSON.parse((await get(server.url, "/api/examples")).body), ["a.lab.yaml", "b.lab.yaml"]);
    assert.equal((await get(server.url, "/api/examples/leak.lab.yaml")).status, 404);
    assert.equal((await get(server.url, "/api/examples/b.lab.yaml")).body, "name: a\n");
  });

  test("a lab that is not a regular file is an error for the page, not a hang", async () => {
    const lab = JSON.parse((await get(server.url, "/api/lab")).body) as { file: string; error: string };
    assert.deepEqual(lab, { file: "fifo.lab.yaml", error: `${join(dir, "fifo.lab.yaml")}:1:1: error: is a named pipe (FIFO), not a lab file: give a regular file` });
  });
});

describe("ipvlab serve", () => {
  test("prints the loopback URL it serves on, and serves the lab", async () => {
    const child = spawn(process.execPath, [cli, "serve", example("seed-ipvlan-l2.lab.yaml"), "--port", "0"], { cwd: packageRoot });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before printing a URL: ${out}`)));
      });
      const lab = JSON.parse((await get(url, "/api/lab")).body) as { file: string };
      assert.equal(lab.file, "seed-ipvlan-l2.lab.yaml");
      assert.equal((await get(url, "/")).status, 200, "the built page is served (npm run build builds it)");
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("a lab that is not there: one line, exit 2", async () => {
    const r = await runCli(["serve", "no-such.lab.yaml", "--port", "0"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "ipvlab: no-such.lab.yaml: no such file\n");
  });

  test("a bad port: refused before anything is bound", async () => {
    const r = await runCli(["serve", "--port", "99999"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /port number from 0 to 65535/);
  });
});
