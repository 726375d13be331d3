// The packet socket tcpdump reads through libpcap: a tap on one device,
// with the capture filter run where the kernel runs it (before the frame
// reaches tcpdump's buffer).

import { IFF_LOOPBACK, type NetDevice, type Tap } from "../kernel/index.js";
import { encodeEthernet, vlanPop, type EthernetFrame } from "../wire/ethernet.js";
import { filterMatches, type FilterNode, type FilterPacket } from "./pcap-filter/index.js";
import type { CapturedFrame } from "./tcpdump.js";

/** A packet socket's view of dev, appended to `into` (at most `keep` frames), as tcpdump gets it from libpcap. */
export function frameTap(dev: NetDevice, into: CapturedFrame[], keep = Infinity, dropped: () => void = () => {}, filter: FilterNode | null = null, seen: () => void = () => {}): Tap {
  // libpcap rejects what a loopback device sends: it sees each packet again as received.
  const loopback = (dev.flags & IFF_LOOPBACK) !== 0;
  return (ev) => {
    if (loopback && ev.direction === "out") return;
    // The filter runs in the kernel, before a frame reaches tcpdump's buffer.
    if (filter !== null && !filterMatches(filter, socketView(ev.frame))) return;
    seen();
    if (into.length < keep) into.push({ time: ev.time, frame: ev.frame });
    else dropped();
  };
}

/**
 * A frame as the packet socket's filter sees it: the outermost tag out of the
 * data, in skb->vlan_tci, as every simulated device that carries tags has it
 * (net-device.ts, skbLen), and __netif_receive_skb_core's skb_vlan_untag
 * leaves it before the taps on receive. libpcap puts it back in the data for
 * tcpdump's output and for pcap files; the filter runs without it.
 */
export function socketView(frame: EthernetFrame): FilterPacket {
  const outer = frame.vlans?.[0];
  if (!outer) return { bytes: encodeEthernet(frame), vlanTci: null };
  return { bytes: encodeEthernet(vlanPop(frame)), vlanTci: outer.tci };
}
