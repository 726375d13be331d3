import { isMap, isScalar, isSeq, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { MAX_NAME } from "./schema.js";

/* The words of lab messages: how a value is described, and what people write for what ipvlab means. */

export function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/** What a value is, for "must be X, not Y" messages. */
export function describe(v: Scalar | YAMLMap | YAMLSeq | null): string {
  if (v === null || (isScalar(v) && (v.value === null || v.value === undefined))) return "empty";
  if (isMap(v)) return "a map";
  if (isSeq(v)) return "a list";
  const x = v.value;
  if (typeof x === "string") return x === "" ? "an empty string" : `the text ${quote(x)}`;
  if (typeof x === "number") return `the number ${v.source ?? String(x)}`;
  if (typeof x === "boolean") return String(x);
  return quote(String(x));
}

/** A valid name made from `s`, for "e.g." hints. */
export function slug(s: string): string {
  return s
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, MAX_NAME);
}

export function colonMac(hex12: string): string {
  return hex12.toLowerCase().match(/../g)!.join(":");
}

// Words people write for a key, mapped to the key ipvlab means; "did you mean" falls back to edit distance.
export const TOP_SYNONYMS: Record<string, string> = {
  host: "hosts",
  machines: "hosts",
  nodes: "hosts",
  network: "networks",
  nets: "networks",
  step: "steps",
  checks: "steps",
  title: "name",
  label: "name",
  ipv6only: "ipv6",
};
export const HOST_SYNONYMS: Record<string, string> = {
  interface: "interfaces",
  ifaces: "interfaces",
  nics: "interfaces",
  links: "interfaces",
  devices: "interfaces",
  script: "run",
  setup: "run",
  commands: "run",
  command: "run",
  cmd: "run",
  exec: "run",
};
export const IFACE_SYNONYMS: Record<string, string> = { net: "network", switch: "network", bridge: "network", lan: "network", hwaddr: "mac", ether: "mac", lladdr: "mac", macaddr: "mac", mac_address: "mac" };
export const STEP_SYNONYMS: Record<string, string> = {
  host: "on",
  hosts: "on",
  node: "on",
  where: "on",
  cmd: "run",
  command: "run",
  commands: "run",
  exec: "run",
  script: "run",
  expected: "expect",
  expects: "expect",
  result: "expect",
  label: "name",
  title: "name",
  captures: "capture",
  tcpdump: "capture",
  pcap: "capture",
  time: "timeout",
  wait: "timeout",
};
/** Values people write for ok and fail (as YAML writes them). */
export const EXPECT_SYNONYMS: Record<string, string> = {
  true: "ok",
  yes: "ok",
  pass: "ok",
  passes: "ok",
  success: "ok",
  succeed: "ok",
  succeeds: "ok",
  okay: "ok",
  "0": "ok",
  false: "fail",
  no: "fail",
  failure: "fail",
  fails: "fail",
  failed: "fail",
  error: "fail",
  "1": "fail",
};
export const BOOLEAN_SYNONYMS: Record<string, string> = { yes: "true", on: "true", "1": "true", enabled: "true", no: "false", off: "false", "0": "false", disabled: "false" };

/** Interface settings that belong in the host's script, not the lab's interface map. */
export const IFACE_SETTINGS = new Set(["address", "addresses", "addr", "ip", "ips", "ipv4", "ipv6", "mtu", "up", "state", "mode", "type", "vlan", "gateway", "route", "routes"]);
