// print_stats64 (ip/ipaddress.c, 6.1): the RX/TX blocks of `ip -s link` and
// `ip -s addr`, their -s -s error lines, and the stats64 JSON object.

import type { NetDevice } from "../../kernel/index.js";

/** struct rtnl_link_stats64 from dev_get_stats: what the simulator does not count is 0. */
interface Stats64 {
  rx_packets: number;
  tx_packets: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
  multicast: number;
  collisions: number;
  rx_length_errors: number;
  rx_over_errors: number;
  rx_crc_errors: number;
  rx_frame_errors: number;
  rx_fifo_errors: number;
  rx_missed_errors: number;
  tx_aborted_errors: number;
  tx_carrier_errors: number;
  tx_fifo_errors: number;
  tx_heartbeat_errors: number;
  tx_window_errors: number;
  rx_compressed: number;
  tx_compressed: number;
  rx_nohandler: number;
  rx_otherhost_dropped: number;
}

function devGetStats(dev: NetDevice): Stats64 {
  const s = dev.stats;
  return {
    rx_packets: s.rxPackets,
    tx_packets: s.txPackets,
    rx_bytes: s.rxBytes,
    tx_bytes: s.txBytes,
    rx_errors: s.rxErrors,
    tx_errors: s.txErrors,
    rx_dropped: s.rxDropped,
    tx_dropped: s.txDropped,
    multicast: s.multicast,
    collisions: 0,
    rx_length_errors: 0,
    rx_over_errors: 0,
    rx_crc_errors: 0,
    rx_frame_errors: 0,
    rx_fifo_errors: 0,
    rx_missed_errors: 0,
    tx_aborted_errors: 0,
    tx_carrier_errors: 0,
    tx_fifo_errors: 0,
    tx_heartbeat_errors: 0,
    tx_window_errors: 0,
    rx_compressed: 0,
    tx_compressed: 0,
    rx_nohandler: 0,
    rx_otherhost_dropped: 0,
  };
}

/** size_columns: widen each column to its value's digits. */
function sizeColumns(cols: number[], ...vals: number[]): void {
  vals.forEach((v, i) => {
    const len = String(v).length;
    if (len > cols[i]!) cols[i] = len;
  });
}

/** print_num without -h: "%*llu ". */
const num = (width: number, v: number) => `${String(v).padStart(width)} `;
const pad = (width: number, s: string) => s.padStart(width);

/**
 * The text blocks, each line ending in "\n" except the last (its caller ends
 * it, as print_linkinfo's final newline or print_link_stats' print_nl does).
 * IFLA_CARRIER_CHANGES is always sent by 6.1, so -s -s shows transns.
 */
export function printStats64Text(dev: NetDevice, level: number): string {
  const s = devGetStats(dev);
  const cc = dev.carrierChanges;
  const cols = ["*X errors:", "packets", "errors", "dropped", "heartbt", "overrun", "compressed", "otherhost"].map((c) => c.length);
  sizeColumns(cols, s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, s.rx_missed_errors, s.multicast, s.rx_compressed, 0);
  if (level > 1) sizeColumns(cols, 0, s.rx_length_errors, s.rx_crc_errors, s.rx_frame_errors, s.rx_fifo_errors, s.rx_over_errors, s.rx_nohandler, s.rx_otherhost_dropped);
  sizeColumns(cols, s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, s.tx_carrier_errors, s.collisions, s.tx_compressed, 0);
  // iproute2 sizes the TX error line one column to the right of where it prints it.
  if (level > 1) sizeColumns(cols, 0, 0, s.tx_aborted_errors, s.tx_fifo_errors, s.tx_window_errors, s.tx_heartbeat_errors, cc, 0);
  const c = (i: number) => cols[i]!;
  let out = `    RX: ${pad(c(0) - 4, "bytes")} ${pad(c(1), "packets")} ${pad(c(2), "errors")} ${pad(c(3), "dropped")} ${pad(c(4), "missed")} ${pad(c(5), "mcast")} ${pad(c(6), s.rx_compressed ? "compressed" : "")}\n`;
  out += `    ${num(c(0), s.rx_bytes)}${num(c(1), s.rx_packets)}${num(c(2), s.rx_errors)}${num(c(3), s.rx_dropped)}${num(c(4), s.rx_missed_errors)}${num(c(5), s.multicast)}`;
  if (s.rx_compressed) out += num(c(6), s.rx_compressed);
  if (level > 1) {
    out += `\n    RX errors:${pad(c(0) - 10, "")} ${pad(c(1), "length")} ${pad(c(2), "crc")} ${pad(c(3), "frame")} ${pad(c(4), "fifo")} ${pad(c(5), "overrun")}`;
    out += `${s.rx_nohandler ? pad(c(6) + 1, " nohandler") : ""}${s.rx_otherhost_dropped ? pad(c(7) + 1, " otherhost") : ""}\n`;
    out += `${" ".repeat(c(0) + 5)}${num(c(1), s.rx_length_errors)}${num(c(2), s.rx_crc_errors)}${num(c(3), s.rx_frame_errors)}${num(c(4), s.rx_fifo_errors)}${num(c(5), s.rx_over_errors)}`;
    if (s.rx_nohandler) out += num(c(6), s.rx_nohandler);
    if (s.rx_otherhost_dropped) out += num(c(7), s.rx_otherhost_dropped);
  }
  out += "\n";
  out += `    TX: ${pad(c(0) - 4, "bytes")} ${pad(c(1), "packets")} ${pad(c(2), "errors")} ${pad(c(3), "dropped")} ${pad(c(4), "carrier")} ${pad(c(5), "collsns")} ${pad(c(6), s.tx_compressed ? "compressed" : "")}\n`;
  out += `    ${num(c(0), s.tx_bytes)}${num(c(1), s.tx_packets)}${num(c(2), s.tx_errors)}${num(c(3), s.tx_dropped)}${num(c(4), s.tx_carrier_errors)}${num(c(5), s.collisions)}`;
  if (s.tx_compressed) out += num(c(6), s.tx_compressed);
  if (level > 1) {
    out += `\n    TX errors:${pad(c(0) - 10, "")} ${pad(c(1), "aborted")} ${pad(c(2), "fifo")} ${pad(c(3), "window")} ${pad(c(4), "heartbt")} ${pad(c(5), "transns")}\n`;
    out += `${" ".repeat(c(0) + 5)}${num(c(1), s.tx_aborted_errors)}${num(c(2), s.tx_fifo_errors)}${num(c(3), s.tx_window_errors)}${num(c(4), s.tx_heartbeat_errors)}${num(c(5), cc)}`;
  }
  return out;
}

export function printStats64Json(dev: NetDevice, level: number): Record<string, unknown> {
  const s = devGetStats(dev);
  const rx: Record<string, number> = { bytes: s.rx_bytes, packets: s.rx_packets, errors: s.rx_errors, dropped: s.rx_dropped, over_errors: s.rx_over_errors, multicast: s.multicast };
  if (s.rx_compressed) rx.compressed = s.rx_compressed;
  if (level > 1) {
    Object.assign(rx, { length_errors: s.rx_length_errors, crc_errors: s.rx_crc_errors, frame_errors: s.rx_frame_errors, fifo_errors: s.rx_fifo_errors, missed_errors: s.rx_missed_errors });
    if (s.rx_nohandler) rx.nohandler = s.rx_nohandler;
    if (s.rx_otherhost_dropped) rx.otherhost = s.rx_otherhost_dropped;
  }
  const tx: Record<string, number> = { bytes: s.tx_bytes, packets: s.tx_packets, errors: s.tx_errors, dropped: s.tx_dropped, carrier_errors: s.tx_carrier_errors, collisions: s.collisions };
  if (s.tx_compressed) tx.compressed = s.tx_compressed;
  if (level > 1) {
    Object.assign(tx, { aborted_errors: s.tx_aborted_errors, fifo_errors: s.tx_fifo_errors, window_errors: s.tx_window_errors, heartbeat_errors: s.tx_heartbeat_errors, carrier_changes: dev.carrierChanges });
  }
  return { stats64: { rx, tx } };
}
