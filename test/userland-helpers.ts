// The probe lab the userland tests run their commands in, built as every
// engine builds it: host h1 with eth0 02:00:00:00:01:01 and h2 with eth0
// 02:00:00:00:02:02 10.0.0.2/24 (up) on one network, so h1's eth0 is a veth
// whose peer is port0 of the network's bridge (`eth0@if3 … link-netnsid 0`).
// IPv6 is off: these tests hold the IPv4 listings; IPv6's are held by the
// golden labs in test/labs/ipv6 and by kernel-ipv6.test.ts.
import assert from "node:assert/strict";
import { buildWorld } from "../src/engines/sim/world.js";
import { addrAdd, linkSetUp, type Kernel, type Net, type Sim } from "../src/kernel/index.js";
import { parseYamlLab } from "../src/lab/parse.js";
import type { ExecResult } from "../src/shell/index.js";
import { ipTool } from "../src/userland/ip/index.js";
import { sysctlTool } from "../src/userland/sysctl.js";
import type { ToolContext } from "../src/userland/tool.js";

const PROBE_LAB = `
name: probe
ipv6: false
networks: { n1: {} }
hosts:
  h1: { interfaces: { eth0: { network: n1, mac: "02:00:00:00:01:01" } } }
  h2: { interfaces: { eth0: { network: n1, mac: "02:00:00:00:02:02" } } }
`;

export interface ProbeLab {
  sim: Sim;
  h1: Kernel;
  /** Runs one command line (words split on blanks, no quoting) in a namespace: ip, sysctl and true. */
  exec(argv: string[], net: Net): ExecResult;
}

export function probeLab(): ProbeLab {
  const { sim, kernels } = buildWorld(parseYamlLab("probe.lab.yaml", PROBE_LAB).lab);
  const h1 = kernels.get("h1")!;
  const e2 = kernels.get("h2")!.initNet.devByName("eth0")!;
  assert.ok(addrAdd(e2, { local: 0x0a000002, prefixlen: 24 }).ok);
  linkSetUp(e2);
  const exec = (argv: string[], net: Net): ExecResult => {
    const ctx: ToolContext = { sim, kernel: net.kernel, net, stdin: "", env: {}, exec };
    if (argv[0] === "ip") return ipTool(argv, ctx) as ExecResult;
    if (argv[0] === "sysctl") return sysctlTool(argv, ctx) as ExecResult;
    if (argv[0] === "true") return { exitCode: 0, stdout: "", stderr: "" };
    return { exitCode: 127, stdout: "", stderr: `${argv[0]}: command not found\n` };
  };
  return { sim, h1, exec };
}
