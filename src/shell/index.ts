/** ipvlab's shell: bash scripts over an injected host, and iproute2/sysctl command lines as typed ASTs. Pure: no I/O, no clock. */
export { runScript, runParsed, type ScriptResult } from "./run.js";
export { readPath } from "./interp/files.js";
export { parseScript } from "./parse/parse.js";
export type { Script } from "./parse/ast.js";
export { Killed, NotSimulated, ShellScriptError } from "./errors.js";
export type { ExecContext, ExecResult, FileRead, ProcSys, RunOptions, ScriptFailure, ShellHost, ShellResult } from "./interp/host.js";
export { parseIp, ipObject } from "./iproute2/ip.js";
export type * from "./iproute2/ast.js";
export type { InetPrefix } from "./iproute2/inet.js";
export { IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_TENTATIVE, type ListFilter } from "./iproute2/list-filter.js";
export { parseSysctl, formatSysctl, sysctlPath, sysctlName, unknownKeyError } from "./sysctl/sysctl.js";
export type { SysctlInvocation, SysctlItem, SysctlParse } from "./sysctl/sysctl.js";
