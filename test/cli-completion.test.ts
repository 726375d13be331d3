import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadLabFile } from "../src/lab/load.js";
import { packageRoot } from "../src/paths.js";
import { cli, example } from "./helpers.js";

// `ipvlab completion bash|zsh|fish`, run in the real shells: the scripts call `ipvlab __complete`,
// found on PATH as a user's installed ipvlab would be.

const dir = mkdtempSync(join(tmpdir(), "ipvlab-completion-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, "bin");
mkdirSync(bin);
writeFileSync(join(bin, "ipvlab"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
chmodSync(join(bin, "ipvlab"), 0o755);
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

/** A folder of lab files, other files and a subfolder. */
const files = join(dir, "files");
mkdirSync(join(files, "sub"), { recursive: true });
for (const f of ["a.lab.yaml", "b.sh", "c.txt", "d.yaml"]) writeFileSync(join(files, f), "");

const seed = example("seed-ipvlan-l2.lab.yaml");
const seedLab = loadLabFile(seed).lab;

const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

/** What bash's completion function offers for these words (the last one being completed). */
function bashComplete(words: string[], cwd = packageRoot): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const script = `source <(ipvlab completion bash) || exit 9; COMP_WORDS=(ipvlab ${quoted}); COMP_CWORD=${words.length}; _ipvlab; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  return r.stdout.split("\n").filter(Boolean);
}

/** The long options `ipvlab CMD --help` lists: what commander knows of the command. */
function helpOptions(cmd: string[]): string[] {
  const help = spawnSync(process.execPath, [cli, ...cmd, "--help"], { encoding: "utf8" }).stdout;
  const options = help.split(/^Options:$/m)[1]!.split(/^\S/m)[0]!;
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
}

test("the bash script is valid bash; unknown shells are refused", () => {
  const r = spawnSync(process.execPath, [cli, "completion", "bash"], { encoding: "utf8" });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /complete -F _ipvlab ipvlab/);
  const n = spawnSync("bash", ["-n"], { input: r.stdout, encoding: "utf8" });
  assert.equal(n.status, 0, n.stderr);
  const bad = spawnSync(process.execPath, [cli, "completion", "tcsh"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Allowed choices are bash, zsh, fish/);
});

test("bash: commands, and the commands help names", () => {
  const all = bashComplete([""]);
  for (const c of ["run", "trace", "matrix", "verify", "completion", "kernels", "help"]) assert.ok(all.includes(c), c);
  assert.ok(!all.some((c) => c.startsWith("__")), "the hidden command is not offered");
  assert.deepEqual(bashComplete(["ma"]), ["matrix"]);
  assert.deepEqual(bashComplete(["help", "tr"]), ["trace"]);
  assert.deepEqual(bashComplete(["kernels", ""]), ["install"]);
  assert.deepEqual(bashComplete(["completion", ""]), ["bash", "zsh", "fish"]);
});

test("bash: each command's options are exactly those its --help lists", () => {
  for (const cmd of [["run"], ["trace"], ["matrix"], ["verify"], ["kernels", "install"]]) {
    const offered = bashComplete([...cmd, "--"]);
    assert.ok(offered.includes("--help") && offered.length >= 2, cmd.join(" "));
    assert.deepEqual([...offered].sort(), [...helpOptions(cmd)].sort(), cmd.join(" "));
  }
  assert.deepEqual(bashComplete(["run", "--e"]), ["--engine"]);
  assert.deepEqual(bashComplete(["run", "--engine", ""]).sort(), ["host", "sim", "uml"]);
  assert.deepEqual(bashComplete(["run", "--kernel", "6.1"]).sort(), ["6.1", "6.12"]);
});

test("bash: lab files and folders where a lab goes, any file where a file goes", () => {
  assert.deepEqual(bashComplete(["run", ""], files).sort(), ["a.lab.yaml", "b.sh", "sub"]);
  assert.deepEqual(bashComplete(["check", "a.lab.yaml", ""], files).sort(), ["a.lab.yaml", "b.sh", "sub"], "labs... takes more");
  assert.deepEqual(bashComplete(["import", ""], files).sort(), ["a.lab.yaml", "b.sh", "c.txt", "d.yaml", "sub"]);
  assert.deepEqual(bashComplete(["report", "a.lab.yaml", "-o", "c"], files), ["c.txt"]);
  assert.deepEqual(bashComplete(["run", "a.lab.yaml", "--pcap", ""], files), ["sub"]);
});

test("bash: host names, namespaces, addresses and step names of the lab on the line", () => {
  const hosts = seedLab.hosts.map((h) => h.name);
  assert.deepEqual(bashComplete(["trace", seed, "--on", ""]), hosts);
  assert.deepEqual(bashComplete(["trace", "--on", "v"]), [], "no lab on the line yet: nothing to offer");
  const from = bashComplete(["trace", seed, "--from", "vm02"]);
  assert.ok(from.includes("vm02") && from.includes("vm02/ns01") && from.includes("vm02/ns02"), from.join(" "));
  assert.ok(bashComplete(["trace", seed, "--from", "vm02/ns01", "--to", "172.16.91.1"]).includes("172.16.91.101"));
  // Step names have spaces: each comes back as one word, backslashed for the line, or quoted as begun.
  const names = seedLab.steps.map((s) => s.name).filter((n) => n.startsWith("ns01 reaches"));
  assert.ok(names.length >= 2);
  const escaped = bashComplete(["trace", seed, "--after", "ns01\\ reaches"]);
  const q = spawnSync("bash", ["-c", `printf '%q\\n' "$@"`, "q", ...names], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  assert.deepEqual(escaped, q);
  assert.deepEqual(bashComplete(["matrix", seed, "--after", '"ns01 reaches']), names.map((n) => `"${n}"`));
  const checks = seedLab.steps.filter((s) => s.kind === "check").map((s) => s.name);
  assert.equal(bashComplete(["fix", seed, "--check", ""]).length, checks.length);
  assert.ok(!bashComplete(["fix", seed, "--check", ""]).includes("after\\ host\\ routes"), "a matrix is not a check");
});

test("bash: an option's value is a file, a folder or a lab as its flags name it (snapshot --from <file> --lab <lab>)", () => {
  assert.deepEqual(bashComplete(["snapshot", "--from", "c"], files), ["c.txt"]);
  assert.deepEqual(bashComplete(["snapshot", "--lab", ""], files).sort(), ["a.lab.yaml", "b.sh", "sub"]);
  assert.deepEqual(bashComplete(["snapshot", "--lab", seed, "--on", ""]), seedLab.hosts.map((h) => h.name), "the lab of --lab");
  assert.deepEqual(bashComplete(["record", "--out", ""], files), ["sub"]);
  assert.deepEqual(bashComplete(["trace", seed, "--run", ""]), [], "a command: nothing to offer");
});

test("bash: a lab that is not there or not a lab offers nothing and says nothing", () => {
  assert.deepEqual(bashComplete(["trace", join(dir, "no-such.lab.yaml"), "--on", ""]), []);
  const broken = join(dir, "broken.lab.yaml");
  writeFileSync(broken, "name: [\n");
  assert.deepEqual(bashComplete(["trace", broken, "--on", ""]), []);
});

test("zsh: the script is valid zsh, and offers what bash offers", { skip: has("zsh") ? false : "zsh is not installed (apt-get install -y zsh)" }, () => {
  const script = spawnSync(process.execPath, [cli, "completion", "zsh"], { encoding: "utf8" }).stdout;
  assert.match(script, /^#compdef ipvlab$/m);
  const n = spawnSync("zsh", ["-n"], { input: script, encoding: "utf8" });
  assert.equal(n.status, 0, n.stderr);
  // Outside compinit: compadd and _files print what they were given.
  const zsh = (words: string[]) => {
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const r = spawnSync(
      "zsh",
      ["-c", `compdef() {}; compadd() { [[ $1 == -a ]] && print -l -- "\${(@P)2}"; }; _files() { print -- "_files $*"; }; source <(ipvlab completion zsh); words=(ipvlab ${quoted}); CURRENT=${words.length + 1}; _ipvlab`],
      { env, encoding: "utf8" },
    );
    assert.equal(r.stderr, "");
    return r.stdout.split("\n").filter(Boolean);
  };
  assert.deepEqual(zsh(["trace", seed, "--on", ""]), seedLab.hosts.map((h) => h.name));
  assert.deepEqual(zsh(["run", ""]), ["_files -g *.(lab.yaml|sh)"]);
  assert.deepEqual(zsh(["ma"]), ["matrix"]);
});

test("fish: the script is valid fish, and offers what bash offers", { skip: has("fish") ? false : "fish is not installed (apt-get install -y fish)" }, () => {
  const file = join(dir, "ipvlab.fish");
  writeFileSync(file, spawnSync(process.execPath, [cli, "completion", "fish"], { encoding: "utf8" }).stdout);
  const n = spawnSync("fish", ["--no-execute", file], { encoding: "utf8" });
  assert.equal(n.status, 0, n.stderr);
  const fish = (line: string, cwd = packageRoot) => {
    const r = spawnSync("fish", ["--no-config", "-c", `source ${file}; complete -C ${JSON.stringify(line)}`], { cwd, env, encoding: "utf8" });
    assert.equal(r.stderr, "");
    return r.stdout.split("\n").filter(Boolean);
  };
  assert.deepEqual(fish(`ipvlab trace ${seed} --on `), seedLab.hosts.map((h) => h.name));
  assert.deepEqual(fish("ipvlab ma"), ["matrix"]);
  assert.deepEqual(fish(`ipvlab trace ${seed} --after ns01\\ reaches`).sort(), seedLab.steps.map((s) => s.name).filter((n) => n.startsWith("ns01 reaches")).sort());
  assert.ok(fish("ipvlab run ", join(packageRoot, "examples")).includes("seed-ipvlan-l2.lab.yaml"));
});
