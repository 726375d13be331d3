// A snapshot as a lab file: the machine as one lab host whose run script
// rebuilds its namespaces, its NICs as lab interfaces on networks of their
// own, the neighbours it knows as stand-in hosts there, and a matrix.

import type { RawCapture } from "./capture.js";
import { machineScript } from "./commands.js";
import { buildMachine, type Machine } from "./machine.js";
import { standIns, standInScript, type StandIn } from "./stand-ins.js";

export interface SnapshotLab {
  /** The lab file's text. */
  yaml: string;
  /** The lab host that is the machine. */
  host: string;
  /** The lab's namespace name for each captured namespace, in capture order (null: the root). */
  namespaces: (string | null)[];
  standIns: { name: string; mac: string | null; addrs: string[] }[];
  /** What the lab does not rebuild, one sentence each, with the reason. */
  notCaptured: string[];
}

export interface SnapshotOptions {
  /** The lab host's name; default: the machine's hostname. */
  name?: string;
  /** When it was taken, for the header (the caller's clock). */
  takenAt?: string;
  /** What was read, for the header, when it was not the machine itself (a lab host on a real engine). */
  source?: string;
  /** Rebuild IPv6 addresses and routes too. */
  ipv6?: boolean;
}

const DEFAULT_QDISCS = new Set(["noqueue", "noop", "pfifo_fast", "fq_codel", "mq", "pfifo", "fq"]);

export function labName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 32).replace(/-+$/, "");
  return t || "machine";
}

function notCaptured(cap: RawCapture, m: Machine, notRebuilt: string[], ipv6: boolean): string[] {
  const out = [...notRebuilt];
  for (const ns of m.namespaces) {
    const at = ns.name === null ? "the root namespace" : `namespace ${ns.name}`;
    if (ns.raw.unreadable) out.push(`${at} (${ns.origin}): not entered (${ns.raw.unreadable.trim().replace(/\s+/g, " ")}); it is an empty namespace in the lab`);
    if (ns.raw.netfilter.length) {
      out.push(`netfilter tables in ${at} (${ns.raw.netfilter.join(", ")}): their rules are not read (listing nf_tables can load kernel modules, a change to the machine) and the lab does not filter packets`);
    }
    for (const q of ns.raw.qdisc) {
      if (!DEFAULT_QDISCS.has(q.kind) || q.kind === "ingress" || q.kind === "clsact") {
        out.push(`tc qdisc ${q.kind} on ${q.dev} in ${at}: traffic control (qdiscs, filters, redirects) is not rebuilt`);
      }
    }
    const v6 = ns.raw.addr.flatMap((a) => a.addr_info.filter((i) => i.family === "inet6" && i.scope === "global").map((i) => `${i.local}/${i.prefixlen} on ${a.ifname}`));
    if (v6.length && !ipv6) out.push(`IPv6 in ${at} (${v6.join(", ")}) and its IPv6 routes: rebuilt only with --ipv6`);
    if (v6.length && ipv6) out.push(`IPv6 neighbours in ${at}: not made stand-in hosts (stand-ins answer for IPv4 addresses only)`);
    for (const d of ns.devices) {
      if (d.kind === "bridge" && d.raw.linkinfo?.info_data?.vlan_filtering) out.push(`the VLAN table of bridge ${d.name} in ${at} (bridge vlan): not read; the bridge is rebuilt with vlan_filtering 1 and its ports' default VLAN only`);
    }
  }
  if (cap.unreadablePids.length) {
    out.push(`the namespaces of process${cap.unreadablePids.length > 1 ? "es" : ""} ${cap.unreadablePids.slice(0, 10).join(", ")}${cap.unreadablePids.length > 10 ? ", ..." : ""}: not readable here (/proc/PID/ns/net refused)`);
  }
  if (cap.scope === "uts") out.push("namespaces of processes in other UTS namespaces: not looked at (--scope uts: they are other machines)");
  out.push("IPsec (ip xfrm), conntrack, sockets and the programs running in the namespaces (servers, DHCP clients, container runtimes): not read; the lab holds the network state at the moment of the snapshot");
  return out;
}

function comment(text: string, indent = ""): string[] {
  const words = text.split(/\s+/);
  const out: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + w.length + 1 > 76) {
      out.push(`${indent}# ${line}`);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(`${indent}# ${line}`);
  return out;
}

export function snapshotLab(cap: RawCapture, opts: SnapshotOptions = {}): SnapshotLab {
  const m = buildMachine(cap);
  const host = labName(opts.name ?? cap.hostname);
  const script = machineScript(m, { ipv6: opts.ipv6 });
  const stand: StandIn[] = standIns(m, host);
  const missing = notCaptured(cap, m, script.notRebuilt, Boolean(opts.ipv6));

  const nics = [...script.nicNames];
  const netOf = new Map(nics.map(([d, lab]) => [d, nics.length === 1 ? "lan" : labName(`lan-${lab}`)]));
  const y: string[] = [];
  y.push(...comment(`A snapshot of ${opts.source ?? cap.hostname} (Linux ${cap.kernel})${opts.takenAt ? ` taken ${opts.takenAt}` : ""} by \`ipvlab snapshot\`.`));
  y.push(...comment(`Read with ip -j -d (link, addr, route show table all, rule, neigh), bridge -j (link, fdb), tc -j qdisc and /proc/sys, in ${m.namespaces.length} network namespace${m.namespaces.length > 1 ? "s" : ""}: ${m.namespaces.map((n) => (n.name === null ? "the root" : `${n.name} (${n.origin})`)).join("; ")}.`));
  y.push("#");
  y.push(...comment(`${host} is the machine: its run script rebuilds what the kernel holds. Its NICs are lab interfaces, each on a network of its own; the gateway and the neighbours it knows there are stand-in hosts that answer for the addresses and MACs it saw, and know only their own subnets.`));
  if (missing.length) {
    y.push("#");
    y.push("# NOT CAPTURED");
    for (const s of missing) y.push(...comment(`- ${s}`).map((l, i) => (i ? l.replace(/^# /, "#   ") : l)));
  }
  y.push(`name: ${labName(`snapshot-${host}`)}`);
  if (script.ipv6) y.push("ipv6: true   # the machine's IPv6 addresses and routes are rebuilt (--ipv6)");
  if (nics.length) {
    y.push("networks:");
    for (const [d, lab] of nics) y.push(`  ${netOf.get(d)}: {}   # the wire of ${host}'s ${lab}`);
  }
  y.push("hosts:");
  y.push(`  ${host}:`);
  if (nics.length) {
    y.push("    interfaces:");
    for (const [d, lab] of nics) y.push(`      ${lab}: { network: ${netOf.get(d)}${d.raw.address ? `, mac: "${d.raw.address}"` : ""} }`);
  }
  y.push("    run: |");
  for (const l of script.lines) y.push(`      ${l}`);
  for (const s of stand) {
    y.push(`  ${s.name}:   # stand-in on ${netOf.get(s.nic)}${s.mac ? `, MAC ${s.mac} as ${host} saw it` : ", MAC not seen (derived)"}`);
    y.push(`    interfaces: { eth0: { network: ${netOf.get(s.nic)}${s.mac ? `, mac: "${s.mac}"` : ""} } }`);
    y.push("    run: |");
    for (const l of standInScript(s)) y.push(`      ${l}`);
  }
  y.push("steps:");
  y.push("  - matrix: at the snapshot");
  return {
    yaml: y.join("\n") + "\n",
    host,
    namespaces: m.namespaces.map((n) => n.name),
    standIns: stand.map((s) => ({ name: s.name, mac: s.mac, addrs: s.ifaces.flatMap((i) => i.addrs.map((a) => a.addr)) })),
    notCaptured: missing,
  };
}
