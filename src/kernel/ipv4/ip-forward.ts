// net/ipv4/ip_forward.c: TTL, DF/MTU, redirects, then out by the route.

import type { Ipv4Repr } from "../../wire/ipv4.js";
import { formatIpv4 } from "../../wire/ipv4-addr.js";
import { ipv4TotalLength } from "../../wire/ipv4.js";
import { ICMP_DEST_UNREACH, ICMP_EXC_TTL, ICMP_FRAG_NEEDED, ICMP_REDIR_HOST, ICMP_REDIRECT, ICMP_TIME_EXCEEDED } from "../../wire/icmp.js";
import type { SkBuff } from "../skb.js";
import { icmpSend } from "./icmp.js";
import { ipFinishOutput2 } from "./ip-output.js";
import type { Rtable } from "./route.js";

export function ipForward(skb: SkBuff, ip: Ipv4Repr, rt: Rtable): void {
  const dev = skb.dev;
  const net = dev.net;
  if (skb.pktType !== "host") return;
  const from = { ip, rt, pktType: skb.pktType, iif: dev };
  if (ip.ttl <= 1) {
    net.mibInc("IpInHdrErrors");
    if (net.tracing) net.trace(dev, "ip_forward", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, `ttl ${ip.ttl} would reach 0: time exceeded`);
    icmpSend(net, from, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
    return;
  }
  if (ip.df && ipv4TotalLength(ip) > rt.dev.mtu) {
    net.mibInc("IpFragFails");
    if (net.tracing) net.trace(dev, "ip_forward", `drop ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}`, `DF set and ${ipv4TotalLength(ip)} > mtu ${rt.dev.mtu} of ${rt.dev.name}`);
    icmpSend(net, from, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, rt.dev.mtu);
    return;
  }
  const out: Ipv4Repr = { ...ip, ttl: ip.ttl - 1 };
  if (rt.doRedirect) ipRtSendRedirect(skb, from, rt.gw || ip.dst);
  net.mibInc("IpForwDatagrams");
  if (net.tracing) net.trace(dev, "ip_forward", `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} out ${rt.dev.name}, ttl ${out.ttl}`);
  ipFinishOutput2(out, rt);
}

// ip_rt_redirect_load, ip_rt_redirect_number, ip_rt_redirect_silence.
const REDIRECT_LOAD_MS = 20;
const REDIRECT_NUMBER = 9;
const REDIRECT_SILENCE_MS = 20 << 10;

/** ip_rt_send_redirect: per source, exponential backoff, silence after 9 ignored redirects. */
function ipRtSendRedirect(skb: SkBuff, from: Parameters<typeof icmpSend>[1], gw: number): void {
  const net = skb.dev.net;
  const now = net.now;
  const src = from.ip.src;
  let peer = net.redirectPeers.get(src);
  if (!peer) {
    peer = { rateLast: now, nRedirects: 0 };
    net.redirectPeers.set(src, peer);
  }
  if (now > peer.rateLast + REDIRECT_SILENCE_MS) peer.nRedirects = 0;
  if (peer.nRedirects >= REDIRECT_NUMBER) {
    peer.rateLast = now;
    return;
  }
  if (peer.nRedirects === 0 || now > peer.rateLast + (REDIRECT_LOAD_MS << peer.nRedirects)) {
    icmpSend(net, from, ICMP_REDIRECT, ICMP_REDIR_HOST, gw);
    peer.rateLast = now;
    peer.nRedirects++;
  }
}
