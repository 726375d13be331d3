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

/**
 * Keys the simulator keeps at their value but no code path of it reads:
 * their defaults are right, any other value would change nothing here that
 * it changes in Linux (redirects accepted or sent on shared media, gratuitous
 * ARP on link up, private-VLAN proxy ARP, neighbour garbage collection,
 * multicast re-solicitation).
 */
export const STORED_ONLY: ReadonlySet<string> = new Set([
  "accept_redirects", "secure_redirects", "shared_media", "arp_notify", "proxy_arp_pvlan",
  "gc_stale_time", "mcast_resolicit",
]);

// The names Linux 6.1 has in a network namespace other than the first
// (`ls` of these directories on the uml kernel): what is not here does not
// exist, what is here and not above is not modelled.
/** net/ipv4/conf/{all,default,DEV}/. */
export const KERNEL_CONF_KEYS: ReadonlySet<string> = new Set([
  "accept_local", "accept_redirects", "accept_source_route", "arp_accept", "arp_announce", "arp_evict_nocarrier", "arp_filter", "arp_ignore",
  "arp_notify", "bc_forwarding", "bootp_relay", "disable_policy", "disable_xfrm", "drop_gratuitous_arp", "drop_unicast_in_l2_multicast",
  "force_igmp_version", "forwarding", "igmpv2_unsolicited_report_interval", "igmpv3_unsolicited_report_interval", "ignore_routes_with_linkdown",
  "log_martians", "mc_forwarding", "medium_id", "promote_secondaries", "proxy_arp", "proxy_arp_pvlan", "route_localnet", "rp_filter",
  "secure_redirects", "send_redirects", "shared_media", "src_valid_mark", "tag",
]);

/** net/ipv4/neigh/DEV/ (no neigh/default: it belongs to the first namespace only). */
export const KERNEL_NEIGH_KEYS: ReadonlySet<string> = new Set([
  "anycast_delay", "app_solicit", "base_reachable_time", "base_reachable_time_ms", "delay_first_probe_time", "gc_stale_time",
  "interval_probe_time_ms", "locktime", "mcast_resolicit", "mcast_solicit", "proxy_delay", "proxy_qlen", "retrans_time", "retrans_time_ms",
  "ucast_solicit", "unres_qlen", "unres_qlen_bytes",
]);

/** net/ipv4/: its files and (conf, neigh, route) directories. */
export const KERNEL_IPV4_NAMES: ReadonlySet<string> = new Set([
  "conf", "neigh", "route",
  "fib_multipath_hash_fields", "fib_multipath_hash_policy", "fib_multipath_use_neigh", "fib_notify_on_flag_change", "fwmark_reflect",
  "icmp_echo_enable_probe", "icmp_echo_ignore_all", "icmp_echo_ignore_broadcasts", "icmp_errors_use_inbound_ifaddr",
  "icmp_ignore_bogus_error_responses", "icmp_msgs_burst", "icmp_msgs_per_sec", "icmp_ratelimit", "icmp_ratemask",
  "igmp_link_local_mcast_reports", "igmp_max_memberships", "igmp_max_msf", "igmp_qrv", "ip_autobind_reuse", "ip_default_ttl", "ip_dynaddr",
  "ip_early_demux", "ip_forward", "ip_forward_update_priority", "ip_forward_use_pmtu", "ip_local_port_range", "ip_local_reserved_ports",
  "ip_no_pmtu_disc", "ip_nonlocal_bind", "ip_unprivileged_port_start", "ipfrag_high_thresh", "ipfrag_low_thresh", "ipfrag_max_dist",
  "ipfrag_time", "nexthop_compat_mode", "ping_group_range", "raw_l3mdev_accept", "tcp_abort_on_overflow", "tcp_adv_win_scale",
  "tcp_allowed_congestion_control", "tcp_app_win", "tcp_autocorking", "tcp_available_congestion_control", "tcp_base_mss",
  "tcp_challenge_ack_limit", "tcp_child_ehash_entries", "tcp_comp_sack_delay_ns", "tcp_comp_sack_nr", "tcp_comp_sack_slack_ns",
  "tcp_congestion_control", "tcp_dsack", "tcp_early_demux", "tcp_early_retrans", "tcp_ecn", "tcp_ecn_fallback", "tcp_ehash_entries",
  "tcp_fack", "tcp_fastopen", "tcp_fastopen_blackhole_timeout_sec", "tcp_fastopen_key", "tcp_fin_timeout", "tcp_frto", "tcp_fwmark_accept",
  "tcp_invalid_ratelimit", "tcp_keepalive_intvl", "tcp_keepalive_probes", "tcp_keepalive_time", "tcp_l3mdev_accept",
  "tcp_limit_output_bytes", "tcp_max_reordering", "tcp_max_syn_backlog", "tcp_max_tw_buckets", "tcp_migrate_req", "tcp_min_rtt_wlen",
  "tcp_min_snd_mss", "tcp_min_tso_segs", "tcp_moderate_rcvbuf", "tcp_mtu_probe_floor", "tcp_mtu_probing", "tcp_no_metrics_save",
  "tcp_no_ssthresh_metrics_save", "tcp_notsent_lowat", "tcp_orphan_retries", "tcp_pacing_ca_ratio", "tcp_pacing_ss_ratio",
  "tcp_probe_interval", "tcp_probe_threshold", "tcp_recovery", "tcp_reflect_tos", "tcp_reordering", "tcp_retrans_collapse",
  "tcp_retries1", "tcp_retries2", "tcp_rfc1337", "tcp_rmem", "tcp_sack", "tcp_shrink_window", "tcp_slow_start_after_idle", "tcp_stdurg",
  "tcp_syn_retries", "tcp_synack_retries", "tcp_syncookies", "tcp_thin_linear_timeouts", "tcp_timestamps", "tcp_tso_rtt_log",
  "tcp_tso_win_divisor", "tcp_tw_reuse", "tcp_window_scaling", "tcp_wmem", "tcp_workaround_signed_windows", "udp_early_demux",
  "udp_l3mdev_accept", "udp_rmem_min", "udp_wmem_min", "xfrm4_gc_thresh",
]);
