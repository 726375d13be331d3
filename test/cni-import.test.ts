import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { SimEngine } from "../src/engines/sim.js";
import type { LabResult, MatrixResult } from "../src/engines/result.js";
import { LabError } from "../src/lab/errors.js";
import { importFile } from "../src/lab/import/index.js";
import { parseYamlLab } from "../src/lab/parse.js";
import { packageRoot } from "../src/paths.js";
import { jsonSyntaxError } from "../src/userland/cni/gojson.js";
import { printResult } from "../src/userland/cni/result.js";

async function runLab(file: string, text: string): Promise<LabResult> {
  const [r] = await new SimEngine().runMany([parseYamlLab(file, text).lab]);
  return r!;
}

function cell(m: MatrixResult, from: string, to: string): boolean {
  const c = m.cells.find((x) => x.from === from && x.to === to);
  assert.ok(c, `${from} -> ${to}`);
  return c.ok;
}

describe("CNI: Go's texts", () => {
  test("encoding/json's scanner errors, as the plugins print them", () => {
    assert.equal(jsonSyntaxError('{"name":"n"'), "unexpected end of JSON input");
    assert.equal(jsonSyntaxError('{"name" "n"}'), "invalid character '\"' after object key");
    assert.equal(jsonSyntaxError("{name}"), "invalid character 'n' looking for beginning of object key string");
    assert.equal(jsonSyntaxError('{"a":1,}'), "invalid character '}' looking for beginning of object key string");
    assert.equal(jsonSyntaxError('{"a":1} x'), "invalid character 'x' after top-level value");
    assert.equal(jsonSyntaxError('{"a":tru}'), "invalid character '}' in literal true (expecting 'e')");
    assert.equal(jsonSyntaxError('{"a":[1 2]}'), "invalid character '2' after array element");
    assert.equal(jsonSyntaxError('{"a":{"b":1}}'), null);
  });

  test("one result in each CNI version: 1.0.0 plain, 0.4.0 with the family, 0.2.0 as ip4", () => {
    const r = { interfaces: [{ name: "eth0", mac: "02:00:00:00:00:01", sandbox: "/run/netns/p" }], ips: [{ interface: 0, address: "10.0.0.5/24", gateway: "10.0.0.1" }], routes: [{ dst: "0.0.0.0/0" }], dns: {} };
    assert.deepEqual(JSON.parse(printResult(r, "1.0.0")).ips, [{ interface: 0, address: "10.0.0.5/24", gateway: "10.0.0.1" }]);
    assert.deepEqual(Object.keys(JSON.parse(printResult(r, "0.4.0")).ips[0]), ["version", "interface", "address", "gateway"]);
    assert.deepEqual(JSON.parse(printResult(r, "0.2.0")), { cniVersion: "0.2.0", ip4: { ip: "10.0.0.5/24", gateway: "10.0.0.1", routes: [{ dst: "0.0.0.0/0" }] }, dns: {} });
    assert.match(printResult(r, "1.0.0"), /^\{\n {4}"cniVersion": "1.0.0",\n/);
  });
});

describe("CNI: the simulated plugins in a lab", () => {
  const lab = (steps: string) => `
name: cni-unit
hosts:
  node:
    interfaces: {}
    run: |
      ip link add eth0 type dummy
      ip addr add 10.9.0.2/24 dev eth0
      ip link set eth0 up
      for p in a b c; do ip netns add $p; done
steps:
${steps}`;

  test("host-local hands out addresses in order, skips the gateway, keeps a freed one until it wraps", async () => {
    const conf = `'{"cniVersion":"1.0.0","name":"t","type":"ipvlan","master":"eth0","ipam":{"type":"host-local","subnet":"10.9.0.0/24","rangeStart":"10.9.0.1","rangeEnd":"10.9.0.3"}}'`;
    const r = await runLab(
      "u.lab.yaml",
      lab(`  - on: node
    run: |
      ipvlab cni add a ${conf} | grep address
      ipvlab cni add b ${conf} | grep address
      ipvlab cni del a ${conf}
      ipvlab cni add c ${conf} | grep address
      cat /var/lib/cni/networks/t/last_reserved_ip.0`),
    );
    const step = r.steps.at(-1)!;
    assert.ok(step.kind !== "matrix");
    assert.deepEqual(
      step.stdout.split("\n").map((l) => l.trim()).filter(Boolean),
      ['"address": "10.9.0.2/24",', '"address": "10.9.0.3/24",', '"address": "10.9.0.2/24",', "10.9.0.2"],
    );
  });

  test("the plugin's error is JSON on stdout, exit 1; CHECK finds what changed", async () => {
    const conf = `'{"cniVersion":"1.0.0","name":"t","type":"ipvlan","master":"eth0","mode":"l2","ipam":{"type":"host-local","subnet":"10.9.0.0/24"}}'`;
    const r = await runLab(
      "u.lab.yaml",
      lab(`  - on: node
    run: |
      ipvlab cni add a '{"cniVersion":"1.0.0","name":"t","type":"ipvlan","master":"eth7"}'; echo "rc=$?"
      ipvlab cni add a ${conf} > /dev/null
      ipvlab cni check a ${conf}; echo "rc=$?"
      ip -n a link set eth0 type ipvlan mode l3
      ipvlab cni check a ${conf}; echo "rc=$?"`),
    );
    const step = r.steps.at(-1)!;
    assert.ok(step.kind !== "matrix");
    assert.match(step.stdout, /"code": 999,\n {4}"msg": "failed to lookup master \\"eth7\\": Link not found"\n\}\nrc=1\nrc=0\n/);
    assert.match(step.stdout, /Container IPVlan mode l3 does not match expected value: l2"\n\}\nrc=1\n$/);
  });
});

describe("CNI: a conflist chained as libcni does", () => {
  test("tuning gets macvlan's result as prevResult, CHECK finds the MTU changed, DEL restores before macvlan deletes", async () => {
    const list = `'{"cniVersion":"1.0.0","name":"l","plugins":[{"type":"macvlan","master":"eth0","ipam":{"type":"static","addresses":[{"address":"10.9.0.7/24"}]}},{"type":"tuning","mtu":1400,"mac":"02:00:00:00:bb:01"}]}'`;
    const r = await runLab(
      "u.lab.yaml",
      `
name: cni-list
hosts:
  node:
    interfaces: {}
    run: |
      ip link add eth0 type dummy
      ip link set eth0 up
      ip netns add a
steps:
  - on: node
    run: |
      ipvlab cni add a ${list} | grep '"mac"'
      ip -n a link show eth0 | grep -o 'mtu [0-9]*'
      ipvlab cni check a ${list}; echo "rc=$?"
      ip -n a link set eth0 mtu 1500
      ipvlab cni check a ${list} 2>&1; echo "rc=$?"
      ipvlab cni del a ${list}; echo "rc=$?"
      ip -n a -br link | grep -c eth0`,
    );
    const step = r.steps.at(-1)!;
    assert.ok(step.kind !== "matrix");
    assert.match(step.stdout, /^ +"mac": "02:00:00:00:bb:01",\nmtu 1400\nrc=0\n/);
    assert.match(step.stdout, /"msg": "Error: Tuning configured MTU of eth0 is 1400, current value is 1500"\n\}\nipvlab cni: plugin type="tuning" failed \(check\)\nrc=1\nrc=0\n0\n$/);
  });
});

describe("docker: the gateway endpoint", () => {
  test("the default route of each family follows libnetwork's order (non-internal, dual-stack, network name), and moves back on disconnect", async () => {
    const r = await runLab(
      "d.lab.yaml",
      `
name: docker-gw
ipv6: true
hosts:
  dh:
    interfaces: {}
    run: |
      ip link add eth0 type dummy
      ip link set eth0 up
steps:
  - on: dh
    run: |
      docker network create -d macvlan --subnet 10.1.0.0/24 -o parent=eth0 bnet > /dev/null
      docker network create -d macvlan --subnet 10.2.0.0/24 --ipv6 --subnet fd00:2::/64 -o parent=eth0 anet > /dev/null
      docker run -d --name c --network bnet alpine > /dev/null
      docker exec c ip route show default
      docker network connect anet c
      docker exec c ip route show default
      docker exec c ip -6 route show default
      docker network disconnect anet c
      docker exec c ip route show default
      docker exec c ip -6 route show default | wc -l`,
    );
    const step = r.steps.at(-1)!;
    assert.ok(step.kind !== "matrix");
    assert.equal(step.stdout, "default via 10.1.0.1 dev eth0 \ndefault via 10.2.0.1 dev eth1 \ndefault via fd00:2::1 dev eth1 metric 1024 pref medium\ndefault via 10.1.0.1 dev eth0 \n0\n");
  });
});

describe("ipvlab import", () => {
  const example = (f: string) => join(packageRoot, "examples", "import", f);

  test("a Compose macvlan network: the host cannot reach its containers, the router and the containers reach each other", async () => {
    const file = example("macvlan-host-isolation.compose.yaml");
    const { kind, lab } = importFile("compose.yaml", readFileSync(file, "utf8"));
    assert.equal(kind, "compose");
    assert.match(lab, /# service web \(compose\.yaml:5\): container web/);
    assert.match(lab, /ip -n web addr add 192\.168\.1\.20\/24 dev eth0/);
    // Docker's IPAM: the first address of the ip_range.
    assert.match(lab, /ip -n db addr add 192\.168\.1\.32\/24 dev eth0/);
    const r = await runLab("compose.lab.yaml", lab);
    const m = r.steps.find((s): s is MatrixResult => s.kind === "matrix")!;
    assert.equal(cell(m, "docker:eth0", "docker/web:eth0"), false);
    assert.equal(cell(m, "docker/web:eth0", "router:eth0"), true);
    assert.equal(cell(m, "docker/web:eth0", "docker/db:eth0"), true);
  });

  test("a dual-stack Compose network: IPv6 addresses with nodad, from the file or Docker's IPAM, and the IPv6 default route", async () => {
    const file = example("dual-stack-macvlan.compose.yaml");
    const { lab } = importFile("compose.yaml", readFileSync(file, "utf8"));
    assert.match(lab, /^ipv6: true$/m);
    assert.match(lab, /ip -n web -6 addr add 2001:db8:5::20\/64 dev eth0 nodad\n/);
    // Docker's IPAM skips the Subnet-Router anycast address and the gateway.
    assert.match(lab, /ip -n db -6 addr add 2001:db8:5::2\/64 dev eth0 nodad/);
    assert.match(lab, /ip -n db -6 route add default via 2001:db8:5::1 dev eth0/);
    const r = await runLab("compose.lab.yaml", lab.replace("steps:\n", "steps:\n  - on: docker\n    run: sleep 2\n  - name: v6\n    on: docker\n    run: ip netns exec web ping -6 -c 1 -W 1 2001:db8:5::2\n    expect: ok\n"));
    const step = r.steps.find((x) => x.name === "v6")!;
    assert.ok(step.kind !== "matrix" && step.ok, "web reaches db over IPv6");
    const v4only = readFileSync(file, "utf8").replace("    enable_ipv6: true\n", "");
    assert.throws(() => importFile("c.yaml", v4only), (e: unknown) => e instanceof LabError && /^c\.yaml:12:\d+: error: invalid endpoint settings:\nno configured subnet contains IP address 2001:db8:5::20/.test(e.message));
  });

  test("mistakes are reported at their line, exit 2", () => {
    const bad = `services:\n  a:\n    networks:\n      n:\n        ipv4_address: 10.1.0.5\nnetworks:\n  n:\n    driver: macvlan\n    driver_opts: { parent: eth0, macvlan_mode: vepa2 }\n    ipam: { config: [ { subnet: 10.2.0.0/24 } ] }\n`;
    assert.throws(() => importFile("c.yaml", bad), (e: unknown) => e instanceof LabError && /^c\.yaml:9:\d+: error: requested macvlan mode 'vepa2' is not valid/.test(e.message));
    const outside = bad.replace("vepa2", "bridge");
    assert.throws(() => importFile("c.yaml", outside), (e: unknown) => e instanceof LabError && /^c\.yaml:5:\d+: error: Invalid address 10\.1\.0\.5: It does not belong to any of this network's subnets/.test(e.message));
    assert.throws(() => importFile("c.yaml", "services: {}\nnetworks: { n: { driver: bridge } }\n"), /no network with driver macvlan or ipvlan/);
  });

  test("a NetworkAttachmentDefinition: each pod gets it as net1, named after the NAD when its config has no name", () => {
    const { kind, lab } = importFile("nad.yaml", readFileSync(example("multus-ipvlan-l3.nad.yaml"), "utf8"), { pods: ["web", "db"] });
    assert.equal(kind, "nad");
    assert.match(lab, /ipvlab cni add web '\{"cniVersion":"0\.3\.1","name":"multus-ipvlan-l3","type":"ipvlan".*' net1/);
    assert.match(lab, /ipvlab cni add db /);
  });

  test("a CNI conflist: the link plugin is imported, tuning chained after it, the others noted", () => {
    const conflist = JSON.stringify({ cniVersion: "0.4.0", name: "mynet", plugins: [{ type: "macvlan", master: "eth0", ipam: { type: "host-local", subnet: "10.3.0.0/24" } }, { type: "portmap", capabilities: { portMappings: true } }, { type: "tuning", sysctl: { "net.ipv4.conf.IFNAME.arp_ignore": "1" } }] }, null, 2);
    const { kind, lab } = importFile("net.conflist", conflist);
    assert.equal(kind, "conflist");
    assert.match(lab, /plugin portmap \(net\.conflist:\d+\) is not imported/);
    assert.match(lab, /ipvlab cni add pod1 '\{"cniVersion":"0\.4\.0","name":"mynet","plugins":\[\{"type":"macvlan",.*\},\{"type":"tuning",.*\}\]\}' eth0/);
    const single = JSON.stringify({ cniVersion: "0.4.0", name: "one", plugins: [{ type: "ipvlan", master: "eth0", ipam: { type: "host-local", subnet: "10.4.0.0/24" } }, { type: "portmap" }] });
    assert.match(importFile("one.conflist", single).lab, /ipvlab cni add pod1 '\{"cniVersion":"0\.4\.0","name":"one","type":"ipvlan"/);
  });
});

describe("ipvlab export", () => {
  test("a lab's ipvlan namespaces as Compose, imported back as the same containers on the same parent", async () => {
    const { exportLab } = await import("../src/engines/sim/export.js");
    const { loadLabFile } = await import("../src/lab/load.js");
    const lab = loadLabFile(join(packageRoot, "examples", "seed-ipvlan-l2.lab.yaml")).lab;
    const compose = await exportLab(lab, "compose");
    assert.match(compose, /driver: ipvlan\n {4}driver_opts: \{ parent: ens34, ipvlan_mode: l2, ipvlan_flag: bridge \}/);
    const back = importFile("compose.yaml", compose).lab;
    assert.match(back, /ip link add link ens34 name ipvlan0 type ipvlan mode l2 bridge\n {6}ip link set ipvlan0 netns ns01/);
    assert.match(back, /ip -n ns01 addr add 172\.16\.91\.101\/24 dev eth0/);
    const dual = loadLabFile(join(packageRoot, "examples", "import", "dual-stack-macvlan.lab.yaml")).lab;
    const compose6 = await exportLab(dual, "compose");
    assert.match(compose6, /ipv4_address: 192\.168\.5\.20\n {8}ipv6_address: 2001:db8:5::20\n/);
    assert.match(compose6, /enable_ipv6: true\n[^]*- subnet: 2001:db8:5::\/64\n {10}gateway: 2001:db8:5::1\n/);
    assert.match(importFile("compose.yaml", compose6).lab, /ip -n web -6 addr add 2001:db8:5::20\/64 dev eth0 nodad/);
    const nad = await exportLab(lab, "nad");
    assert.match(nad, /kind: NetworkAttachmentDefinition\nmetadata:\n {2}name: ipvlan-ens34-l2\n/);
    assert.equal(importFile("nad.yaml", nad.split("---\n")[0]!).kind, "nad");
  });
});
