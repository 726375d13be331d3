import { listOf } from "./errors.js";
import type { Findings } from "./findings.js";
import { createdDevices } from "./mentions.js";
import type { LabDoc } from "./yaml-doc.js";

/*
 * What a lab names, read from its plain value whatever shape it is in: the
 * words messages and cross-references are made of.
 */

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function own(o: Obj, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** Everything a check of a lab needs: the document, what was found so far, and what the lab names. */
export class LabFacts {
  readonly root: Obj;
  readonly hostNames: string[];
  readonly networkNames: string[];
  /** Network names that interfaces are on. */
  readonly referencedNetworks = new Set<string>();

  constructor(
    readonly doc: LabDoc,
    readonly f: Findings,
    data: unknown,
  ) {
    this.root = isObj(data) ? data : {};
    this.hostNames = Object.keys(this.hosts());
    const networks = own(this.root, "networks");
    this.networkNames = isObj(networks) ? Object.keys(networks) : [];
    for (const { path } of this.interfaces()) {
      const n = doc.nameAt([...path, "network"]);
      if (n) this.referencedNetworks.add(n);
    }
  }

  hosts(): Obj {
    const h = own(this.root, "hosts");
    return isObj(h) ? h : {};
  }

  /** Every interface written as a map, with its host and path. */
  interfaces(): { host: string; name: string; path: string[]; value: Obj }[] {
    const out: { host: string; name: string; path: string[]; value: Obj }[] = [];
    for (const [host, h] of Object.entries(this.hosts())) {
      const ifs = isObj(h) ? own(h, "interfaces") : undefined;
      if (!isObj(ifs)) continue;
      for (const [name, value] of Object.entries(ifs)) if (isObj(value)) out.push({ host, name, path: ["hosts", host, "interfaces", name], value });
    }
    return out;
  }

  /** Every step written as a map, with its index. */
  steps(): { index: number; path: string[]; value: Obj }[] {
    const s = own(this.root, "steps");
    if (!Array.isArray(s)) return [];
    return s.flatMap((value, index) => (isObj(value) ? [{ index, path: ["steps", String(index)], value }] : []));
  }

  /** The scripts run on a host: its own run, then the steps' runs. */
  scriptsOf(host: string): string[] {
    const h = own(this.hosts(), host);
    const run = isObj(h) ? own(h, "run") : undefined;
    const out = typeof run === "string" ? [run] : [];
    for (const s of this.steps()) {
      const r = own(s.value, "run");
      if (this.doc.nameAt([...s.path, "on"]) === host && typeof r === "string") out.push(r);
    }
    return out;
  }

  /** The lab's interfaces of a host and the devices its scripts create, for listing in messages. */
  devicesOf(host: string): string[] {
    const h = own(this.hosts(), host);
    const ifs = isObj(h) ? own(h, "interfaces") : undefined;
    const read = isObj(ifs) ? Object.entries(ifs).flatMap(([name, v]) => (isObj(v) && own(v, "network") !== undefined ? [name] : [])) : [];
    return [...new Set([...read, ...createdDevices(this.scriptsOf(host))])];
  }

  exampleNetwork(): string {
    return this.networkNames[0] ?? "vmnet8";
  }

  exampleHost(): string {
    return this.hostNames[0] ?? "HOST";
  }

  networksHint(): string {
    return this.networkNames.length ? ` (networks: ${listOf(this.networkNames)})` : "";
  }
}
