// What every `ip` subcommand shares: the namespace it acts in, iproute2's
// output and exit conventions, and device lookup.

import { STRERROR, type Errno, type Kernel, type Net, type NetDevice } from "../../kernel/index.js";
import { NotSimulated, type ExecResult, type IpGlobals } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { linkRef } from "./link-info.js";

export interface IpCtx {
  readonly tool: ToolContext;
  readonly kernel: Kernel;
  /** The namespace `ip` runs in (after `-n NS`). */
  readonly net: Net;
  readonly g: IpGlobals;
}

export const done = (stdout = ""): ExecResult => ({ exitCode: 0, stdout, stderr: "" });
export const failWith = (stderr: string, exitCode: number, stdout = ""): ExecResult => ({ exitCode, stdout, stderr });

/**
 * A refused netlink request: iproute2 prints the kernel's extack message when
 * there is one (adding the final period), else strerror; either way it exits 2.
 */
export function rtnlError(r: { errno: Errno; msg?: string }, stdout = ""): ExecResult {
  if (r.msg) return failWith(`Error: ${r.msg}${r.msg.endsWith(".") ? "" : "."}\n`, 2, stdout);
  return failWith(`RTNETLINK answers: ${STRERROR[r.errno]}\n`, 2, stdout);
}

/** ll_name_to_index failing in a modify command (nodev()). */
export const noDevice = (name: string): ExecResult => failWith(`Cannot find device "${name}"\n`, 1);

/** The same failure in a listing command. */
export const noDeviceShow = (name: string): ExecResult => failWith(`Device "${name}" does not exist.\n`, 1);

/** invarg(): iproute2's messages here end in "\n" and invarg adds another. */
export const invarg = (msg: string, arg: string): ExecResult => failWith(`Error: argument "${arg}" is wrong: ${msg}\n`, 255);

/** Something `ip` does that the simulator does not model: the script is refused at this line. */
export function notSimulated(what: string): never {
  throw NotSimulated.what(what);
}

export function devices(net: Net): NetDevice[] {
  return [...net.devices.values()].sort((a, b) => a.ifindex - b.ifindex);
}

/**
 * ll_name_to_index: iproute2 asks the kernel for a device it names
 * (RTM_GETLINK), and the answer (rtnl_fill_ifinfo) names the namespace of
 * the device's link by its id, numbering that namespace the first time
 * (peernet2id_alloc): `ip addr add ... dev eth0` numbers the namespace of
 * eth0's veth peer.
 */
export function llNameToDev(net: Net, name: string): NetDevice | undefined {
  const dev = net.devByName(name);
  if (dev) linkRef(dev);
  return dev;
}
