// 802.1Q (C-tag) and 802.1ad (S-tag) headers as they sit between the source
// MAC and the ethertype: a tag protocol identifier and a 16-bit tag control
// information, PCP (3 bits), DEI (1) and VID (12).

export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const VLAN_HLEN = 4;
/** VLAN_VID_MASK: 4095 is reserved, so an id must be below it. */
export const VLAN_VID_MASK = 0x0fff;
const VLAN_PRIO_SHIFT = 13;
const VLAN_CFI_MASK = 0x1000;

export interface VlanTag {
  readonly tpid: number;
  readonly tci: number;
}

/** eth_type_vlan: the ethertypes Linux takes for a VLAN header. */
export const ethTypeVlan = (ethertype: number): boolean => ethertype === ETH_P_8021Q || ethertype === ETH_P_8021AD;

export const vlanId = (t: VlanTag): number => t.tci & VLAN_VID_MASK;
export const vlanPcp = (t: VlanTag): number => (t.tci >> VLAN_PRIO_SHIFT) & 7;
export const vlanDei = (t: VlanTag): boolean => (t.tci & VLAN_CFI_MASK) !== 0;

/** A TCI from its parts, the PCP as vlan_dev_get_egress_qos_mask gives it. */
export const vlanTci = (vid: number, pcp: number): number => ((pcp & 7) << VLAN_PRIO_SHIFT) | (vid & VLAN_VID_MASK);

/** The name iproute2 gives a VLAN protocol (ll_proto_n2a). */
export const vlanProtoName = (tpid: number): string => (tpid === ETH_P_8021AD ? "802.1ad" : "802.1Q");
