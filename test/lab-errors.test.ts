/**
 * Mistakes in lab files: each gives exactly one diagnostic, at the key or value
 * that is wrong, saying what is wrong and what would be valid. Never a stack trace.
 *
 * The fixtures in test/fixtures/bad/ are the lab in BASE (or a part of it) with one
 * mistake each.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { formatDiagnostic, LabError, type LabDiagnostic } from "../src/lab/errors.js";
import { loadLabFile, MAX_LAB_BYTES, parseScriptLab, parseYamlLab, readError, readLabBytes } from "../src/lab/load.js";
import { plannedCommand, plannedSteps } from "../src/engines/planned.js";
import { lintLab } from "../src/engines/sim/script-lint.js";
import type { GoldenFile } from "../src/golden/golden.js";
import { labSchema } from "../src/lab/schema.js";
import { addLabKeywords, AJV_OPTIONS } from "../src/lab/validate.js";
import { packageRoot } from "../src/paths.js";

const badDir = join(packageRoot, "test", "fixtures", "bad");
const bad = (name: string) => join(badDir, name);
const cliPath = join(packageRoot, "dist", "src", "cli", "main.js");

/** The lab the fixtures were made from: valid, no warnings. */
const BASE = `name: bad-example
networks:
  lan: {}
hosts:
  vm01:
    interfaces: { eth0: { network: lan, mac: "00:0c:29:00:00:01" } }
    run: |
      ip addr add 10.0.0.1/24 dev eth0
      ip link set eth0 up
  vm02:
    interfaces: { eth0: { network: lan } }
    run: |
      ip addr add 10.0.0.2/24 dev eth0
      ip link set eth0 up
      ip link add link eth0 ipvl0 type ipvlan mode l2
      ip netns add ns01
      ip link set ipvl0 netns ns01
steps:
  - name: vm01 reaches vm02
    on: vm01
    run: ping -c 1 -W 1 10.0.0.2
    expect: ok
    capture: [vm02:eth0, vm02/ns01:ipvl0]
`;

/** Every diagnostic for a file: the errors thrown, or the warnings of a lab that loads. */
function diagnostics(load: () => { warnings: LabDiagnostic[] }): LabDiagnostic[] {
  try {
    return load().warnings;
  } catch (e) {
    if (!(e instanceof LabError)) throw new Error(`not a LabError: ${(e as Error).stack}`);
    assert.ok(e.diagnostics.length > 0, "a LabError carries at least one diagnostic");
    return e.diagnostics;
  }
}

function only(diags: LabDiagnostic[]): LabDiagnostic {
  assert.equal(diags.length, 1, `exactly one diagnostic, got:\n${diags.map(formatDiagnostic).join("\n")}`);
  return diags[0]!;
}

interface Case {
  /** A file in test/fixtures/bad/. */
  file: string;
  line: number;
  col: number;
  /** Substrings the message must contain: what is wrong, and what would be valid. */
  says: string[];
  severity?: "error" | "warning";
}

const cases: Case[] = [
  // YAML itself
  { file: "yaml-syntax.lab.yaml", line: 19, col: 11, says: ["YAML syntax", "never ends", 'add the closing "'] },
  { file: "yaml-colon-in-value.lab.yaml", line: 20, col: 10, says: ['": " inside a value', "put the value in quotes"] },
  { file: "yaml-bad-indent.lab.yaml", line: 20, col: 4, says: ["not lined up with the list item above it"] },
  { file: "tab-indent.lab.yaml", line: 6, col: 1, says: ["a tab in the indentation", "spaces"] },
  { file: "duplicate-key.lab.yaml", line: 10, col: 3, says: ['duplicate key "vm01" in hosts', "already on line 5"] },
  { file: "two-documents.lab.yaml", line: 18, col: 1, says: ["a second YAML document", "one document"] },
  { file: "alias-no-anchor.lab.yaml", line: 20, col: 9, says: ["alias *first refers to no anchor", "define &first"] },
  { file: "unknown-tag.lab.yaml", line: 20, col: 9, says: ["unknown YAML tag !host", "remove the tag"] },
  // the file as a whole
  { file: "empty.lab.yaml", line: 1, col: 1, says: ["the lab is empty", "hosts:"] },
  { file: "only-comments.lab.yaml", line: 1, col: 1, says: ["the lab is empty"] },
  { file: "top-level-list.lab.yaml", line: 1, col: 1, says: ["a lab is a map", "holds a list", 'remove the "- "'] },
  { file: "top-level-scalar.lab.yaml", line: 1, col: 1, says: ["a lab is a map with the keys name, ipv6, networks, hosts, steps, matrix", 'the text "ip link add'] },
  { file: "unknown-extension.lab.txt", line: 1, col: 1, says: ['".txt" is not a lab extension', "*.lab.yaml", "*.sh"] },
  // top level
  { file: "unknown-top-key.lab.yaml", line: 18, col: 1, says: ['unknown key "step"', 'did you mean "steps"', "valid keys: name, ipv6, networks, hosts, steps, matrix"] },
  { file: "name-invalid.lab.yaml", line: 1, col: 7, says: ['name "ipvlan L2 (same subnet)" is not valid', "letters, digits", '"ipvlan-L2-same-subnet"'] },
  { file: "ipv6-not-boolean.lab.yaml", line: 1, col: 7, says: ["ipv6 must be true or false", '"yes"', 'did you mean "true"'] },
  { file: "missing-hosts.lab.yaml", line: 1, col: 1, says: ["the lab has no hosts", "add hosts:"] },
  { file: "empty-hosts.lab.yaml", line: 2, col: 1, says: ["hosts is empty", "at least one host"] },
  { file: "hosts-list.lab.yaml", line: 5, col: 3, says: ["hosts must be a map of host names", "not a list", 'instead of "- ..."'] },
  { file: "host-at-top-level.lab.yaml", line: 18, col: 1, says: ['"vm03" is at the top level but looks like a host', "indent it under hosts:"] },
  { file: "hosts-empty-host-dedented.lab.yaml", line: 5, col: 1, says: ['"vm01" is at the top level but looks like a host'] },
  { file: "networks-key-misspelled.lab.yaml", line: 2, col: 1, says: ['unknown key "netwroks"', 'did you mean "networks"'] },
  { file: "network-at-top-level.lab.yaml", line: 2, col: 1, says: ['"lan" is at the top level', "indent it under networks:"] },
  // networks
  { file: "network-unused.lab.yaml", line: 4, col: 3, severity: "warning", says: ['network "wan" has no interface on it', "network: wan"] },
  { file: "network-name-invalid.lab.yaml", line: 4, col: 3, says: ['network name "my net" is not valid', '"my-net"'] },
  { file: "networks-list.lab.yaml", line: 2, col: 11, says: ["networks must be a map of network names to {}", "networks: {lan: {}}"] },
  { file: "network-options.lab.yaml", line: 3, col: 10, says: ['network lan has no option "vlan"', "hairpin", "lan: {}"] },
  // hosts
  { file: "host-name-invalid.lab.yaml", line: 10, col: 3, says: ['host name "vm 02" is not valid', '"vm-02"'] },
  { file: "host-name-too-long.lab.yaml", line: 10, col: 3, says: ["40 characters long", "at most 32"] },
  { file: "host-not-a-map.lab.yaml", line: 5, col: 9, says: ["host vm01 must be a map {interfaces, run}", "run: |"] },
  { file: "host-unknown-key.lab.yaml", line: 7, col: 5, says: ['unknown key "script" in host vm01', 'did you mean "run"', "valid keys: interfaces, run"] },
  { file: "host-step-key.lab.yaml", line: 10, col: 5, says: ['"expect" belongs to a step', "steps:"] },
  { file: "host-ipv6-key.lab.yaml", line: 10, col: 5, says: ["ipv6 is set for the whole lab", "top level"] },
  { file: "host-indented-too-far.lab.yaml", line: 8, col: 5, says: ['"vm02" has no value', '("interfaces", "run") repeat keys in hosts.vm01', "indented too far"] },
  { file: "host-run-list.lab.yaml", line: 8, col: 7, says: ["run of host vm01 must be text, not a list", "run: |"] },
  { file: "run-python.lab.yaml", line: 7, col: 10, says: ['names "python3"', "runs every script with bash"] },
  // interfaces
  { file: "interfaces-list.lab.yaml", line: 11, col: 17, says: ["interfaces of vm02 must be a map", "interfaces: {eth0: {network: lan}}"] },
  { file: "interface-string.lab.yaml", line: 11, col: 25, says: ["vm02:eth0 must be a map {network, mac}", "eth0: {network: lan}"] },
  { file: "interface-no-network.lab.yaml", line: 11, col: 19, says: ["vm02:eth0 has no network", "add network: lan"] },
  { file: "interface-mac-no-network.lab.yaml", line: 11, col: 27, says: ['unknown key "netwrk"', 'did you mean "network"', "valid keys: network, mac"] },
  { file: "interface-address-key.lab.yaml", line: 11, col: 41, says: ['vm02:eth0 takes no "address"', "run: script", "ip addr add"] },
  { file: "run-under-interfaces.lab.yaml", line: 8, col: 7, says: ['"run" is indented under interfaces: of vm01', "in line with interfaces:"] },
  { file: "unknown-network.lab.yaml", line: 11, col: 36, says: ['vm02:eth0 is on network "lam"', 'did you mean "lan"', "networks: lan"] },
  { file: "network-renamed.lab.yaml", line: 6, col: 36, says: ['vm01:eth0 is on network "lan"', 'did you mean "lan0"', "so are vm02:eth0 on line 11"] },
  { file: "no-networks-section.lab.yaml", line: 4, col: 36, says: ['on network "lan", but the lab has no networks', "networks: {lan: {}}"] },
  { file: "ifname-too-long.lab.yaml", line: 11, col: 19, says: ['"enp0s31f6-uplink0" is 17 characters long', "at most 15"] },
  { file: "ifname-slash.lab.yaml", line: 11, col: 19, says: ['"eth0/1" has a \'/\'', "letters, digits"] },
  { file: "ifname-colon.lab.yaml", line: 11, col: 19, says: ['"eth0:1" has a \':\'', "address label"] },
  { file: "ifname-lo.lab.yaml", line: 11, col: 19, says: ['interface "lo" on vm02', "already has its loopback"] },
  { file: "ifname-dash.lab.yaml", line: 11, col: 19, says: ["starts with '-'", "read as an option"] },
  // MACs
  { file: "mac-not-a-mac.lab.yaml", line: 6, col: 46, says: ['"00:0c:29:00:01", which is not a MAC address', "six two-digit hex bytes"] },
  { file: "mac-dashes.lab.yaml", line: 6, col: 46, says: ["with ':' between the bytes", '"00:0c:29:00:00:01"'] },
  { file: "mac-number.lab.yaml", line: 6, col: 46, says: ["must be in quotes", "reads 001122334455 as a number", 'mac: "00:11:22:33:44:55"'] },
  { file: "mac-multicast.lab.yaml", line: 6, col: 46, says: ["a multicast address", "unicast", '"00:00:5e:00:00:01"'] },
  { file: "broadcast-mac.lab.yaml", line: 6, col: 46, says: ["the broadcast address", "unicast"] },
  { file: "mac-zero.lab.yaml", line: 6, col: 46, says: ["all zeros", "Linux refuses"] },
  { file: "mac-twice.lab.yaml", line: 11, col: 46, says: ["mac of vm02:eth0", "which vm01:eth0 (line 6) already has"] },
  // steps
  { file: "steps-not-a-list.lab.yaml", line: 19, col: 3, says: ["steps must be a list, not a map", '"- "'] },
  { file: "step-is-a-string.lab.yaml", line: 19, col: 5, says: ["step 1 must be a map", '- {on: vm01, run: "ip -br addr"}'] },
  { file: "step-empty.lab.yaml", line: 20, col: 3, says: ["step 2 is empty", "matrix: LABEL"] },
  { file: "step-unknown-host.lab.yaml", line: 20, col: 9, says: ['step 1 runs on "vm1", which is not a host', 'did you mean "vm01"', "hosts: vm01, vm02"] },
  { file: "host-renamed.lab.yaml", line: 22, col: 15, says: ['no host "vm02"', '"vm2"', "also used on line 23"] },
  { file: "step-missing-on.lab.yaml", line: 19, col: 5, says: ['has no "on"', "hosts: vm01, vm02"] },
  { file: "step-missing-run.lab.yaml", line: 19, col: 5, says: ['has no "run"', "run: COMMAND"] },
  { file: "step-missing-on-and-run.lab.yaml", line: 19, col: 5, says: ['has no "on" and no "run"', "matrix: LABEL"] },
  { file: "step-host-as-key.lab.yaml", line: 19, col: 5, says: ['"vm01" is a host', "on: vm01"] },
  { file: "step-on-list.lab.yaml", line: 20, col: 9, says: ["runs on one host, not a list", "one step for each host"] },
  { file: "on-runs-into-next-line.lab.yaml", line: 20, col: 9, says: ["runs on into the next line", '"run:" missing on line 21'] },
  { file: "step-unknown-key.lab.yaml", line: 22, col: 5, says: ['unknown key "expected" in step 1', 'did you mean "expect"', "valid keys: name, on, run, expect"] },
  { file: "step-synonym-key.lab.yaml", line: 20, col: 5, says: ['unknown key "host" in step 1', 'did you mean "on"'] },
  { file: "matrix-key-misspelled.lab.yaml", line: 19, col: 5, says: ['unknown key "matirx"', 'did you mean "matrix"'] },
  { file: "expect-invalid.lab.yaml", line: 22, col: 13, says: ['expect of step 1 is the text "success"', "ok (the command exits 0) or fail", 'did you mean "ok"'] },
  { file: "expect-boolean.lab.yaml", line: 22, col: 13, says: ["expect of step 1 is true", 'did you mean "ok"'] },
  { file: "run-list.lab.yaml", line: 21, col: 10, says: ["run of step 1 must be text, not a list", "run: |"] },
  { file: "run-boolean.lab.yaml", line: 21, col: 10, says: ["must be text, not true", 'run: "true"'] },
  { file: "run-empty.lab.yaml", line: 21, col: 10, says: ["run of step 1 is empty"] },
  { file: "timeout-zero.lab.yaml", line: 22, col: 14, says: ["more than 0 and at most 600", "not the number 0"] },
  { file: "timeout-negative.lab.yaml", line: 22, col: 14, says: ["not the number -5"] },
  { file: "timeout-string.lab.yaml", line: 22, col: 14, says: ['not the text "30s"', "timeout: 30"] },
  { file: "timeout-too-long.lab.yaml", line: 22, col: 14, says: ["at most 600", "not the number 3600"] },
  { file: "matrix-with-run.lab.yaml", line: 20, col: 5, says: ["step 1 is a matrix", 'takes no "on"'] },
  { file: "matrix-label-true.lab.yaml", line: 19, col: 13, says: ["matrix label of step 1 must be text, not true"] },
  { file: "matrix-label-empty.lab.yaml", line: 19, col: 5, says: ["matrix label of step 1 is empty", "matrix: before host routes"] },
  // captures
  { file: "capture-malformed.lab.yaml", line: 22, col: 15, says: ['capture "vm02-eth0" in step 1 is not host:dev or host/netns:dev'] },
  { file: "capture-host-only.lab.yaml", line: 22, col: 15, says: ["vm02 is a host: name a device too", "vm02:eth0", "it has: eth0, ipvl0"] },
  { file: "capture-space-after-colon.lab.yaml", line: 22, col: 15, says: ["no space after ':'", "write vm02:eth0"] },
  { file: "capture-not-a-list.lab.yaml", line: 22, col: 14, says: ["capture of step 1 must be a list", "capture: [vm02:eth0]"] },
  { file: "capture-unknown-host.lab.yaml", line: 22, col: 15, says: ['no host "vm03"', "hosts: vm01, vm02"] },
  { file: "capture-unknown-interface.lab.yaml", line: 22, col: 15, says: ['vm02 has no interface "eth1"', 'did you mean "eth0"', "it has: eth0, ipvl0"] },
  { file: "capture-unknown-netns.lab.yaml", line: 22, col: 15, says: ['never creates a namespace "ns02"', 'did you mean "ns01"', "its scripts create: ns01"] },
  { file: "capture-twice.lab.yaml", line: 22, col: 26, says: ['capture "vm02:eth0" is listed twice in step 1'] },
  // shell-script labs
  { file: "script-empty.sh", line: 1, col: 1, says: ["only comments", "write the commands"] },
  { file: "script-python.sh", line: 1, col: 3, says: ['names "python3"', "bash"] },
  { file: "script-crlf.sh", line: 1, col: 30, says: ["carriage return", '"dummy\\r"', "Unix line endings"] },
];

describe("one mistake, one diagnostic, at the right place", () => {
  for (const c of cases) {
    test(c.file, () => {
      const file = bad(c.file);
      const d = only(diagnostics(() => loadLabFile(file)));
      assert.equal(d.severity, c.severity ?? "error");
      assert.equal(d.pos.file, file);
      assert.deepEqual([d.pos.line, d.pos.col], [c.line, c.col], d.message);
      for (const s of c.says) assert.ok(d.message.includes(s), `${JSON.stringify(d.message)} should include ${JSON.stringify(s)}`);
    });
  }
});

test("the fixtures are exactly the cases", () => {
  assert.ok(cases.length >= 30);
  assert.deepEqual(readdirSync(badDir).sort(), cases.map((c) => c.file).sort());
  assert.equal(new Set(cases.map((c) => c.file)).size, cases.length, "no fixture is listed twice");
});

test("the lab the fixtures come from is valid", () => {
  const { lab, warnings } = parseYamlLab("base.lab.yaml", BASE);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    lab.hosts.map((h) => [h.name, h.interfaces.map((i) => `${i.name}@${i.network}`)]),
    [
      ["vm01", ["eth0@lan"]],
      ["vm02", ["eth0@lan"]],
    ],
  );
  assert.equal(lab.hosts[0]!.interfaces[0]!.mac, "00:0c:29:00:00:01");
  assert.match(lab.hosts[1]!.interfaces[0]!.mac, /^02(:[0-9a-f]{2}){5}$/, "a derived MAC is locally administered unicast");
  const step = lab.steps[0]!;
  assert.equal(step.kind, "check");
  assert.deepEqual(step.kind === "check" && step.capture.map((c) => [c.host, c.netns, c.dev]), [
    ["vm02", null, "eth0"],
    ["vm02", "ns01", "ipvl0"],
  ]);
});

test("the JSON Schema given to editors agrees with the checker", () => {
  const validate = addLabKeywords(new Ajv({ ...AJV_OPTIONS, strict: true })).compile(labSchema);
  const example = readFileSync(join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml"), "utf8");
  for (const text of [BASE, example]) assert.ok(validate(parse(text)), JSON.stringify(validate.errors));
  const schemaLevel = ["unknown-top-key", "ipv6-not-boolean", "network-options", "host-unknown-key", "ifname-too-long", "ifname-lo", "ifname-colon", "mac-not-a-mac", "step-unknown-key", "expect-invalid", "timeout-zero", "run-list", "capture-malformed"];
  for (const f of schemaLevel) assert.equal(validate(parse(readFileSync(bad(`${f}.lab.yaml`), "utf8"))), false, f);
});

test("independent mistakes are all reported, in file order", () => {
  const text = BASE.replace("on: vm01", "on: vm03").replace("network: lan }", "network: lam }").replace("expect: ok", "expect: maybe");
  const diags = diagnostics(() => parseYamlLab("three.lab.yaml", text));
  assert.deepEqual(
    diags.map((d) => `${d.pos.line}:${d.pos.col}`),
    ["11:36", "20:9", "22:13"],
    diags.map(formatDiagnostic).join("\n"),
  );
  assert.ok(diags.every((d) => d.severity === "error"));
});

test("text given straight to the parsers", async (t) => {
  const one = (text: string) => only(diagnostics(() => parseYamlLab("x.lab.yaml", text)));
  await t.test("a tab in a flow map line is fine; a tab as indentation is not", () => {
    assert.deepEqual(diagnostics(() => parseYamlLab("x.lab.yaml", "hosts: {a: {}}\t# tab before a comment\n")), []);
    const d = one("hosts:\n\ta: {}\n");
    assert.deepEqual([d.pos.line, d.pos.col], [2, 1]);
    assert.match(d.message, /tab in the indentation/);
  });
  await t.test("Windows line endings and a byte-order mark are read as YAML always reads them", () => {
    const { lab } = parseYamlLab("x.lab.yaml", "\ufeff" + BASE.replace(/\n/g, "\r\n"));
    assert.equal(lab.hosts[0]!.run, "ip addr add 10.0.0.1/24 dev eth0\nip link set eth0 up\n");
  });
  await t.test("binary junk", () => {
    const d = only(diagnostics(() => parseYamlLab("x.lab.yaml", "\u007fELF\u0002\u0001\u0001\u0000\u0000garbage")));
    assert.deepEqual([d.pos.line, d.pos.col], [1, 8]);
    assert.match(d.message, /binary file/);
    assert.match(only(diagnostics(() => parseScriptLab("x.sh", "ls\u0000"))).message, /binary file/);
  });
  await t.test("YAML null at the top level", () => {
    assert.match(one("~\n").message, /the lab is empty/);
  });
  await t.test("an alias to its own ancestor does not loop", () => {
    assert.match(one("hosts: &x {a: *x}\n").message, /unknown key "a" in host a/);
  });
  await t.test("numbers written as names are taken as written", () => {
    const { lab } = parseYamlLab("x.lab.yaml", "networks: {10: {}}\nhosts:\n  01: {interfaces: {eth0: {network: 10}}}\nsteps: [{on: 01, run: ip a}]\n");
    assert.equal(lab.hosts[0]!.name, "01");
    assert.equal(lab.hosts[0]!.interfaces[0]!.network, "10");
  });
  await t.test("the same MAC three times: two mistakes, each naming the first", () => {
    const mac = '"02:00:00:00:00:01"';
    const diags = diagnostics(() =>
      parseYamlLab("x.lab.yaml", `networks: {lan: {}}\nhosts:\n  a:\n    interfaces:\n      e0: {network: lan, mac: ${mac}}\n      e1: {network: lan, mac: ${mac}}\n      e2: {network: lan, mac: ${mac}}\n`),
    );
    assert.deepEqual(
      diags.map((d) => [d.pos.line, /a:e0 \(line 5\)/.test(d.message)]),
      [
        [6, true],
        [7, true],
      ],
    );
  });
  await t.test("a valid shell-script lab", () => {
    const { lab } = parseScriptLab("dir/my lab.sh", "#!/bin/bash\nip link add d0 type dummy\n");
    assert.equal(lab.name, "my-lab");
    assert.equal(lab.steps[0]!.kind, "matrix");
  });
});

describe("files that cannot be labs", () => {
  const dir = mkdtempSync(join(tmpdir(), "ipvlab-lab-errors-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: string | Uint8Array) => {
    const f = join(dir, name);
    writeFileSync(f, data);
    return f;
  };

  test("a directory lists the labs in it", () => {
    const sub = join(dir, "labs");
    mkdirSync(sub);
    writeFileSync(join(sub, "a.lab.yaml"), BASE);
    const d = only(diagnostics(() => loadLabFile(sub)));
    assert.deepEqual([d.pos.file, d.pos.line, d.pos.col], [sub, 1, 1]);
    assert.match(d.message, /is a directory, not a lab/);
    assert.ok(d.message.includes(join(sub, "a.lab.yaml")), d.message);
  });
  test("a missing file suggests a near name", () => {
    write("ipvlan-l2.lab.yaml", BASE);
    const d = only(diagnostics(() => loadLabFile(join(dir, "ipvlan-l3.lab.yaml"))));
    assert.match(d.message, /no such file/);
    assert.ok(d.message.includes(`did you mean ${join(dir, "ipvlan-l2.lab.yaml")}?`), d.message);
  });
  test("a binary file", () => {
    const f = write("core.lab.yaml", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x0a, 0x02, 0x00, 0x01]));
    const d = only(diagnostics(() => loadLabFile(f)));
    assert.deepEqual([d.pos.line, d.pos.col], [2, 2]);
    assert.match(d.message, /binary file/);
  });
  test("a file that is not UTF-8", () => {
    const f = write("latin1.lab.yaml", Uint8Array.from([...Buffer.from("name: caf"), 0xe9, 0x0a]));
    const d = only(diagnostics(() => loadLabFile(f)));
    assert.deepEqual([d.pos.line, d.pos.col], [1, 10]);
    assert.match(d.message, /not UTF-8/);
  });
  test("an unreadable file", { skip: process.getuid?.() === 0 ? "root reads every file" : false }, () => {
    const f = write("secret.lab.yaml", BASE);
    chmodSync(f, 0o000);
    assert.match(only(diagnostics(() => loadLabFile(f))).message, /permission denied/);
  });
  test("the message for a permission error", () => {
    const e = Object.assign(new Error("EACCES: permission denied, open 'x.lab.yaml'"), { code: "EACCES" });
    assert.match(only(readError("x.lab.yaml", e).diagnostics).message, /cannot read the lab: permission denied/);
    const other = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    assert.equal(only(readError("x.lab.yaml", other).diagnostics).message, "cannot read the lab: i/o error");
  });
  test("a FIFO, a link to /dev/zero and a file over 1 MiB are refused without reading them", () => {
    const fifo = join(dir, "pipe.lab.yaml");
    execFileSync("mkfifo", [fifo]);
    const zero = join(dir, "zero.lab.yaml");
    symlinkSync("/dev/zero", zero);
    const big = write("big.lab.yaml", "#".repeat(MAX_LAB_BYTES + 1));
    // In a child with a time limit: a read of either of the first two never ends.
    const r = spawnSync(process.execPath, [cliPath, "check", fifo, zero, big], { encoding: "utf8", timeout: 20_000 });
    assert.equal(r.signal, null, "ipvlab check ended by itself");
    assert.equal(r.status, 2, r.stderr);
    assert.deepEqual(r.stderr.trimEnd().split("\n"), [
      `${fifo}:1:1: error: is a named pipe (FIFO), not a lab file: give a regular file`,
      `${zero}:1:1: error: is a character device (a link to /dev/zero), not a lab file: give a regular file`,
      `${big}:1:1: error: is 1.0 MiB; a lab file is at most 1 MiB (is it a lab at all?)`,
    ]);
  });
  test("a lab of exactly 1 MiB is read", () => {
    const text = "name: big-comment\nhosts: { a: {} }\n";
    const f = write("max.lab.yaml", text + "#".repeat(MAX_LAB_BYTES - text.length - 1) + "\n");
    assert.equal(readLabBytes(f).length, MAX_LAB_BYTES);
    assert.equal(loadLabFile(f).lab.name, "big-comment");
  });
  test("a script without an extension is a lab when it starts with #!", () => {
    const f = write("lab-script", "#!/bin/sh\nip link add d0 type dummy\n");
    assert.equal(loadLabFile(f).lab.hosts[0]!.run, "#!/bin/sh\nip link add d0 type dummy\n");
  });
});

test("random damage to labs never gives anything but LabError diagnostics", () => {
  // A fixed pseudo-random sequence, so that a failure can be reproduced.
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const sources = [BASE, ...["host-renamed.lab.yaml", "capture-unknown-netns.lab.yaml", "network-unused.lab.yaml"].map((f) => readFileSync(bad(f), "utf8"))];
  const bits = [":", "- ", '"', "'", "{", "}", "[", "]", "*a", "&a", "!x", "\n", "  ", "\t", "~", "true", "-1", "<<: ", "? ", "|", "#", "\r", "---\n", "\u0000", ".nan"];
  let errors = 0;
  for (let i = 0; i < 2000; i++) {
    let text = sources[rnd(sources.length)]!;
    for (let k = 1 + rnd(3); k > 0; k--) {
      const p = rnd(text.length + 1);
      text = rnd(3) === 0 ? text.slice(0, p) + text.slice(p + 1 + rnd(6)) : text.slice(0, p) + bits[rnd(bits.length)] + text.slice(p);
    }
    const lines = text.split("\n").length;
    for (const parse of [parseYamlLab, parseScriptLab]) {
      let diags: LabDiagnostic[];
      try {
        diags = parse("fuzz.lab.yaml", text).warnings;
      } catch (e) {
        assert.ok(e instanceof LabError, `${(e as Error).stack}\nfor ${JSON.stringify(text)}`);
        diags = e.diagnostics;
        errors++;
      }
      const seen = new Set<string>();
      for (const d of diags) {
        assert.ok(d.pos.line >= 1 && d.pos.line <= lines && d.pos.col >= 1 && d.message, `${formatDiagnostic(d)} for ${JSON.stringify(text)}`);
        const key = formatDiagnostic(d);
        assert.ok(!seen.has(key), `reported twice: ${key}`);
        seen.add(key);
      }
    }
  }
  assert.ok(errors > 1500, `the damage was found (${errors} labs with errors)`);
});

describe("ipvlab check", () => {
  const check = (...files: string[]) => {
    const r = spawnSync(process.execPath, [cliPath, "check", ...files], { cwd: packageRoot, encoding: "utf8" });
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
    return r;
  };
  const rel = (name: string) => join("test", "fixtures", "bad", name);

  for (const [name, where, words] of [
    ["yaml-syntax.lab.yaml", "19:11", "never ends"],
    ["step-unknown-host.lab.yaml", "20:9", 'did you mean "vm01"'],
    ["capture-unknown-interface.lab.yaml", "22:15", "it has: eth0, ipvl0"],
    ["top-level-list.lab.yaml", "1:1", "a lab is a map"],
    ["tab-indent.lab.yaml", "6:1", "a tab in the indentation"],
    ["unknown-extension.lab.txt", "1:1", "not a lab file"],
    ["script-empty.sh", "1:1", "only comments"],
  ] as const) {
    test(`${name}: exit 2, file:line:col: error: message`, () => {
      const r = check(rel(name));
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.startsWith(`${rel(name)}:${where}: error: `), r.stderr);
      assert.ok(lines[0]!.includes(words), r.stderr);
    });
  }

  test("a warning does not stop a lab: exit 0", () => {
    const r = check(rel("network-unused.lab.yaml"));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stderr.startsWith(`${rel("network-unused.lab.yaml")}:4:3: warning: `), r.stderr);
    assert.match(r.stdout, /: ok/);
  });

  test("a directory, a missing file, an empty file and binary junk: exit 2, no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "ipvlab-check-"));
    try {
      const junk = join(dir, "junk.lab.yaml");
      writeFileSync(junk, Uint8Array.from({ length: 256 }, (_, i) => (i * 37) % 256));
      const empty = join(dir, "empty.sh");
      writeFileSync(empty, "");
      const r = check(dir, join(dir, "nope.lab.yaml"), empty, junk);
      assert.equal(r.status, 2);
      const lines = r.stderr.trimEnd().split("\n");
      assert.deepEqual(
        lines.map((l) => l.replace(/: error: .*/, "")),
        [`${dir}:1:1`, `${join(dir, "nope.lab.yaml")}:1:1`, `${empty}:1:1`, `${junk}:1:1`],
        r.stderr,
      );
      assert.match(lines[0]!, /is a directory/);
      assert.match(lines[1]!, /no such file/);
      assert.match(lines[2]!, /script is empty/);
      assert.match(lines[3]!, /binary file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("what the scripts say, read without running them: a line bash cannot parse and an ip command iproute2 refuses are errors (exit 2); a tool the simulator lacks, a ping that never ends, a namespace never made are warnings", () => {
    const honest = (name: string) => join("test", "labs", "honest", name);
    const typos = check(honest("typos.lab.yaml"));
    assert.equal(typos.status, 2, typos.stderr);
    assert.deepEqual(
      typos.stderr.trimEnd().split("\n").map((l) => l.replace(/: iproute2 refuses this: .*/, "")),
      [12, 13, 14].map((line) => `${honest("typos.lab.yaml")}:${line}:7: error`),
    );
    assert.match(typos.stderr, /:12:7: error: iproute2 refuses this: Object "lnk" is unknown, try "ip help"\.$/m);
    assert.match(typos.stdout, /typos\.lab\.yaml: 3 problems — typos: /);
    const cannot = check(honest("commands-that-cannot-run.lab.yaml"));
    assert.equal(cannot.status, 2);
    assert.deepEqual(
      cannot.stderr.trimEnd().split("\n").map((l) => /:(\d+):\d+: (error|warning): /.exec(l)?.slice(1).join(" ")),
      ["16 warning", "20 warning", "24 warning", "30 warning", "36 error"],
      cannot.stderr,
    );
    assert.match(cannot.stderr, /:30:7: warning: arping without -c never ends: it will be killed at the step's timeout \(3 s\); add -c N$/m);
    assert.match(cannot.stderr, /:24:10: warning: no `ip netns add ns02` on a: /m);
  });

  test("every example reads clean", () => {
    const files = readdirSync(join(packageRoot, "examples")).filter((f) => f.endsWith(".lab.yaml")).map((f) => join("examples", f));
    const r = check(...files);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
  });

  test("in the recorded corpus, every command check calls an error failed on the real kernel too", () => {
    const dirs = ["core", "vlan"];
    let held = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(join(packageRoot, "test", "labs", dir)).filter((x) => x.endsWith(".lab.yaml"))) {
        const lab = loadLabFile(join(packageRoot, "test", "labs", dir, f)).lab;
        const golden = JSON.parse(readFileSync(join(packageRoot, "test", "golden", dir, `${lab.name}.json`), "utf8")) as GoldenFile;
        const plan = plannedSteps(lab);
        for (const d of lintLab(lab).filter((x) => x.severity === "error")) {
          // The step whose script holds the line, and the line within it.
          const i = plan.findIndex((p) => plannedCommand(p)?.runLines.some((l) => l.line === d.pos.line));
          const at = plannedCommand(plan[i]!)!.runLines.findIndex((l) => l.line === d.pos.line) + 1;
          const step = golden.result.steps[i];
          if (!step || step.kind === "matrix" || !Array.isArray(step.failures)) continue;
          assert.ok(step.failures.some((x) => x.line === at), `${f}:${d.pos.line}: ${d.message}, but the kernel ran it`);
          held++;
        }
      }
    }
    assert.ok(held > 0, "the corpus has commands iproute2 refuses, recorded with their failures");
  });

  test("good and bad labs together: only the bad one's errors, exit 2", () => {
    const r = check(join("examples", "seed-ipvlan-l2.lab.yaml"), rel("mac-twice.lab.yaml"));
    assert.equal(r.status, 2);
    assert.deepEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.ok(r.stderr.startsWith(`${rel("mac-twice.lab.yaml")}:11:46: error: `), r.stderr);
  });
});

test("a capture on lo is valid in any namespace a host has", () => {
  const text = [
    "hosts:",
    "  vm02:",
    "    run: ip netns add ns01",
    "steps:",
    "  - on: vm02",
    "    run: ping -c 1 127.0.0.1",
    "    capture: [vm02:lo, vm02/ns01:lo]",
  ].join("\n");
  const { lab } = parseYamlLab("lo.lab.yaml", text);
  const step = lab.steps[0]!;
  assert.ok(step.kind !== "matrix");
  assert.deepEqual(step.capture.map((c) => c.id), ["vm02:lo", "vm02/ns01:lo"]);
});
