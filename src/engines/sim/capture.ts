// A step's captures: a tap (the packet socket tcpdump opens) on each named
// device for exactly that step, started before its command and stopped
// 0.3 s of virtual time after it ends, as the real driver does.

import type { Kernel, NetDevice, Tap } from "../../kernel/index.js";
import type { CaptureTarget } from "../../lab/types.js";
import { FilterNotSimulated, FilterSyntaxError, parseFilter, type FilterNode } from "../../userland/pcap-filter/index.js";
import { formatCapture, type CapturedFrame } from "../../userland/tcpdump.js";
import { frameTap } from "../../userland/tcpdump-tap.js";

export { frameTap, socketView } from "../../userland/tcpdump-tap.js";

export interface Capture {
  target: CaptureTarget;
  frames: CapturedFrame[];
  /** Why tcpdump did not start, as it would say it; null when it runs. */
  error: string | null;
  dev: NetDevice | null;
  tap: Tap | null;
  /** Frames seen but not kept: more than the output limit could show. */
  dropped: number;
  /**
   * The capture's filter could not run as written: tcpdump refuses it
   * ("syntax"), or the simulator does not evaluate it ("refused"); the whole
   * message, said at the capture's line.
   */
  refusal: { kind: "syntax" | "refused"; said: string; stderr: string } | null;
}

/**
 * A capture's filter as tcpdump compiles it; a refusal when tcpdump would
 * refuse it or the simulator does not evaluate it (a real engine runs it).
 */
export function captureFilter(target: CaptureTarget): { filter: FilterNode | null; refusal: Capture["refusal"] } {
  if (target.filter === null) return { filter: null, refusal: null };
  try {
    return { filter: parseFilter(target.filter, "live"), refusal: null };
  } catch (e) {
    const what = `capture "${target.id}"`;
    // Said as the real engines say a filter tcpdump refuses (engines/real/results.ts).
    if (e instanceof FilterSyntaxError) {
      return { filter: null, refusal: { kind: "syntax", said: `${what}: tcpdump: ${e.message}`, stderr: `ipvlab: capture on ${target.id} failed: tcpdump: ${e.message}` } };
    }
    if (e instanceof FilterNotSimulated) {
      const said = `${what}: --engine sim does not evaluate ${e.what} in a filter; --engine uml (or host) runs it with the real tcpdump`;
      return { filter: null, refusal: { kind: "refused", said, stderr: `ipvlab: ${said}` } };
    }
    throw e;
  }
}

/** No tcpdump -n -e line is shorter: frames past output/MIN_LINE could never be shown, so they are not kept. */
const MIN_LINE = 32;

/** `maxBytes`: the text of the capture that will be kept (the output limit). */
export function startCapture(kernels: Map<string, Kernel>, target: CaptureTarget, maxBytes = Infinity): Capture {
  const c: Capture = { target, frames: [], error: null, dev: null, tap: null, dropped: 0, refusal: null };
  const kernel = kernels.get(target.host);
  const net = kernel?.net(target.netns ?? undefined);
  if (!kernel || !net) {
    c.error = `Cannot open network namespace "${target.netns}": No such file or directory`;
    return c;
  }
  const dev = net.devByName(target.dev);
  if (!dev) {
    c.error = `tcpdump: ${target.dev}: No such device exists (No such device exists)`;
    return c;
  }
  if (!dev.isUp) {
    // libpcap: binding the packet socket to a down device leaves ENETDOWN pending (PCAP_ERROR_IFACE_NOT_UP).
    c.error = `tcpdump: ${target.dev}: That device is not up`;
    return c;
  }
  // tcpdump opens the device first, then compiles its filter.
  const { filter, refusal } = captureFilter(target);
  if (refusal) {
    c.refusal = refusal;
    return c;
  }
  c.dev = dev;
  const keep = Math.ceil(maxBytes / MIN_LINE);
  c.tap = frameTap(dev, c.frames, keep, () => c.dropped++, filter);
  dev.taps.add(c.tap);
  setPromiscuity(dev, 1);
  return c;
}

/** The capture as tcpdump prints it, its first `maxBytes` only; `cut` when there was more. */
export function captureLines(c: Capture, maxBytes: number): { lines: string[]; cut: boolean } {
  const all = formatCapture(c.frames);
  let bytes = 0;
  for (let i = 0; i < all.length; i++) {
    bytes += all[i]!.length + 1;
    if (bytes > maxBytes) return { lines: all.slice(0, i), cut: true };
  }
  return { lines: all, cut: c.dropped > 0 };
}

export function stopCapture(c: Capture): void {
  if (c.dev && c.tap) {
    c.dev.taps.delete(c.tap);
    setPromiscuity(c.dev, -1);
  }
  c.tap = null;
}

// tcpdump (without -p) puts the device into promiscuous mode: dev_set_promiscuity,
// counted with every other user's. On a bridge that makes br_handle_frame_finish
// pass a copy of every forwarded frame up to the bridge device, where the capture sees it.
function setPromiscuity(dev: NetDevice, inc: number): void {
  dev.promiscuity += inc;
}
