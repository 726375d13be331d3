/**
 * What a `*.lab.yaml` file may contain: the keys of each map and the shape of
 * names. The checker (build.ts) enforces these with its own messages;
 * `labSchema` says the same as a JSON Schema, for editors
 * (yaml-language-server) and other tools. `hint` says in words what a valid
 * value looks like.
 */

/** Host, network and lab names: they end up in file names and messages. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const NAME_HINT = "letters, digits, '.', '_' or '-', starting with a letter or digit";
export const MAX_NAME = 32;

/** Linux refuses device names of 16 bytes or more (IFNAMSIZ), ".", "..", and names with '/', ':' or spaces. */
export const IFNAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
export const IFNAME_HINT = "1 to 15 of letters, digits, '.', '_' or '-', not starting with '-' or '.'";
export const MAX_IFNAME = 15;

export const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
export const MAC_EXAMPLE = "00:0c:29:51:4c:e0";

export const MAX_TIMEOUT = 600;

export const TOP_KEYS = ["name", "ipv6", "networks", "hosts", "steps"] as const;
export const HOST_KEYS = ["interfaces", "run"] as const;
export const IFACE_KEYS = ["network", "mac"] as const;
export const STEP_KEYS = ["name", "on", "run", "expect", "capture", "timeout", "matrix"] as const;
/** Keys a matrix step cannot have: it pings every pair of addresses by itself. */
export const COMMAND_STEP_KEYS = ["name", "on", "run", "expect", "capture", "timeout"] as const;
export const EXPECTS = ["ok", "fail"] as const;

const NAME = NAME_RE.source;
const IFNAME = IFNAME_RE.source;
const MAC = MAC_RE.source;
const CAPTURE = "^[^/:\\s]+(/[^/:\\s]+)?:[^/:\\s]+$";

const stepProps = {
  name: { type: "string", minLength: 1, hint: "a label for the step" },
  on: { type: "string", minLength: 1, hint: "the name of a host of this lab" },
  run: { type: "string", minLength: 1, hint: "a shell command or script run in the host" },
  expect: { enum: [...EXPECTS], hint: "ok (exit code 0) or fail (any other)" },
  capture: {
    type: "array",
    items: { type: "string", pattern: CAPTURE, hint: "host:dev or host/netns:dev, e.g. vm02:ens34 or vm02/ns01:ipvlan1" },
    hint: "a list of host:dev or host/netns:dev",
  },
  timeout: { type: "number", exclusiveMinimum: 0, maximum: MAX_TIMEOUT, hint: `seconds, more than 0 and at most ${MAX_TIMEOUT}` },
  matrix: { type: "string", minLength: 1, hint: "a label for the all-pairs ping matrix, e.g. 'before host routes'" },
};

export const labSchema = {
  type: "object",
  additionalProperties: false,
  required: ["hosts"],
  properties: {
    name: { type: "string", pattern: NAME, hint: NAME_HINT },
    ipv6: { type: "boolean", hint: "true or false" },
    networks: {
      type: ["object", "null"],
      hint: "a map of network names to {} (each an L2 switch)",
      propertyNames: { pattern: NAME, maxLength: MAX_NAME, hint: NAME_HINT },
      additionalProperties: {
        type: ["object", "null"],
        additionalProperties: false,
        properties: {},
        hint: "{} (networks take no options yet)",
      },
    },
    hosts: {
      type: "object",
      minProperties: 1,
      hint: "a map of host names to {interfaces, run}",
      propertyNames: { pattern: NAME, maxLength: MAX_NAME, hint: `${NAME_HINT}, at most ${MAX_NAME} characters` },
      additionalProperties: {
        type: ["object", "null"],
        additionalProperties: false,
        hint: "{interfaces: {...}, run: |...}",
        properties: {
          interfaces: {
            type: ["object", "null"],
            hint: "a map of interface names to {network, mac}",
            propertyNames: { pattern: IFNAME, not: { const: "lo" }, hint: `an interface name: ${IFNAME_HINT}` },
            additionalProperties: {
              type: "object",
              additionalProperties: false,
              required: ["network"],
              hint: `{network: NAME, mac: "${MAC_EXAMPLE}"}`,
              properties: {
                network: { type: "string", minLength: 1, hint: "the name of a network under networks:" },
                mac: { type: "string", pattern: MAC, hint: `a unicast MAC address like ${MAC_EXAMPLE}` },
              },
            },
          },
          run: { type: ["string", "null"], hint: "a shell script (use `run: |` for several lines)" },
        },
      },
    },
    steps: {
      type: ["array", "null"],
      hint: "a list of steps",
      items: {
        type: "object",
        additionalProperties: false,
        hint: "an action {on, run}, a check {name, on, run, expect} or {matrix: LABEL}",
        properties: stepProps,
      },
    },
  },
} as const;
