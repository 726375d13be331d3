// Minimal programmatic drivers over the sockets, for tests and for the
// matrix: one echo request and what came back, one ARP probe and its
// replies. Output formatting belongs to the ping/arping front ends.

import { ARPOP_REPLY, ARPOP_REQUEST } from "../wire/arp.js";
import { ETH_P_ARP } from "../wire/ethernet.js";
import { decodeIpv4 } from "../wire/ipv4.js";
import { BROADCAST_MAC, type Mac } from "../wire/mac.js";
import type { Ipv4 } from "../wire/ipv4-addr.js";
import type { NetDevice } from "./devices/net-device.js";
import type { Errno } from "./errno.js";
import { inetSelectAddr } from "./ipv4/devinet.js";
import { RT_SCOPE_UNIVERSE } from "./ipv4/fib.js";
import type { Net } from "./net.js";
import { PacketSocket, pingEchoFilter, RawSocket } from "./sockets.js";

export interface PingOptions {
  /** ping -I ADDR */
  src?: Ipv4;
  /** ping -I DEV */
  dev?: NetDevice;
  id?: number;
  seq?: number;
  ttl?: number;
  /** How long to wait, in virtual ms (ping -W); default 1000. */
  timeoutMs?: number;
}

export interface PingOutcome {
  readonly reply: { from: Ipv4; ttl: number; rttMs: number } | null;
  /** ICMP errors about our request, in arrival order. */
  readonly errors: readonly { from: Ipv4; type: string; code: number }[];
  /** sendmsg failed (e.g. ENETUNREACH with no route): nothing was sent. */
  readonly sendError: Errno | null;
}

export function pingOnce(net: Net, dst: Ipv4, o: PingOptions = {}): PingOutcome {
  const sim = net.kernel.sim;
  const sock = new RawSocket(net, 1, o.dev ?? null);
  const id = o.id ?? 0x1234;
  sock.filter = pingEchoFilter(id);
  const seq = o.seq ?? 1;
  const start = sim.now;
  let reply: PingOutcome["reply"] = null;
  const errors: { from: Ipv4; type: string; code: number }[] = [];
  sock.onRecv = (r) => {
    if (r.ip.payload.kind !== "icmp") return;
    const icmp = r.ip.payload.icmp;
    if (icmp.type === "echo-reply" && icmp.id === id && icmp.seq === seq && r.ip.src === dst) {
      reply ??= { from: r.ip.src, ttl: r.ip.ttl, rttMs: sim.now - start };
    } else if (icmp.type === "dest-unreach" || icmp.type === "time-exceeded" || icmp.type === "redirect") {
      const inner = decodeIpv4(icmp.original, false);
      if (!inner.ok || inner.value.payload.kind !== "icmp") return;
      const e = inner.value.payload.icmp;
      if (e.type === "echo-request" && e.id === id && e.seq === seq) errors.push({ from: r.ip.src, type: icmp.type, code: icmp.code });
    }
  };
  const send = sock.sendIcmp(dst, { type: "echo-request", id, seq, data: new Uint8Array(56) }, { ...(o.src ? { saddr: o.src } : {}), ...(o.ttl ? { ttl: o.ttl } : {}) });
  if (!send.ok) {
    sock.close();
    return { reply: null, errors, sendError: send.errno };
  }
  sim.run({ for: o.timeoutMs ?? 1000 });
  sock.close();
  return { reply, errors, sendError: null };
}

export interface ArpingReply {
  readonly from: Ipv4;
  readonly mac: Mac;
  readonly unicast: boolean;
}

/** One ARP request out of dev for target, as iputils arping sends it (tha = the frame destination); the replies seen within the timeout. */
export function arpingOnce(dev: NetDevice, target: Ipv4, o: { src?: Ipv4; dstMac?: Mac; timeoutMs?: number } = {}): ArpingReply[] {
  const sim = dev.net.kernel.sim;
  const sock = new PacketSocket(dev, ETH_P_ARP);
  const src = o.src ?? inetSelectAddr(dev, target, RT_SCOPE_UNIVERSE);
  const replies: ArpingReply[] = [];
  sock.onRecv = (r) => {
    if (r.frame.payload.kind !== "arp") return;
    const a = r.frame.payload.arp;
    if (a.op !== ARPOP_REPLY || a.spa !== target || a.tpa !== src) return;
    if (r.pktType !== "host" && r.pktType !== "broadcast" && r.pktType !== "multicast") return;
    replies.push({ from: a.spa, mac: a.sha, unicast: r.frame.dst === dev.mac });
  };
  sock.send({ dst: o.dstMac ?? BROADCAST_MAC, src: dev.mac, payload: { kind: "arp", arp: { op: ARPOP_REQUEST, sha: dev.mac, spa: src, tha: o.dstMac ?? BROADCAST_MAC, tpa: target } } });
  sim.run({ for: o.timeoutMs ?? 1000 });
  sock.close();
  return replies;
}
