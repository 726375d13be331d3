// drivers/net/dummy.c: a device that takes what it is given, counts it as
// sent and drops it, and never receives. dummy_setup makes it NOARP and not
// MULTICAST; it never touches its carrier, which stays on from registration.

import type { Mac } from "../../wire/mac.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import { IFF_MULTICAST, IFF_NOARP, NetDevice, skbLen, type NetdevTx } from "./net-device.js";

export class DummyDevice extends NetDevice {
  readonly kind = "dummy";

  constructor(name: string, mac: Mac, net: Net) {
    super(name, mac, net);
    this.flags = (this.flags | IFF_NOARP) & ~IFF_MULTICAST;
    this.carrier = true;
  }

  /** dummy_xmit: dev_lstats_add, then the frame is freed. */
  ndoStartXmit(skb: SkBuff): NetdevTx {
    this.stats.txPackets++;
    this.stats.txBytes += skbLen(skb.frame);
    return "NET_XMIT_SUCCESS";
  }
}
