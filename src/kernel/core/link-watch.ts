// link_watch.c's default_operstate for a device that is up without carrier:
// what rfc2863_policy reports as its operstate.

import type { NetDevice } from "../devices/net-device.js";
import { releaseAtLeast } from "../release.js";

/**
 * DOWN or LOWERLAYERDOWN. Up to 6.1 any stacked device (its iflink another
 * ifindex) is LOWERLAYERDOWN, the numbers compared even across namespaces: a
 * veth whose peer has the same ifindex shows DOWN. From 6.2 (8c55facecd7a,
 * "only report IF_OPER_LOWERLAYERDOWN if iflink is actually down") the device
 * with that ifindex in the device's own namespace must be found and be
 * without carrier; a slave moved away from its lower device finds none, or
 * another device, and shows DOWN.
 */
export function defaultOperstateNoCarrier(dev: NetDevice): "DOWN" | "LOWERLAYERDOWN" {
  const iflink = dev.ndoGetIflink()?.ifindex ?? dev.ifindex;
  if (iflink === dev.ifindex) return "DOWN";
  if (!releaseAtLeast(dev.net.kernel.sim.release, 6, 2)) return "LOWERLAYERDOWN";
  const peer = dev.net.devByIndex(iflink);
  return !peer || peer.carrier ? "DOWN" : "LOWERLAYERDOWN";
}
