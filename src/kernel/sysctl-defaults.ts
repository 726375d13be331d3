// Kernel compiled defaults for net.ipv4.conf.* (6.1, ipv4_devconf) and the
// per-netns scalars that the simulator models.

export const DEVCONF_DEFAULTS = {
  forwarding: 0,
  proxy_arp: 0,
  accept_redirects: 1,
  secure_redirects: 1,
  send_redirects: 1,
  shared_media: 1,
  rp_filter: 0,
  log_martians: 0,
  arp_filter: 0,
  medium_id: 0,
  arp_announce: 0,
  arp_ignore: 0,
  promote_secondaries: 0,
  arp_accept: 0,
  arp_notify: 0,
  accept_local: 0,
  route_localnet: 0,
  proxy_arp_pvlan: 0,
  ignore_routes_with_linkdown: 0,
  drop_gratuitous_arp: 0,
  bc_forwarding: 0,
  arp_evict_nocarrier: 1,
};

export type ConfKey = keyof typeof DEVCONF_DEFAULTS;
export type DevConf = Record<ConfKey, number>;

export const isConfKey = (k: string): k is ConfKey => Object.hasOwn(DEVCONF_DEFAULTS, k);

/** net.ipv4.neigh.<dev>.* (arp_tbl parms), times in ms. */
export const NEIGH_PARMS_DEFAULTS = {
  mcast_solicit: 3,
  ucast_solicit: 3,
  app_solicit: 0,
  mcast_resolicit: 0,
  retrans_time_ms: 1000,
  base_reachable_time_ms: 30000,
  delay_first_probe_time: 5,
  gc_stale_time: 60,
  locktime: 100, // in USER_HZ: 1 s
  proxy_delay: 80, // in USER_HZ: 0.8 s
  unres_qlen_bytes: 212992,
};

export type NeighParmKey = keyof typeof NEIGH_PARMS_DEFAULTS;
export type NeighParms = Record<NeighParmKey, number>;
export const isNeighParmKey = (k: string): k is NeighParmKey => Object.hasOwn(NEIGH_PARMS_DEFAULTS, k);

/** net.ipv4.* scalars of one netns. `ip_forward` is not here: it is conf/all/forwarding. */
export const NET_SCALAR_DEFAULTS = {
  icmp_echo_ignore_all: 0,
  icmp_echo_ignore_broadcasts: 1,
  icmp_errors_use_inbound_ifaddr: 0,
  icmp_ratelimit: 1000,
  icmp_ratemask: 6168,
  ip_default_ttl: 64,
};

export type NetScalarKey = keyof typeof NET_SCALAR_DEFAULTS;
export const isNetScalarKey = (k: string): k is NetScalarKey => Object.hasOwn(NET_SCALAR_DEFAULTS, k);
