import { isMap, isScalar, isSeq } from "yaml";
import { closest, didYouMean, listOf } from "./errors.js";
import type { LabFacts } from "./facts.js";
import { where } from "./key-messages.js";
import { HOST_KEYS, MAC_EXAMPLE, MAC_RE, MAX_TIMEOUT, NAME_RE, TOP_KEYS } from "./schema.js";
import type { Issue } from "./validate.js";
import { BOOLEAN_SYNONYMS, colonMac, describe, EXPECT_SYNONYMS, quote, slug } from "./vocabulary.js";
import { isEmpty, nameText, type Loc, type Val } from "./yaml-doc.js";

/* The schema's complaints about values, in the words of a lab: what is wrong and what would be valid. */

type ValueIssue = Extract<Issue, { kind: "value" }>;

function stringOf(v: Val): string | null {
  return isScalar(v) && typeof v.value === "string" ? v.value : null;
}

/** A value's path with the names in it replaced by *, to pick its wording. */
function shape(path: readonly string[]): string {
  const out = [...path];
  if (out.length > 1 && (out[0] === "hosts" || out[0] === "networks" || out[0] === "steps")) out[1] = "*";
  if (out.length > 3 && ((out[0] === "hosts" && out[2] === "interfaces") || (out[0] === "steps" && out[2] === "capture"))) out[3] = "*";
  return out.join("/");
}

/** A value that must be text: empty, or something else. */
function textMessage(what: string, key: string, v: Val, example?: string): string {
  const s = stringOf(v);
  if (isEmpty(v) || (s !== null && !s.trim())) return `${what} is empty${example ? `: write ${example}` : ""}`;
  let fix = "";
  if (isScalar(v)) fix = `: put it in quotes (${key}: "${v.source ?? String(v.value)}")`;
  else if (isSeq(v) && key === "run") fix = `: write ${key}: | and the commands below it, one per line`;
  else if (isMap(v)) fix = `: a value with ": " in it must be quoted, or written as a block (${key}: |)`;
  return `${what} must be text, not ${describe(v)}${fix}`;
}

function macMessage(id: string, v: Val, keywords: Set<string>, hint: string): string {
  if (isScalar(v) && typeof v.value === "number") {
    const src = v.source ?? String(v.value);
    return `mac of ${id} must be in quotes: YAML reads ${src} as a number; write mac: "${/^[0-9a-f]{12}$/i.test(src) ? colonMac(src) : MAC_EXAMPLE}"`;
  }
  const s = stringOf(v);
  if (s === null) return `mac of ${id} must be ${hint}, not ${describe(v)}`;
  if (keywords.has("not")) return `mac of ${id} is all zeros, which Linux refuses: use a unicast MAC such as "${MAC_EXAMPLE}", or leave mac out for a derived one`;
  if (MAC_RE.test(s)) {
    const mac = s.toLowerCase();
    const fixed = `${(parseInt(mac.slice(0, 2), 16) & 0xfe).toString(16).padStart(2, "0")}${mac.slice(2)}`;
    const what = mac === "ff:ff:ff:ff:ff:ff" ? "the broadcast address" : `a multicast address (the first byte, ${mac.slice(0, 2)}, is odd)`;
    return `mac of ${id} is ${s}, ${what}: an interface needs a unicast MAC, e.g. "${fixed}"`;
  }
  const hex = s.replace(/[-.:\s]/g, "");
  if (/^[0-9a-f]{12}$/i.test(hex) && /^[0-9a-f]{2}([-.\s]?[0-9a-f]{2}){5}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(s)) {
    return `mac of ${id} is ${quote(s)}: write MACs with ':' between the bytes, "${colonMac(hex)}"`;
  }
  return `mac of ${id} is ${quote(s)}, which is not a MAC address: write six two-digit hex bytes separated by ':', like "${MAC_EXAMPLE}"`;
}

/** A capture that is not host:dev, with a hint when it is only a host or only a device. */
function captureMessage(x: LabFacts, n: number, written: string): string {
  let hint = "";
  const spec = written.trim().split(/\s/)[0] ?? "";
  if (!/[:/]/.test(spec)) {
    const owners = x.hostNames.filter((h) => x.devicesOf(h).includes(spec));
    if (x.hostNames.includes(spec)) {
      const devs = x.devicesOf(spec);
      hint = `; ${spec} is a host: name a device too, e.g. ${spec}:${devs[0] ?? "eth0"} (it has: ${listOf(devs)})`;
    } else if (owners.length) hint = `; ${spec} is a device: say whose, e.g. ${owners.map((h) => `${h}:${spec}`).join(" or ")}`;
  }
  return `capture ${quote(written)} in step ${n} is not host:dev or host/netns:dev, then optionally a tcpdump filter (e.g. vm02:ens34, vm02/ns01:ipvlan1 or vm02:ens34 icmp or arp)${hint}`;
}

/**
 * A capture written as a mapping ({on: vm02:ens34, filter: "icmp or arp"}):
 * a lab writes the target and its filter as one entry, and says so with the
 * entry it meant.
 */
function captureMapMessage(x: LabFacts, n: number, k: number, v: Val): string {
  const fields = new Map<string, string>();
  if (isMap(v)) {
    for (const item of v.items) {
      const key = nameText(item.key);
      const val = x.doc.deref(item.value);
      const text = isScalar(val) && val.value !== null ? String(val.value) : null;
      if (key !== null && text !== null) fields.set(key.toLowerCase(), text);
    }
  }
  const target = ["on", "capture", "target", "dev", "device", "interface", "iface", "where"].map((key) => fields.get(key)).find((t) => t !== undefined);
  const filter = ["filter", "expression", "expr", "bpf", "tcpdump"].map((key) => fields.get(key)).find((t) => t !== undefined);
  const example = target && /^[^/:\s]+(\/[^/:\s]+)?:[^/:\s]+$/.test(target) ? `- ${target}${filter ? ` ${filter}` : ""}` : `- ${x.exampleHost()}:DEV icmp or arp`;
  return `capture ${k} of step ${n} is a mapping: a capture is one entry, the device and then its tcpdump filter, e.g. ${example}`;
}

/** Leaves a reference that is not a valid name to the reference checks (references.ts). */
function unreferenced(x: LabFacts, path: readonly string[]): null {
  x.f.badPaths.delete(path.join("/"));
  return null;
}

/** The message for a value the schema refuses; null when an earlier diagnostic already covers it. */
function message(x: LabFacts, i: ValueIssue, loc: Loc | null): string | null {
  const v = loc?.value ?? null;
  const { path, keywords, hint } = i;
  const n = path[0] === "steps" ? Number(path[1]) + 1 : 0;
  const id = `${path[1]}:${path[3]}`;
  const t = nameText(v);
  switch (shape(path)) {
    case "":
      if (isEmpty(v)) return "the lab is empty: write at least hosts:, usually networks: and steps: too";
      return `a lab is a map with the keys ${TOP_KEYS.join(", ")}, but this file holds ${describe(v)}${isSeq(v) ? ': remove the "- " in front of the top-level keys' : ""}`;
    case "name": {
      const s = stringOf(v);
      if (s === null || !s.trim()) return textMessage("name", "name", v, "name: ipvlan-l2");
      const e = slug(s);
      return `name ${quote(s)} is not valid: use ${hint}${e && e !== s ? ` (e.g. ${quote(e)})` : ""}`;
    }
    case "ipv6": {
      const s = BOOLEAN_SYNONYMS[t?.toLowerCase() ?? ""];
      return `ipv6 must be ${hint}, not ${describe(v)}${s ? ` (did you mean "${s}"?)` : ""}`;
    }
    case "networks": {
      x.f.networksBroken = true;
      const names = isSeq(v) ? v.items.map((it) => nameText(x.doc.deref(it))).filter((s): s is string => !!s) : [];
      return `networks must be ${hint}, not ${describe(v)}: write networks: {${(names.length ? names : ["vmnet8"]).map((s) => `${s}: {}`).join(", ")}}`;
    }
    case "networks/*":
      return `network ${path[1]} must be ${hint}, not ${describe(v)}`;
    case "hosts":
      x.f.hostsBroken = true;
      // A map whose keys were all lost is not empty: its keys were reported.
      if (isMap(v) && x.doc.keyless.has(v)) return null;
      if (isEmpty(v) || isMap(v)) {
        return x.f.misplacedHosts.size ? null : `hosts is empty: give at least one host, e.g. hosts: {vm01: {interfaces: {eth0: {network: ${x.exampleNetwork()}}}}}`;
      }
      x.f.networkUseUnknown = true;
      return `hosts must be ${hint}, not ${describe(v)}: write each host as NAME: {...}${isSeq(v) ? ' instead of "- ..."' : ""}`;
    case "hosts/*":
      x.f.networkUseUnknown = true;
      x.f.hostsUnread.add(path[1]!);
      return `host ${path[1]} must be ${hint}, not ${describe(v)}${stringOf(v) !== null ? ": put its commands under run: |" : ""}`;
    case "hosts/*/run":
      return textMessage(`run of host ${path[1]}`, "run", v);
    case "hosts/*/interfaces": {
      x.f.networkUseUnknown = true;
      x.f.hostsUnread.add(path[1]!);
      const names = isSeq(v) ? v.items.map((it) => nameText(x.doc.deref(it))).filter((s): s is string => !!s) : stringOf(v) ? [stringOf(v)!] : [];
      const example = (names.length ? names : ["eth0"]).map((s) => `${s}: {network: ${x.exampleNetwork()}}`).join(", ");
      return `interfaces of ${path[1]} must be ${hint}, not ${describe(v)}: write interfaces: {${example}}`;
    }
    case "hosts/*/interfaces/*": {
      const name = path[3]!;
      if (HOST_KEYS.includes(name)) return `"${name}" is indented under interfaces: of ${path[1]}: move it left, in line with interfaces:`;
      x.f.networkUseUnknown = true;
      x.f.hostsUnread.add(path[1]!);
      if (isEmpty(v)) return `${id} has no network: write ${name}: {network: ${x.exampleNetwork()}}${x.networksHint()}`;
      return `${id} must be ${hint}, not ${describe(v)}: write ${name}: {network: ${t && NAME_RE.test(t) ? t : x.exampleNetwork()}}`;
    }
    case "hosts/*/interfaces/*/network":
      // A name that cannot be a network's is not one of the lab's networks: the reference check says so, with what is.
      if (t) return unreferenced(x, path);
      x.f.networkUseUnknown = true;
      x.f.hostsUnread.add(path[1]!);
      return `network of ${id} must be ${hint}, not ${describe(v)}${x.networksHint()}`;
    case "hosts/*/interfaces/*/mac":
      return macMessage(id, v, keywords, hint);
    case "steps":
      return `steps must be ${hint}, not ${describe(v)}: start each step with "- ", e.g. - {on: ${x.exampleHost()}, run: ip -br addr}`;
    case "steps/*": {
      const on = x.exampleHost();
      if (isEmpty(v)) return `step ${n} is empty: write - matrix: LABEL, or - {on: ${on}, run: COMMAND}`;
      const s = stringOf(v);
      return `step ${n} must be a map, not ${describe(v)}: write ${s !== null ? `- {on: ${on}, run: ${quote(s)}}` : `- {on: ${on}, run: COMMAND} or - matrix: LABEL`}`;
    }
    case "steps/*/name":
      return textMessage(`name of step ${n}`, "name", v, "name: ns01 reaches the gateway");
    case "steps/*/on": {
      if (isSeq(v)) return `step ${n} runs on one host, not a list: write one step for each host`;
      if (isScalar(v) && v.type === "PLAIN" && t !== null && /\n/.test(x.doc.sourceOf(v))) {
        // A plain value folded from two lines: the next line lost its "key:".
        x.f.suggest(path.slice(0, 2), "run");
        const line = x.doc.valuePos(loc).line;
        return `on of step ${n} runs on into the next line (${quote(t)}): a host name is one word; is "run:" missing on line ${line + 1}?`;
      }
      if (t) return unreferenced(x, path);
      return `on of step ${n} must be ${hint}, not ${describe(v)}${t ? didYouMean(t, x.hostNames) : ""}; hosts: ${listOf(x.hostNames)}`;
    }
    case "steps/*/run":
      return textMessage(`run of step ${n}`, "run", v, "run: ip -br addr");
    case "steps/*/expect": {
      const w = isScalar(v) && v.value !== null ? (stringOf(v) ?? v.source ?? String(v.value)) : null;
      const s = w === null ? null : (EXPECT_SYNONYMS[w.toLowerCase()] ?? closest(w, ["ok", "fail"]));
      return `expect of step ${n} is ${describe(v)}: write ${hint}${s ? ` (did you mean "${s}"?)` : ""}`;
    }
    case "steps/*/timeout": {
      const m = stringOf(v)?.match(/^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?)?\s*$/i);
      const fix = m && Number(m[1]) > 0 && Number(m[1]) <= MAX_TIMEOUT ? ` (write timeout: ${m[1]})` : "";
      return `timeout of step ${n} must be ${hint}, not ${describe(v)}${fix}`;
    }
    case "steps/*/capture": {
      const s = stringOf(v);
      const on = x.doc.nameAt([...path.slice(0, 2), "on"]) || x.exampleHost();
      return `capture of step ${n} must be ${hint}, not ${describe(v)}: write capture: [${s?.replace(/^\[|\]$/g, "") ?? `${on}:DEV`}]`;
    }
    case "steps/*/capture/*": {
      const s = stringOf(v);
      if (s !== null) return captureMessage(x, n, s);
      if (isMap(v) && v.items.length > 1) return captureMapMessage(x, n, Number(path[3]) + 1, v);
      const pair = isMap(v) && v.items.length === 1 ? v.items[0] : undefined;
      const joined = pair && nameText(pair.key) && nameText(x.doc.deref(pair.value)) ? `${nameText(pair.key)}:${nameText(x.doc.deref(pair.value))}` : null;
      return `capture ${Number(path[3]) + 1} of step ${n} must be ${hint}, not ${describe(v)}${joined ? ` (no space after ':': write ${joined})` : ""}`;
    }
    case "steps/*/link-local":
      return `link-local of step ${n} must be true or false, not ${describe(v)}: true adds every device's fe80:: address to the matrix`;
    case "steps/*/matrix":
      return textMessage(`the matrix label of step ${n}`, "matrix", v, "matrix: before host routes");
    default:
      return `${where(path)} must be ${hint || "something else"}, not ${describe(v)}`;
  }
}

export function reportValue(x: LabFacts, i: ValueIssue): void {
  x.f.badPaths.add(i.path.join("/"));
  const loc = x.doc.locate(i.path);
  const text = message(x, i, loc);
  if (text === null) return;
  const indented = shape(i.path) === "hosts/*/interfaces/*" && HOST_KEYS.includes(i.path[3]!);
  const pos = indented ? x.doc.keyPos(loc) : i.path.length === 0 && isEmpty(loc?.value ?? null) ? x.doc.at(0) : x.doc.valuePos(loc);
  x.f.error(pos, text);
}
