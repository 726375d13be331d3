export * from "./checksum.js";
export * from "./mac.js";
export * from "./ipv4-addr.js";
export * from "./ethernet.js";
export * from "./arp.js";
export * from "./ipv4.js";
export * from "./icmp.js";
export * from "./vlan.js";
