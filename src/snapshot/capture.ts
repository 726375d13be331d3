// What assets/snapshot.sh prints: the kernel's own listings (`ip -j -d`,
// `bridge -j`, `tc -j`) and /proc/sys values of every network namespace it
// found, as it found them. Only the fields the lab writer reads are typed.

export interface RawLinkInfo {
  info_kind?: string;
  info_data?: Record<string, unknown>;
  info_slave_kind?: string;
  info_slave_data?: Record<string, unknown>;
}

export interface RawLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  link_type: string;
  address?: string;
  /** The lower device or veth peer in the same namespace, by name. */
  link?: string | null;
  /** The lower device or veth peer in another namespace: its ifindex there and that namespace's id here. */
  link_index?: number;
  link_netnsid?: number;
  master?: string;
  operstate?: string;
  linkinfo?: RawLinkInfo;
}

export interface RawAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope?: string;
  label?: string;
  dynamic?: boolean;
  noprefixroute?: boolean;
  secondary?: boolean;
  nodad?: boolean;
}

export interface RawAddr {
  ifindex: number;
  ifname: string;
  addr_info: RawAddrInfo[];
}

export interface RawNexthop {
  gateway?: string;
  dev?: string;
  weight?: number;
  flags?: string[];
}

export interface RawRoute {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
  nexthops?: RawNexthop[];
}

export interface RawRule {
  priority: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  iifname?: string;
  oifname?: string;
  fwmark?: string;
  not?: boolean;
  table?: string;
  action?: string;
}

export interface RawNeigh {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
  router?: boolean;
}

export interface RawFdb {
  mac: string;
  ifname: string;
  master?: string;
  vlan?: number;
  dst?: string;
  flags?: string[];
  state?: string;
}

export interface RawQdisc {
  kind: string;
  handle?: string;
  dev: string;
  root?: boolean;
  parent?: string;
}

export interface RawNamespace {
  kind: "root" | "named" | "process";
  /** The /run/netns name (named namespaces). */
  name: string;
  /** `net:[inode]`. */
  id: string;
  pid?: number;
  comm?: string;
  container?: { runtime: string; id: string; name: string };
  link: RawLink[];
  addr: RawAddr[];
  route: RawRoute[];
  route6: RawRoute[];
  rule: RawRule[];
  neigh: RawNeigh[];
  neighProxy: RawNeigh[];
  brlink: unknown[];
  fdb: RawFdb[];
  qdisc: RawQdisc[];
  netfilter: string[];
  /** Why the reader could not enter it (nsenter refused: not root); nothing else is known of it. */
  unreadable?: string;
  /** "net/ipv4/conf/eth0/rp_filter" -> "1". */
  sysctl: Record<string, string>;
}

export interface RawCapture {
  reader: string;
  scope: "machine" | "uts";
  hostname: string;
  kernel: string;
  namespaces: RawNamespace[];
  /** Processes whose namespace the reader could not look at. */
  unreadablePids: number[];
}

/** The reader's output, checked for the shape the lab writer relies on. */
export function parseCapture(text: string): RawCapture {
  const c = JSON.parse(text) as RawCapture;
  if (!c || typeof c !== "object" || !Array.isArray(c.namespaces) || !c.namespaces.some((n) => n.kind === "root")) {
    throw new Error("the snapshot reader's output has no root namespace");
  }
  for (const n of c.namespaces) {
    for (const k of ["link", "addr", "route", "route6", "rule", "neigh", "neighProxy", "brlink", "fdb", "qdisc", "netfilter"] as const) {
      if (!Array.isArray(n[k])) (n as unknown as Record<string, unknown>)[k] = [];
    }
    n.sysctl ??= {};
  }
  c.unreadablePids ??= [];
  return c;
}
