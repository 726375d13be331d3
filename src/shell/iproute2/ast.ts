import type { InetPrefix } from "./inet.js";
import type { ListFilter } from "./list-filter.js";

/** `ip`'s global options, as iproute2 6.1 counts them (-s -s is stats 2). */
export interface IpGlobals {
  netns: string | null;
  family: "inet" | "inet6" | "link" | null;
  brief: boolean;
  json: boolean;
  pretty: boolean;
  details: number;
  stats: number;
  oneline: boolean;
  force: boolean;
  /** -all: `ip -all netns exec|delete`. */
  all: boolean;
  /** -human or -iec: statistics in k, M, G (or Ki, Mi, Gi). */
  human: boolean;
}

export interface LinkAttrs {
  up: boolean | null;
  name: string | null;
  /** `dev X` or the bare device name. */
  dev: string | null;
  link: string | null;
  address: string | null;
  broadcast: string | null;
  mtu: number | null;
  txqueuelen: number | null;
  /** A namespace name, or a process id. */
  netns: { name: string } | { pid: number } | null;
  /** null: untouched; "" for `nomaster`. */
  master: string | null;
  arp: boolean | null;
  promisc: boolean | null;
  multicast: boolean | null;
  allmulticast: boolean | null;
  alias: string | null;
}

export type LinkType =
  | { kind: "veth"; peer: LinkAttrs | null }
  | { kind: "bridge"; options: Record<string, number> }
  | { kind: "ipvlan" | "ipvtap"; mode: "l2" | "l3" | "l3s" | null; flag: "bridge" | "private" | "vepa" | null }
  | {
      kind: "macvlan" | "macvtap";
      mode: "private" | "vepa" | "bridge" | "passthru" | "source" | null;
      nopromisc: boolean;
      nodst: boolean;
      /** IFLA_MACVLAN_FLAGS is sent: a `flag` (even `flag null`), `nopromisc` or `nodst` was named. */
      hasFlags: boolean;
      /** IFLA_MACVLAN_MACADDR_MODE with its addresses (one for add/del, any number for set, none for flush); the last `macaddr` wins. */
      macaddr: { mode: "add" | "del" | "set" | "flush"; macs: string[] } | null;
      /** IFLA_MACVLAN_BC_QUEUE_LEN. */
      bcqueuelen: number | null;
    }
  | {
      kind: "vlan";
      /** IFLA_INFO_DATA is sent: something followed `type vlan`. */
      data: boolean;
      id: number | null;
      protocol: number | null;
      /** struct ifla_vlan_flags: the flags named, under the mask of those named. */
      flags: { flags: number; mask: number } | null;
      egressQos: { from: number; to: number }[] | null;
      ingressQos: { from: number; to: number }[] | null;
    }
  | { kind: "bridge_slave"; options: BridgeSlaveOptions }
  | { kind: "other"; name: string; args: string[] };

/** IFLA_BRPORT_* of `ip link set DEV type bridge_slave ...` / `bridge link set`, each null when not named. */
export interface BridgeSlaveOptions {
  hairpin: boolean | null;
  learning: boolean | null;
  flood: boolean | null;
  mcastFlood: boolean | null;
  bcastFlood: boolean | null;
  isolated: boolean | null;
  cost: number | null;
  priority: number | null;
  /** The options named that the simulator does not model, in the order given. */
  unmodelled: string[];
}

export type IpCommand =
  | { object: "link"; command: "add" | "set" | "replace" | "delete"; attrs: LinkAttrs; type: LinkType | null }
  | { object: "link"; command: "show"; filter: ListFilter }
  | {
      object: "address";
      command: "add" | "change" | "replace" | "delete";
      dev: string;
      local: InetPrefix | null;
      peer: InetPrefix | null;
      broadcast: string | null;
      scope: string | null;
      label: string | null;
      metric: number | null;
      /** IFA_F_* bits asked for (noprefixroute, autojoin; the IPv6-only ones for an IPv6 address). */
      flags: number;
      /** What iproute2 said while parsing (a flag it will not send). */
      warnings: string;
    }
  | { object: "address"; command: "show" | "flush"; filter: ListFilter }
  | { object: "route"; command: "add" | "delete" | "replace" | "change" | "append" | "prepend"; route: RouteSpec }
  | { object: "route"; command: "show" | "flush"; route: RouteSpec }
  | { object: "route"; command: "get"; to: InetPrefix; from: InetPrefix | null; iif: string | null; oif: string | null }
  | { object: "neigh"; command: "add" | "delete" | "replace" | "change"; to: InetPrefix; dev: string; lladdr: string | null; nud: string | null; proxy: boolean }
  /** `proxy`: the proxy entries (pneigh), of which the simulator has none. */
  | { object: "neigh"; command: "show" | "flush"; to: InetPrefix | null; dev: string | null; nud: string | null; proxy: boolean }
  | { object: "netns"; command: "add" | "delete" | "attach"; name: string; pid?: number }
  | { object: "netns"; command: "list" | "identify" | "pids" | "list-id"; arg: string | null }
  | { object: "netns"; command: "exec"; name: string; argv: string[] }
  | { object: "rule"; command: "show"; args: string[] }
  | { object: "help"; args: string[] };

export interface RouteSpec {
  type: string | null;
  to: InetPrefix | null;
  via: InetPrefix | null;
  dev: string | null;
  src: InetPrefix | null;
  metric: number | null;
  scope: string | null;
  table: string | null;
  proto: string | null;
  onlink: boolean;
}

export interface IpInvocation {
  globals: IpGlobals;
  cmd: IpCommand;
}

/** What `ip ARGS` means, or the exact stderr and status iproute2 gives for it. */
export type IpParse = { ok: true; value: IpInvocation } | { ok: false; stderr: string; exitCode: number };
