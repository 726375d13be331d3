// drivers/net/veth.c: a pair; what one end sends, the other receives. The
// carrier is on only while both ends are up, and deleting one end deletes both.

import type { Mac } from "../../wire/mac.js";
import { devForwardSkb } from "../core/dev.js";
import { netifCarrier } from "../core/link.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import { NetDevice, skbLen, type NetdevTx } from "./net-device.js";

export class VethDevice extends NetDevice {
  readonly kind = "veth";
  override readonly reportsDevStats = false;
  peer: VethDevice | null = null;
  /** veth_newlink turns the carrier off after register_netdevice, which counts. */
  override carrierChanges = 1;

  constructor(name: string, mac: Mac, net: Net) {
    super(name, mac, net);
  }

  /**
   * veth_xmit: the peer must be up (dev_forward_skb), then it is received
   * there. A pair keeps one count per direction, the sender's lstats, which
   * veth_get_stats64 reports as this end's tx and the peer's rx: so the
   * receiving end counts a frame as soon as it is queued to it, whatever its
   * stack (or bridge) then does with it.
   */
  ndoStartXmit(skb: SkBuff): NetdevTx {
    const peer = this.peer;
    if (!peer || !devForwardSkb(peer, skb.frame)) {
      this.stats.txDropped++;
      // veth_xmit drops silently: the sender sees NETDEV_TX_OK.
      return "NET_XMIT_SUCCESS";
    }
    const len = skbLen(skb.frame);
    this.stats.txPackets++;
    this.stats.txBytes += len;
    peer.stats.rxPackets++;
    peer.stats.rxBytes += len;
    return "NET_XMIT_SUCCESS";
  }

  override ndoGetIflink(): NetDevice | null {
    return this.peer;
  }

  /** veth_open. */
  override ndoOpen(): void {
    if (this.peer?.isUp) {
      netifCarrier(this, true);
      netifCarrier(this.peer, true);
    }
  }

  /** veth_close. */
  override ndoStop(): void {
    netifCarrier(this, false);
    if (this.peer) netifCarrier(this.peer, false);
  }

  override dellinkExtra(): NetDevice[] {
    return this.peer ? [this.peer] : [];
  }

  override ndoUninit(): void {
    if (this.peer) this.peer.peer = null;
    this.peer = null;
  }
}

export function vethPair(a: VethDevice, b: VethDevice): void {
  a.peer = b;
  b.peer = a;
}
