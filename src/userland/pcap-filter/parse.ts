// libpcap 1.10's filter grammar (grammar.y) by recursive descent, each
// primitive handed to gen.ts in the order it is written. As in libpcap:
// - a bare address after `and`/`or` takes the qualifiers of the one before it
//   (`host 10.0.0.1 or 10.0.0.2`, `src net 10.0.0.0/8 and not 10.1.0.0/16`);
// - `vlan` moves the offsets of everything written after it, whatever `or`,
//   `not` or parentheses say (so `vlan or arp` tests for ARP inside a tag).

import { and, etherBytes, Gen, not, or, QERR, syntax, type Addr, type Dir, type FilterMode, type Proto, type Qual } from "./gen.js";
import { FilterNotSimulated, FilterSyntaxError, tokenize, type Token } from "./lex.js";
import type { FilterNode } from "./node.js";

interface Parsed {
  node: FilterNode;
  q: Qual;
}

const LINK_WORDS = new Set(["link", "ether", "ppp", "slip", "fddi", "tr", "wlan"]);
/** Protocol names (grammar.y's pname). */
const PNAMES = new Set([
  ...LINK_WORDS,
  ..."ip arp rarp sctp tcp udp icmp igmp igrp pim vrrp carp atalk aarp decnet lat sca moprc mopdl ip6 icmp6 ah esp iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp clnp stp ipx netbeui radio".split(" "),
]);

class Parser {
  private i = 0;
  private readonly gen: Gen;

  constructor(
    private readonly toks: Token[],
    mode: FilterMode,
  ) {
    this.gen = new Gen(mode);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== "end") this.i++;
    return t;
  }
  private isKw(t: Token, ...words: string[]): boolean {
    return t.kind === "kw" && words.includes(t.text);
  }
  private isAnd(t: Token): boolean {
    return this.isKw(t, "and") || (t.kind === "punct" && t.text === "&&");
  }
  private isOr(t: Token): boolean {
    return this.isKw(t, "or") || (t.kind === "punct" && t.text === "||");
  }
  private isNot(t: Token): boolean {
    return this.isKw(t, "not") || (t.kind === "punct" && t.text === "!");
  }
  private isPunct(t: Token, p: string): boolean {
    return t.kind === "punct" && t.text === p;
  }
  private expect(p: string): void {
    if (!this.isPunct(this.next(), p)) syntax();
  }

  program(): FilterNode | null {
    if (this.peek().kind === "end") return null;
    const r = this.expr(QERR);
    if (this.peek().kind !== "end") syntax();
    return r.node;
  }

  private expr(q: Qual): Parsed {
    let left = this.term(q);
    for (;;) {
      const t = this.peek();
      const isAnd = this.isAnd(t);
      if (!isAnd && !this.isOr(t)) return left;
      this.next();
      const right = this.startsId() ? this.id(left.q) : this.term(left.q);
      left = { node: isAnd ? and(left.node, right.node) : or(left.node, right.node), q: right.q };
    }
  }

  /** Whether what follows is grammar.y's `id` (an address, maybe negated or in parentheses) rather than a term. */
  private startsId(): boolean {
    let k = 0;
    while (this.isNot(this.peek(k)) || this.isPunct(this.peek(k), "(")) k++;
    return ["num", "hid", "hid6", "eid", "aid", "id"].includes(this.peek(k).kind);
  }

  private term(q: Qual): Parsed {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      const r = this.term(q);
      return { node: not(r.node), q: r.q };
    }
    if (this.isPunct(t, "(")) {
      this.next();
      const r = this.expr(q);
      this.expect(")");
      return { node: r.node, q };
    }
    return this.rterm();
  }

  private rterm(): Parsed {
    let proto: Proto = "default";
    const first = this.peek();
    if (first.kind === "kw" && PNAMES.has(first.text)) {
      this.next();
      proto = LINK_WORDS.has(first.text) ? "link" : first.text;
      if (this.isPunct(this.peek(), "[")) throw new FilterNotSimulated(`byte offsets (${first.text}[...])`);
    }
    const t = this.peek();
    if (this.isKw(t, "src", "dst")) {
      const dir = this.dqual();
      const addr = this.aqual() ?? "default";
      return this.headId({ proto, dir, addr });
    }
    const addr = this.aqual();
    if (addr) return this.headId({ proto, dir: "default", addr });
    if (this.isKw(t, "proto")) {
      this.next();
      return this.headId({ proto, dir: "default", addr: "proto" });
    }
    if (this.isKw(t, "protochain", "gateway")) throw new FilterNotSimulated(`'${t.text}'`);
    if (this.isKw(t, "broadcast")) {
      this.next();
      return { node: this.gen.broadcast(proto), q: QERR };
    }
    if (this.isKw(t, "multicast")) {
      this.next();
      return { node: this.gen.multicast(proto), q: QERR };
    }
    if (proto !== "default") return { node: this.gen.abbrev(proto, first.text), q: QERR };
    return { node: this.other(), q: QERR };
  }

  private headId(q: Qual): Parsed {
    return this.id(q);
  }

  private dqual(): Dir {
    const d = this.next().text as "src" | "dst";
    const other = d === "src" ? "dst" : "src";
    const t = this.peek();
    if ((this.isOr(t) || this.isAnd(t)) && this.isKw(this.peek(1), other)) {
      this.next();
      this.next();
      return this.isOr(t) ? "or" : "and";
    }
    return d;
  }

  private aqual(): Addr | null {
    const t = this.peek();
    if (this.isKw(t, "host", "net", "port")) {
      this.next();
      return t.text as Addr;
    }
    if (this.isKw(t, "portrange")) throw new FilterNotSimulated("'portrange'");
    return null;
  }

  /** grammar.y's `other`, those without a protocol qualifier. */
  private other(): FilterNode {
    const t = this.next();
    if (this.isKw(t, "vlan")) {
      if (this.peek().kind === "num") return this.gen.vlan(this.next().value!);
      return this.gen.vlan(null);
    }
    if (this.isKw(t, "less", "greater")) {
      const n = this.next();
      if (n.kind !== "num") syntax();
      return { k: "len", op: t.text === "less" ? "le" : "ge", value: n.value! };
    }
    if (this.isKw(t, "len", "length") || t.kind === "num") throw new FilterNotSimulated("arithmetic on packet fields (len, proto[offset], ...)");
    if (t.kind === "kw" && !["and", "or", "not", "src", "dst", "host", "net", "port", "mask", "proto"].includes(t.text)) throw new FilterNotSimulated(`'${t.text}'`);
    return syntax();
  }

  /** grammar.y's `id` with the qualifiers it inherits. */
  private id(q: Qual): Parsed {
    const t = this.next();
    if (this.isNot(t)) {
      const r = this.id(q);
      return { node: not(r.node), q: r.q };
    }
    if (this.isPunct(t, "(")) {
      let r = this.id(q);
      for (;;) {
        const op = this.peek();
        const isAnd = this.isAnd(op);
        if (!isAnd && !this.isOr(op)) break;
        this.next();
        const right = this.id(r.q);
        r = { node: isAnd ? and(r.node, right.node) : or(r.node, right.node), q: right.q };
      }
      this.expect(")");
      return r;
    }
    switch (t.kind) {
      case "num":
        return { node: this.gen.ncode(null, t.value!, q), q };
      case "hid": {
        if (this.isPunct(this.peek(), "/")) {
          this.next();
          const len = this.next();
          if (len.kind !== "num") syntax();
          return { node: this.gen.mcode(t.text, null, len.value!, q), q };
        }
        if (this.isKw(this.peek(), "mask")) {
          this.next();
          const m = this.next();
          if (m.kind !== "hid") syntax();
          return { node: this.gen.mcode(t.text, m.text, 0, q), q };
        }
        if (q.addr === "port" || q.addr === "proto") throw new FilterSyntaxError(`'${q.addr}' modifier applied to ip host`);
        return { node: this.gen.ncode(t.text, 0, q), q };
      }
      case "hid6": {
        let len = 128;
        if (this.isPunct(this.peek(), "/")) {
          this.next();
          const n = this.next();
          if (n.kind !== "num") syntax();
          len = n.value!;
        }
        return { node: this.gen.mcode6(t.text, len, q), q };
      }
      case "eid":
        if ((q.addr === "host" || q.addr === "default") && q.proto === "link") return { node: this.gen.ehost(etherBytes(t.text), q.dir), q };
        throw new FilterSyntaxError("ethernet address used in non-ether expression");
      case "aid":
        throw new FilterNotSimulated("ARCnet addresses");
      case "id":
        if (q.addr === "undef") throw new FilterSyntaxError("syntax error in filter expression");
        throw new FilterNotSimulated(`the name '${t.text}' (write the address or number itself)`);
      default:
        return syntax();
    }
  }

}

/** A filter's byte tests; null for an empty filter (every frame). Throws FilterSyntaxError or FilterNotSimulated. */
export function parseFilter(text: string, mode: FilterMode): FilterNode | null {
  return new Parser(tokenize(text), mode).program();
}
