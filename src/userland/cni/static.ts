// plugins/ipam/static (plugins v1.1.1): the addresses, routes and DNS the
// configuration lists, handed back as they are; nothing is kept.

import { NotSimulated } from "../../shell/index.js";
import { formatIpv4, parseIpv4 } from "../../wire/ipv4-addr.js";
import type { ToolContext } from "../tool.js";
import { field, GoError, jsonKind, str, unmarshal } from "./gojson.js";
import { prevResult } from "./link.js";
import { emptyResult, printResult, type CniDns, type CniRoute } from "./result.js";
import { versionAtLeast, type CmdArgs, type CniPlugin } from "./skel.js";

interface Address {
  address: string;
  ip: number;
  gateway: string | null;
}

interface StaticConf {
  cniVersion: string;
  routes: CniRoute[];
  addresses: Address[];
  dns: CniDns;
}

function parseCidr(text: string, err: (t: string) => string): { ip: number; len: number } {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const ip = m ? parseIpv4(m[1]!) : null;
  if (!m || ip === null || Number(m[2]) > 32) {
    if (text.includes(":")) throw NotSimulated.what(`an IPv6 address in static IPAM (${text})`);
    throw new GoError(err(text));
  }
  return { ip, len: Number(m[2]) };
}

function loadIpamConfig(args: CmdArgs): StaticConf {
  const n = unmarshal(args.stdin, "main.Net");
  const ipam = field(n, "ipam", "object", "Net", "main.IPAMConfig") as Record<string, unknown> | undefined;
  if (!ipam) throw new GoError("IPAM config missing 'ipam' key");
  if (args.args !== "" || n.runtimeConfig || n.args) throw NotSimulated.what("static IPAM addresses from CNI_ARGS, \"args\" or \"runtimeConfig\"");
  const conf: StaticConf = { cniVersion: str(n, "cniVersion", "Net"), routes: [], addresses: [], dns: {} };
  for (const r of (field(ipam, "routes", "array", "IPAMConfig", "[]*types.Route") as unknown[] | undefined) ?? []) {
    const o = (r ?? {}) as Record<string, unknown>;
    const dst = String(o.dst ?? "");
    parseCidr(dst, (t) => `invalid CIDR address: ${t}`);
    conf.routes.push({ dst, ...(typeof o.gw === "string" ? { gw: o.gw } : {}) });
  }
  const dns = ipam.dns as Record<string, unknown> | undefined;
  if (dns && typeof dns === "object") {
    if (Array.isArray(dns.nameservers)) conf.dns.nameservers = dns.nameservers.map(String);
    if (typeof dns.domain === "string" && dns.domain) conf.dns.domain = dns.domain;
    if (Array.isArray(dns.search)) conf.dns.search = dns.search.map(String);
    if (Array.isArray(dns.options)) conf.dns.options = dns.options.map(String);
  }
  for (const a of (field(ipam, "addresses", "array", "IPAMConfig", "[]main.Address") as unknown[] | undefined) ?? []) {
    const o = (a ?? {}) as Record<string, unknown>;
    if (o.address !== undefined && typeof o.address !== "string") throw new GoError(`json: cannot unmarshal ${jsonKind(o.address)} into Go struct field Address.ipam.addresses.address of type string`);
    let gateway: string | null = null;
    if (o.gateway !== undefined && o.gateway !== null) {
      const gw = typeof o.gateway === "string" ? parseIpv4(o.gateway) : null;
      if (gw === null) throw new GoError(`invalid IP address: ${String(o.gateway)}`);
      gateway = formatIpv4(gw);
    }
    const text = (o.address as string | undefined) ?? "";
    const c = parseCidr(text, (t) => `the 'address' field is expected to be in CIDR notation, got: '${t}'`);
    conf.addresses.push({ address: `${formatIpv4(c.ip)}/${c.len}`, ip: c.ip, gateway });
  }
  if (conf.addresses.length > 1) {
    let ok = false;
    try {
      ok = versionAtLeast(conf.cniVersion, "0.3.0");
    } catch {
      ok = false;
    }
    if (!ok) throw new GoError(`CNI version ${conf.cniVersion} does not support more than 1 address per family`);
  }
  return conf;
}

function cmdAdd(args: CmdArgs): string {
  const conf = loadIpamConfig(args);
  const r = emptyResult();
  r.dns = conf.dns;
  r.routes = conf.routes;
  r.ips = conf.addresses.map((a) => ({ address: a.address, ...(a.gateway ? { gateway: a.gateway } : {}) }));
  return printResult(r, conf.cniVersion);
}

function cmdCheck(args: CmdArgs, _ctx: ToolContext): string {
  const conf = loadIpamConfig(args);
  const n = unmarshal(args.stdin, "types.NetConf");
  const version = typeof n.cniVersion === "string" && n.cniVersion ? n.cniVersion : "0.1.0";
  const result = prevResult(n, version, "Required prevResult missing");
  for (const a of conf.addresses) {
    for (const ip of result.ips) {
      if (parseIpv4(ip.address.split("/")[0]!) !== a.ip) continue;
      if (a.gateway === null || a.gateway === (ip.gateway ?? null)) break;
      throw new GoError(`static: Failed to match addr ${formatIpv4(a.ip)} on interface ${args.ifName}`);
    }
  }
  return "";
}

export const staticPlugin: CniPlugin = { name: "static", add: (a) => cmdAdd(a), check: cmdCheck, del: () => "" };
