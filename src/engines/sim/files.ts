// The files outside /proc/sys a lab script reads, as Linux 6.1 prints them
// for one network namespace: /proc/net/snmp and /proc/net/netstat (net/ipv4/proc.c), /proc/net/dev
// (net/core/net-procfs.c) and /sys/class/net/DEV/statistics/* (net/core/
// net-sysfs.c). The kernel keeps the counters (Net.mib, NetDevice.stats);
// this is only their text. /proc/net and /sys/class/net follow the namespace
// the reader runs in, as they do under `ip netns exec`.

import type { DevStats, Net, NetDevice } from "../../kernel/index.js";
import type { FileRead } from "../../shell/index.js";

const ENOENT = "No such file or directory";
const EISDIR = "Is a directory";
/** st_size of a procfs file is 0, of a sysfs attribute a page: what wc sizes its columns by. */
const PROCFS_SIZE = 0;
const SYSFS_SIZE = 4096;

// snmp4_ipstats_list (6.1).
const IP_MIB = ["InReceives", "InHdrErrors", "InAddrErrors", "ForwDatagrams", "InUnknownProtos", "InDiscards", "InDelivers", "OutRequests", "OutDiscards", "OutNoRoutes", "ReasmTimeout", "ReasmReqds", "ReasmOKs", "ReasmFails", "FragOKs", "FragFails", "FragCreates"];
// icmpmibmap: the per-type columns of the Icmp line, read from the IcmpMsg counters.
const ICMP_MIBMAP: Array<[string, number]> = [
  ["DestUnreachs", 3],
  ["TimeExcds", 11],
  ["ParmProbs", 12],
  ["SrcQuenchs", 4],
  ["Redirects", 5],
  ["Echos", 8],
  ["EchoReps", 0],
  ["Timestamps", 13],
  ["TimestampReps", 14],
  ["AddrMasks", 17],
  ["AddrMaskReps", 18],
];
const TCP_MIB = ["RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts", "InCsumErrors"];
const UDP_MIB = ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors"];
/** tcp_mib_init: the constant columns (RFC 2012); the rest counts TCP, which the simulator does not have. */
const TCP_CONSTANTS: Record<string, number> = { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1 };

/** snmp_seq_show: Ip, Icmp, IcmpMsg (only types seen, 16 to a line), Tcp, Udp and UdpLite, each a header line and a value line. */
export function snmpSeqShow(net: Net): string {
  const mib = (name: string) => net.mib[name] ?? 0;
  let out = `Ip: Forwarding DefaultTTL ${IP_MIB.join(" ")}\n`;
  out += `Ip: ${net.confAll.forwarding ? 1 : 2} ${net.scalars.ip_default_ttl} ${IP_MIB.map((n) => mib(`Ip${n}`)).join(" ")}\n`;
  // 6.1.176 has the rate-limit counters backported from 6.2 (icmp: Add counters for rate limits).
  out += `Icmp: InMsgs InErrors InCsumErrors ${ICMP_MIBMAP.map(([n]) => `In${n}`).join(" ")} OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost ${ICMP_MIBMAP.map(([n]) => `Out${n}`).join(" ")}\n`;
  out += `Icmp: ${mib("IcmpInMsgs")} ${mib("IcmpInErrors")} ${mib("IcmpInCsumErrors")} ${ICMP_MIBMAP.map(([, t]) => mib(`IcmpMsgInType${t}`)).join(" ")} `;
  out += `${mib("IcmpOutMsgs")} ${mib("IcmpOutErrors")} ${mib("IcmpOutRateLimitGlobal")} ${mib("IcmpOutRateLimitHost")} ${ICMP_MIBMAP.map(([, t]) => mib(`IcmpMsgOutType${t}`)).join(" ")}\n`;
  out += icmpmsgPut(net);
  out += `Tcp: ${TCP_MIB.join(" ")}\nTcp: ${TCP_MIB.map((n) => TCP_CONSTANTS[n] ?? mib(`Tcp${n}`)).join(" ")}\n`;
  out += `Udp: ${UDP_MIB.join(" ")}\nUdp: ${UDP_MIB.map((n) => mib(`Udp${n}`)).join(" ")}\n`;
  out += `UdpLite: ${UDP_MIB.join(" ")}\nUdpLite: ${UDP_MIB.map((n) => mib(`UdpLite${n}`)).join(" ")}\n`;
  return out;
}

// snmp4_net_list (the TcpExt line, as 6.1.176 built for uml lists it) and snmp4_ipextstats_list.
const TCPEXT_MIB = [
  "SyncookiesSent", "SyncookiesRecv", "SyncookiesFailed", "EmbryonicRsts", "PruneCalled", "RcvPruned", "OfoPruned", "OutOfWindowIcmps",
  "LockDroppedIcmps", "ArpFilter", "TW", "TWRecycled", "TWKilled", "PAWSActive", "PAWSEstab", "DelayedACKs",
  "DelayedACKLocked", "DelayedACKLost", "ListenOverflows", "ListenDrops", "TCPHPHits", "TCPPureAcks", "TCPHPAcks", "TCPRenoRecovery",
  "TCPSackRecovery", "TCPSACKReneging", "TCPSACKReorder", "TCPRenoReorder", "TCPTSReorder", "TCPFullUndo", "TCPPartialUndo", "TCPDSACKUndo",
  "TCPLossUndo", "TCPLostRetransmit", "TCPRenoFailures", "TCPSackFailures", "TCPLossFailures", "TCPFastRetrans", "TCPSlowStartRetrans", "TCPTimeouts",
  "TCPLossProbes", "TCPLossProbeRecovery", "TCPRenoRecoveryFail", "TCPSackRecoveryFail", "TCPRcvCollapsed", "TCPBacklogCoalesce", "TCPDSACKOldSent", "TCPDSACKOfoSent",
  "TCPDSACKRecv", "TCPDSACKOfoRecv", "TCPAbortOnData", "TCPAbortOnClose", "TCPAbortOnMemory", "TCPAbortOnTimeout", "TCPAbortOnLinger", "TCPAbortFailed",
  "TCPMemoryPressures", "TCPMemoryPressuresChrono", "TCPSACKDiscard", "TCPDSACKIgnoredOld", "TCPDSACKIgnoredNoUndo", "TCPSpuriousRTOs", "TCPMD5NotFound", "TCPMD5Unexpected",
  "TCPMD5Failure", "TCPSackShifted", "TCPSackMerged", "TCPSackShiftFallback", "TCPBacklogDrop", "PFMemallocDrop", "TCPMinTTLDrop", "TCPDeferAcceptDrop",
  "IPReversePathFilter", "TCPTimeWaitOverflow", "TCPReqQFullDoCookies", "TCPReqQFullDrop", "TCPRetransFail", "TCPRcvCoalesce", "TCPOFOQueue", "TCPOFODrop",
  "TCPOFOMerge", "TCPChallengeACK", "TCPSYNChallenge", "TCPFastOpenActive", "TCPFastOpenActiveFail", "TCPFastOpenPassive", "TCPFastOpenPassiveFail", "TCPFastOpenListenOverflow",
  "TCPFastOpenCookieReqd", "TCPFastOpenBlackhole", "TCPSpuriousRtxHostQueues", "BusyPollRxPackets", "TCPAutoCorking", "TCPFromZeroWindowAdv", "TCPToZeroWindowAdv", "TCPWantZeroWindowAdv",
  "TCPSynRetrans", "TCPOrigDataSent", "TCPHystartTrainDetect", "TCPHystartTrainCwnd", "TCPHystartDelayDetect", "TCPHystartDelayCwnd", "TCPACKSkippedSynRecv", "TCPACKSkippedPAWS",
  "TCPACKSkippedSeq", "TCPACKSkippedFinWait2", "TCPACKSkippedTimeWait", "TCPACKSkippedChallenge", "TCPWinProbe", "TCPKeepAlive", "TCPMTUPFail", "TCPMTUPSuccess",
  "TCPDelivered", "TCPDeliveredCE", "TCPAckCompressed", "TCPZeroWindowDrop", "TCPRcvQDrop", "TCPWqueueTooBig", "TCPFastOpenPassiveAltKey", "TcpTimeoutRehash",
  "TcpDuplicateDataRehash", "TCPDSACKRecvSegs", "TCPDSACKIgnoredDubious", "TCPMigrateReqSuccess", "TCPMigrateReqFailure",
];
const IPEXT_MIB = [
  "InNoRoutes", "InTruncatedPkts", "InMcastPkts", "OutMcastPkts", "InBcastPkts", "OutBcastPkts", "InOctets", "OutOctets",
  "InMcastOctets", "OutMcastOctets", "InBcastOctets", "OutBcastOctets", "InCsumErrors", "InNoECTPkts", "InECT1Pkts", "InECT0Pkts",
  "InCEPkts", "ReasmOverlaps",
];

/**
 * netstat_seq_show: TcpExt from the LINUX_MIB counters (Net.mib "TcpExt…"),
 * IpExt from the same ipstats counters the Ip line of snmp reads ("Ip…").
 * No MPTcpExt pair: this kernel is built without MPTCP.
 */
export function netstatSeqShow(net: Net): string {
  const mib = (name: string) => net.mib[name] ?? 0;
  let out = `TcpExt: ${TCPEXT_MIB.join(" ")}\nTcpExt: ${TCPEXT_MIB.map((n) => mib(`TcpExt${n}`)).join(" ")}\n`;
  out += `IpExt: ${IPEXT_MIB.join(" ")}\nIpExt: ${IPEXT_MIB.map((n) => mib(`Ip${n}`)).join(" ")}\n`;
  return out;
}

/** icmpmsg_put: the nonzero IcmpMsg counters in index order (In types 0-255, then Out), PERLINE to a pair of lines. */
function icmpmsgPut(net: Net): string {
  const PERLINE = 16;
  const seen: Array<[string, number]> = [];
  for (let i = 0; i < 512; i++) {
    const name = `${i & 0x100 ? "Out" : "In"}Type${i & 0xff}`;
    const v = net.mib[`IcmpMsg${name}`] ?? 0;
    if (v) seen.push([name, v]);
  }
  let out = "";
  for (let k = 0; k < seen.length; k += PERLINE) {
    const line = seen.slice(k, k + PERLINE);
    out += `IcmpMsg: ${line.map(([n]) => n).join(" ")}\nIcmpMsg: ${line.map(([, v]) => v).join(" ")}\n`;
  }
  return out;
}

/**
 * The statistics directory (netstat_attrs), each file one u64 of struct
 * rtnl_link_stats64; what the simulator does not move is 0, as on a device
 * that never sees such an error.
 */
export const NETSTAT_ATTRS: ReadonlyArray<[string, (s: DevStats) => number]> = [
  ["rx_packets", (s) => s.rxPackets],
  ["tx_packets", (s) => s.txPackets],
  ["rx_bytes", (s) => s.rxBytes],
  ["tx_bytes", (s) => s.txBytes],
  ["rx_errors", (s) => s.rxErrors],
  ["tx_errors", (s) => s.txErrors],
  ["rx_dropped", (s) => s.rxDropped],
  ["tx_dropped", (s) => s.txDropped],
  ["multicast", () => 0],
  ["collisions", () => 0],
  ["rx_length_errors", () => 0],
  ["rx_over_errors", () => 0],
  ["rx_crc_errors", () => 0],
  ["rx_frame_errors", () => 0],
  ["rx_fifo_errors", () => 0],
  ["rx_missed_errors", () => 0],
  ["tx_aborted_errors", () => 0],
  ["tx_carrier_errors", () => 0],
  ["tx_fifo_errors", () => 0],
  ["tx_heartbeat_errors", () => 0],
  ["tx_window_errors", () => 0],
  ["rx_compressed", () => 0],
  ["tx_compressed", () => 0],
  ["rx_nohandler", () => 0],
];

/** netstat_show: one counter, "%llu\n"; null for a name the directory does not have. */
export function netstatShow(dev: NetDevice, attr: string): string | null {
  const a = NETSTAT_ATTRS.find(([n]) => n === attr);
  return a ? `${a[1](dev.stats)}\n` : null;
}

/** dev_seq_show: the two header lines, then each device as dev_seq_printf_stats prints it. */
export function devSeqShow(net: Net): string {
  let out = "Inter-|   Receive                                                |  Transmit\n";
  out += " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
  // The walk goes by ifindex hash bucket (dev_index_head, 256 of them), newest first within a bucket.
  const devs = [...net.devices.values()].sort((a, b) => (a.ifindex & 0xff) - (b.ifindex & 0xff) || b.ifindex - a.ifindex);
  for (const d of devs) {
    const s = d.stats;
    const cols: Array<[number, number]> = [
      [s.rxBytes, 7], [s.rxPackets, 7], [s.rxErrors, 4], [s.rxDropped, 4], [0, 4], [0, 5], [0, 10], [0, 9],
      [s.txBytes, 8], [s.txPackets, 7], [s.txErrors, 4], [s.txDropped, 4], [0, 4], [0, 5], [0, 7], [0, 10],
    ];
    out += `${d.name.padStart(6)}: ${cols.map(([v, w]) => String(v).padStart(w)).join(" ")}\n`;
  }
  return out;
}

/** `/a//b/./c` as `/a/b/c`; null for a relative path (the shell has no working directory). */
function normalize(path: string): string[] | null {
  if (!path.startsWith("/")) return null;
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

type Node = { kind: "dir" } | { kind: "file"; content: () => string; size: number } | { kind: "missing" } | null;

/** What a path is in this namespace's view; null when the simulator does not model it. */
function lookup(net: Net, path: string): Node {
  const p = normalize(path);
  if (!p) return null;
  const at = (...prefix: string[]) => prefix.every((x, k) => p[k] === x);
  if (at("proc", "net") || at("proc", "self", "net")) {
    const rest = p.slice(at("proc", "self") ? 3 : 2);
    if (rest.length === 0) return { kind: "dir" };
    if (rest.length === 1 && rest[0] === "snmp") return { kind: "file", content: () => snmpSeqShow(net), size: PROCFS_SIZE };
    if (rest.length === 1 && rest[0] === "netstat") return { kind: "file", content: () => netstatSeqShow(net), size: PROCFS_SIZE };
    if (rest.length === 1 && rest[0] === "dev") return { kind: "file", content: () => devSeqShow(net), size: PROCFS_SIZE };
    return null;
  }
  if (at("sys", "class", "net")) {
    const rest = p.slice(3);
    if (rest.length === 0) return { kind: "dir" };
    const dev = net.devByName(rest[0]!);
    if (!dev) return { kind: "missing" };
    if (rest.length === 1) return { kind: "dir" };
    if (rest[1] !== "statistics") return null;
    if (rest.length === 2) return { kind: "dir" };
    const text = rest.length === 3 ? netstatShow(dev, rest[2]!) : null;
    return text === null ? { kind: "missing" } : { kind: "file", content: () => text, size: SYSFS_SIZE };
  }
  // What the simulated CNI plugins keep on the host (host-local's leases): the host's, whatever the namespace.
  if (at("var", "lib", "cni")) {
    const full = `/${p.join("/")}`;
    const files = net.kernel.files;
    const content = files.get(full);
    if (content !== undefined) return { kind: "file", content: () => content, size: content.length };
    for (const k of files.keys()) if (k.startsWith(`${full}/`)) return { kind: "dir" };
    return { kind: "missing" };
  }
  return null;
}

/** A file as a read of it in this namespace gives it; null when the simulator does not model the path. */
export function readSimFile(net: Net, path: string): FileRead | null {
  const n = lookup(net, path);
  if (!n) return null;
  if (n.kind === "missing") return { ok: false, error: ENOENT };
  if (n.kind === "dir") return { ok: false, error: EISDIR };
  return { ok: true, content: n.content(), size: n.size };
}

/** "missing" when the path is not there; null when the simulator does not model it. */
export function statSimFile(net: Net, path: string): "file" | "dir" | "missing" | null {
  return lookup(net, path)?.kind ?? null;
}
