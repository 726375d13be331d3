import type { LinkType } from "./ast.js";
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
