import type { CommandResult, LabResult, MatrixResult, StepResult } from "../engines/result.js";

/**
 * What may differ between two correct runs of one lab is rewritten to a fixed
 * token: clock times, round-trip times, ICMP ids, the paths of the real
 * engines' work files, and MACs the kernel chose at random (each mapped to a
 * stable name in order of first appearance, so which device has which MAC
 * still has to agree), and the IPv6 link-local addresses addrconf made from
 * such a MAC (EUI-64: the MAC's name stands in). Neighbour dumps are sorted first
 * (canonicalNeighDumps).
 */
export class Normalizer {
  private readonly macs = new Map<string, string>();

  constructor(private readonly fixedMacs: ReadonlySet<string>) {}

  text(s: string): string {
    return s
      .replace(/\b\d\d:\d\d:\d\d\.\d{6}\b/g, "HH:MM:SS.ffffff")
      .replace(/\btime[=<]\d+(\.\d+)? ?ms\b/g, "time=T ms")
      .replace(/, time \d+ms/g, ", time Tms")
      .replace(/rtt min\/avg\/max\/mdev = [\d./]+ ms/g, "rtt min/avg/max/mdev = T ms")
      .replace(/ {2}\d+\.\d+ms\b/g, "  Tms")
      .replace(/\bid \d+, seq/g, "id ID, seq")
      .replace(/\S*\/cmd\/\d+\.sh\b/g, "<script>")
      .replace(/\bfe80::([0-9a-f]{1,4}):([0-9a-f]{1,2})ff:fe([0-9a-f]{1,2}):([0-9a-f]{1,4})\b/g, (ll, a: string, b: string, c: string, d: string) => this.eui64(ll, a, b, c, d))
      .replace(/\bfe80::([0-9a-f]{1,4}):([0-9a-f]{1,2})00:([0-9a-f]{1,2})([0-9a-f]{2}):([0-9a-f]{1,4})\b/g, (ll, a: string, b: string, id: string, c: string, d: string) => this.devIdLinkLocal(ll, a, b, id, c, d))
      .replace(/\b[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\b/g, (mac) => this.mac(mac));
  }

  /** addrconf_ifid_eui48 undone: the MAC behind fe80::AABB:CCff:feDD:EEFF (U/L bit flipped back). */
  private eui64(ll: string, a: string, b: string, c: string, d: string): string {
    const hi = parseInt(a, 16) ^ 0x0200;
    const lo = parseInt(d, 16);
    const bytes = [hi >> 8, hi & 0xff, parseInt(b, 16), parseInt(c, 16), lo >> 8, lo & 0xff];
    const mac = bytes.map((x) => x.toString(16).padStart(2, "0")).join(":");
    const name = this.mac(mac);
    return name === mac ? ll : `fe80::<eui64 ${name}>`;
  }

  /**
   * addrconf_ifid_eui48 with a dev_id (an ipvlan slave's): dev_id where ff:fe
   * would be, so slaves sharing one MAC get distinct link-locals. Only a
   * small dev_id is taken for one (a stable-privacy address is random).
   */
  private devIdLinkLocal(ll: string, a: string, b: string, id: string, c: string, d: string): string {
    const hi = parseInt(a, 16) ^ 0x0200;
    const lo = parseInt(d, 16);
    const bytes = [hi >> 8, hi & 0xff, parseInt(b, 16), parseInt(c, 16), lo >> 8, lo & 0xff];
    const mac = bytes.map((x) => x.toString(16).padStart(2, "0")).join(":");
    const name = this.mac(mac);
    return name === mac ? ll : `fe80::<eui64 ${name} dev_id ${parseInt(id, 16)}>`;
  }

  private mac(mac: string): string {
    const key = mac.toLowerCase();
    if (this.fixedMacs.has(key) || key === "ff:ff:ff:ff:ff:ff" || key === "00:00:00:00:00:00" || key.startsWith("33:33:") || key.startsWith("01:00:5e:")) {
      return mac;
    }
    let name = this.macs.get(key);
    if (!name) {
      name = `<mac${this.macs.size + 1}>`;
      this.macs.set(key, name);
    }
    return name;
  }
}

/** A line of `ip neigh show`: the address, what iproute2 prints after it, and the NUD state(s). */
const NEIGH_LINE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*) (dev \S+ )?(lladdr \S+ )?(router )?(proxy )?(INCOMPLETE|REACHABLE|STALE|DELAY|PROBE|FAILED|NOARP|PERMANENT|NONE)\b/;

/**
 * The kernel dumps neighbours in hash-bucket order (neigh_dump_table), and
 * the hash mixes the address with a per-boot random seed and the device's
 * address in kernel memory: an order no two kernels need share. Each run of
 * `ip neigh` lines is compared as a set (sorted as text).
 */
export function canonicalNeighDumps(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && NEIGH_LINE.test(lines[j]!)) j++;
    if (j - i > 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
    i = j > i ? j : i + 1;
  }
  return lines.join("\n");
}

function commandBlock(s: CommandResult, n: Normalizer, failures: boolean): string[] {
  const out = [`${s.kind} "${s.name}" on ${s.host}: exit ${s.exitCode}${s.expect ? `, expect ${s.expect}` : ""}`];
  const section = (title: string, text: string) => {
    if (text.trim()) out.push(`--- ${title}`, ...n.text(text).replace(/\n$/, "").split("\n"));
  };
  section("stdout", canonicalNeighDumps(s.stdout));
  section("stderr", s.stderr);
  if (failures) for (const f of s.failures) out.push(`--- failed at line ${f.line}: exit ${f.exitCode} (${f.kind})`);
  for (const [where, lines] of Object.entries(s.captures)) {
    out.push(`--- capture ${where} (${lines.length} packets)`, ...lines.map((l) => n.text(l)));
  }
  return out;
}

function matrixBlock(m: MatrixResult): string[] {
  // Order does not matter in a matrix: endpoints and cells are compared sorted.
  const endpoints = m.endpoints.map((e) => `endpoint ${e.id} ${e.address}`).sort();
  const cells = m.cells.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.from} -> ${c.to}`).sort((a, b) => a.slice(5).localeCompare(b.slice(5)));
  return [`matrix "${m.name}"`, ...endpoints, ...cells];
}

/** One normalised text block per step, ready to diff line by line; `failures`: with each failing command's line and kind. */
export function normalizeResult(r: LabResult, labMacs: Iterable<string>, failures = true): string[] {
  const n = new Normalizer(new Set([...labMacs].map((m) => m.toLowerCase())));
  return r.steps.map((s: StepResult) => (s.kind === "matrix" ? matrixBlock(s) : commandBlock(s, n, failures)).join("\n") + "\n");
}
