// tcpdump's filter language (pcap-filter(7)) for simulated captures: parsed
// as libpcap parses it, evaluated on the frames' bytes as its BPF code would.

export { FilterNotSimulated, FilterSyntaxError } from "./lex.js";
export { filterMatches } from "./match.js";
export type { FilterNode, FilterPacket } from "./node.js";
export type { FilterMode } from "./gen.js";
export { parseFilter } from "./parse.js";
