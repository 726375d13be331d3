import { didYouMean, LabError, listOf, type LabDiagnostic } from "./errors.js";
import { isMulticastMac, stableMac } from "./mac.js";
import { createdDevices, mentionedDevices, mentionedNetns } from "./mentions.js";
import {
  DEFAULT_STEP_TIMEOUT,
  type CaptureTarget,
  type LabHost,
  type LabStep,
  type SourcePos,
} from "./types.js";
import type { YamlPositions } from "./yaml-pos.js";
import type { LoadedLab } from "./load.js";

/** The lab as the schema admits it, before cross-references are checked. */
export interface RawLab {
  name?: string;
  ipv6?: boolean;
  networks?: Record<string, object | null>;
  hosts: Record<string, { interfaces?: Record<string, { network: string; mac?: string }> | null; run?: string | null }>;
  steps?: RawStep[] | null;
}

interface RawStep {
  name?: string;
  on?: string;
  run?: string;
  expect?: "ok" | "fail";
  capture?: string[];
  timeout?: number;
  matrix?: string;
}

/** Turns a schema-valid document into a Lab, checking what a schema cannot: names that refer to each other. */
export function buildLab(file: string, raw: RawLab, at: YamlPositions): LoadedLab {
  const diags: LabDiagnostic[] = [];
  const error = (pos: SourcePos, message: string) => diags.push({ severity: "error", pos, message });
  const name = raw.name ?? file.replace(/^.*\//, "").replace(/(\.lab)?\.ya?ml$/i, "");
  const networkNames = Object.keys(raw.networks ?? {});
  const used = new Set<string>();
  const macs = new Map<string, string>();

  const hosts: LabHost[] = Object.entries(raw.hosts).map(([hostName, h]) => {
    const interfaces = Object.entries(h.interfaces ?? {}).map(([ifName, i]) => {
      const pos = at.pos(["hosts", hostName, "interfaces", ifName], true);
      if (ifName === "lo") error(pos, `interface "lo" on ${hostName}: every host already has its loopback; name the lab interface eth0, ens34, ...`);
      if (!networkNames.includes(i.network)) {
        error(
          at.pos(["hosts", hostName, "interfaces", ifName, "network"]),
          `${hostName}:${ifName} is on network "${i.network}", which is not under networks:${didYouMean(i.network, networkNames)}; networks: ${listOf(networkNames)}`,
        );
      }
      used.add(i.network);
      const mac = (i.mac ?? stableMac(`${name}/${hostName}/${ifName}`)).toLowerCase();
      if (i.mac !== undefined) {
        const macPos = at.pos(["hosts", hostName, "interfaces", ifName, "mac"]);
        const id = `${hostName}:${ifName}`;
        if (isMulticastMac(mac)) error(macPos, `${id} has MAC ${i.mac}, a multicast address (first byte odd): an interface needs a unicast MAC such as 00:0c:29:51:4c:e0`);
        else if (mac === "00:00:00:00:00:00") error(macPos, `${id} has MAC 00:00:00:00:00:00, which Linux refuses: use a unicast MAC such as 00:0c:29:51:4c:e0`);
        const other = macs.get(mac);
        if (other) error(macPos, `${id} has MAC ${i.mac}, already given to ${other}: two interfaces on one L2 network need different MACs`);
        macs.set(mac, id);
      }
      return { name: ifName, network: i.network, mac, macGiven: i.mac !== undefined, pos };
    });
    return {
      name: hostName,
      interfaces,
      run: h.run ?? "",
      pos: at.pos(["hosts", hostName], true),
      runPos: at.pos(["hosts", hostName, "run"]),
    };
  });

  // Devices and namespaces a host's scripts or its step commands create may be captured.
  const scriptsOf = (host: LabHost) => [host.run, ...(raw.steps ?? []).filter((s) => s.on === host.name && s.run).map((s) => s.run!)];
  const steps: LabStep[] = (raw.steps ?? []).map((s, i) => buildStep(s, i, hosts, scriptsOf, at, error));

  const warnings: LabDiagnostic[] = networkNames
    .filter((n) => !used.has(n))
    .map((n) => ({
      severity: "warning" as const,
      pos: at.pos(["networks", n], true),
      message: `network "${n}" has no interface on it: give a host an interface with network: ${n}, or remove it`,
    }));
  if (diags.length) throw new LabError([...diags, ...warnings]);
  return {
    lab: { name, file, ipv6: raw.ipv6 ?? false, networks: networkNames.map((n) => ({ name: n, pos: at.pos(["networks", n], true) })), hosts, steps },
    warnings,
  };
}

function buildStep(
  s: RawStep,
  i: number,
  hosts: LabHost[],
  scriptsOf: (host: LabHost) => string[],
  at: YamlPositions,
  error: (pos: SourcePos, message: string) => void,
): LabStep {
  const pos = at.pos(["steps", i]);
  const label = s.name ?? s.matrix ?? s.run?.split("\n")[0] ?? `step ${i + 1}`;
  if (s.matrix !== undefined) {
    const extra = (["on", "run", "expect", "capture", "timeout"] as const).filter((k) => s[k] !== undefined);
    for (const k of extra) {
      error(at.pos(["steps", i, k], true), `step ${i + 1} is a matrix: it pings every pair of addresses by itself and takes no "${k}"; put the command in a step of its own`);
    }
    return { kind: "matrix", name: s.matrix, pos };
  }
  const hostNames = hosts.map((h) => h.name);
  if (s.on === undefined) error(pos, `step ${i + 1} ("${label}") has no "on": say which host runs it (${listOf(hostNames)}), or write {matrix: LABEL}`);
  else if (!hostNames.includes(s.on)) {
    error(at.pos(["steps", i, "on"]), `step ${i + 1} runs on "${s.on}", which is not a host of this lab${didYouMean(s.on, hostNames)}; hosts: ${listOf(hostNames)}`);
  }
  if (s.run === undefined) error(pos, `step ${i + 1} ("${label}") has no "run": give the command to run on ${s.on ?? "its host"}`);
  const capture: CaptureTarget[] = (s.capture ?? []).map((spec, k) => {
    const target = parseCapture(spec);
    const cpos = at.pos(["steps", i, "capture", k]);
    const host = hosts.find((h) => h.name === target.host);
    if (!host) {
      error(cpos, `capture "${spec}": no host "${target.host}"${didYouMean(target.host, hostNames)}; hosts: ${listOf(hostNames)}`);
      return target;
    }
    const scripts = scriptsOf(host);
    if (target.netns !== null && !mentionedNetns(scripts).has(target.netns)) {
      const known = mentionedNetns(scripts);
      error(cpos, `capture "${spec}": ${host.name} never creates a namespace "${target.netns}"${didYouMean(target.netns, known)}; its scripts create: ${listOf(known)}`);
    } else {
      if (!host.interfaces.some((x) => x.name === target.dev) && !mentionedDevices(scripts).has(target.dev)) {
        const devs = [...host.interfaces.map((x) => x.name), ...createdDevices(scripts)];
        error(cpos, `capture "${spec}": ${host.name} has no interface "${target.dev}"${didYouMean(target.dev, devs)}; it has: ${listOf(new Set(devs))}`);
      }
    }
    return target;
  });
  return {
    kind: s.expect === undefined ? "action" : "check",
    name: label,
    on: s.on ?? "",
    run: s.run ?? "",
    expect: s.expect ?? null,
    capture,
    timeout: s.timeout ?? DEFAULT_STEP_TIMEOUT,
    pos,
  };
}

export function parseCapture(spec: string): CaptureTarget {
  const [where, dev] = spec.split(":") as [string, string];
  const [host, netns] = where.split("/") as [string, string | undefined];
  return { host, netns: netns ?? null, dev, id: spec };
}
