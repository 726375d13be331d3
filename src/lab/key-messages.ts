import { isMap, isScalar } from "yaml";
import { closest } from "./errors.js";
import type { LabFacts } from "./facts.js";
import { HOST_KEYS, IFACE_KEYS, IFNAME_HINT, MAX_IFNAME, MAX_NAME, NAME_HINT, NAME_RE, STEP_KEYS, TOP_KEYS } from "./schema.js";
import type { Issue } from "./validate.js";
import { HOST_SYNONYMS, IFACE_SETTINGS, IFACE_SYNONYMS, quote, slug, STEP_SYNONYMS, TOP_SYNONYMS } from "./vocabulary.js";
import { isEmpty, nameText, type Val } from "./yaml-doc.js";

/* The schema's complaints about keys (unknown keys, invalid names), in the words of a lab. */

type UnknownKey = Extract<Issue, { kind: "unknownKey" }>;
type BadName = Extract<Issue, { kind: "badName" }>;

/** The map at `path`, in words. */
export function where(path: readonly string[]): string {
  if (path.length === 0) return "the lab";
  if (path[0] === "networks" && path.length === 2) return `network ${path[1]}`;
  if (path[0] === "hosts" && path.length === 2) return `host ${path[1]}`;
  if (path[0] === "hosts" && path.length === 4) return `interface ${path[1]}:${path[3]}`;
  if (path[0] === "steps" && path.length === 2) return `step ${Number(path[1]) + 1}`;
  return path.join(".");
}

function valueOf(x: LabFacts, i: UnknownKey): Val {
  return x.doc.locate([...i.path, i.key])?.value ?? null;
}

function keysOf(v: Val): string[] {
  return isMap(v) ? v.items.map((p) => nameText(p.key) ?? (isScalar(p.key) ? String(p.key.value) : "")).filter(Boolean) : [];
}

function unknownKey(x: LabFacts, i: UnknownKey, synonyms: Record<string, string>, guess: string | null = null): void {
  const pos = x.doc.keyPos(x.doc.locate([...i.path, i.key]));
  if (i.key === "<<") {
    x.f.error(pos, `YAML merge keys (<<) are not supported in labs: write the keys of ${where(i.path)} out`);
    return;
  }
  const s = synonyms[i.key.toLowerCase()] ?? guess ?? closest(i.key, i.valid);
  if (s) x.f.suggest(i.path, s);
  x.f.error(pos, `unknown key ${quote(i.key)} in ${where(i.path)}${s ? ` (did you mean "${s}"?)` : ""}; valid keys: ${i.valid.join(", ")}`);
}

/** Unknown top-level keys: hosts and networks written one level too far left are told apart from typos. */
function topKeys(x: LabFacts, issues: UnknownKey[]): void {
  const rest: UnknownKey[] = [];
  for (const i of issues) {
    const keys = keysOf(valueOf(x, i));
    if (keys.length && keys.every((k) => HOST_KEYS.includes(k))) {
      x.f.misplacedHosts.add(i.key);
      x.f.networkUseUnknown = true;
      x.f.error(x.doc.keyPos(x.doc.locate([i.key])), `${quote(i.key)} is at the top level but looks like a host (it has ${keys.join(" and ")}): indent it under hosts:`);
    } else rest.push(i);
  }
  const guessOf = (k: string) => TOP_SYNONYMS[k.toLowerCase()] ?? closest(k, TOP_KEYS);
  for (const i of rest) {
    const g = guessOf(i.key);
    if (g) x.f.suggest([], g);
  }
  // Without networks:, a misspelled networks key (or one holding the networks the interfaces name) is the one mistake.
  const holdsNetworks = (i: UnknownKey) => keysOf(valueOf(x, i)).some((k) => x.referencedNetworks.has(k));
  const networksKey = "networks" in x.root ? undefined : rest.find((i) => holdsNetworks(i) || guessOf(i.key) === "networks");
  if (networksKey) x.f.networksBroken = true;
  for (const i of rest) {
    const v = valueOf(x, i);
    const networkLike = (isEmpty(v) || (isMap(v) && v.items.length === 0)) && NAME_RE.test(i.key);
    const pos = x.doc.keyPos(x.doc.locate([i.key]));
    if (networkLike && x.referencedNetworks.has(i.key) && !x.networkNames.includes(i.key)) {
      x.f.misplacedNetworks.add(i.key);
      x.f.error(pos, `${quote(i.key)} is at the top level, but interfaces use it as a network: indent it under networks:`);
    } else if (HOST_KEYS.includes(i.key)) {
      x.f.error(pos, `${quote(i.key)} belongs to a host, not the top level: put it under hosts: NAME:`);
      x.f.networkUseUnknown ||= i.key === "interfaces";
    } else if (IFACE_KEYS.includes(i.key)) {
      x.f.error(pos, `${quote(i.key)} belongs to an interface, not the top level: hosts: NAME: interfaces: IF: {network: NET, mac: MAC}`);
    } else if (STEP_KEYS.includes(i.key)) {
      x.f.error(pos, `${quote(i.key)} belongs to a step, not the top level: put it in a step under steps:`);
    } else {
      unknownKey(x, i, TOP_SYNONYMS, i === networksKey ? "networks" : null);
    }
  }
}

function hostKey(x: LabFacts, i: UnknownKey): void {
  const h = i.path[1]!;
  const pos = x.doc.keyPos(x.doc.locate([...i.path, i.key]));
  const k = i.key;
  if (STEP_KEYS.includes(k)) {
    x.f.error(pos, `${quote(k)} belongs to a step, not to host ${h}: put it in a step under steps: (with on: ${h})`);
  } else if (k === "ipv6") {
    x.f.error(pos, `ipv6 is set for the whole lab, not per host: put ipv6: true at the top level`);
  } else if (k === "network" || k === "networks" || k === "mac") {
    x.f.networkUseUnknown ||= k !== "mac";
    x.f.error(pos, `host ${h} takes no ${quote(k)}: each interface has its own, e.g. interfaces: {eth0: {network: ${x.exampleNetwork()}}}`);
  } else if (IFACE_SETTINGS.has(k.toLowerCase())) {
    x.f.error(pos, `host ${h} takes no ${quote(k)}: configure addresses, routes and links in its run: script (ip addr add ..., ip link set ... up)`);
  } else if (keysOf(valueOf(x, i)).includes("network")) {
    x.f.networkUseUnknown = true;
    x.f.hostsUnread.add(h);
    x.f.error(pos, `${quote(k)} in host ${h} looks like an interface: indent it under interfaces:`);
  } else {
    unknownKey(x, i, HOST_SYNONYMS);
    if (x.f.suggestedAt(i.path).has("interfaces")) {
      x.f.networkUseUnknown = true;
      x.f.hostsUnread.add(h);
    }
  }
}

function ifaceKey(x: LabFacts, i: UnknownKey): void {
  const id = `${i.path[1]}:${i.path[3]}`;
  if (IFACE_SETTINGS.has(i.key.toLowerCase())) {
    x.f.error(
      x.doc.keyPos(x.doc.locate([...i.path, i.key])),
      `${id} takes no ${quote(i.key)}: ipvlab only creates the interface on its network; set addresses, MTU and state in the host's run: script (e.g. ip addr add 10.0.0.1/24 dev ${i.path[3]})`,
    );
    return;
  }
  const t = nameText(valueOf(x, i));
  unknownKey(x, i, IFACE_SYNONYMS, t !== null && x.networkNames.includes(t) ? "network" : null);
  // An interface has two keys: an unknown one is most likely its network, garbled.
  x.f.suggest(i.path, "network");
}

function stepKey(x: LabFacts, i: UnknownKey): void {
  const n = Number(i.path[1]) + 1;
  const pos = x.doc.keyPos(x.doc.locate([...i.path, i.key]));
  if (x.hostNames.includes(i.key)) {
    x.f.suggest(i.path, "on", "run");
    x.f.error(pos, `step ${n}: ${quote(i.key)} is a host; write on: ${i.key} and the command as run: ...`);
  } else if (HOST_KEYS.includes(i.key) || IFACE_KEYS.includes(i.key)) {
    x.f.error(pos, `${quote(i.key)} belongs to a host under hosts:, not to step ${n}`);
  } else {
    const t = nameText(valueOf(x, i));
    const isHost = t !== null && x.hostNames.includes(t);
    unknownKey(x, i, STEP_SYNONYMS, isHost ? "on" : null);
    // A garbled key holding a command is the step's run; one holding a host name, its on.
    if (t !== null && !isHost && /\s/.test(t.trim())) x.f.suggest(i.path, "run");
  }
}

/** Options under a network: one diagnostic for all of them. */
function networkOptions(x: LabFacts, issues: UnknownKey[]): void {
  const byNet = new Map<string, UnknownKey[]>();
  for (const i of issues) byNet.set(i.path[1]!, [...(byNet.get(i.path[1]!) ?? []), i]);
  for (const [net, opts] of byNet) {
    const first = x.doc.keyPos(x.doc.locate([...opts[0]!.path, opts[0]!.key]));
    x.f.error(
      first,
      `network ${net} has no option ${opts.map((o) => quote(o.key)).join(", ")}: its one option is hairpin (true: the switch may send a frame back out the port it came in on, as a VEPA's upstream switch does); otherwise write ${net}: {}`,
    );
  }
}

export function reportUnknownKeys(x: LabFacts, issues: UnknownKey[]): void {
  const merge = issues.filter((i) => i.key === "<<");
  for (const i of merge) unknownKey(x, i, {});
  const rest = issues.filter((i) => i.key !== "<<");
  topKeys(x, rest.filter((i) => i.path.length === 0));
  networkOptions(x, rest.filter((i) => i.path[0] === "networks" && i.path.length === 2));
  for (const i of rest) {
    const [top] = i.path;
    if (top === "hosts" && i.path.length === 2) hostKey(x, i);
    else if (top === "hosts" && i.path.length === 4) ifaceKey(x, i);
    else if (top === "steps" && i.path.length === 2) stepKey(x, i);
    else if (i.path.length && !(top === "networks" && i.path.length === 2)) unknownKey(x, i, {});
  }
}

/** Why `name` cannot be an interface name. */
function ifnameProblem(name: string, host: string): string {
  if (name === "lo") return `interface "lo" on ${host}: every host already has its loopback; name the lab interface eth0, ens34, ...`;
  if (name.length > MAX_IFNAME) return `interface name ${quote(name)} is ${name.length} characters long: Linux allows at most ${MAX_IFNAME} (e.g. ${quote(name.slice(0, MAX_IFNAME))})`;
  if (name === "." || name === "..") return `${quote(name)} is not a valid interface name: use ${IFNAME_HINT}`;
  if (name.includes(":")) return `interface name ${quote(name)} has a ':', which Linux does not allow in device names (eth0:1 was an address label, not a device): use ${IFNAME_HINT}`;
  if (name.includes("/")) return `interface name ${quote(name)} has a '/', which Linux does not allow in device names: use ${IFNAME_HINT}`;
  if (/\s/.test(name)) return `interface name ${quote(name)} has a space, which Linux does not allow in device names: use ${IFNAME_HINT}`;
  if (name.startsWith("-")) return `interface name ${quote(name)} starts with '-', which ip would read as an option: use ${IFNAME_HINT}`;
  return `interface name ${quote(name)} is not valid: use ${IFNAME_HINT}`;
}

/** Host, network and interface names the schema refuses. */
export function reportBadName(x: LabFacts, i: BadName): void {
  const pos = x.doc.keyPos(x.doc.locate([...i.path, i.key]));
  const n = i.key;
  if (i.path[0] === "hosts" && i.path.length === 3) {
    x.f.error(pos, ifnameProblem(n, i.path[1]!));
    return;
  }
  const kind = i.path[0] === "hosts" ? "host" : "network";
  x.f.invalidNames.add(n);
  if (i.keywords.has("pattern")) {
    const s = slug(n);
    x.f.error(pos, `${kind} name ${quote(n)} is not valid: use ${NAME_HINT}${s && s !== n ? ` (e.g. ${quote(s)})` : ""}`);
  } else {
    x.f.error(pos, `${kind} name ${quote(n)} is ${n.length} characters long: use at most ${MAX_NAME} (e.g. ${quote(n.slice(0, MAX_NAME))})`);
  }
}
