// struct inet6_dev: a device's IPv6 state (addrconf.c's ipv6_add_dev): its
// configuration (net.ipv6.conf.DEV.*), its addresses, the multicast groups
// it has joined, its nd_tbl parameters and the router solicitation and MLD
// report timers. Every device gets one when it registers, even with IPv6
// disabled (disable_ipv6=1), as long as its MTU is at least 1280.

import type { Ipv6 } from "../../wire/ipv6-addr.js";
import type { Timer } from "../clock.js";
import type { NetDevice } from "../devices/net-device.js";
import { NEIGH_PARMS_DEFAULTS, type NeighParms } from "../sysctl-defaults.js";
import type { Inet6Ifaddr } from "./addrconf.js";

/** ipv6_devconf's defaults in 6.1 (net/ipv6/addrconf.c), times in ms. */
export const IPV6_DEVCONF_DEFAULTS = {
  forwarding: 0,
  hop_limit: 64,
  mtu6: 1280,
  accept_ra: 1,
  accept_redirects: 1,
  autoconf: 1,
  dad_transmits: 1,
  rtr_solicits: -1,
  rtr_solicit_interval: 4000,
  rtr_solicit_max_interval: 3600000,
  rtr_solicit_delay: 1000,
  use_tempaddr: 0,
  accept_dad: 1,
  disable_ipv6: 0,
  enhanced_dad: 1,
  addr_gen_mode: 0,
  keep_addr_on_down: 0,
  proxy_ndp: 0,
  ndisc_notify: 0,
  mldv1_unsolicited_report_interval: 10000,
  mldv2_unsolicited_report_interval: 1000,
  force_mld_version: 0,
};

/** ipv6_devconf (conf/all) differs from ipv6_devconf_dflt in accept_dad: 0, so a device's own value decides. */
export const IPV6_DEVCONF_ALL_DEFAULTS: Ipv6DevConfShape = { ...IPV6_DEVCONF_DEFAULTS, accept_dad: 0 };
type Ipv6DevConfShape = typeof IPV6_DEVCONF_DEFAULTS;

export type Ipv6ConfKey = keyof typeof IPV6_DEVCONF_DEFAULTS;
export type Ipv6DevConf = Record<Ipv6ConfKey, number>;
export const isIpv6ConfKey = (k: string): k is Ipv6ConfKey => Object.hasOwn(IPV6_DEVCONF_DEFAULTS, k);

/** IN6_ADDR_GEN_MODE_*: how a link-local interface id is made. */
export const IN6_ADDR_GEN_MODE_EUI64 = 0;
export const IN6_ADDR_GEN_MODE_NONE = 1;
export const IN6_ADDR_GEN_MODE_STABLE_PRIVACY = 2;
export const IN6_ADDR_GEN_MODE_RANDOM = 3;

/** MLD's robustness variable (sysctl_mld_qrv): each change report goes out this many times. */
export const MLD_QRV_DEFAULT = 2;

export class Inet6Dev {
  readonly cnf: Ipv6DevConf;
  /** addr_list: sorted by scope, global first; within a scope, newest first (ipv6_link_dev_addr). */
  readonly addrList: Inet6Ifaddr[] = [];
  /** mc_list: each joined group and its users, in join order. */
  readonly mcList = new Map<Ipv6, number>();
  /** nd_parms (net.ipv6.neigh.DEV.*). */
  readonly ndParms: NeighParms = { ...NEIGH_PARMS_DEFAULTS };
  reachableTime = NEIGH_PARMS_DEFAULTS.base_reachable_time_ms;
  /** Router solicitations: how many went out, the next interval (rfc3315_s14_backoff), the timer. */
  rsProbes = 0;
  rsInterval = 0;
  rsTimer: Timer | null = null;
  /** mc_ifc_count and mc_dad_count: change reports still to send; their timers. */
  mcIfcCount = 0;
  mcIfcTimer: Timer | null = null;
  mcDadCount = 0;
  mcDadTimer: Timer | null = null;
  /** Groups a change report names until it has gone out MLD_QRV times (mca_crcount). */
  readonly mcCrcount = new Map<Ipv6, number>();
  dead = false;
  /** cnf.stable_secret: the RFC 7217 secret written to conf/DEV/stable_secret, or drawn by addr_gen_mode random. */
  stableSecret: Uint8Array | null;

  constructor(
    readonly dev: NetDevice,
    dflt: Ipv6DevConf,
    dfltSecret: Uint8Array | null = null,
  ) {
    this.cnf = { ...dflt };
    this.stableSecret = dfltSecret ? new Uint8Array(dfltSecret) : null;
    // ipv6_add_dev: a device created with default's secret set generates stable-privacy ids.
    if (this.stableSecret) this.cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_STABLE_PRIVACY;
  }
}
