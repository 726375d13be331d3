// The shell's view of a simulated lab host: external commands are the
// simulated tools, run in a network namespace of the host's kernel; sleep
// runs the virtual clock; /proc/sys is the namespace's sysctls, and
// /proc/net and /sys/class/net its counters (files.ts).

import { STRERROR, sysctlIsText, sysctlRead, sysctlReadText, sysctlStatus, sysctlValueUnmodelled, sysctlWrite, sysctlWriteText, type Kernel, type Net } from "../../kernel/index.js";
import type { Tmpfs } from "../../kernel/tmpfs.js";
import { Signalled } from "../../shell/interp/scheduler.js";
import { Killed, NotSimulated, readPath, runScript, type ExecContext, type ExecResult, type FileRead, type ProcSys, type ShellHost } from "../../shell/index.js";
import { REAL_ENGINES } from "../../shell/errors.js";
import { BUILTINS } from "../../shell/interp/builtins.js";
import { RUNNERS } from "../../shell/interp/programs.js";
import { didYouMean } from "../../lab/errors.js";
import { TOOLS as TEXT_TOOLS } from "../../shell/tools/index.js";
import { arpingTool } from "../../userland/arping.js";
import { bridgeTool } from "../../userland/bridge.js";
import { ipTool } from "../../userland/ip/index.js";
import { ipvlabTool } from "../../userland/ipvlab.js";
import { dockerTool } from "../../userland/docker/tool.js";
import { cniPlugin, cniPluginName, DEBIAN_PLUGINS } from "../../userland/cni/plugins.js";
import { pingTool } from "../../userland/ping.js";
import { sysctlTool } from "../../userland/sysctl.js";
import { tcpdumpTool } from "../../userland/tcpdump-cmd.js";
import { Interrupted, runClockUntil, type Tool, type ToolContext } from "../../userland/tool.js";
import { Scheduler, type Proc } from "../../shell/interp/scheduler.js";
import { UNLIMITED, type ShellLimits } from "../../shell/interp/limits.js";
import { readSimFile, statSimFile } from "./files.js";
import { StepKilled, type StepSim } from "./world.js";

/**
 * /proc/sys of one namespace: the net/ipv4 keys the kernel models; a name
 * Linux has and the simulator does not model is null (refused), a name
 * Linux does not have is missing, as it is there.
 */
export function procSysOf(net: Net): ProcSys {
  return {
    read(path) {
      const status = sysctlStatus(net, path);
      if (status === "unmodelled") return null;
      if (status === "dir") return { ok: false, error: "Is a directory" };
      if (sysctlIsText(path)) {
        const t = sysctlReadText(net, path);
        return t.ok ? { ok: true, content: `${t.value}\n` } : { ok: false, error: STRERROR[t.errno] };
      }
      const r = sysctlRead(net, path);
      return r.ok ? { ok: true, content: `${r.value}\n` } : { ok: false, error: "No such file or directory" };
    },
    write(path, data) {
      const status = sysctlStatus(net, path);
      if (status === "unmodelled") return null;
      if (status === "dir") return { ok: false, error: "Is a directory" };
      if (status === "absent") return { ok: false, error: "No such file or directory" };
      const text = data.trim();
      if (sysctlIsText(path)) {
        const t = sysctlWriteText(net, path, text);
        return t.ok ? { ok: true } : { ok: false, error: STRERROR[t.errno] };
      }
      if (!/^-?\d+$/.test(text)) return { ok: false, error: "Invalid argument" };
      // A key nothing in the simulator reads may only be written with the value it has.
      const now = sysctlRead(net, path);
      if (status === "stored" && now.ok && now.value !== Number(text)) return null;
      if (sysctlValueUnmodelled(net, path, Number(text))) return null;
      const r = sysctlWrite(net, path, Number(text));
      if (r.ok) return { ok: true };
      return { ok: false, error: r.errno === "ENOENT" ? "No such file or directory" : "Invalid argument" };
    },
    stat(path) {
      const status = sysctlStatus(net, path);
      return status === "unmodelled" ? null : status === "dir" ? "dir" : status === "absent" ? "missing" : "file";
    },
  };
}

/** The commands a lab script can run under --engine sim (the shell itself answers builtins and text tools). */
export function defaultTools(): Record<string, Tool> {
  return { ip: ipTool, bridge: bridgeTool, ping: pingTool, ping6: pingTool, arping: arpingTool, sysctl: sysctlTool, ipvlab: ipvlabTool, docker: dockerTool, tcpdump: tcpdumpTool };
}

/** `/usr/bin/ping` and `ping` are the same command. */
function commandName(arg0: string): string {
  const m = /^(?:\/usr)?\/s?bin\/([^/]+)$/.exec(arg0);
  return m ? m[1]! : arg0;
}

/** How a command runs: as which process of the script, and where it streams what it flushes. */
interface RunAs {
  proc?: Proc | undefined;
  out?: ((t: string) => void) | undefined;
  err?: ((t: string) => void) | undefined;
}

/**
 * The step script's processes on the lab's clock: the kernel's events run
 * only when every process waits, up to the earliest wake-up.
 */
function stepScheduler(sim: StepSim): Scheduler {
  // Without a condition to look at, one run: the frame budget then counts over the whole stretch, as for one command alone.
  return new Scheduler({ now: () => sim.now, run: (until, stop) => void (stop ? runClockUntil(sim, until, stop) : sim.run({ until })) });
}

export class SimShellHost implements ShellHost {
  readonly procSys: ProcSys;
  /** The host's tmpfs: what the lab writes stays there for its later steps, in every namespace of the host. */
  readonly fs: Tmpfs;
  readonly scheduler: Scheduler;

  constructor(
    readonly sim: StepSim,
    readonly kernel: Kernel,
    readonly net: Net,
    readonly tools: Record<string, Tool>,
    /** The step's: a script it starts (`bash -c`) is held to them too. */
    readonly limits: ShellLimits = UNLIMITED,
    /** The step's processes: one per step script, shared by what it starts in other namespaces. */
    scheduler?: Scheduler,
  ) {
    this.procSys = procSysOf(net);
    this.fs = kernel.tmpfs;
    this.scheduler = scheduler ?? stepScheduler(sim);
  }

  readFile(path: string): FileRead | null {
    return readSimFile(this.net, path);
  }

  stat(path: string): "file" | "dir" | "missing" | null {
    return statSimFile(this.net, path);
  }

  async exec(argv: string[], ctx: ExecContext): Promise<ExecResult | null> {
    const as: RunAs = { proc: ctx.proc, out: ctx.out, err: ctx.err };
    const r = await this.killable(async () => (await this.execIn(argv, this.net, ctx.stdin, ctx.env, as)) ?? this.notSimulated(argv[0] ?? ""));
    // A script it ran (bash -c) was killed inside: it ends here too, with what that script wrote.
    if (this.sim.killed) throw new Killed(137, r.stdout, r.stderr);
    return r;
  }

  /** A command the simulator does not have: it may exist where the lab runs for real, so it is refused, not "not found". */
  private notSimulated(arg0: string): never {
    const name = commandName(arg0);
    const known = [...Object.keys(this.tools), ...Object.keys(TEXT_TOOLS), ...Object.keys(BUILTINS), ...Object.keys(RUNNERS), "true", "false", "sleep", "bash", "sh"];
    // Short names are a letter away from everything (nc, wc): only a longer one is worth a guess.
    const guess = name.length > 3 ? didYouMean(name, known) : "";
    throw new NotSimulated(`\`${name}\`: --engine sim does not simulate this command${guess}; ${REAL_ENGINES} if it is installed`);
  }

  /**
   * Past the step's timeout the script is killed: it ends with status 137,
   * keeping what it printed before and what the killed tool had written out,
   * as on a real engine.
   */
  private async killable<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.sim.killed) throw new Killed(137, "", "");
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Interrupted) {
        if (e.by instanceof StepKilled) throw new Killed(137, e.stdout, e.stderr);
        // A signal the command does not handle kills it: what it flushed stays.
        if (e.by instanceof Signalled) throw new Killed(128 + e.by.signal, e.stdout, e.stderr);
        throw e.by;
      }
      if (e instanceof StepKilled) throw new Killed(137, "", "");
      throw e;
    }
  }

  /** Runs a command in a namespace of this host; null when there is no such command. */
  execIn(argv: string[], net: Net, stdin: string, env: Record<string, string>, as: RunAs = {}): ExecResult | null | Promise<ExecResult | null> {
    const name = commandName(argv[0] ?? "");
    const plugin = cniPluginName(name);
    // /usr/lib/cni/NAME: the plugins of Debian's containernetworking-plugins.
    const tool = plugin !== null ? this.cniTool(plugin) : Object.hasOwn(this.tools, name) ? this.tools[name] : undefined;
    if (plugin !== null && !tool) return null;
    if (!tool) return this.execOther(name, argv, net, stdin, env, as);
    const sched = this.scheduler;
    const proc = as.proc ?? sched.main;
    const ctx: ToolContext = {
      sim: this.sim,
      kernel: this.kernel,
      net,
      stdin,
      env,
      exec: async (argv2, net2) => (await this.execIn(argv2, net2, stdin, env, as)) ?? this.notSimulated(argv2[0] ?? ""),
      wait: (until, stop, handles) => sched.wait(proc, until, stop, handles),
    };
    if (as.out) ctx.out = as.out;
    if (as.err) ctx.err = as.err;
    return tool(argv, ctx);
  }

  /** A CNI plugin by name: simulated, refused (in the package, not simulated), or absent. */
  private cniTool(plugin: string): Tool | undefined {
    const tool = cniPlugin(plugin);
    if (tool) return tool;
    if (DEBIAN_PLUGINS.includes(plugin)) throw NotSimulated.what(`the CNI plugin ${plugin}`);
    return undefined;
  }

  /** What `ip netns exec` may start besides the simulated tools: /bin/true, sleep, text tools, bash -c. */
  private execOther(name: string, argv: string[], net: Net, stdin: string, env: Record<string, string>, as: RunAs): ExecResult | null | Promise<ExecResult> {
    if (name === "true" || name === "false") return { exitCode: name === "true" ? 0 : 1, stdout: "", stderr: "" };
    if (name === "sleep") return this.runIn(net, `sleep${argv.slice(1).map((a) => ` '${a.replace(/'/g, `'\\''`)}'`).join("")}`, stdin, env, [], as);
    if ((name === "bash" || name === "sh") && argv[1] === "-c" && argv[2] !== undefined) return this.runIn(net, argv[2], stdin, env, argv.slice(3), as);
    const text = Object.hasOwn(TEXT_TOOLS, name) ? TEXT_TOOLS[name] : undefined;
    if (text) {
      const host = this.hostIn(net);
      const r = text(argv.slice(1), { stdin: () => stdin, readFile: (p) => readPath(host, p), limits: this.limits, fs: this.fs });
      return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
    }
    return null;
  }

  /** This host as seen from another of its namespaces (`ip netns exec`). */
  private hostIn(net: Net): SimShellHost {
    return net === this.net ? this : new SimShellHost(this.sim, this.kernel, net, this.tools, this.limits, this.scheduler);
  }

  private async runIn(net: Net, script: string, stdin: string, env: Record<string, string>, args: string[] = [], as: RunAs = {}): Promise<ExecResult> {
    const r = await runScript(script, this.hostIn(net), { file: args[0] ?? "bash", env, stdin, args: args.slice(1), limits: this.limits, ...(as.proc ? { proc: as.proc } : {}) });
    // A limit ends the step, not just the script that reached it.
    if (r.limit) throw r.limit;
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  async sleep(seconds: number, proc?: Proc): Promise<void> {
    const sched = this.scheduler;
    await this.killable(() => sched.wait(proc ?? sched.main, sched.now + seconds * 1000));
  }
}
