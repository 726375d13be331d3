// drivers/net/veth.c: a pair; what one end sends, the other receives. The
// carrier is on only while both ends are up, and deleting one end deletes both.

import type { Mac } from "../../wire/mac.js";
import { devForwardSkb } from "../core/dev.js";
import { netifCarrier } from "../core/link.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import { NetDevice } from "./net-device.js";

export class VethDevice extends NetDevice {
  readonly kind = "veth";
  peer: VethDevice | null = null;

  constructor(name: string, mac: Mac, net: Net) {
    super(name, mac, net);
  }

  /** veth_xmit: the peer must be up (dev_forward_skb), then it is received there. */
  ndoStartXmit(skb: SkBuff): void {
    const peer = this.peer;
    if (!peer || !devForwardSkb(peer, skb.frame)) this.stats.txDropped++;
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
