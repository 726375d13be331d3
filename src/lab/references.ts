import { splitCapture } from "./capture-spec.js";
import { closest, didYouMean, listOf, nearest } from "./errors.js";
import { own, type LabFacts } from "./facts.js";
import { mentionedDevices, mentionedNetns } from "./mentions.js";
import { NAME_RE, MAX_NAME } from "./schema.js";
import { shebangProblem } from "./script.js";
import type { SourcePos } from "./types.js";
import { quote } from "./vocabulary.js";

/*
 * What a schema cannot say: that names refer to things the lab has
 * (interfaces → networks, steps and captures → hosts, devices, namespaces),
 * that MACs differ, that scripts are for bash. Values the schema refused are
 * not looked at again.
 */

interface Ref {
  name: string;
  pos: SourcePos;
  message: (also: string) => string;
}

function byPos(a: { pos: SourcePos }, b: { pos: SourcePos }): number {
  return a.pos.line - b.pos.line || a.pos.col - b.pos.col;
}

/** Interfaces on networks the lab does not have: one diagnostic per name, however many interfaces use it. */
function networkRefs(x: LabFacts): Set<string> {
  const used = new Set<string>();
  const unknown = new Map<string, { id: string; pos: SourcePos }[]>();
  for (const i of x.interfaces()) {
    const path = [...i.path, "network"];
    const network = x.doc.nameAt(path);
    if (x.f.isBad(path) || !network) continue;
    const ref = { id: `${i.host}:${i.name}`, pos: x.doc.valuePos(x.doc.locate(path)) };
    if (x.networkNames.includes(network)) used.add(network);
    else if (!x.f.misplacedNetworks.has(network) && !x.f.networksBroken) unknown.set(network, [...(unknown.get(network) ?? []), ref]);
  }
  // A network renamed beyond recognition is still the only one nobody uses.
  const unused = x.networkNames.filter((n) => !used.has(n));
  for (const [network, refs] of unknown) {
    const [first, ...others] = refs.sort(byPos) as [{ id: string; pos: SourcePos }, ...{ id: string; pos: SourcePos }[]];
    const near = closest(network, x.networkNames);
    const s = near ?? (unknown.size === 1 && unused.length === 1 ? unused[0]! : null);
    if (s) used.add(s);
    if ((s && x.f.invalidNames.has(s)) || x.f.nearInvalid(network)) continue;
    const also = others.length ? ` (so are ${others.map((o) => `${o.id} on line ${o.pos.line}`).join(", ")})` : "";
    x.f.error(
      first.pos,
      x.networkNames.length
        ? `${first.id} is on network ${quote(network)}, which is not under networks:${s && !near ? ` (did you mean "${s}"?)` : didYouMean(network, x.networkNames)}; networks: ${listOf(x.networkNames)}${also}`
        : `${first.id} is on network ${quote(network)}, but the lab has no networks: add networks: {${network}: {}}${also}`,
    );
  }
  return used;
}

/** Every interface needs its own MAC. */
function duplicateMacs(x: LabFacts): void {
  const seen = new Map<string, { id: string; line: number }>();
  const macs = x.interfaces().flatMap((i) => {
    const path = [...i.path, "mac"];
    const mac = own(i.value, "mac");
    return typeof mac === "string" && !x.f.badPaths.has(path.join("/")) ? [{ id: `${i.host}:${i.name}`, mac, pos: x.doc.valuePos(x.doc.locate(path)) }] : [];
  });
  for (const m of macs.sort(byPos)) {
    const other = seen.get(m.mac.toLowerCase());
    if (other) {
      x.f.error(m.pos, `mac of ${m.id} is ${m.mac}, which ${other.id} (line ${other.line}) already has: every interface needs its own MAC; change one, or leave mac out for a derived one`);
    } else seen.set(m.mac.toLowerCase(), { id: m.id, line: m.pos.line });
  }
}

function scripts(x: LabFacts): void {
  const check = (path: string[], what: string) => {
    const loc = x.doc.locate(path);
    const run = loc?.value && "value" in loc.value ? loc.value.value : null;
    const problem = typeof run === "string" && !x.f.isBad(path) ? shebangProblem(run) : null;
    if (problem) x.f.error(x.doc.valuePos(loc), `${what}: ${problem}`);
  };
  for (const h of x.hostNames) check(["hosts", h, "run"], `run of host ${h}`);
  for (const s of x.steps()) check([...s.path, "run"], `run of step ${s.index + 1}`);
}

/** Steps and captures on hosts, and the devices and namespaces captures name. */
function hostRefs(x: LabFacts): Ref[] {
  const refs: Ref[] = [];
  if (x.f.hostsBroken) return refs;
  for (const s of x.steps()) {
    // A matrix step with command keys was reported as such.
    if (own(s.value, "matrix") !== undefined) continue;
    const n = s.index + 1;
    const onPath = [...s.path, "on"];
    const h = x.doc.nameAt(onPath);
    if (h && !x.f.isBad(onPath) && !x.hostNames.includes(h) && !x.f.misplacedHosts.has(h)) {
      refs.push({
        name: h,
        pos: x.doc.valuePos(x.doc.locate(onPath)),
        message: (also) => `step ${n} runs on ${quote(h)}, which is not a host of this lab${didYouMean(h, x.hostNames)}; hosts: ${listOf(x.hostNames)}${also}`,
      });
    }
    const capture = own(s.value, "capture");
    if (!Array.isArray(capture) || x.f.isBad([...s.path, "capture"])) continue;
    capture.forEach((spec, k) => {
      const path = [...s.path, "capture", String(k)];
      if (typeof spec !== "string" || x.f.isBad(path)) return;
      const pos = x.doc.valuePos(x.doc.locate(path));
      const [where, dev] = splitCapture(spec).target.split(":") as [string, string];
      const [host, netns] = where.split("/") as [string, string | undefined];
      if (x.f.misplacedHosts.has(host)) return;
      if (!x.hostNames.includes(host)) {
        refs.push({ name: host, pos, message: (also) => `capture ${quote(spec)} in step ${n}: no host ${quote(host)}${didYouMean(host, x.hostNames)}; hosts: ${listOf(x.hostNames)}${also}` });
        return;
      }
      const hostScripts = x.scriptsOf(host);
      if (netns !== undefined) {
        const known = mentionedNetns(hostScripts);
        if (!known.has(netns)) {
          const what = known.size ? `its scripts create: ${listOf(known)}` : "its scripts create none (ip netns add NAME makes one)";
          x.f.error(pos, `capture ${quote(spec)} in step ${n}: ${host} never creates a namespace ${quote(netns)}${didYouMean(netns, known)}; ${what}`);
          return;
        }
      }
      const ifs = own(x.hosts(), host);
      const listed = typeof ifs === "object" && ifs !== null ? own(ifs as Record<string, unknown>, "interfaces") : undefined;
      const has = typeof listed === "object" && listed !== null && Object.prototype.hasOwnProperty.call(listed, dev);
      // Every namespace has its loopback, so lo can always be captured.
      if (dev !== "lo" && !x.f.hostsUnread.has(host) && !has && !mentionedDevices(hostScripts).has(dev)) {
        const devs = x.devicesOf(host);
        x.f.error(pos, `capture ${quote(spec)} in step ${n}: ${host} has no interface ${quote(dev)}${didYouMean(dev, devs)}; it has: ${listOf(devs)}`);
      }
    });
  }
  return refs;
}

/** References to hosts that do not exist: one diagnostic per name, at its first use. */
function reportHostRefs(x: LabFacts, refs: Ref[]): void {
  const byName = new Map<string, Ref[]>();
  for (const r of refs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const all of byName.values()) {
    const [first, ...others] = all.sort(byPos) as [Ref, ...Ref[]];
    if (nearest(first.name, x.hostNames).some((h) => x.f.invalidNames.has(h)) || x.f.nearInvalid(first.name)) continue;
    const lines = [...new Set(others.map((o) => o.pos.line))];
    x.f.error(first.pos, first.message(lines.length ? ` (also used on line${lines.length > 1 ? "s" : ""} ${lines.join(", ")})` : ""));
  }
}

export function checkReferences(x: LabFacts): void {
  const used = networkRefs(x);
  duplicateMacs(x);
  scripts(x);
  reportHostRefs(x, hostRefs(x));
  // A network nobody uses is worth a warning only when every interface could be read (and it has a valid name).
  if (x.f.networksBroken || x.f.networkUseUnknown || x.f.hostsBroken) return;
  for (const n of x.networkNames) {
    if (!used.has(n) && NAME_RE.test(n) && n.length <= MAX_NAME) {
      x.f.warn(x.doc.keyPos(x.doc.locate(["networks", n])), `network ${quote(n)} has no interface on it: give a host an interface with network: ${n}, or remove it`);
    }
  }
}
