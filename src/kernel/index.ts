// The simulated kernel's public API: build hosts and networks, configure
// them as iproute2/sysctl would, send with ping/arping sockets, run the clock.
export { Sim, type SimOptions, type RunReport } from "./sim.js";
export { Kernel } from "./kernel.js";
export { Net } from "./net.js";
export { LabSwitch, SwitchPort } from "./switch.js";
export type { TraceStep, TraceSink } from "./trace.js";
export { STRERROR, type Errno, type KResult } from "./errno.js";
export * from "./devices/net-device.js";
export { LoopbackDevice } from "./devices/loopback.js";
export { VethDevice } from "./devices/veth.js";
export { DummyDevice } from "./devices/dummy.js";
export { EthernetDevice } from "./devices/ethernet.js";
export { BridgeDevice, BridgePort, brAddIf, brDelIf } from "./devices/bridge/bridge.js";
export { IpvlanDevice, IpvlPort, type IpvlanMode, type IpvlanFlags } from "./devices/ipvlan/ipvlan.js";
export { ipvlanChangelink, type IpvlanNewlink } from "./devices/ipvlan/ipvlan-main.js";
export { MacvlanDevice, MacvlanPort, type MacvlanMode, type MacvlanFlags, type MacvlanMacaddrMode } from "./devices/macvlan/macvlan.js";
export { macvlanChangelink, macvlanPortGet, type MacvlanNewlink, type MacvlanData, type MacvlanMacaddr } from "./devices/macvlan/macvlan-link.js";
export * from "./rtnl-link.js";
export * from "./rtnl-addr.js";
export * from "./rtnl-route.js";
export { sysctlRead, sysctlWrite } from "./sysctl.js";
export { RawSocket, PacketSocket, pingEchoFilter, type RawRecv, type PacketRecv, type RawSendOptions } from "./sockets.js";
export { neighLookup, neighUpdate, neighDelete, type Neighbour, type NudState } from "./neigh/neighbour.js";
export { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, type FibRoute, type RouteType } from "./ipv4/fib.js";
export type { Rtable } from "./ipv4/route.js";
export type { InIfaddr } from "./ipv4/devinet.js";
export type { PacketType } from "./skb.js";
export { pingOnce, arpingOnce, type PingOptions, type PingOutcome, type ArpingReply } from "./tools.js";
