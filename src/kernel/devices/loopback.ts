// drivers/net/loopback.c: every frame sent comes straight back in, keeping
// its dst so the receiving side skips input routing.

import { ZERO_MAC } from "../../wire/mac.js";
import { ethTypeTrans, netifRx } from "../core/dev.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import { IFF_LOOPBACK, NetDevice, skbLen, type NetdevTx } from "./net-device.js";

export class LoopbackDevice extends NetDevice {
  readonly kind = "loopback";
  override readonly netnsLocal = true;
  override readonly hasLinkOps = false;
  /** loopback_setup leaves min_mtu and max_mtu 0: any MTU goes. */
  override readonly minMtu = 0;
  override readonly maxMtu = 0;
  override readonly vlanChallenged = true;

  constructor(net: Net) {
    super("lo", ZERO_MAC, net);
    this.flags = IFF_LOOPBACK;
    this.mtu = 65536;
    this.carrier = true;
    this.addrAssignType = "perm";
  }

  /** loopback_xmit: one count, reported as both rx and tx (loopback_get_stats64). */
  ndoStartXmit(skb: SkBuff): NetdevTx {
    const len = skbLen(skb.frame);
    netifRx({ frame: skb.frame, dev: this, pktType: ethTypeTrans(skb.frame, this), rt: skb.rt, iif: null });
    this.stats.txPackets++;
    this.stats.txBytes += len;
    this.stats.rxPackets++;
    this.stats.rxBytes += len;
    return "NET_XMIT_SUCCESS";
  }
}
