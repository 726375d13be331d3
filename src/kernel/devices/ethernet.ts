// A NIC plugged into a lab network (a LabSwitch port). It is a physical
// device: it has no rtnl_link_ops, so it cannot be deleted and goes back to
// the initial namespace when its namespace is deleted.

import type { EthernetFrame } from "../../wire/ethernet.js";
import type { Mac } from "../../wire/mac.js";
import { ethTypeTrans, netifReceiveSkb } from "../core/dev.js";
import { netifCarrier } from "../core/link.js";
import type { Net } from "../net.js";
import type { SkBuff } from "../skb.js";
import type { SwitchPort } from "../switch.js";
import { NetDevice, skbLen, type NetdevTx } from "./net-device.js";

export class EthernetDevice extends NetDevice {
  readonly kind = "ethernet";
  override readonly hasLinkOps = false;
  port: SwitchPort | null = null;

  constructor(name: string, mac: Mac, net: Net) {
    super(name, mac, net);
    this.addrAssignType = "perm";
  }

  ndoStartXmit(skb: SkBuff): NetdevTx {
    if (!this.port) {
      this.stats.txDropped++;
      return "NET_XMIT_DROP";
    }
    this.stats.txPackets++;
    this.stats.txBytes += skbLen(skb.frame);
    this.port.transmit(skb.frame);
    return "NET_XMIT_SUCCESS";
  }

  /** Like most NIC drivers, the link comes up with the device when it is cabled. */
  override ndoOpen(): void {
    if (this.port) netifCarrier(this, true);
  }

  override ndoStop(): void {
    netifCarrier(this, false);
  }

  /** A frame from the wire: a closed NIC hears nothing. */
  receiveFromWire(frame: EthernetFrame): void {
    if (!this.isUp) {
      this.stats.rxDropped++;
      return;
    }
    this.stats.rxPackets++;
    this.stats.rxBytes += skbLen(frame);
    // Already a frame event of the switch: receive now rather than queue again.
    netifReceiveSkb({ frame, dev: this, pktType: ethTypeTrans(frame, this), rt: null, iif: null });
  }
}
