import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { closest, didYouMean, LabError, nearest, listOf, sortDiagnostics, type LabDiagnostic } from "./errors.js";
import { isMulticastMac, stableMac } from "./mac.js";
import { createdDevices, mentionedDevices, mentionedNetns } from "./mentions.js";
import {
  COMMAND_STEP_KEYS,
  EXPECTS,
  HOST_KEYS,
  IFACE_KEYS,
  IFNAME_HINT,
  IFNAME_RE,
  MAC_EXAMPLE,
  MAC_RE,
  MAX_IFNAME,
  MAX_NAME,
  MAX_TIMEOUT,
  NAME_HINT,
  NAME_RE,
  STEP_KEYS,
  TOP_KEYS,
} from "./schema.js";
import { DEFAULT_STEP_TIMEOUT, type CaptureTarget, type Expect, type LabHost, type LabInterface, type LabNetwork, type LabStep, type SourcePos } from "./types.js";
import type { LoadedLab } from "./parse.js";
import { shebangProblem } from "./script.js";

/** A value after aliases are resolved; null when the key has no value at all. */
type Val = Scalar | YAMLMap | YAMLSeq | null;

interface Entry {
  name: string;
  keyPos: SourcePos;
  value: Val;
  /** Where the value is written; the key's position when the value is empty. */
  valuePos: SourcePos;
}

// Words people write for a key, mapped to the key ipvlab means; "did you mean" falls back to edit distance.
const TOP_SYNONYMS: Record<string, string> = { host: "hosts", machines: "hosts", nodes: "hosts", network: "networks", nets: "networks", step: "steps", checks: "steps", title: "name", label: "name", ipv6only: "ipv6" };
const HOST_SYNONYMS: Record<string, string> = { interface: "interfaces", ifaces: "interfaces", nics: "interfaces", links: "interfaces", devices: "interfaces", script: "run", setup: "run", commands: "run", command: "run", cmd: "run", exec: "run" };
const IFACE_SYNONYMS: Record<string, string> = { net: "network", switch: "network", bridge: "network", lan: "network", hwaddr: "mac", ether: "mac", lladdr: "mac", macaddr: "mac", mac_address: "mac" };
const STEP_SYNONYMS: Record<string, string> = {
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
const EXPECT_SYNONYMS: Record<string, Expect> = {
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
/** Interface settings that belong in the host's script, not the lab's interface map. */
const IFACE_SETTINGS = new Set(["address", "addresses", "addr", "ip", "ips", "ipv4", "ipv6", "mtu", "up", "state", "mode", "type", "vlan", "gateway", "route", "routes"]);

const CAPTURE_RE = /^([^/:\s]+)(?:\/([^/:\s]+))?:([^/:\s]+)$/;

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function isEmpty(v: Val): boolean {
  return v === null || (isScalar(v) && (v.value === null || v.value === undefined));
}

/** What a value is, for "must be X, not Y" messages. */
function describe(v: Val): string {
  if (isEmpty(v)) return "empty";
  if (isMap(v)) return "a map";
  if (isSeq(v)) return "a list";
  const x = (v as Scalar).value;
  if (typeof x === "string") return x === "" ? "an empty string" : `the text ${quote(x)}`;
  if (typeof x === "number") return `the number ${(v as Scalar).source ?? String(x)}`;
  if (typeof x === "boolean") return String(x);
  return quote(String(x));
}

/** A name written as a scalar: text, or a number written as digits (`10:`) taken as written. */
function nameText(v: Val): string | null {
  if (!isScalar(v)) return null;
  if (typeof v.value === "string") return v.value;
  if (typeof v.value === "number") return v.source ?? String(v.value);
  return null;
}

function stringOf(v: Val): string | null {
  return isScalar(v) && typeof v.value === "string" ? v.value : null;
}

function slug(s: string): string {
  return s
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, MAX_NAME);
}

function colonMac(hex12: string): string {
  return hex12.toLowerCase().match(/../g)!.join(":");
}

/** Reads a YAML document as a lab and reports every mistake in it, each once, where it was written. */
class LabChecker {
  readonly diags: LabDiagnostic[] = [];
  private readonly hostNames: string[] = [];
  /** Hosts whose interfaces could be read completely (a capture target can be judged on them). */
  private readonly hostsKnown = new Set<string>();
  private readonly networkNames: string[] = [];
  private readonly usedNetworks = new Set<string>();
  /** A network reference could not be read: an "unused network" warning might be this mistake again. */
  private networkUseUnknown = false;
  private networksBroken = false;
  private hostsBroken = false;
  private readonly ifaceRefs: { id: string; network: string; pos: SourcePos }[] = [];
  private readonly macs = new Map<string, { id: string; line: number }>();
  private readonly entryCache = new WeakMap<YAMLMap, Entry[]>();
  /** Maps with a pair that has no usable key: what they miss may be behind it, so it is not reported as missing. */
  private readonly keyless = new Set<YAMLMap>();
  /** References to hosts that do not exist, reported once per name. */
  private readonly hostRefs: { name: string; pos: SourcePos; message: (others: string) => string }[] = [];
  /** Hosts written at the top level (reported once, there). */
  private readonly misplacedHosts = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly source: string,
  ) {}

  private at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  private posOf(n: unknown, fallback: SourcePos): SourcePos {
    const range = (n as Node | null | undefined)?.range;
    return range ? this.at(range[0]) : fallback;
  }

  private error(pos: SourcePos, message: string): void {
    this.diags.push({ severity: "error", pos, message });
  }

  private warn(pos: SourcePos, message: string): void {
    this.diags.push({ severity: "warning", pos, message });
  }

  private deref(n: unknown): Val {
    const node = isAlias(n) ? n.resolve(this.doc) : n;
    return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
  }

  /**
   * What YAML itself allows but a lab cannot use: duplicate keys (the second
   * would silently replace the first) and aliases to no anchor. Either means
   * the document does not say what its author meant, so checking stops here
   * (everything after would be noise): returns false then.
   */
  scan(): boolean {
    let readable = true;
    const walk = (n: unknown, path: string) => {
      if (isAlias(n)) {
        if (!n.resolve(this.doc)) {
          this.error(this.posOf(n, this.at(0)), `alias *${n.source} refers to no anchor: define &${n.source} on a value above it, or write the value out`);
          readable = false;
        }
        return;
      }
      if (isMap(n)) {
        const where = path ? `in ${path}` : "at the top level";
        const seen = new Map<string, number>();
        const dups: { name: string; pos: SourcePos; first: number }[] = [];
        let empty: { name: string; pos: SourcePos } | null = null;
        for (const p of n.items) {
          if (isScalar(p.key) && p.key.value !== null) {
            const name = nameText(p.key) ?? String(p.key.value);
            const pos = this.posOf(p.key, this.at(0));
            const first = seen.get(name);
            if (first !== undefined) dups.push({ name, pos, first });
            else seen.set(name, pos.line);
            if (!dups.length && isEmpty(this.deref(p.value)) && seen.size > 1) empty = { name, pos };
            walk(p.value, path ? `${path}.${name}` : name);
          } else {
            walk(p.value, path);
          }
        }
        const [d, ...more] = dups;
        if (d) {
          readable = false;
          const names = dups.map((x) => quote(x.name)).join(", ");
          if (empty && empty.pos.line > d.first) {
            // `vm02:` indented one level too far: it ends up empty and its keys repeat those above it.
            this.error(empty.pos, `${quote(empty.name)} has no value, and the keys after it (${names}) repeat keys ${where}: is ${quote(empty.name)} indented too far, or its keys not far enough?`);
          } else {
            const others = more.length ? ` (and ${more.map((x) => `${quote(x.name)} on line ${x.pos.line}`).join(", ")})` : "";
            this.error(d.pos, `duplicate key ${quote(d.name)} ${where}: it is already on line ${d.first}${others}; each key may appear once (YAML would keep only one of them)`);
          }
        }
      } else if (isSeq(n)) {
        n.items.forEach((item, i) => walk(item, `${path}[${i}]`));
      }
    };
    walk(this.doc.contents, "");
    return readable;
  }

  /** The entries of a map, each key once (duplicates are reported by scan). */
  private entries(map: YAMLMap): Entry[] {
    // Read once: a map may be looked at from several places, its bad keys are reported once.
    const cached = this.entryCache.get(map);
    if (cached) return cached;
    const out: Entry[] = [];
    this.entryCache.set(map, out);
    const seen = new Set<string>();
    for (const p of map.items) {
      if (!isPair(p)) continue;
      const key = p.key;
      const fallback = this.posOf(map, this.at(0));
      if (!isScalar(key)) {
        this.error(this.posOf(key, fallback), `a key must be a plain name, not ${isCollection(key) ? (isMap(key) ? "a map" : "a list") : "an alias"}`);
        this.keyless.add(map);
        continue;
      }
      const keyPos = this.posOf(key, fallback);
      if (key.value === null || key.value === undefined || key.value === "") {
        this.error(keyPos, "a value with no key: write NAME: VALUE");
        this.keyless.add(map);
        continue;
      }
      const name = nameText(key) ?? String(key.value);
      if (seen.has(name)) continue;
      seen.add(name);
      const value = this.deref(p.value);
      out.push({ name, keyPos, value, valuePos: isEmpty(value) ? keyPos : this.posOf(p.value, keyPos) });
    }
    return out;
  }

  private unknownKey(e: Entry, where: string, valid: readonly string[], synonyms: Record<string, string>, suggested: Set<string>, guess: string | null = null): void {
    if (e.name === "<<") {
      this.error(e.keyPos, `YAML merge keys (<<) are not supported in labs: write the keys of ${where} out`);
      return;
    }
    const s = synonyms[e.name.toLowerCase()] ?? guess ?? closest(e.name, valid);
    if (s) suggested.add(s);
    this.error(e.keyPos, `unknown key ${quote(e.name)} in ${where}${s ? ` (did you mean "${s}"?)` : ""}; valid keys: ${valid.join(", ")}`);
  }

  /** Host and network names already reported as invalid: a reference near one is the same mistake. */
  private readonly invalidNames = new Set<string>();

  /** Whether `ref` is an invalid name (already reported) with its stray characters taken out. */
  private nearInvalid(ref: string): boolean {
    return [...this.invalidNames].some((n) => n.replace(/[^A-Za-z0-9_.-]/g, "") === ref);
  }

  private checkName(e: Entry, kind: string): void {
    const n = e.name;
    if (!NAME_RE.test(n) || n.length > MAX_NAME) this.invalidNames.add(n);
    if (!NAME_RE.test(n)) {
      const s = slug(n);
      this.error(e.keyPos, `${kind} name ${quote(n)} is not valid: use ${NAME_HINT}${s && s !== n ? ` (e.g. ${quote(s)})` : ""}`);
    } else if (n.length > MAX_NAME) {
      this.error(e.keyPos, `${kind} name ${quote(n)} is ${n.length} characters long: use at most ${MAX_NAME} (e.g. ${quote(n.slice(0, MAX_NAME))})`);
    }
  }

  /** A string value; reports anything else. Numbers and booleans are refused: YAML would have changed how they read. */
  private text(e: Entry, what: string, opts: { allowEmpty?: boolean; example?: string } = {}): string | null {
    const s = stringOf(e.value);
    if (s !== null) {
      if (!s.trim() && !opts.allowEmpty) {
        this.error(e.valuePos, `${what} is empty${opts.example ? `: write ${opts.example}` : ""}`);
        return null;
      }
      return s;
    }
    if (isEmpty(e.value)) {
      if (opts.allowEmpty) return "";
      this.error(e.valuePos, `${what} is empty${opts.example ? `: write ${opts.example}` : ""}`);
      return null;
    }
    const v = e.value!;
    let fix = "";
    if (isScalar(v)) fix = `: put it in quotes (${e.name}: "${(v as Scalar).source ?? String(v.value)}")`;
    else if (isSeq(v) && e.name === "run") fix = `: write ${e.name}: | and the commands below it, one per line`;
    else if (isMap(v)) fix = `: a value with ": " in it must be quoted, or written as a block (${e.name}: |)`;
    this.error(e.valuePos, `${what} must be text, not ${describe(v)}${fix}`);
    return null;
  }

  private script(e: Entry, what: string): string {
    const s = this.text(e, what, { allowEmpty: true });
    if (s) {
      const problem = shebangProblem(s);
      if (problem) this.error(e.valuePos, `${what}: ${problem}`);
    }
    return s ?? "";
  }

  build(): LoadedLab {
    const root = this.deref(this.doc.contents);
    if (isEmpty(root)) {
      throw new LabError([{ severity: "error", pos: { file: this.file, line: 1, col: 1 }, message: "the lab is empty: write at least hosts:, usually networks: and steps: too" }]);
    }
    if (!isMap(root)) {
      const fix = isSeq(root) ? ': remove the "- " in front of the top-level keys' : "";
      throw new LabError([
        { severity: "error", pos: this.posOf(root, this.at(0)), message: `a lab is a map with the keys ${TOP_KEYS.join(", ")}, but this file holds ${describe(root)}${fix}` },
      ]);
    }
    const rootPos = this.posOf(root, this.at(0));
    const top = new Map<string, Entry>();
    const unknownTop: Entry[] = [];
    for (const e of this.entries(root)) {
      if ((TOP_KEYS as readonly string[]).includes(e.name)) top.set(e.name, e);
      else unknownTop.push(e);
    }

    let name = this.file.replace(/^.*[\\/]/, "").replace(/(\.lab)?\.ya?ml$/i, "");
    name = slug(name) || "lab";
    const nameEntry = top.get("name");
    if (nameEntry) {
      const n = nameText(nameEntry.value);
      if (n === null || !n) this.text(nameEntry, "name", { example: "name: ipvlan-l2" });
      else if (!NAME_RE.test(n) || n.length > MAX_NAME) {
        const s = slug(n);
        this.error(nameEntry.valuePos, `name ${quote(n)} is not valid: use ${NAME_HINT}, at most ${MAX_NAME} characters${s && s !== n ? ` (e.g. ${quote(s)})` : ""}`);
      } else name = n;
    }

    let ipv6 = false;
    const ipv6Entry = top.get("ipv6");
    if (ipv6Entry) {
      const v = ipv6Entry.value;
      if (isScalar(v) && typeof v.value === "boolean") ipv6 = v.value;
      else {
        const t = nameText(v)?.toLowerCase();
        const hint = t && ["yes", "on", "1", "enabled"].includes(t) ? ' (did you mean "true"?)' : t && ["no", "off", "0", "disabled"].includes(t) ? ' (did you mean "false"?)' : "";
        this.error(ipv6Entry.valuePos, `ipv6 must be true or false, not ${describe(v)}${hint}`);
      }
    }

    const networks = this.networks(top.get("networks"));
    // Unknown top-level keys: hosts and networks written one level too far left are told apart
    // from typos before references to them are checked, so that each mistake is reported once.
    const suggestedTop = new Set<string>();
    const rest: Entry[] = [];
    for (const e of unknownTop) {
      if (this.misplacedHost(e)) continue;
      rest.push(e);
      const s = TOP_SYNONYMS[e.name.toLowerCase()] ?? closest(e.name, TOP_KEYS);
      if (s) suggestedTop.add(s);
    }
    const hosts = this.hosts(top.get("hosts"), rootPos, suggestedTop);
    // Without networks:, a misspelled networks key (or one holding the networks the interfaces name) is the one mistake.
    const referenced = new Set(this.ifaceRefs.map((r) => r.network));
    const holdsNetworks = (e: Entry) => isMap(e.value) && this.entries(e.value).some((x) => referenced.has(x.name));
    const networksKey = top.has("networks") ? undefined : rest.find((e) => holdsNetworks(e) || (TOP_SYNONYMS[e.name.toLowerCase()] ?? closest(e.name, TOP_KEYS)) === "networks");
    if (networksKey) this.networksBroken = true;
    const networkLike = new Set(rest.filter((e) => (isEmpty(e.value) || (isMap(e.value) && e.value.items.length === 0)) && NAME_RE.test(e.name)).map((e) => e.name));
    const misplacedNetworks = this.checkNetworkRefs(networkLike);
    for (const e of rest) {
      if (misplacedNetworks.has(e.name)) this.error(e.keyPos, `${quote(e.name)} is at the top level, but interfaces use it as a network: indent it under networks:`);
      else this.unknownTopKey(e, e === networksKey ? "networks" : null);
    }
    const steps = this.steps(top.get("steps"), hosts);
    this.reportHostRefs();

    // A network nobody uses is worth a warning only when every interface could be read (and it has a valid name).
    if (!this.networksBroken && !this.networkUseUnknown && !this.hostsBroken) {
      for (const n of networks) {
        if (!this.usedNetworks.has(n.name) && NAME_RE.test(n.name) && n.name.length <= MAX_NAME) {
          this.warn(n.pos, `network ${quote(n.name)} has no interface on it: give a host an interface with network: ${n.name}, or remove it`);
        }
      }
    }
    const diags = sortDiagnostics(this.diags);
    if (diags.some((d) => d.severity === "error")) throw new LabError(diags);
    return { lab: { name, file: this.file, ipv6, networks, hosts, steps }, warnings: diags };
  }

  /** A top-level key that holds interfaces or run: a host written one level too far left. */
  private misplacedHost(e: Entry): boolean {
    const v = e.value;
    if (!isMap(v)) return false;
    const keys = this.entries(v).map((x) => x.name);
    if (!keys.length || !keys.every((k) => (HOST_KEYS as readonly string[]).includes(k))) return false;
    this.misplacedHosts.add(e.name);
    this.networkUseUnknown = true;
    this.error(e.keyPos, `${quote(e.name)} is at the top level but looks like a host (it has ${keys.join(" and ")}): indent it under hosts:`);
    return true;
  }

  private unknownTopKey(e: Entry, guess: string | null): void {
    const k = e.name;
    if ((HOST_KEYS as readonly string[]).includes(k)) {
      this.error(e.keyPos, `${quote(k)} belongs to a host, not the top level: put it under hosts: NAME:`);
      this.networkUseUnknown ||= k === "interfaces";
    } else if ((IFACE_KEYS as readonly string[]).includes(k)) {
      this.error(e.keyPos, `${quote(k)} belongs to an interface, not the top level: hosts: NAME: interfaces: IF: {network: NET, mac: MAC}`);
    } else if ((STEP_KEYS as readonly string[]).includes(k)) {
      this.error(e.keyPos, `${quote(k)} belongs to a step, not the top level: put it in a step under steps:`);
    } else {
      this.unknownKey(e, "the lab", TOP_KEYS, TOP_SYNONYMS, new Set(), guess);
    }
  }

  private networks(e: Entry | undefined): LabNetwork[] {
    if (!e || isEmpty(e.value)) return [];
    const v = e.value;
    if (!isMap(v)) {
      this.networksBroken = true;
      const names = isSeq(v) ? v.items.map((i) => nameText(this.deref(i))).filter((x): x is string => !!x) : [];
      const example = (names.length ? names : ["vmnet8"]).map((n) => `${n}: {}`).join(", ");
      this.error(e.valuePos, `networks must be a map of network names to {}, not ${describe(v)}: write networks: {${example}}`);
      return [];
    }
    const out: LabNetwork[] = [];
    for (const n of this.entries(v)) {
      this.checkName(n, "network");
      this.networkNames.push(n.name);
      out.push({ name: n.name, pos: n.keyPos });
      const o = n.value;
      if (isEmpty(o)) continue;
      if (isMap(o)) {
        const opts = this.entries(o);
        if (opts.length) this.error(opts[0]!.keyPos, `network ${n.name} takes no options yet (${opts.map((x) => quote(x.name)).join(", ")} given): write ${n.name}: {}`);
      } else {
        this.error(n.valuePos, `network ${n.name} must be {} (networks take no options yet), not ${describe(o)}`);
      }
    }
    return out;
  }

  private exampleNetwork(): string {
    return this.networkNames[0] ?? "vmnet8";
  }

  private hosts(e: Entry | undefined, rootPos: SourcePos, suggestedTop: Set<string>): LabHost[] {
    if (!e) {
      this.hostsBroken = true;
      if (!suggestedTop.has("hosts") && !this.misplacedHosts.size) {
        this.error(rootPos, `the lab has no hosts: add hosts: with at least one host, e.g. hosts: {vm01: {interfaces: {eth0: {network: ${this.exampleNetwork()}}}}}`);
      }
      return [];
    }
    const v = e.value;
    if (isEmpty(v) || (isMap(v) && v.items.length === 0)) {
      this.hostsBroken = true;
      if (!this.misplacedHosts.size) {
        this.error(e.valuePos, `hosts is empty: give at least one host, e.g. hosts: {vm01: {interfaces: {eth0: {network: ${this.exampleNetwork()}}}}}`);
      }
      return [];
    }
    if (!isMap(v)) {
      this.hostsBroken = true;
      this.networkUseUnknown = true;
      this.error(
        e.valuePos,
        `hosts must be a map of host names to {interfaces, run}, not ${describe(v)}: write each host as NAME: {...}${isSeq(v) ? ' instead of "- ..."' : ""}`,
      );
      return [];
    }
    const out: LabHost[] = [];
    for (const h of this.entries(v)) {
      this.checkName(h, "host");
      this.hostNames.push(h.name);
      out.push(this.host(h));
    }
    return out;
  }

  private host(h: Entry): LabHost {
    const host: LabHost = { name: h.name, interfaces: [], run: "", pos: h.keyPos, runPos: h.keyPos };
    const v = h.value;
    if (isEmpty(v)) {
      this.hostsKnown.add(h.name);
      return host;
    }
    if (!isMap(v)) {
      this.networkUseUnknown = true;
      const fix = stringOf(v) !== null ? ": put its commands under run: |" : "";
      this.error(h.valuePos, `host ${h.name} must be a map {interfaces, run}, not ${describe(v)}${fix}`);
      return host;
    }
    let known = true;
    const suggested = new Set<string>();
    for (const e of this.entries(v)) {
      if (e.name === "interfaces") known = this.interfaces(h.name, e, host.interfaces);
      else if (e.name === "run") {
        host.run = this.script(e, `run of host ${h.name}`);
        host.runPos = e.valuePos;
      } else if ((STEP_KEYS as readonly string[]).includes(e.name)) {
        this.error(e.keyPos, `${quote(e.name)} belongs to a step, not to host ${h.name}: put it in a step under steps: (with on: ${h.name})`);
      } else if (e.name === "ipv6") {
        this.error(e.keyPos, `ipv6 is set for the whole lab, not per host: put ipv6: true at the top level`);
      } else if (e.name === "network" || e.name === "networks" || e.name === "mac") {
        this.networkUseUnknown ||= e.name !== "mac";
        this.error(e.keyPos, `host ${h.name} takes no ${quote(e.name)}: each interface has its own, e.g. interfaces: {eth0: {network: ${this.exampleNetwork()}}}`);
      } else if (IFACE_SETTINGS.has(e.name.toLowerCase())) {
        this.error(e.keyPos, `host ${h.name} takes no ${quote(e.name)}: configure addresses, routes and links in its run: script (ip addr add ..., ip link set ... up)`);
      } else if (isMap(e.value) && this.entries(e.value).some((x) => x.name === "network")) {
        this.networkUseUnknown = true;
        known = false;
        this.error(e.keyPos, `${quote(e.name)} in host ${h.name} looks like an interface: indent it under interfaces:`);
      } else {
        this.unknownKey(e, `host ${h.name}`, HOST_KEYS, HOST_SYNONYMS, suggested);
        if (suggested.has("interfaces")) {
          this.networkUseUnknown = true;
          known = false;
        }
      }
    }
    if (known) this.hostsKnown.add(h.name);
    return host;
  }

  /** Reads a host's interfaces into `out`; false when they could not all be read. */
  private interfaces(hostName: string, e: Entry, out: LabInterface[]): boolean {
    const v = e.value;
    if (isEmpty(v)) return true;
    if (!isMap(v)) {
      this.networkUseUnknown = true;
      const names = isSeq(v) ? v.items.map((i) => nameText(this.deref(i))).filter((x): x is string => !!x) : stringOf(v) ? [stringOf(v)!] : [];
      const example = (names.length ? names : ["eth0"]).map((n) => `${n}: {network: ${this.exampleNetwork()}}`).join(", ");
      this.error(e.valuePos, `interfaces of ${hostName} must be a map of interface names to {network, mac}, not ${describe(v)}: write interfaces: {${example}}`);
      return false;
    }
    let known = true;
    for (const i of this.entries(v)) {
      if ((HOST_KEYS as readonly string[]).includes(i.name) && !isMap(i.value)) {
        this.error(i.keyPos, `"${i.name}" is indented under interfaces: of ${hostName}: move it left, in line with interfaces:`);
        continue;
      }
      const id = `${hostName}:${i.name}`;
      const problem = ifnameProblem(i.name, hostName);
      if (problem) this.error(i.keyPos, problem);
      const iface = this.iface(id, i);
      if (iface) out.push(iface);
      else known = false;
    }
    return known;
  }

  private iface(id: string, i: Entry): LabInterface | null {
    const v = i.value;
    const net = this.exampleNetwork();
    if (!isMap(v)) {
      this.networkUseUnknown = true;
      if (isEmpty(v)) this.error(i.keyPos, `${id} has no network: write ${i.name}: {network: ${net}}${this.networksHint()}`);
      else {
        const t = nameText(v);
        this.error(i.valuePos, `${id} must be a map {network, mac}, not ${describe(v)}: write ${i.name}: {network: ${t && NAME_RE.test(t) ? t : net}}`);
      }
      return null;
    }
    let network: string | null = null;
    let mac: string | null = null;
    let networkGiven = false;
    const suggested = new Set<string>();
    for (const e of this.entries(v)) {
      if (e.name === "network") {
        networkGiven = true;
        network = nameText(e.value);
        if (network === null || !network) {
          this.networkUseUnknown = true;
          this.error(e.valuePos, `network of ${id} must be the name of a network under networks:, not ${describe(e.value)}${this.networksHint()}`);
        } else this.ifaceRefs.push({ id, network, pos: e.valuePos });
      } else if (e.name === "mac") {
        mac = this.mac(id, e);
      } else if (IFACE_SETTINGS.has(e.name.toLowerCase())) {
        this.error(e.keyPos, `${id} takes no ${quote(e.name)}: ipvlab only creates the interface on its network; set addresses, MTU and state in the host's run: script (e.g. ip addr add 10.0.0.1/24 dev ${i.name})`);
      } else {
        const t = nameText(e.value);
        this.unknownKey(e, `interface ${id}`, IFACE_KEYS, IFACE_SYNONYMS, suggested, t !== null && this.networkNames.includes(t) ? "network" : null);
        // An interface has two keys: an unknown one is most likely its network, garbled.
        suggested.add("network");
      }
    }
    if (!networkGiven) {
      this.networkUseUnknown = true;
      if (!suggested.has("network")) this.error(i.keyPos, `${id} has no network: add network: ${net}${this.networksHint()}`);
      return null;
    }
    if (network === null) return null;
    return { name: i.name, network, mac: mac ?? "", macGiven: mac !== null, pos: i.keyPos };
  }

  private networksHint(): string {
    return this.networkNames.length ? ` (networks: ${listOf(this.networkNames)})` : "";
  }

  /** The MAC in lower-case colon form, or null (reported) when it is not a usable unicast MAC. */
  private mac(id: string, e: Entry): string | null {
    const v = e.value;
    if (isScalar(v) && typeof v.value === "number") {
      const src = v.source ?? String(v.value);
      const fix = /^[0-9a-f]{12}$/i.test(src) ? colonMac(src) : MAC_EXAMPLE;
      this.error(e.valuePos, `mac of ${id} must be in quotes: YAML reads ${src} as a number; write mac: "${fix}"`);
      return null;
    }
    const s = stringOf(v);
    if (s === null) {
      this.error(e.valuePos, `mac of ${id} must be a MAC address in quotes like "${MAC_EXAMPLE}", not ${describe(v)}`);
      return null;
    }
    if (!MAC_RE.test(s)) {
      const hex = s.replace(/[-.:\s]/g, "");
      if (/^[0-9a-f]{12}$/i.test(hex) && /^[0-9a-f]{2}([-.\s]?[0-9a-f]{2}){5}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(s)) {
        this.error(e.valuePos, `mac of ${id} is ${quote(s)}: write MACs with ':' between the bytes, "${colonMac(hex)}"`);
      } else {
        this.error(e.valuePos, `mac of ${id} is ${quote(s)}, which is not a MAC address: write six two-digit hex bytes separated by ':', like "${MAC_EXAMPLE}"`);
      }
      return null;
    }
    const mac = s.toLowerCase();
    if (mac === "00:00:00:00:00:00") {
      this.error(e.valuePos, `mac of ${id} is all zeros, which Linux refuses: use a unicast MAC such as "${MAC_EXAMPLE}", or leave mac out for a derived one`);
      return null;
    }
    if (isMulticastMac(mac)) {
      const first = parseInt(mac.slice(0, 2), 16);
      const fixed = `${(first & 0xfe).toString(16).padStart(2, "0")}${mac.slice(2)}`;
      const what = mac === "ff:ff:ff:ff:ff:ff" ? "the broadcast address" : `a multicast address (the first byte, ${mac.slice(0, 2)}, is odd)`;
      this.error(e.valuePos, `mac of ${id} is ${s}, ${what}: an interface needs a unicast MAC, e.g. "${fixed}"`);
      return null;
    }
    const other = this.macs.get(mac);
    if (other) {
      this.error(e.valuePos, `mac of ${id} is ${s}, which ${other.id} (line ${other.line}) already has: every interface needs its own MAC; change one, or leave mac out for a derived one`);
      return null;
    }
    this.macs.set(mac, { id, line: e.valuePos.line });
    return mac;
  }

  /** Checks every interface's network; returns the top-level names (from `networkLike`) that interfaces use as networks. */
  private checkNetworkRefs(networkLike: Set<string>): Set<string> {
    const misplaced = new Set<string>();
    const unknown = new Map<string, { id: string; pos: SourcePos }[]>();
    for (const r of this.ifaceRefs) {
      if (this.networkNames.includes(r.network)) this.usedNetworks.add(r.network);
      else if (networkLike.has(r.network)) misplaced.add(r.network);
      else if (!this.networksBroken) unknown.set(r.network, [...(unknown.get(r.network) ?? []), r]);
    }
    // One diagnostic per unknown name, however many interfaces use it: a renamed network is one mistake.
    // A network renamed beyond recognition is still the only one nobody uses.
    const unused = this.networkNames.filter((n) => !this.usedNetworks.has(n));
    for (const [network, refs] of unknown) {
      const [first, ...others] = refs as [{ id: string; pos: SourcePos }, ...{ id: string; pos: SourcePos }[]];
      const s = closest(network, this.networkNames) ?? (unknown.size === 1 && unused.length === 1 ? unused[0]! : null);
      if (s) this.usedNetworks.add(s);
      if ((s && this.invalidNames.has(s)) || this.nearInvalid(network)) continue;
      const also = others.length ? ` (so are ${others.map((o) => `${o.id} on line ${o.pos.line}`).join(", ")})` : "";
      this.error(
        first.pos,
        this.networkNames.length
          ? `${first.id} is on network ${quote(network)}, which is not under networks:${s && !closest(network, this.networkNames) ? ` (did you mean "${s}"?)` : didYouMean(network, this.networkNames)}; networks: ${listOf(this.networkNames)}${also}`
          : `${first.id} is on network ${quote(network)}, but the lab has no networks: add networks: {${network}: {}}${also}`,
      );
    }
    return misplaced;
  }

  /** Steps and captures that name a host the lab does not have: one diagnostic per name, at its first use. */
  private reportHostRefs(): void {
    const byName = new Map<string, typeof this.hostRefs>();
    for (const r of this.hostRefs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    for (const refs of byName.values()) {
      refs.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
      const [first, ...others] = refs as [(typeof refs)[number], ...typeof refs];
      if (nearest(first.name, this.hostNames).some((h) => this.invalidNames.has(h)) || this.nearInvalid(first.name)) continue;
      const lines = [...new Set(others.map((o) => o.pos.line))];
      this.error(first.pos, first.message(lines.length ? ` (also used on line${lines.length > 1 ? "s" : ""} ${lines.join(", ")})` : ""));
    }
  }

  private steps(e: Entry | undefined, hosts: LabHost[]): LabStep[] {
    if (!e || isEmpty(e.value)) return [];
    const v = e.value;
    if (!isSeq(v)) {
      this.error(e.valuePos, `steps must be a list, not ${describe(v)}: start each step with "- ", e.g. - {on: ${this.hostNames[0] ?? "HOST"}, run: ip -br addr}`);
      return [];
    }
    const pending: { step: number; spec: string; pos: SourcePos; out: CaptureTarget[] }[] = [];
    const scripts = new Map<string, string[]>(hosts.map((h) => [h.name, [h.run]]));
    const steps: LabStep[] = [];
    v.items.forEach((item, idx) => {
      const step = this.step(item, idx, e.valuePos, pending);
      if (!step) return;
      steps.push(step);
      if (step.kind !== "matrix" && step.run) scripts.get(step.on)?.push(step.run);
    });
    const byHost = new Map(hosts.map((h) => [h.name, h]));
    for (const p of pending) {
      const t = this.capture(p.step, p.spec, p.pos, byHost, scripts);
      if (t) p.out.push(t);
    }
    return steps;
  }

  private step(item: unknown, idx: number, listPos: SourcePos, pending: { step: number; spec: string; pos: SourcePos; out: CaptureTarget[] }[]): LabStep | null {
    const n = idx + 1;
    const v = this.deref(item);
    let pos = this.posOf(item, listPos);
    const offset = (item as Node | null)?.range?.[0];
    if (isEmpty(v) && offset !== undefined) {
      // An empty item has no text of its own: point at its "-".
      const dash = this.source.slice(0, offset).search(/-[ \t]*$/);
      if (dash >= 0) pos = this.at(dash);
    }
    const onHost = this.hostNames[0] ?? "HOST";
    if (isEmpty(v)) {
      this.error(pos, `step ${n} is empty: write - matrix: LABEL, or - {on: ${onHost}, run: COMMAND}`);
      return null;
    }
    if (!isMap(v)) {
      const t = stringOf(v);
      this.error(pos, `step ${n} must be a map, not ${describe(v)}: write ${t !== null ? `- {on: ${onHost}, run: ${quote(t)}}` : `- {on: ${onHost}, run: COMMAND} or - matrix: LABEL`}`);
      return null;
    }
    const keys = new Map<string, Entry>();
    const suggested = new Set<string>();
    for (const e of this.entries(v)) {
      if ((STEP_KEYS as readonly string[]).includes(e.name)) keys.set(e.name, e);
      else if (this.hostNames.includes(e.name)) {
        suggested.add("on").add("run");
        this.error(e.keyPos, `step ${n}: ${quote(e.name)} is a host; write on: ${e.name} and the command as run: ...`);
      } else if ((HOST_KEYS as readonly string[]).includes(e.name) || (IFACE_KEYS as readonly string[]).includes(e.name)) {
        this.error(e.keyPos, `${quote(e.name)} belongs to a host under hosts:, not to step ${n}`);
      } else {
        const t = nameText(e.value);
        const isHost = t !== null && this.hostNames.includes(t);
        this.unknownKey(e, `step ${n}`, STEP_KEYS, STEP_SYNONYMS, suggested, isHost ? "on" : null);
        // A garbled key holding a command is the step's run; one holding a host name, its on.
        if (t !== null && !isHost && /\s/.test(t.trim())) suggested.add("run");
      }
    }

    const matrix = keys.get("matrix");
    if (matrix) {
      // A matrix with command keys is one mistake (a check given a matrix label, or two steps run together): one diagnostic.
      const extra = [...keys.values()].filter((x) => (COMMAND_STEP_KEYS as readonly string[]).includes(x.name));
      const [first] = extra;
      if (first) {
        const cmd = extra.filter((x) => x.name !== "name").map((x) => `"${x.name}"`);
        this.error(
          first.keyPos,
          cmd.length
            ? `step ${n} is a matrix: it pings every pair of addresses by itself and takes no ${cmd.join(", ")}${extra.length > cmd.length ? ' (nor "name": its label is the matrix: value)' : ""}; put the command in a step of its own`
            : `step ${n} is a matrix: its label is the matrix: value, so it takes no "name"`,
        );
      }
      const label = this.text(matrix, `the matrix label of step ${n}`, { example: "matrix: before host routes" });
      return { kind: "matrix", name: label ?? `matrix ${n}`, pos };
    }

    const nameE = keys.get("name");
    const label = nameE ? this.text(nameE, `name of step ${n}`, { example: "name: ns01 reaches the gateway" }) : null;

    let on = "";
    const onE = keys.get("on");
    if (onE) {
      const h = nameText(onE.value);
      const src = onE.value?.range ? this.source.slice(onE.value.range[0], onE.value.range[1]) : "";
      if (h !== null && /\n/.test(src) && isScalar(onE.value) && onE.value.type === "PLAIN") {
        // A plain value folded from two lines: the next line lost its "key:".
        suggested.add("run");
        this.error(onE.valuePos, `on of step ${n} runs on into the next line (${quote(h)}): a host name is one word; is "run:" missing on line ${onE.valuePos.line + 1}?`);
      } else if (h === null || !h) {
        this.error(
          onE.valuePos,
          isSeq(onE.value)
            ? `step ${n} runs on one host, not a list: write one step for each host`
            : `on of step ${n} must be a host name, not ${describe(onE.value)}; hosts: ${listOf(this.hostNames)}`,
        );
      } else {
        on = h;
        if (!this.hostsBroken && !this.hostNames.includes(h) && !this.misplacedHosts.has(h)) {
          const hosts = [...this.hostNames];
          this.hostRefs.push({
            name: h,
            pos: onE.valuePos,
            message: (also) => `step ${n} runs on ${quote(h)}, which is not a host of this lab${didYouMean(h, hosts)}; hosts: ${listOf(hosts)}${also}`,
          });
        }
      }
    }
    let run = "";
    const runE = keys.get("run");
    if (runE) run = this.text(runE, `run of step ${n}`, { example: `run: ip -br addr` }) ?? "";
    if (runE && run) {
      const problem = shebangProblem(run);
      if (problem) this.error(runE.valuePos, `run of step ${n}: ${problem}`);
    }
    // Nothing is missing if a misspelled key stands for it, or a key was lost (the value may be behind it).
    const excused = (k: string) => suggested.has(k) || suggested.has("matrix") || this.keyless.has(v);
    const missing = [!onE && !excused("on") ? "on" : null, !runE && !excused("run") ? "run" : null].filter((x): x is string => x !== null);
    if (missing.length) {
      const what = missing.length === 2 ? 'no "on" and no "run"' : `no "${missing[0]}"`;
      const fix =
        missing.length === 2
          ? `write on: HOST and run: COMMAND (hosts: ${listOf(this.hostNames)}), or make it a matrix: LABEL`
          : missing[0] === "on"
            ? `say which host runs it with on: HOST (hosts: ${listOf(this.hostNames)})`
            : `give the command with run: COMMAND`;
      this.error(pos, `step ${n}${label ? ` (${quote(label)})` : ""} has ${what}: ${fix}`);
    }

    let expect: Expect | null = null;
    const expE = keys.get("expect");
    if (expE) {
      const t = stringOf(expE.value) ?? (isScalar(expE.value) && expE.value.value !== null ? (expE.value.source ?? String(expE.value.value)) : null);
      if (t === "ok" || t === "fail") expect = t;
      else {
        const s = t === null ? null : (EXPECT_SYNONYMS[t.toLowerCase()] ?? closest(t, EXPECTS));
        this.error(expE.valuePos, `expect of step ${n} is ${describe(expE.value)}: write ok (the command exits 0) or fail (it exits non-zero)${s ? ` (did you mean "${s}"?)` : ""}`);
      }
    }

    let timeout = DEFAULT_STEP_TIMEOUT;
    const toE = keys.get("timeout");
    if (toE) {
      const t = toE.value;
      const num = isScalar(t) && typeof t.value === "number" ? t.value : null;
      if (num !== null && Number.isFinite(num) && num > 0 && num <= MAX_TIMEOUT) timeout = num;
      else {
        const m = stringOf(t)?.match(/^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?)?\s*$/i);
        const fix = m && Number(m[1]) > 0 && Number(m[1]) <= MAX_TIMEOUT ? ` (write timeout: ${m[1]})` : "";
        this.error(toE.valuePos, `timeout of step ${n} must be a number of seconds, more than 0 and at most ${MAX_TIMEOUT}, not ${describe(t)}${fix}`);
      }
    }

    const capture: CaptureTarget[] = [];
    const capE = keys.get("capture");
    if (capE && !isEmpty(capE.value)) {
      const c = capE.value;
      if (!isSeq(c)) {
        const t = stringOf(c);
        this.error(capE.valuePos, `capture of step ${n} must be a list, not ${describe(c)}: write capture: [${t?.replace(/^\[|\]$/g, "") ?? `${on || onHost}:DEV`}]`);
      } else {
        const seen = new Set<string>();
        c.items.forEach((it, k) => {
          const spec = stringOf(this.deref(it));
          const cpos = this.posOf(it, capE.valuePos);
          if (spec === null) {
            const item = this.deref(it);
            const pair = isMap(item) && item.items.length === 1 ? this.entries(item)[0] : undefined;
            const joined = pair && nameText(pair.value) ? `${pair.name}:${nameText(pair.value)}` : null;
            const fix = joined ? ` (no space after ':': write ${joined})` : "";
            this.error(cpos, `capture ${k + 1} of step ${n} must be host:dev or host/netns:dev, not ${describe(item)}${fix}`);
          } else if (seen.has(spec)) {
            this.error(cpos, `capture ${quote(spec)} is listed twice in step ${n}: once is enough`);
          } else {
            seen.add(spec);
            pending.push({ step: n, spec, pos: cpos, out: capture });
          }
        });
      }
    }
    return { kind: expect === null ? "action" : "check", name: label || run.split("\n")[0] || `step ${n}`, on, run, expect, capture, timeout, pos };
  }

  private capture(n: number, spec: string, pos: SourcePos, hosts: Map<string, LabHost>, scripts: Map<string, string[]>): CaptureTarget | null {
    const devsOf = (h: LabHost) => [...h.interfaces.map((x) => x.name), ...createdDevices(scripts.get(h.name) ?? [])];
    const m = CAPTURE_RE.exec(spec);
    if (!m) {
      let hint = "";
      if (!/[\s:/]/.test(spec)) {
        const host = hosts.get(spec);
        const owners = [...hosts.values()].filter((h) => devsOf(h).includes(spec));
        if (host) hint = `; ${spec} is a host: name a device too, e.g. ${spec}:${devsOf(host)[0] ?? "eth0"} (it has: ${listOf(devsOf(host))})`;
        else if (owners.length) hint = `; ${spec} is a device: say whose, e.g. ${owners.map((h) => `${h.name}:${spec}`).join(" or ")}`;
      }
      this.error(pos, `capture ${quote(spec)} in step ${n} is not host:dev or host/netns:dev (e.g. vm02:ens34 or vm02/ns01:ipvlan1)${hint}`);
      return null;
    }
    const target: CaptureTarget = { host: m[1]!, netns: m[2] ?? null, dev: m[3]!, id: spec };
    if (this.hostsBroken || this.misplacedHosts.has(target.host)) return target;
    const host = hosts.get(target.host);
    if (!host) {
      const names = [...hosts.keys()];
      this.hostRefs.push({
        name: target.host,
        pos,
        message: (also) => `capture ${quote(spec)} in step ${n}: no host ${quote(target.host)}${didYouMean(target.host, names)}; hosts: ${listOf(names)}${also}`,
      });
      return target;
    }
    const hostScripts = scripts.get(host.name) ?? [];
    if (target.netns !== null) {
      const known = mentionedNetns(hostScripts);
      if (!known.has(target.netns)) {
        const what = known.size ? `its scripts create: ${listOf(known)}` : "its scripts create none (ip netns add NAME makes one)";
        this.error(pos, `capture ${quote(spec)} in step ${n}: ${host.name} never creates a namespace ${quote(target.netns)}${didYouMean(target.netns, known)}; ${what}`);
        return target;
      }
    }
    if (this.hostsKnown.has(host.name) && !host.interfaces.some((x) => x.name === target.dev) && !mentionedDevices(hostScripts).has(target.dev)) {
      const devs = devsOf(host);
      this.error(pos, `capture ${quote(spec)} in step ${n}: ${host.name} has no interface ${quote(target.dev)}${didYouMean(target.dev, devs)}; it has: ${listOf(devs)}`);
    }
    return target;
  }
}

/** Why `name` cannot be an interface name, or null. */
function ifnameProblem(name: string, host: string): string | null {
  if (name === "lo") return `interface "lo" on ${host}: every host already has its loopback; name the lab interface eth0, ens34, ...`;
  if (name.length > MAX_IFNAME) return `interface name ${quote(name)} is ${name.length} characters long: Linux allows at most ${MAX_IFNAME} (e.g. ${quote(name.slice(0, MAX_IFNAME))})`;
  if (name === "." || name === "..") return `${quote(name)} is not a valid interface name: use ${IFNAME_HINT}`;
  if (name.includes(":")) return `interface name ${quote(name)} has a ':', which Linux does not allow in device names (eth0:1 was an address label, not a device): use ${IFNAME_HINT}`;
  if (name.includes("/")) return `interface name ${quote(name)} has a '/', which Linux does not allow in device names: use ${IFNAME_HINT}`;
  if (/\s/.test(name)) return `interface name ${quote(name)} has a space, which Linux does not allow in device names: use ${IFNAME_HINT}`;
  if (name.startsWith("-")) return `interface name ${quote(name)} starts with '-', which ip would read as an option: use ${IFNAME_HINT}`;
  if (!IFNAME_RE.test(name)) return `interface name ${quote(name)} is not valid: use ${IFNAME_HINT}`;
  return null;
}

/** Turns a parsed YAML document into a Lab, reporting every mistake in it; throws LabError when there are errors. */
export function buildLab(file: string, doc: Document, lines: LineCounter, source: string): LoadedLab {
  const checker = new LabChecker(file, doc, lines, source);
  if (!checker.scan()) throw new LabError(sortDiagnostics(checker.diags));
  const loaded = checker.build();
  // Interfaces without a MAC get a stable one derived from the lab's name.
  for (const h of loaded.lab.hosts) {
    for (const i of h.interfaces) if (!i.macGiven) i.mac = stableMac(`${loaded.lab.name}/${h.name}/${i.name}`);
  }
  return loaded;
}

export function parseCapture(spec: string): CaptureTarget {
  const [where, dev] = spec.split(":") as [string, string];
  const [host, netns] = where.split("/") as [string, string | undefined];
  return { host, netns: netns ?? null, dev, id: spec };
}
