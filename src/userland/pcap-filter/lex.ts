// The pcap-filter language's tokens as libpcap 1.10's scanner.l splits them:
// at each point the longest match wins, a tie goes to the rule written first
// (keywords, then numbers, addresses, names). Keywords are lower case only.

export type TokenKind =
  | "kw" // a keyword (text says which)
  | "num" // NUM: decimal, 0x hex or 0 octal
  | "hid" // HID: an IPv4 address, possibly short (10.1)
  | "hid6" // HID6: an IPv6 address
  | "eid" // EID: an Ethernet address
  | "aid" // AID: an ARCnet address ($1f)
  | "id" // ID: a name (a host, a protocol, a service)
  | "punct" // ( ) ! / and the arithmetic operators
  | "end";

export interface Token {
  kind: TokenKind;
  text: string;
  /** NUM's value. */
  value?: number;
  /** Offset in the filter text, for messages. */
  at: number;
}

/** A filter libpcap would refuse to compile, in its words. */
export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterSyntaxError";
  }
}

/** A filter (or a part of one) libpcap compiles and the simulator does not evaluate. */
export class FilterNotSimulated extends Error {
  constructor(readonly what: string) {
    super(`${what} is not evaluated by --engine sim`);
    this.name = "FilterNotSimulated";
  }
}

/** scanner.l's keyword rules; `and`/`or`/`not` and their symbols are kept apart. */
const KEYWORDS = `dst src link ether ppp slip fddi tr wlan arp rarp ip sctp tcp udp icmp igmp igrp pim vrrp carp radio
ip6 icmp6 ah esp atalk aarp decnet lat sca moprc mopdl iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp clnp stp
ipx netbeui host net mask port portrange proto protochain gateway type subtype direction dir address1 addr1 address2
addr2 address3 addr3 address4 addr4 ra ta less greater byte broadcast multicast and or not len length inbound outbound
ifindex vlan mpls pppoed pppoes geneve lane llc metac bcc oam oamf4 oamf4ec oamf4sc sc ilmic vpi vci connectmsg
metaconnect on ifname rset ruleset rnr rulenum srnr subrulenum reason action fisu lssu lsu msu hfisu hlssu hmsu sio opc
dpc sls hsio hopc hdpc hsls`.split(/\s+/);
const KEYWORD_SET = new Set(KEYWORDS);

/** scanner.l's names that are numbers (for byte offsets: icmp[icmptype] = icmp-echo). */
const NUMBER_NAMES: Record<string, number> = {
  icmptype: 0, icmpcode: 1, "icmp-echoreply": 0, "icmp-unreach": 3, "icmp-sourcequench": 4, "icmp-redirect": 5,
  "icmp-echo": 8, "icmp-routeradvert": 9, "icmp-routersolicit": 10, "icmp-timxceed": 11, "icmp-paramprob": 12,
  "icmp-tstamp": 13, "icmp-tstampreply": 14, "icmp-ireq": 15, "icmp-ireqreply": 16, "icmp-maskreq": 17,
  "icmp-maskreply": 18, icmp6type: 0, icmp6code: 1, "icmp6-destinationunreach": 1, "icmp6-packettoobig": 2,
  "icmp6-timeexceeded": 3, "icmp6-parameterproblem": 4, "icmp6-echo": 128, "icmp6-echoreply": 129,
  "icmp6-multicastlistenerquery": 130, "icmp6-multicastlistenerreportv1": 131, "icmp6-multicastlistenerdone": 132,
  "icmp6-routersolicit": 133, "icmp6-routeradvert": 134, "icmp6-neighborsolicit": 135, "icmp6-neighboradvert": 136,
  "icmp6-redirect": 137, "icmp6-routerrenum": 138, "icmp6-nodeinformationquery": 139,
  "icmp6-nodeinformationresponse": 140, "icmp6-ineighbordiscoverysolicit": 141, "icmp6-ineighbordiscoveryadvert": 142,
  "icmp6-multicastlistenerreportv2": 143, "icmp6-homeagentdiscoveryrequest": 144, "icmp6-homeagentdiscoveryreply": 145,
  "icmp6-mobileprefixsolicit": 146, "icmp6-mobileprefixadvert": 147, "icmp6-certpathsolicit": 148,
  "icmp6-certpathadvert": 149, "icmp6-multicastrouteradvert": 151, "icmp6-multicastroutersolicit": 152,
  "icmp6-multicastrouterterm": 153, "tcpflags": 13, "tcp-fin": 1, "tcp-syn": 2, "tcp-rst": 4, "tcp-push": 8,
  "tcp-ack": 16, "tcp-urg": 32, "tcp-ece": 64, "tcp-cwr": 128,
};

const N = "(?:0[xX][0-9A-Fa-f]+|[0-9]+)";
const B = "[0-9A-Fa-f][0-9A-Fa-f]?";
const B2 = "[0-9A-Fa-f]{4}";
const W = "[0-9A-Fa-f]{1,4}";
const V4 = `${N}\\.${N}\\.${N}\\.${N}`;

/** scanner.l's V6: every way of writing eight 16-bit groups with at most one "::", or six and an IPv4 tail. */
function v6Pattern(): string {
  const alts: string[] = [`(?:${W}:){7}${W}`, `(?:${W}:){6}${V4}`];
  for (let total = 0; total <= 7; total++) {
    for (let left = 0; left <= total; left++) {
      const l = left ? `(?:${W}:){${left - 1}}${W}` : "";
      const r = total - left ? `${W}(?::${W}){${total - left - 1}}` : "";
      alts.push(`${l}::${r}`);
    }
  }
  for (let total = 0; total <= 5; total++) {
    for (let left = 0; left <= total; left++) {
      const l = left ? `(?:${W}:){${left - 1}}${W}` : "";
      const r = total - left ? `(?:${W}:){${total - left}}` : "";
      alts.push(`${l}::${r}${V4}`);
    }
  }
  return alts.map((a) => `(?:${a})`).join("|");
}

/** The rules in scanner.l's order; ties in length go to the earlier one. */
const RULES: { kind: TokenKind | "bogus-eid"; re: RegExp }[] = (
  [
  { kind: "punct", re: /&&|\|\||>=|<=|!=|==|<<|>>|[+\-*/%:[\]!<>()&|^=]/ },
  { kind: "aid", re: new RegExp(`\\$${B}`) },
  { kind: "eid", re: new RegExp(`${B}:${B}:${B}:${B}:${B}:${B}|${B}-${B}-${B}-${B}-${B}-${B}|${B}\\.${B}\\.${B}\\.${B}\\.${B}\\.${B}|${B2}\\.${B2}\\.${B2}|[0-9A-Fa-f]{12}`) },
  { kind: "num", re: new RegExp(N) },
  { kind: "hid", re: new RegExp(`${N}\\.${N}(?:\\.${N}(?:\\.${N})?)?`) },
  { kind: "hid6", re: new RegExp(v6Pattern()) },
  { kind: "bogus-eid", re: new RegExp(`${B}:+(?:${B}:+)+`) },
    { kind: "id", re: /[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?|\\[^ !()\n\t]+/ },
  ] as const
).map((r) => ({ kind: r.kind, re: new RegExp(`^(?:${r.re.source})$`) }));

/** The longest prefix of s[at, stop) the rule matches, by length (JavaScript's alternation is leftmost-first, flex's longest). */
function longest(re: RegExp, s: string, at: number, stop: number): number {
  for (let end = stop; end > at; end--) {
    if (re.test(s.slice(at, end))) return end - at;
  }
  return 0;
}

function parseNumber(text: string): number {
  if (/^0[xX]/.test(text)) {
    if (text.length - 2 > 8) throw new FilterSyntaxError(`number ${text} overflows 32 bits`);
    return parseInt(text.slice(2), 16) >>> 0;
  }
  if (text.startsWith("0") && text.length > 1) {
    if (/[89]/.test(text)) throw new FilterSyntaxError(`number ${text} contains non-octal digit`);
    const v = parseInt(text, 8);
    if (v > 0xffffffff) throw new FilterSyntaxError(`number ${text} overflows 32 bits`);
    return v;
  }
  const v = Number(text);
  if (v > 0xffffffff) throw new FilterSyntaxError(`number ${text} overflows 32 bits`);
  return v;
}

export function tokenize(filter: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  while (at < filter.length) {
    const ws = /[ \r\n\t]+/y;
    ws.lastIndex = at;
    if (ws.exec(filter)) {
      at = ws.lastIndex;
      continue;
    }
    let best: { kind: TokenKind | "bogus-eid"; len: number } | null = null;
    // Keywords come first in scanner.l: they win a tie with a name of the same length.
    const word = /[A-Za-z0-9][-A-Za-z0-9]*/y;
    word.lastIndex = at;
    const w = word.exec(filter)?.[0] ?? "";
    for (let len = w.length; len > 0; len--) {
      if (KEYWORD_SET.has(w.slice(0, len))) {
        best = { kind: "kw", len };
        break;
      }
    }
    // No token holds a blank.
    const blank = filter.slice(at).search(/[ \r\n\t]/);
    const stop = blank < 0 ? filter.length : at + blank;
    for (const r of RULES) {
      const len = longest(r.re, filter, at, stop);
      if (len > 0 && (best === null || len > best.len)) best = { kind: r.kind, len };
    }
    if (best === null) throw new FilterSyntaxError(`illegal character in filter: ${filter[at]}`);
    const text = filter.slice(at, at + best.len);
    if (best.kind === "bogus-eid") throw new FilterSyntaxError(`bogus ethernet address ${text}`);
    const tok: Token = { kind: best.kind, text, at };
    if (best.kind === "num") tok.value = parseNumber(text);
    if (best.kind === "id" && Object.prototype.hasOwnProperty.call(NUMBER_NAMES, text)) {
      tok.kind = "num";
      tok.value = NUMBER_NAMES[text]!;
    }
    out.push(tok);
    at += best.len;
  }
  out.push({ kind: "end", text: "", at });
  return out;
}
