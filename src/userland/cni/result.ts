// The CNI result (github.com/containernetworking/cni v1.0.1, pkg/types/100,
// 040 and 020): one model, printed in the version the config asks for, as
// json.MarshalIndent prints Go's structs (fields in declaration order,
// omitempty dropping empty lists, "dns" always there).

import { GoError, marshalIndent } from "./gojson.js";

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIpConfig {
  /** Index into interfaces; absent when the IPAM plugin does not know it. */
  interface?: number;
  /** "ADDR/LEN", as Go's IPNet prints it. */
  address: string;
  gateway?: string;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface CniResult {
  interfaces: CniInterface[];
  ips: CniIpConfig[];
  routes: CniRoute[];
  dns: CniDns;
}

/** pkg/version: version.All. */
export const SUPPORTED_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"];
const V040 = ["0.3.0", "0.3.1", "0.4.0"];
const V020 = ["0.1.0", "0.2.0"];

export function emptyResult(): CniResult {
  return { interfaces: [], ips: [], routes: [], dns: {} };
}

function dnsJson(d: CniDns): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (d.nameservers?.length) o.nameservers = d.nameservers;
  if (d.domain) o.domain = d.domain;
  if (d.search?.length) o.search = d.search;
  if (d.options?.length) o.options = d.options;
  return o;
}

function routeJson(r: CniRoute): Record<string, unknown> {
  return r.gw ? { dst: r.dst, gw: r.gw } : { dst: r.dst };
}

function isV4(address: string): boolean {
  return !address.includes(":");
}

/** The result as `types.PrintResult(result, version)` prints it (GetAsVersion, then Print). */
export function resultJson(r: CniResult, version: string): Record<string, unknown> {
  if (version === "1.0.0" || V040.includes(version)) {
    const o: Record<string, unknown> = { cniVersion: version };
    if (r.interfaces.length) o.interfaces = r.interfaces.map((i) => ({ name: i.name, ...(i.mac ? { mac: i.mac } : {}), ...(i.sandbox ? { sandbox: i.sandbox } : {}) }));
    if (r.ips.length) {
      o.ips = r.ips.map((ip) => ({
        ...(version === "1.0.0" ? {} : { version: isV4(ip.address) ? "4" : "6" }),
        ...(ip.interface !== undefined ? { interface: ip.interface } : {}),
        address: ip.address,
        ...(ip.gateway ? { gateway: ip.gateway } : {}),
      }));
    }
    if (r.routes.length) o.routes = r.routes.map(routeJson);
    o.dns = dnsJson(r.dns);
    return o;
  }
  if (V020.includes(version)) {
    // types040 convertTo02x: the first address of each family, its family's routes.
    const ip4 = r.ips.find((i) => isV4(i.address));
    const ip6 = r.ips.find((i) => !isV4(i.address));
    if (!ip4 && !ip6) throw new GoError("cannot convert: no valid IP addresses");
    const conf = (ip: CniIpConfig, v4: boolean) => {
      const routes = r.routes.filter((x) => isV4(x.dst) === v4).map(routeJson);
      return { ip: ip.address, ...(ip.gateway ? { gateway: ip.gateway } : {}), ...(routes.length ? { routes } : {}) };
    };
    const o: Record<string, unknown> = { cniVersion: version };
    if (ip4) o.ip4 = conf(ip4, true);
    if (ip6) o.ip6 = conf(ip6, false);
    o.dns = dnsJson(r.dns);
    return o;
  }
  // convert.Convert: no converter registered for that version.
  throw new GoError(`no converter for CNI result version 1.0.0 to ${version}`);
}

export function printResult(r: CniResult, version: string): string {
  return marshalIndent(resultJson(r, version));
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
}

function dnsFrom(v: unknown): CniDns {
  if (!v || typeof v !== "object") return {};
  const o = v as Record<string, unknown>;
  const d: CniDns = {};
  const ns = strings(o.nameservers);
  if (ns) d.nameservers = ns;
  if (typeof o.domain === "string") d.domain = o.domain;
  const s = strings(o.search);
  if (s) d.search = s;
  const op = strings(o.options);
  if (op) d.options = op;
  return d;
}

function routesFrom(v: unknown): CniRoute[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    const o = (x ?? {}) as Record<string, unknown>;
    return { dst: String(o.dst ?? ""), ...(typeof o.gw === "string" ? { gw: o.gw } : {}) };
  });
}

/** A result read back (an IPAM plugin's stdout, a prevResult) in the version it is in, converted to the model (NewResultFromResult). */
export function resultFrom(version: string, o: Record<string, unknown>): CniResult {
  const r = emptyResult();
  r.dns = dnsFrom(o.dns);
  if (V020.includes(version)) {
    for (const key of ["ip4", "ip6"]) {
      const c = o[key] as Record<string, unknown> | undefined;
      if (!c) continue;
      r.ips.push({ address: String(c.ip ?? ""), ...(typeof c.gateway === "string" ? { gateway: c.gateway } : {}) });
      r.routes.push(...routesFrom(c.routes));
    }
    return r;
  }
  if (!SUPPORTED_VERSIONS.includes(version)) throw new GoError(`unsupported CNI result version "${version}"`);
  if (Array.isArray(o.interfaces)) {
    for (const x of o.interfaces) {
      const i = (x ?? {}) as Record<string, unknown>;
      r.interfaces.push({ name: String(i.name ?? ""), ...(typeof i.mac === "string" ? { mac: i.mac } : {}), ...(typeof i.sandbox === "string" ? { sandbox: i.sandbox } : {}) });
    }
  }
  if (Array.isArray(o.ips)) {
    for (const x of o.ips) {
      const i = (x ?? {}) as Record<string, unknown>;
      r.ips.push({
        ...(typeof i.interface === "number" ? { interface: i.interface } : {}),
        address: String(i.address ?? ""),
        ...(typeof i.gateway === "string" ? { gateway: i.gateway } : {}),
      });
    }
  }
  r.routes = routesFrom(o.routes);
  return r;
}
