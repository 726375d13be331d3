/**
 * The JSON Schema of a `*.lab.yaml` file. `hint` says, in words, what a valid
 * value looks like; the loader puts it in the error message.
 */
const NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";
// iproute2 refuses names of 16 bytes or more (IFNAMSIZ) and names with '/', ':' or spaces.
const IFNAME = "^[A-Za-z0-9_.-]{1,15}$";
const MAC = "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$";
const CAPTURE = "^[^/:\\s]+(/[^/:\\s]+)?:[^/:\\s]+$";

const stepProps = {
  name: { type: "string", minLength: 1, hint: "a label for the step" },
  on: { type: "string", minLength: 1, hint: "the name of a host of this lab" },
  run: { type: "string", minLength: 1, hint: "a shell command or script run in the host" },
  expect: { enum: ["ok", "fail"], hint: "ok (exit code 0) or fail (any other)" },
  capture: {
    type: "array",
    items: { type: "string", pattern: CAPTURE, hint: "host:dev or host/netns:dev, e.g. vm02:ens34 or vm02/ns01:ipvlan1" },
    hint: "a list of host:dev or host/netns:dev",
  },
  timeout: { type: "number", exclusiveMinimum: 0, maximum: 600, hint: "seconds, more than 0 and at most 600" },
  matrix: { type: "string", minLength: 1, hint: "a label for the all-pairs ping matrix, e.g. 'before host routes'" },
};

export const labSchema = {
  type: "object",
  additionalProperties: false,
  required: ["hosts"],
  properties: {
    name: { type: "string", pattern: NAME, hint: "letters, digits, '.', '_' or '-'" },
    ipv6: { type: "boolean", hint: "true or false" },
    networks: {
      type: "object",
      hint: "a map of network names to {} (each an L2 switch)",
      propertyNames: { pattern: NAME, hint: "letters, digits, '.', '_' or '-'" },
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
      propertyNames: { pattern: NAME, maxLength: 32, hint: "letters, digits, '.', '_' or '-', at most 32 characters" },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        hint: "{interfaces: {...}, run: |...}",
        properties: {
          interfaces: {
            type: ["object", "null"],
            hint: "a map of interface names to {network, mac}",
            propertyNames: { pattern: IFNAME, hint: "an interface name: 1 to 15 of letters, digits, '.', '_', '-'" },
            additionalProperties: {
              type: "object",
              additionalProperties: false,
              required: ["network"],
              hint: "{network: NAME, mac: \"00:0c:29:51:4c:e0\"}",
              properties: {
                network: { type: "string", minLength: 1, hint: "the name of a network under networks:" },
                mac: { type: "string", pattern: MAC, hint: "a MAC address like 00:0c:29:51:4c:e0" },
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
