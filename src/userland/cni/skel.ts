// pkg/skel of github.com/containernetworking/cni v1.0.1: how every plugin
// reads its environment and stdin, validates them, reconciles versions and
// prints an error (a JSON object on stdout, exit status 1).

import type { ExecResult } from "../../shell/index.js";
import type { ToolContext } from "../tool.js";
import { GoError, jsonSyntaxError, marshal, marshalIndent, unmarshal } from "./gojson.js";
import { SUPPORTED_VERSIONS } from "./result.js";

/** types.Error: a plugin's error with its well-known code. */
export class CniError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly details = "",
  ) {
    super(details ? `${msg}; ${details}` : msg);
    this.name = "CniError";
  }
}

export const ERR_INCOMPATIBLE_VERSION = 1;
export const ERR_UNKNOWN_CONTAINER = 3;
export const ERR_INVALID_ENV = 4;
export const ERR_DECODING = 6;
export const ERR_INVALID_CONFIG = 7;
export const ERR_INTERNAL = 999;

/** skel.CmdArgs. */
export interface CmdArgs {
  containerId: string;
  netns: string;
  ifName: string;
  args: string;
  path: string;
  stdin: string;
}

/** A plugin's three commands; each returns what it prints on stdout, or throws. */
export interface CniPlugin {
  name: string;
  add(args: CmdArgs, ctx: ToolContext): string | Promise<string>;
  check(args: CmdArgs, ctx: ToolContext): string | Promise<string>;
  del(args: CmdArgs, ctx: ToolContext): string | Promise<string>;
}

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `%q` of a []string, as Go prints it: ["a" "b"]. */
export function goQuoteList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;
}

/** create.DecodeVersion: "" is 0.1.0. */
export function decodeVersion(stdin: string): string {
  const err = jsonSyntaxError(stdin);
  if (err) throw new GoError(`decoding version from network config: ${err}`);
  const v = unmarshal(stdin, "struct { CNIVersion string \"json:\\\"cniVersion\\\"\" }").cniVersion;
  return typeof v === "string" && v !== "" ? v : "0.1.0";
}

/** version.GreaterThanOrEqualTo over "MAJOR.MINOR.MICRO". */
export function versionAtLeast(version: string, than: string): boolean {
  const parse = (v: string) => {
    const parts = v.split(".");
    if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) throw new GoError(`invalid version "${v}"`);
    return [0, 1, 2].map((i) => Number(parts[i] ?? 0));
  };
  const a = parse(version);
  const b = parse(than);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

function asCniError(e: unknown): CniError {
  if (e instanceof CniError) return e;
  if (e instanceof GoError) return new CniError(ERR_INTERNAL, e.message);
  throw e;
}

function printError(e: CniError): ExecResult {
  const o: Record<string, unknown> = { code: e.code, msg: e.msg };
  if (e.details) o.details = e.details;
  return { exitCode: 1, stdout: marshalIndent(o), stderr: "" };
}

/** skel.PluginMain with version.All and bv.BuildString(name). */
export async function pluginMain(p: CniPlugin, ctx: ToolContext): Promise<ExecResult> {
  const env = (k: string) => ctx.env[k] ?? "";
  const cmd = env("CNI_COMMAND");
  const required: Record<string, boolean> = { CNI_COMMAND: true, CNI_CONTAINERID: cmd !== "VERSION" && cmd !== "" && ["ADD", "CHECK", "DEL"].includes(cmd), CNI_NETNS: cmd === "ADD" || cmd === "CHECK", CNI_IFNAME: ["ADD", "CHECK", "DEL"].includes(cmd), CNI_ARGS: false, CNI_PATH: ["ADD", "CHECK", "DEL"].includes(cmd) };
  const missing = Object.keys(required).filter((k) => required[k] && env(k) === "");
  if (missing.length > 0) {
    if (cmd === "") {
      return { exitCode: 0, stdout: "", stderr: `CNI ${p.name} plugin version unknown\nCNI protocol versions supported: ${SUPPORTED_VERSIONS.join(", ")}\n` };
    }
    return printError(new CniError(ERR_INVALID_ENV, `required env variables [${missing.join(",")}] missing`));
  }
  const args: CmdArgs = { containerId: env("CNI_CONTAINERID"), netns: env("CNI_NETNS"), ifName: env("CNI_IFNAME"), args: env("CNI_ARGS"), path: env("CNI_PATH"), stdin: cmd === "VERSION" ? "" : ctx.stdin };
  if (cmd === "VERSION") return { exitCode: 0, stdout: `${marshal({ cniVersion: "1.0.0", supportedVersions: SUPPORTED_VERSIONS })}\n`, stderr: "" };
  try {
    validateConfig(args.stdin);
    validateContainerId(args.containerId);
    validateInterfaceName(args.ifName);
    let out: string;
    if (cmd === "ADD") out = await checkVersionAndCall(args, ctx, p.add);
    else if (cmd === "DEL") out = await checkVersionAndCall(args, ctx, p.del);
    else if (cmd === "CHECK") {
      let configVersion: string;
      try {
        configVersion = decodeVersion(args.stdin);
        if (!versionAtLeast(configVersion, "0.4.0")) throw new CniError(ERR_INCOMPATIBLE_VERSION, "config version does not allow CHECK");
      } catch (e) {
        if (e instanceof GoError) throw new CniError(ERR_DECODING, e.message);
        throw e;
      }
      out = await checkVersionAndCall(args, ctx, p.check);
    } else throw new CniError(ERR_INVALID_ENV, `unknown CNI_COMMAND: ${cmd}`);
    return { exitCode: 0, stdout: out, stderr: "" };
  } catch (e) {
    return printError(asCniError(e));
  }
}

function validateConfig(stdin: string): void {
  let name: unknown;
  try {
    name = unmarshal(stdin, "struct { Name string \"json:\\\"name\\\"\" }").name;
  } catch (e) {
    if (e instanceof GoError) throw new CniError(ERR_DECODING, `error unmarshall network config: ${e.message}`);
    throw e;
  }
  if (typeof name !== "string" || name === "") throw new CniError(ERR_INVALID_CONFIG, "missing network name");
  if (!VALID_NAME.test(name)) throw new CniError(ERR_INVALID_CONFIG, "invalid characters found in network name", name);
}

function validateContainerId(id: string): void {
  if (id === "") throw new CniError(ERR_UNKNOWN_CONTAINER, "missing containerID");
  if (!VALID_NAME.test(id)) throw new CniError(ERR_INVALID_ENV, "invalid characters in containerID", id);
}

function validateInterfaceName(name: string): void {
  if (name.length === 0) throw new CniError(ERR_INVALID_ENV, "interface name is empty");
  if (name.length > 15) throw new CniError(ERR_INVALID_ENV, "interface name is too long", "interface name should be less than 16 characters");
  if (name === "." || name === "..") throw new CniError(ERR_INVALID_ENV, "interface name is . or ..");
  if (/[/:\s]/.test(name)) throw new CniError(ERR_INVALID_ENV, "interface name contains / or : or whitespace characters");
}

async function checkVersionAndCall(args: CmdArgs, ctx: ToolContext, call: (a: CmdArgs, c: ToolContext) => string | Promise<string>): Promise<string> {
  let configVersion: string;
  try {
    configVersion = decodeVersion(args.stdin);
  } catch (e) {
    if (e instanceof GoError) throw new CniError(ERR_DECODING, e.message);
    throw e;
  }
  if (!SUPPORTED_VERSIONS.includes(configVersion)) {
    throw new CniError(ERR_INCOMPATIBLE_VERSION, "incompatible CNI versions", `config is ${JSON.stringify(configVersion)}, plugin supports ${goQuoteList(SUPPORTED_VERSIONS)}`);
  }
  return call(args, ctx);
}
