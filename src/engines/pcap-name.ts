// The file a capture's frames go to under --pcap DIR/<lab>/, the same on
// every engine: <step>-<host>_<dev>.pcap, and its filter after the device
// (in file-name characters) when it has one, so a step may capture one
// device with two filters.

import { splitCapture } from "../lab/capture-spec.js";

export function pcapFileName(step: number, captureId: string): string {
  const { target, filter } = splitCapture(captureId);
  const f = filter === null ? "" : `-${filter.replace(/[^A-Za-z0-9.-]+/g, "_").slice(0, 60)}`;
  return `${String(step).padStart(2, "0")}-${target.replace(/[/:]/g, "_")}${f}.pcap`;
}
