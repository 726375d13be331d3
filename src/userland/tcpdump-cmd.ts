// tcpdump (4.99.3) as a command of a lab script: a live capture on one
// device until -c packets or a signal. libpcap reads a TPACKET_V3 ring:
// the kernel hands frames to tcpdump a block at a time, when the block's
// retire timer fires (tcpdump's 1000 ms timeout, af_packet.c
// prb_retire_rx_blk_timer_expired), so a frame is printed at the first tick
// after it came. SIGINT, SIGTERM and SIGHUP end it as its cleanup() does
// (pcap_breakloop: the block not yet retired is never read, an extra
// newline, the statistics on stderr, exit 0); SIGKILL leaves what stdio had
// flushed. Its stdout is a file or a pipe in a lab, so stdio buffers it in
// 4096-byte blocks unless -l or -U asks for a flush per packet.

import { NotSimulated, type ExecResult } from "../shell/index.js";
import { FilterNotSimulated, FilterSyntaxError, parseFilter, type FilterNode } from "./pcap-filter/index.js";
import { gnuGetopt } from "./ping.js";
import { formatLive, type CapturedFrame } from "./tcpdump.js";
import { frameTap } from "./tcpdump-tap.js";
import { handled, Interrupted, runTool, type Tool, type ToolContext, type ToolRun } from "./tool.js";

/** cleanup() is installed for these. */
const TCPDUMP_SIGNALS = [1, 2, 15];

/** tcpdump's pcap_set_timeout: the ring's block retire timeout (tp_retire_blk_tov), in ms. */
const BLOCK_TIMEOUT_MS = 1000;

/** glibc's buffer for a regular file or a pipe (st_blksize). */
const STDIO_BUFSIZ = 4096;

/** Options tcpdump has and the simulator does not model. */
const OTHER_OPTIONS = "aAbB:C:d:DE:fF:G:hHI#j:J#KLm:M:NOq#Q:r:s:ST:uvV:w:W:xXy:Yz:Z:";

export const tcpdumpTool: Tool = (argv, ctx) => runTool(tcpdumpRun(argv, ctx), ctx);

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

function* tcpdumpRun(argv: string[], ctx: ToolContext): ToolRun {
  const g = gnuGetopt("tcpdump", argv.slice(1), `i:nec:lUpt${OTHER_OPTIONS}`);
  if ("error" in g) return { exitCode: 1, stdout: "", stderr: `${g.error}\n` };
  let device: string | null = null;
  let numeric = false;
  let link = false;
  let count = 0;
  let lineBuffered = false;
  let promisc = true;
  let time = true;
  for (const [o, v] of g.opts) {
    if (o === "i") device = v;
    else if (o === "n") numeric = true;
    else if (o === "e") link = true;
    else if (o === "c") {
      if (!/^\d+$/.test(v) || Number(v) < 1) return { exitCode: 1, stdout: "", stderr: `tcpdump: invalid packet count ${v}\n` };
      count = Number(v);
    } else if (o === "l" || o === "U") lineBuffered = true;
    else if (o === "p") promisc = false;
    else if (o === "t") {
      if (!time) throw NotSimulated.what("tcpdump -tt");
      time = false;
    } else throw NotSimulated.what(`tcpdump -${o}`);
  }
  if (device === null) throw NotSimulated.what("tcpdump without -i (the default device)");
  if (device === "any") throw NotSimulated.what("tcpdump -i any");
  // Names from /etc/hosts or DNS are the machine's, not the lab's.
  if (!numeric) throw NotSimulated.what("tcpdump without -n (name resolution)");
  const dev = ctx.net.devByName(device);
  if (!dev) return { exitCode: 1, stdout: "", stderr: `tcpdump: ${device}: No such device exists\n(SIOCGIFHWADDR: No such device)\n` };
  if (!dev.isUp) return { exitCode: 1, stdout: "", stderr: `tcpdump: ${device}: That device is not up\n` };
  let filter: FilterNode | null = null;
  const expr = g.operands.join(" ");
  if (expr.trim() !== "") {
    try {
      filter = parseFilter(expr, "live");
    } catch (e) {
      if (e instanceof FilterSyntaxError) return { exitCode: 1, stdout: "", stderr: `tcpdump: ${e.message}\n` };
      if (e instanceof FilterNotSimulated) throw NotSimulated.what(`${e.what} in a tcpdump filter`);
      throw e;
    }
  }
  let stderr = "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n";
  stderr += `listening on ${device}, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n`;
  const frames: CapturedFrame[] = [];
  let seen = 0;
  /** Frames in retired blocks: what tcpdump has read. */
  let readable = 0;
  let printed = 0;
  let stdout = "";
  let flushed = 0;
  let unmodelled = false;
  const tap = frameTap(dev, frames, Infinity, () => {}, filter, () => seen++);
  dev.taps.add(tap);
  if (promisc) dev.promiscuity++;
  /** Prints what arrived (up to -c packets) into stdio's buffer; what the buffer has written out is `flushed`. */
  const print = (): void => {
    while (printed < readable && (count === 0 || printed < count) && !unmodelled) {
      const lines = formatLive(frames[printed]!, { link, time });
      if (lines === null) {
        unmodelled = true;
        break;
      }
      stdout += lines.map((l) => `${l}\n`).join("");
      printed++;
    }
    flushed = lineBuffered ? stdout.length : stdout.length - (stdout.length % STDIO_BUFSIZ);
  };
  const flush = () => {
    print();
    return { stdout: stdout.slice(0, flushed), stderr };
  };
  const sim = ctx.sim;
  let tick = sim.now;
  let interrupted = false;
  try {
    for (;;) {
      tick += BLOCK_TIMEOUT_MS;
      yield { until: tick, stop: null, flushed: flush, handles: TCPDUMP_SIGNALS };
      // The block retires: every frame that came by now is read.
      readable = frames.length;
      print();
      if (unmodelled || (count > 0 && printed >= count)) break;
    }
  } catch (e) {
    if (handled(e, TCPDUMP_SIGNALS) === null) {
      print();
      throw new Interrupted(e, stdout.slice(0, flushed), stderr);
    }
    interrupted = true;
  } finally {
    dev.taps.delete(tap);
    if (promisc) dev.promiscuity--;
  }
  print();
  if (unmodelled) throw NotSimulated.what("tcpdump without -e for this frame (a VLAN tag or another ethertype)");
  // pcap_loop returned -2 (pcap_breakloop): a line may have been cut, so tcpdump ends stdout with a newline.
  if (interrupted) stdout += "\n";
  stderr += `${plural(printed, "packet")} captured\n${plural(seen, "packet")} received by filter\n0 packets dropped by kernel\n`;
  const r: ExecResult = { exitCode: 0, stdout, stderr };
  return r;
}
