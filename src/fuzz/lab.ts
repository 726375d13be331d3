// A generated lab as parts the shrinker can take away one by one: a host, a
// line of a host's run script, a step. Written out as an ordinary lab file.

export interface FuzzInterface {
  name: string;
  network: string;
  mac: string;
}

export interface FuzzHost {
  name: string;
  interfaces: FuzzInterface[];
  /** The run script, one command per entry (an entry may span lines when it must stay whole). */
  lines: string[];
}

export type FuzzStep =
  | { kind: "check"; name: string; on: string; run: string; capture: string[] }
  | { kind: "action"; on: string; run: string }
  | { kind: "matrix"; name: string };

export interface FuzzLab {
  name: string;
  networks: string[];
  hosts: FuzzHost[];
  steps: FuzzStep[];
}

/** A step's timeout: every generated command ends within a few seconds on a healthy kernel. */
export const FUZZ_STEP_TIMEOUT = 10;

/** A double-quoted YAML scalar (JSON's escapes are YAML's). */
const quoted = (s: string): string => JSON.stringify(s);

function block(indent: string, text: string): string[] {
  return text.split("\n").map((l) => (l ? indent + l : ""));
}

/** The lab file: comments first (each line prefixed with "# "), then the YAML. */
export function fuzzLabYaml(lab: FuzzLab, comments: string[] = []): string {
  const out = comments.map((c) => (c ? `# ${c}` : "#"));
  out.push(`name: ${lab.name}`);
  // The grammar is IPv4's. With IPv6 on, every device's start sends DAD probes, MLD reports and
  // router solicitations after random delays (up to 1 s each), so captures and address listings
  // taken in the first seconds would compare the kernel's random draws, not its logic.
  out.push("ipv6: false");
  out.push("networks:");
  for (const n of lab.networks) out.push(`  ${n}: {}`);
  out.push("hosts:");
  for (const h of lab.hosts) {
    out.push(`  ${h.name}:`);
    const ifaces = h.interfaces.map((i) => `${i.name}: { network: ${i.network}, mac: ${quoted(i.mac)} }`).join(", ");
    out.push(`    interfaces: { ${ifaces} }`);
    if (h.lines.length) {
      out.push("    run: |");
      out.push(...block("      ", h.lines.join("\n")));
    } else {
      out.push('    run: ""');
    }
  }
  if (lab.steps.length) out.push("steps:");
  for (const s of lab.steps) {
    if (s.kind === "matrix") {
      out.push(`  - matrix: ${quoted(s.name)}`);
      continue;
    }
    if (s.kind === "check") out.push(`  - name: ${quoted(s.name)}`, `    on: ${s.on}`);
    else out.push(`  - on: ${s.on}`);
    out.push("    run: |", ...block("      ", s.run));
    if (s.kind === "check") {
      out.push("    expect: ok");
      if (s.capture.length) out.push(`    capture: [${s.capture.map(quoted).join(", ")}]`);
    }
    out.push(`    timeout: ${FUZZ_STEP_TIMEOUT}`);
  }
  return out.join("\n") + "\n";
}

/** One part of a lab the shrinker may drop. */
export type FuzzPart = { kind: "host"; host: string } | { kind: "line"; host: string; index: number } | { kind: "step"; index: number };

/** Every part of LAB, hosts first, then their lines, then the steps. */
export function fuzzParts(lab: FuzzLab): FuzzPart[] {
  return [
    ...lab.hosts.map((h): FuzzPart => ({ kind: "host", host: h.name })),
    ...lab.hosts.flatMap((h) => h.lines.map((_, index): FuzzPart => ({ kind: "line", host: h.name, index }))),
    ...lab.steps.map((_, index): FuzzPart => ({ kind: "step", index })),
  ];
}

/**
 * LAB with only the parts KEEP: a host dropped takes its lines and the steps
 * run on it along, and a network no interface is on any more goes too.
 */
export function fuzzSubset(lab: FuzzLab, keep: FuzzPart[]): FuzzLab {
  const hostKept = new Set(keep.flatMap((p) => (p.kind === "host" ? [p.host] : [])));
  const lineKept = new Set(keep.flatMap((p) => (p.kind === "line" ? [`${p.host}\n${p.index}`] : [])));
  const stepKept = new Set(keep.flatMap((p) => (p.kind === "step" ? [p.index] : [])));
  const hosts = lab.hosts.filter((h) => hostKept.has(h.name)).map((h) => ({ ...h, lines: h.lines.filter((_, i) => lineKept.has(`${h.name}\n${i}`)) }));
  const steps = lab.steps.filter((s, i) => stepKept.has(i) && (s.kind === "matrix" || hostKept.has(s.on)));
  // A capture on a host that is gone cannot be taken: drop it from the step.
  const names = new Set(hosts.map((h) => h.name));
  const fixed = steps.map((s) => (s.kind === "check" ? { ...s, capture: s.capture.filter((c) => names.has(c.split(/[/:]/)[0]!)) } : s));
  const used = new Set(hosts.flatMap((h) => h.interfaces.map((i) => i.network)));
  return { ...lab, networks: lab.networks.filter((n) => used.has(n)), hosts, steps: fixed };
}

/** How big a lab is, for messages: hosts, script lines, steps. */
export function fuzzSize(lab: FuzzLab): string {
  const lines = lab.hosts.reduce((n, h) => n + h.lines.length, 0);
  return `${lab.hosts.length} host${lab.hosts.length === 1 ? "" : "s"}, ${lines} setup line${lines === 1 ? "" : "s"}, ${lab.steps.length} step${lab.steps.length === 1 ? "" : "s"}`;
}
