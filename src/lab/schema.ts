/**
 * What a `*.lab.yaml` file may contain, as a JSON Schema: the one statement of
 * a lab's structure. ajv checks every lab against it (validate.ts), editors
 * can use it too (yaml-language-server). `hint` (a keyword of our own) says
 * in words what a valid value looks like, for messages.
 */

/** Host, network and lab names: they end up in file names and messages. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const NAME_HINT = "letters, digits, '.', '_' or '-', starting with a letter or digit";
export const MAX_NAME = 32;

/** Linux refuses device names of 16 bytes or more (IFNAMSIZ), ".", "..", and names with '/', ':' or spaces. */
export const IFNAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const IFNAME_HINT = "1 to 15 of letters, digits, '.', '_' or '-', not starting with '-' or '.'";
export const MAX_IFNAME = 15;

export const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
export const MAC_EXAMPLE = "00:0c:29:51:4c:e0";
/** An interface's MAC: unicast (the low bit of the first byte clear), and not all zeros. */
const UNICAST_MAC = "^[0-9A-Fa-f][02468AaCcEe](:[0-9A-Fa-f]{2}){5}$";
const ZERO_MAC = "^00(:00){5}$";

export const MAX_TIMEOUT = 600;

const NAME = NAME_RE.source;
/** Text with something in it besides spaces. */
const NOT_BLANK = "\\S";
/** host:dev or host/netns:dev, then (after a blank) a tcpdump filter. */
const CAPTURE = "^\\s*[^/:\\s]+(/[^/:\\s]+)?:[^/:\\s]+(\\s+\\S[\\s\\S]*)?$";

const stepProps = {
  name: { type: "string", pattern: NOT_BLANK, hint: "a label for the step" },
  on: { type: ["string", "number"], pattern: NAME, hint: "a host name" },
  run: { type: "string", pattern: NOT_BLANK, hint: "a shell command or script run in the host" },
  expect: { enum: ["ok", "fail"], hint: "ok (the command exits 0) or fail (it exits non-zero)" },
  capture: {
    type: ["array", "null"],
    uniqueItems: true,
    items: { type: "string", pattern: CAPTURE, hint: "host:dev or host/netns:dev, then optionally a tcpdump filter" },
    hint: "a list",
  },
  timeout: { type: "number", exclusiveMinimum: 0, maximum: MAX_TIMEOUT, hint: `a number of seconds, more than 0 and at most ${MAX_TIMEOUT}` },
  matrix: { type: "string", pattern: NOT_BLANK, hint: "a label for the all-pairs ping matrix, e.g. 'before host routes'" },
  family: { enum: ["inet", "inet6", "all"], hint: "inet (IPv4), inet6 (IPv6 global addresses) or all: the addresses a matrix pings" },
  "link-local": { type: "boolean", hint: "true (the matrix also pings every device's fe80:: link-local address, scoped to the sending device) or false" },
} as const;

const stepKeys = Object.keys(stepProps) as (keyof typeof stepProps)[];
/** Keys a matrix step cannot have: it pings every pair of addresses by itself. */
const COMMAND_STEP_KEYS = stepKeys.filter((k) => k !== "matrix" && k !== "family" && k !== "link-local");

const ifaceSchema = {
  type: "object",
  additionalProperties: false,
  required: ["network"],
  hint: "a map {network, mac}",
  properties: {
    network: { type: ["string", "number"], pattern: NAME, hint: "the name of a network under networks:" },
    mac: { type: "string", pattern: UNICAST_MAC, not: { pattern: ZERO_MAC }, hint: `a MAC address in quotes like "${MAC_EXAMPLE}"` },
  },
} as const;

const hostSchema = {
  type: ["object", "null"],
  additionalProperties: false,
  hint: "a map {interfaces, run}",
  properties: {
    interfaces: {
      type: ["object", "null"],
      hint: "a map of interface names to {network, mac}",
      propertyNames: { pattern: IFNAME_RE.source, maxLength: MAX_IFNAME, not: { const: "lo" }, hint: IFNAME_HINT },
      additionalProperties: ifaceSchema,
    },
    run: { type: ["string", "null"], hint: "a shell script (use `run: |` for several lines)" },
  },
} as const;

const stepSchema = {
  type: "object",
  additionalProperties: false,
  hint: "a map: an action {on, run}, a check {name, on, run, expect} or {matrix: LABEL}",
  properties: stepProps,
  // A matrix step pings every pair by itself; any other step runs a command on a host.
  if: { properties: { matrix: true }, required: ["matrix"] },
  then: { properties: Object.fromEntries(COMMAND_STEP_KEYS.map((k) => [k, false])) },
  else: { properties: { on: true, run: true, family: false, "link-local": false }, required: ["on", "run"] },
} as const;

export const labSchema = {
  type: "object",
  additionalProperties: false,
  required: ["hosts"],
  hint: "a map",
  properties: {
    name: { type: "string", pattern: NAME, maxLength: MAX_NAME, hint: `${NAME_HINT}, at most ${MAX_NAME} characters` },
    ipv6: { type: "boolean", hint: "true or false" },
    networks: {
      type: ["object", "null"],
      hint: "a map of network names to {} or {hairpin: true}",
      propertyNames: { pattern: NAME, maxLength: MAX_NAME, hint: NAME_HINT },
      additionalProperties: {
        type: ["object", "null"],
        additionalProperties: false,
        hint: "{} or {hairpin: true}",
        properties: { hairpin: { type: "boolean", hint: "true or false" } },
      },
    },
    hosts: {
      type: "object",
      minProperties: 1,
      hint: "a map of host names to {interfaces, run}",
      propertyNames: { pattern: NAME, maxLength: MAX_NAME, hint: NAME_HINT },
      additionalProperties: hostSchema,
    },
    steps: { type: ["array", "null"], hint: "a list", items: stepSchema },
    matrix: { type: ["boolean", "string"], pattern: NOT_BLANK, hint: "true (a matrix after the last step, as a shell-script lab gets), false, or that matrix's label" },
  },
} as const;

export const TOP_KEYS = Object.keys(labSchema.properties);
export const HOST_KEYS = Object.keys(hostSchema.properties);
export const IFACE_KEYS = Object.keys(ifaceSchema.properties);
export const STEP_KEYS: readonly string[] = stepKeys;
