// types.NetConf, the part of a network configuration every plugin reads.

import { field, GoError, str, unmarshal } from "./gojson.js";
import type { CniDns } from "./result.js";

export interface NetConf {
  raw: Record<string, unknown>;
  cniVersion: string;
  name: string;
  type: string;
  ipamType: string;
  dns: CniDns;
}

/** json.Unmarshal into a plugin's NetConf struct (named `struct` in Go's type errors). */
export function loadNetConf(stdin: string, struct: string, prefix: string): NetConf {
  try {
    const raw = unmarshal(stdin, `main.${struct}`);
    const ipam = field(raw, "ipam", "object", struct, "types.IPAM") as Record<string, unknown> | undefined;
    const dns = field(raw, "dns", "object", struct, "types.DNS") as Record<string, unknown> | undefined;
    const d: CniDns = {};
    if (dns) {
      const list = (k: string) => (field(dns, k, "array", `${struct}.dns`, "[]string") as unknown[] | undefined)?.map(String);
      const ns = list("nameservers");
      if (ns) d.nameservers = ns;
      const dom = str(dns, "domain", `${struct}.dns`);
      if (dom) d.domain = dom;
      const se = list("search");
      if (se) d.search = se;
      const op = list("options");
      if (op) d.options = op;
    }
    return { raw, cniVersion: str(raw, "cniVersion", struct), name: str(raw, "name", struct), type: str(raw, "type", struct), ipamType: ipam ? str(ipam, "type", `${struct}.ipam`) : "", dns: d };
  } catch (e) {
    if (e instanceof GoError) throw new GoError(`${prefix}${e.message}`);
    throw e;
  }
}
