// bridge_print_opt and bridge_slave_print_opt: br_fill_info and
// br_port_fill_attrs as iproute2 6.1 prints them. STP, VLAN filtering and
// multicast querying are not simulated, so those items are the kernel's
// defaults; the timers that run without STP (gc_work, a port's
// forward_delay_timer) are read from the simulated bridge.

import type { BridgeDevice, BridgePort, NetDevice } from "../../kernel/index.js";
import { JsonRaw } from "./json.js";

/** One printed item: `text` null for PRINT_JSON only, `key` null for PRINT_FP only. */
export interface Opt {
  text: string | null;
  key: string | null;
  value: unknown;
}

const BR_DEFAULT_PRIORITY = 0x8000;

const on = (b: boolean) => (b ? "on" : "off");

/** _print_timer: a clock_t value as "%4i.%.2i" (JSON: "%i.%.2i", unquoted). */
function timer(name: string, ms: number): Opt {
  const cs = Math.max(0, Math.floor(ms / 10));
  const frac = String(cs % 100).padStart(2, "0");
  const sec = Math.floor(cs / 100);
  return { text: `${name} ${String(sec).padStart(4)}.${frac}`, key: name, value: new JsonRaw(`${sec}.${frac}`) };
}

/** br_dump_bridge_id: "%.2x%.2x.%x:%x:%x:%x:%x:%x". */
function bridgeIdText(prio: number, mac: string): string {
  const bytes = mac.split(":").map((b) => parseInt(b, 16).toString(16));
  return `${prio.toString(16).padStart(4, "0")}.${bytes.join(":")}`;
}

/**
 * br->bridge_id: br_dev_newlink takes an address given at creation,
 * br_set_mac_address one set later; otherwise br_stp_recalculate_bridge_id
 * gives it the lowest port address, and a bridge that never had a port
 * keeps it zero.
 */
function bridgeId(br: BridgeDevice): string {
  const mac = br.addrAssignType === "set" || br.ports.size > 0 ? br.mac : "00:00:00:00:00:00";
  return bridgeIdText(BR_DEFAULT_PRIORITY, mac);
}

/** gc_work: first HZ/10 after br_dev_open, then every ageing_time (sooner deadlines of dynamic entries are not modelled). */
function gcTimerMs(br: BridgeDevice): number {
  if (br.gcStart === null) return 0;
  const now = br.net.now;
  if (now < br.gcStart) return br.gcStart - now;
  const period = br.fdb.ageingMs;
  return period - ((now - br.gcStart) % period);
}

const n = (text: string, key: string, value: number | string): Opt => ({ text: `${text} ${value}`, key, value });

export function bridgeOpts(dev: NetDevice): Opt[] {
  const br = dev as BridgeDevice;
  const id = bridgeId(br);
  return [
    n("forward_delay", "forward_delay", 1500),
    n("hello_time", "hello_time", 200),
    n("max_age", "max_age", 2000),
    n("ageing_time", "ageing_time", Math.floor(br.fdb.ageingMs / 10)),
    n("stp_state", "stp_state", 0),
    n("priority", "priority", BR_DEFAULT_PRIORITY),
    n("vlan_filtering", "vlan_filtering", 0),
    n("vlan_protocol", "vlan_protocol", "802.1Q"),
    n("bridge_id", "bridge_id", id),
    n("designated_root", "root_id", id),
    n("root_port", "root_port", 0),
    n("root_path_cost", "root_path_cost", 0),
    n("topology_change", "topology_change", 0),
    n("topology_change_detected", "topology_change_detected", 0),
    timer("hello_timer", 0),
    timer("tcn_timer", 0),
    timer("topology_change_timer", 0),
    timer("gc_timer", gcTimerMs(br)),
    n("vlan_default_pvid", "vlan_default_pvid", 1),
    n("vlan_stats_enabled", "vlan_stats_enabled", 0),
    n("vlan_stats_per_port", "vlan_stats_per_port", 0),
    n("group_fwd_mask", "group_fwd_mask", "0"),
    n("group_address", "group_addr", "01:80:c2:00:00:00"),
    n("mcast_snooping", "mcast_snooping", br.mcastSnooping ? 1 : 0),
    n("no_linklocal_learn", "no_linklocal_learn", 0),
    n("mcast_vlan_snooping", "mcast_vlan_snooping", 0),
    n("mcast_router", "mcast_router", 1),
    n("mcast_query_use_ifaddr", "mcast_query_use_ifaddr", 0),
    n("mcast_querier", "mcast_querier", 0),
    n("mcast_hash_elasticity", "mcast_hash_elasticity", 16),
    n("mcast_hash_max", "mcast_hash_max", 4096),
    n("mcast_last_member_count", "mcast_last_member_cnt", 2),
    n("mcast_startup_query_count", "mcast_startup_query_cnt", 2),
    n("mcast_last_member_interval", "mcast_last_member_intvl", 100),
    n("mcast_membership_interval", "mcast_membership_intvl", 26000),
    n("mcast_querier_interval", "mcast_querier_intvl", 25500),
    n("mcast_query_interval", "mcast_query_intvl", 12500),
    n("mcast_query_response_interval", "mcast_query_response_intvl", 1000),
    n("mcast_startup_query_interval", "mcast_startup_query_intvl", 3125),
    n("mcast_stats_enabled", "mcast_stats_enabled", 0),
    n("mcast_igmp_version", "mcast_igmp_version", 2),
    n("mcast_mld_version", "mcast_mld_version", 1),
    n("nf_call_iptables", "nf_call_iptables", 0),
    n("nf_call_ip6tables", "nf_call_ip6tables", 0),
    n("nf_call_arptables", "nf_call_arptables", 0),
  ];
}

/** p->path_cost: as set by hand, else port_cost from the ethtool speed (veth reports 10000 Mb/s; a device without a speed gets 100). */
export function portCost(p: BridgePort): number {
  return p.adminCost ?? (p.dev.kind === "veth" ? 2 : 100);
}

const b = (text: string, key: string | null, value: boolean): Opt => ({ text: `${text} ${on(value)}`, key, value });

export function bridgeSlaveOpts(dev: NetDevice): Opt[] {
  const br = dev.master as BridgeDevice;
  const p = br.ports.get(dev) as BridgePort;
  const portId = p.portId;
  const id = bridgeId(br);
  return [
    n("state", "state", p.forwarding ? "forwarding" : "disabled"),
    n("priority", "priority", p.priority),
    n("cost", "cost", portCost(p)),
    b("hairpin", "hairpin", p.hairpin),
    b("guard", "guard", false),
    b("root_block", "root_block", false),
    b("fastleave", "fastleave", false),
    b("learning", "learning", p.learning),
    b("flood", "flood", p.flood),
    n("port_id", "id", `0x${portId.toString(16)}`),
    n("port_no", "no", `0x${p.portNo.toString(16)}`),
    n("designated_port", "designated_port", portId),
    n("designated_cost", "designated_cost", 0),
    n("designated_bridge", "bridge_id", id),
    n("designated_root", "root_id", id),
    timer("hold_timer", 0),
    timer("message_age_timer", 0),
    timer("forward_delay_timer", p.forwardDelayEnd === null ? 0 : p.forwardDelayEnd - br.net.now),
    n("topology_change_ack", "topology_change_ack", 0),
    n("config_pending", "config_pending", 0),
    b("proxy_arp", "proxy_arp", false),
    b("proxy_arp_wifi", "proxy_arp_wifi", false),
    n("mcast_router", "multicast_router", 1),
    b("mcast_fast_leave", null, false),
    b("mcast_flood", "mcast_flood", p.mcastFlood),
    b("bcast_flood", "bcast_flood", p.bcastFlood),
    b("mcast_to_unicast", "mcast_to_unicast", false),
    b("neigh_suppress", "neigh_suppress", false),
    n("group_fwd_mask", "group_fwd_mask", "0"),
    n("group_fwd_mask_str", "group_fwd_mask_str", "0x0"),
    b("vlan_tunnel", "vlan_tunnel", false),
    b("isolated", "isolated", p.isolated),
    b("locked", "locked", false),
  ];
}
