import type { BridgeSlaveOptions, LinkType } from "./ast.js";
import { Args, duparg, fail1, invarg, matches } from "./errors.js";
import { parseLinkAttrs } from "./link.js";

const IPVLAN_EXPLAIN = (id: string): string =>
  `Usage: ... ${id} [ mode MODE ] [ FLAGS ]\n\nMODE: l3 | l3s | l2\nFLAGS: bridge | private | vepa\n(first values are the defaults if nothing is specified).\n`;

const MACVLAN_EXPLAIN = (id: string): string =>
  `Usage: ... ${id} mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n\nMODE: private | vepa | bridge | passthru | source\nMODE_FLAG: null | nopromisc | nodst\nMODE_OPTS: for mode "source":\n\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\nBC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n`;

const BRIDGE_U32 = ["forward_delay", "hello_time", "max_age", "ageing_time", "stp_state"];

/**
 * The kinds iproute2 6.1 has a link_util for (ip/iplink_*.c, link_*.c): only
 * those take arguments after `type KIND`; any other kind followed by more
 * words is garbage to iplink_modify before the kernel is asked.
 */
const LINK_UTILS = new Set([
  "amt", "bareudp", "bond", "bond_slave", "bridge", "bridge_slave", "can", "dsa", "erspan", "geneve", "gre", "gretap", "gtp", "hsr",
  "ip6erspan", "ip6gre", "ip6gretap", "ip6tnl", "ipip", "ipoib", "ipvlan", "ipvtap", "lowpan", "macsec", "macvlan", "macvtap", "rmnet",
  "sit", "veth", "virt_wifi", "vlan", "vrf", "vti", "vti6", "vxcan", "vxlan", "xfrm",
]);

/** The type's parse_opt(): the arguments after `type KIND`. */
export function parseLinkType(kind: string, a: Args): LinkType {
  switch (kind) {
    case "veth":
      return veth(a);
    case "ipvlan":
    case "ipvtap":
      return ipvlan(kind, a);
    case "macvlan":
    case "macvtap":
      return macvlan(kind, a);
    case "bridge":
      return bridge(a);
    case "vlan":
      return vlan(a);
    case "bridge_slave":
      return bridgeSlave(a);
    default: {
      const args = a.argv.slice(a.i);
      if (args.length && !LINK_UTILS.has(kind)) throw fail1(`Garbage instead of arguments "${args[0]} ...". Try "ip link help".\n`);
      a.i = a.argv.length;
      return { kind: "other", name: kind, args };
    }
  }
}

function veth(a: Args): LinkType {
  if (!a.more) return { kind: "veth", peer: null };
  if (a.cur !== "peer") {
    throw fail1("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
  }
  a.i++;
  const start = a.i;
  const { attrs, type } = parseLinkAttrs(a, true);
  if (type !== null) throw duparg("type", a.argv[a.i - 2] ?? type);
  void start;
  return { kind: "veth", peer: attrs };
}

function ipvlan(kind: "ipvlan" | "ipvtap", a: Args): LinkType {
  let mode: "l2" | "l3" | "l3s" | null = null;
  let flag: "bridge" | "private" | "vepa" | null = null;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (matches(arg, "mode")) {
      const v = a.next();
      if (v !== "l2" && v !== "l3" && v !== "l3s") throw fail1('Error: argument of "mode" must be either "l2", "l3" or "l3s"\n');
      mode = v;
    } else if (matches(arg, "private") && flag === null) flag = "private";
    else if (matches(arg, "vepa") && flag === null) flag = "vepa";
    else if (matches(arg, "bridge") && flag === null) flag = "bridge";
    else if (matches(arg, "help")) throw fail1(IPVLAN_EXPLAIN(kind));
    else throw fail1(`${kind}: unknown option "${arg}"?\n${IPVLAN_EXPLAIN(kind)}`);
  }
  return { kind, mode, flag };
}

function macvlan(kind: "macvlan" | "macvtap", a: Args): LinkType {
  const MODES = ["private", "vepa", "bridge", "passthru", "source"] as const;
  let mode: (typeof MODES)[number] | null = null;
  let nopromisc = false;
  let nodst = false;
  let hasFlags = false;
  let macaddr: Extract<LinkType, { kind: "macvlan" | "macvtap" }>["macaddr"] = null;
  let bcqueuelen: number | null = null;
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (matches(arg, "mode")) {
      const v = a.next();
      if (!(MODES as readonly string[]).includes(v)) {
        throw fail1(`Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "${v}"\n`);
      }
      mode = v as (typeof MODES)[number];
    } else if (matches(arg, "flag")) {
      const v = a.next();
      if (v === "nopromisc") nopromisc = true;
      else if (v === "nodst") nodst = true;
      else if (v !== "null") throw fail1(`Error: argument of "flag" must be "nopromisc", "nodst" or "null", not "${v}"\n`);
      hasFlags = true;
    } else if (matches(arg, "macaddr")) {
      const v = a.next();
      if (v !== "add" && v !== "del" && v !== "set" && v !== "flush") throw fail1(MACVLAN_EXPLAIN(kind));
      macaddr = { mode: v, macs: [] };
      if (v === "add" || v === "del") {
        const m = a.next();
        const mac = llAddrA2n(m);
        // ll_addr_a2n has already said what is wrong with a malformed address; a short one fails silently.
        if (mac.error) throw fail1(mac.error);
        if (mac.len !== 6) throw fail1("");
        macaddr.macs.push(mac.mac);
      } else if (v === "set") {
        // As many addresses as follow; the first word that is not one ends the list and is parsed as an option.
        while (a.i + 1 < a.argv.length) {
          const mac = llAddrA2n(a.argv[a.i + 1]!);
          if (mac.len !== 6) break;
          a.i++;
          macaddr.macs.push(mac.mac);
        }
      }
    } else if (matches(arg, "bcqueuelen")) {
      const v = a.next();
      const n = /^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) ? Number(v) : NaN;
      if (!(n <= 0xffffffff)) throw fail1(`Error: argument of "bcqueuelen" must be a positive integer [0-4294967295], not "${v}"\n`);
      bcqueuelen = n;
    } else if (matches(arg, "nopromisc")) {
      nopromisc = hasFlags = true;
    } else if (matches(arg, "nodst")) {
      nodst = hasFlags = true;
    } else if (matches(arg, "help")) throw fail1(MACVLAN_EXPLAIN(kind));
    else throw fail1(`${kind}: unknown option "${arg}"?\n${MACVLAN_EXPLAIN(kind)}`);
  }
  if (hasFlags && nopromisc && mode !== "passthru") throw fail1(`${kind}: nopromisc flag only valid in passthru mode\n${MACVLAN_EXPLAIN(kind)}`);
  return { kind, mode, nopromisc, nodst, hasFlags, macaddr, bcqueuelen };
}

function bridge(a: Args): LinkType {
  const options: Record<string, number> = {};
  for (; a.more; a.i++) {
    const arg = a.cur;
    const key =
      BRIDGE_U32.find((k) => matches(arg, k)) ??
      (matches(arg, "priority") ? "priority" : matches(arg, "vlan_filtering") ? "vlan_filtering" : matches(arg, "mcast_snooping") ? "mcast_snooping" : null);
    if (key === null) throw fail1(`bridge: unknown command "${arg}"?\n`);
    const v = a.next();
    const max = key === "priority" ? 0xffff : key === "vlan_filtering" || key === "mcast_snooping" ? 0xff : 0xffffffff;
    const n = /^(0[xX][0-9a-fA-F]+|\d+)$/.test(v) ? Number(v) : NaN;
    if (!(n <= max)) throw invarg(`invalid ${key}`, v);
    options[key] = n;
  }
  return { kind: "bridge", options };
}

/**
 * ll_addr_a2n for an Ethernet address: up to six colon-separated hex bytes,
 * and how many it read. A piece that is not hex is an error with a message;
 * fewer pieces is only a short length.
 */
function llAddrA2n(arg: string): { mac: string; len: number; error: string | null } {
  const out: string[] = [];
  const parts = arg.split(":");
  for (const p of parts.slice(0, 6)) {
    const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(p);
    const v = m ? parseInt(m[1]!, 16) : NaN;
    if (!m || v > 255) return { mac: "", len: -1, error: `"${p}" is invalid lladdr.\n` };
    out.push(v.toString(16).padStart(2, "0"));
  }
  return { mac: out.join(":"), len: out.length, error: null };
}

const VLAN_EXPLAIN =
  "Usage: ... vlan id VLANID\n" +
  "\t\t[ protocol VLANPROTO ]\n" +
  "\t\t[ reorder_hdr { on | off } ]\n" +
  "\t\t[ gvrp { on | off } ]\n" +
  "\t\t[ mvrp { on | off } ]\n" +
  "\t\t[ loose_binding { on | off } ]\n" +
  "\t\t[ bridge_binding { on | off } ]\n" +
  "\t\t[ ingress-qos-map QOS-MAP ]\n" +
  "\t\t[ egress-qos-map QOS-MAP ]\n" +
  "\n" +
  "VLANID := 0-4095\n" +
  "VLANPROTO: [ 802.1Q | 802.1ad ]\n" +
  "QOS-MAP := [ QOS-MAP ] QOS-MAPPING\n" +
  "QOS-MAPPING := FROM:TO\n";

/** enum vlan_flags, by the option that sets each. */
const VLAN_FLAG_OPTS: [string, number][] = [
  ["reorder_hdr", 0x1],
  ["gvrp", 0x2],
  ["mvrp", 0x8],
  ["loose_binding", 0x4],
  ["bridge_binding", 0x10],
];

/** llproto_names as ll_proto_a2n reads them (case-insensitive), the rest a 16-bit number. */
const LL_PROTOS: Record<string, number> = {
  loop: 0x0060, pup: 0x0200, pupat: 0x0201, ip: 0x0800, x25: 0x0805, arp: 0x0806, bpq: 0x08ff, ieeepup: 0x0a00, ieeepupat: 0x0a01,
  dec: 0x6000, dna_dl: 0x6001, dna_rc: 0x6002, dna_rt: 0x6003, lat: 0x6004, diag: 0x6005, cust: 0x6006, sca: 0x6007, rarp: 0x8035,
  atalk: 0x809b, aarp: 0x80f3, ipx: 0x8137, ipv6: 0x86dd, ppp_disc: 0x8863, ppp_ses: 0x8864, atmmpoa: 0x884c, atmfate: 0x8884,
  "802_3": 0x0001, ax25: 0x0002, all: 0x0003, "802_2": 0x0004, snap: 0x0005, ddcmp: 0x0006, wan_ppp: 0x0007, ppp_mp: 0x0008,
  localtalk: 0x0009, can: 0x000c, ppptalk: 0x0010, tr_802_2: 0x0011, mobitex: 0x0015, control: 0x0016, irda: 0x0017, econet: 0x0018,
  tipc: 0x88ca, profinet: 0x8892, aoe: 0x88a2, ethercat: 0x88a4, "802.1q": 0x8100, "802.1ad": 0x88a8, mpls_uc: 0x8847, mpls_mc: 0x8848,
  teb: 0x6558, lldp: 0x88cc, ipv4: 0x0800,
};

/** get_unsigned with base 0 (0x hex, 0 octal, decimal), whole word, at most `max`. */
function getUnsigned(v: string, max: number): number | null {
  const m = /^\s*\+?(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(v);
  if (!m) return null;
  const n = m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : parseInt(m[3]!, 10);
  return n <= max ? n : null;
}

/** vlan_parse_qos_map: FROM:TO words up to the first without a colon. */
function qosMap(a: Args, what: string): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  while (a.more && a.cur.includes(":")) {
    const [k, ...rest] = a.cur.split(":");
    const from = getUnsigned(k!, 0xffffffff);
    const to = getUnsigned(rest.join(":"), 0xffffffff);
    // parse_mapping_gen has cut the word at its colon when invarg prints it.
    if (from === null || to === null) throw invarg(`invalid ${what}`, k!);
    out.push({ from, to });
    a.i++;
  }
  return out;
}

/** vlan_parse_opt (iplink_vlan.c). */
function vlan(a: Args): LinkType {
  const t: Extract<LinkType, { kind: "vlan" }> = { kind: "vlan", data: a.more, id: null, protocol: null, flags: null, egressQos: null, ingressQos: null };
  while (a.more) {
    const arg = a.cur;
    const flag = VLAN_FLAG_OPTS.find(([name]) => matches(arg, name));
    if (matches(arg, "protocol")) {
      const v = a.next();
      const p = LL_PROTOS[v.toLowerCase()] ?? getUnsigned(v, 0xffff);
      if (p === null || p === undefined) throw invarg("protocol is invalid", v);
      t.protocol = p;
    } else if (matches(arg, "id")) {
      const v = a.next();
      const id = getUnsigned(v, 0xffff);
      if (id === null) throw invarg("id is invalid", v);
      t.id = id;
    } else if (flag) {
      const v = a.next();
      const f = t.flags ?? { flags: 0, mask: 0 };
      f.mask |= flag[1];
      if (v === "on") f.flags |= flag[1];
      else if (v === "off") f.flags &= ~flag[1];
      else throw fail1(`Error: argument of "${flag[0]}" must be "on" or "off", not "${v}"\n`);
      t.flags = f;
    } else if (matches(arg, "ingress-qos-map") || matches(arg, "egress-qos-map")) {
      const which = matches(arg, "ingress-qos-map") ? "ingress-qos-map" : "egress-qos-map";
      a.next();
      const m = qosMap(a, which);
      if (which === "ingress-qos-map") t.ingressQos = [...(t.ingressQos ?? []), ...m];
      else t.egressQos = [...(t.egressQos ?? []), ...m];
      continue;
    } else if (matches(arg, "help")) throw fail1(VLAN_EXPLAIN);
    else throw fail1(`vlan: unknown command "${arg}"?\n${VLAN_EXPLAIN}`);
    a.i++;
  }
  return t;
}

export const BRIDGE_SLAVE_EXPLAIN =
  "Usage: ... bridge_slave [ fdb_flush ]\n" +
  "\t\t\t[ state STATE ]\n" +
  "\t\t\t[ priority PRIO ]\n" +
  "\t\t\t[ cost COST ]\n" +
  "\t\t\t[ guard {on | off} ]\n" +
  "\t\t\t[ hairpin {on | off} ]\n" +
  "\t\t\t[ fastleave {on | off} ]\n" +
  "\t\t\t[ root_block {on | off} ]\n" +
  "\t\t\t[ learning {on | off} ]\n" +
  "\t\t\t[ flood {on | off} ]\n" +
  "\t\t\t[ proxy_arp {on | off} ]\n" +
  "\t\t\t[ proxy_arp_wifi {on | off} ]\n" +
  "\t\t\t[ mcast_router MULTICAST_ROUTER ]\n" +
  "\t\t\t[ mcast_fast_leave {on | off} ]\n" +
  "\t\t\t[ mcast_flood {on | off} ]\n" +
  "\t\t\t[ bcast_flood {on | off} ]\n" +
  "\t\t\t[ mcast_to_unicast {on | off} ]\n" +
  "\t\t\t[ group_fwd_mask MASK ]\n" +
  "\t\t\t[ neigh_suppress {on | off} ]\n" +
  "\t\t\t[ vlan_tunnel {on | off} ]\n" +
  "\t\t\t[ isolated {on | off} ]\n" +
  "\t\t\t[ locked {on | off} ]\n" +
  "\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n";

/**
 * parse_on_off (parse_one_of over "off", "on"): a prefix of either word, "off"
 * tried first; null with iproute2's complaint printed otherwise.
 */
export function parseOnOff(what: string, v: string): boolean | string {
  if (matches(v, "off")) return false;
  if (matches(v, "on")) return true;
  return `Error: argument of "${what}" must be one of "off", "on", not "${v}"\n`;
}

export function emptyBridgeSlaveOptions(): BridgeSlaveOptions {
  return { hairpin: null, learning: null, flood: null, mcastFlood: null, bcastFlood: null, isolated: null, cost: null, priority: null, unmodelled: [] };
}

/** The port flags the simulator models, by option name, and the ones that only keep their default (off) when turned off. */
const BRPORT_FLAGS: Record<string, keyof BridgeSlaveOptions> = {
  hairpin: "hairpin",
  learning: "learning",
  flood: "flood",
  mcast_flood: "mcastFlood",
  bcast_flood: "bcastFlood",
  isolated: "isolated",
};
export const BRPORT_OFF_BY_DEFAULT = ["guard", "learning_sync", "root_block", "fastleave", "proxy_arp", "proxy_arp_wifi", "mcast_fast_leave", "mcast_to_unicast", "neigh_suppress", "vlan_tunnel", "locked"];

/** Records one on/off port option: a modelled flag, a default-off one turned off (no change), or one the simulator does not model. */
export function setBrportFlag(o: BridgeSlaveOptions, name: string, on: boolean): void {
  const key = BRPORT_FLAGS[name];
  if (key) (o as unknown as Record<string, boolean>)[key] = on;
  else if (on || !BRPORT_OFF_BY_DEFAULT.includes(name)) o.unmodelled.push(name);
}

/** bridge_slave_parse_opt (iplink_bridge_slave.c): options by prefix, in its order. */
function bridgeSlave(a: Args): LinkType {
  const o = emptyBridgeSlaveOptions();
  const ON_OFF = ["hairpin", "guard", "root_block", "fastleave", "learning", "flood", "mcast_flood", "bcast_flood", "mcast_to_unicast", "proxy_arp", "proxy_arp_wifi"];
  const LATER_ON_OFF = ["mcast_fast_leave", "neigh_suppress", "vlan_tunnel", "isolated", "locked"];
  for (; a.more; a.i++) {
    const arg = a.cur;
    if (matches(arg, "fdb_flush")) o.unmodelled.push("fdb_flush");
    else if (matches(arg, "state")) {
      const v = a.next();
      if (getUnsigned(v, 0xff) === null) throw invarg("state is invalid", v);
      o.unmodelled.push("state");
    } else if (matches(arg, "priority")) {
      const v = a.next();
      const n = getUnsigned(v, 0xffff);
      if (n === null) throw invarg("priority is invalid", v);
      o.priority = n;
    } else if (matches(arg, "cost")) {
      const v = a.next();
      const n = getUnsigned(v, 0xffffffff);
      if (n === null) throw invarg("cost is invalid", v);
      o.cost = n;
    } else {
      // The on/off options before mcast_router, then the ones after it, as iproute2 tries them.
      const onOff = ON_OFF.find((k) => matches(arg, k)) ?? (matches(arg, "mcast_router") ? null : LATER_ON_OFF.find((k) => matches(arg, k)));
      if (onOff) {
        const v = parseOnOff(onOff, a.next());
        if (typeof v === "string") throw fail1(v);
        setBrportFlag(o, onOff, v);
      } else if (matches(arg, "mcast_router")) {
        const v = a.next();
        if (getUnsigned(v, 0xff) === null) throw invarg("invalid mcast_router", v);
        o.unmodelled.push("mcast_router");
      } else if (matches(arg, "group_fwd_mask")) {
        const v = a.next();
        if (getUnsigned(v, 0xffff) === null) throw invarg("invalid group_fwd_mask", v);
        o.unmodelled.push("group_fwd_mask");
      } else if (matches(arg, "backup_port")) {
        a.next();
        o.unmodelled.push("backup_port");
      } else if (matches(arg, "nobackup_port")) o.unmodelled.push("nobackup_port");
      else if (matches(arg, "help")) throw fail1(BRIDGE_SLAVE_EXPLAIN);
      else throw fail1(`bridge_slave: unknown option "${arg}"?\n${BRIDGE_SLAVE_EXPLAIN}`);
    }
  }
  return { kind: "bridge_slave", options: o };
}
